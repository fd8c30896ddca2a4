"""The lexical index: analyzer rules, BM25, and the fixture the JS reader is checked against."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
import snowballstemmer
import zstandard

from mkdocs_embed.errors import EmbedError
from mkdocs_embed.index.lexical import build_lexical
from mkdocs_embed.format.base import FormatError
from mkdocs_embed.format.lexical import LexicalBuild, encode_shard, shard_of, varints
from mkdocs_embed.search.analyze import Analyzer
from mkdocs_embed.search.lexical import LexicalIndex

FIXTURE = Path(__file__).parent / "fixtures" / "lexical"


class Chunk:
    def __init__(self, path: list[str], text: str) -> None:
        self.path = tuple(path)
        self.text = text


def fixture_chunks() -> list[Chunk]:
    return [Chunk(c["path"], c["text"]) for c in json.loads((FIXTURE / "chunks.json").read_text("utf-8"))]


def load(build: LexicalBuild) -> LexicalIndex:
    """A built index as a reader sees it: its head, and its postings files by name."""
    names = [f"postings.{i}" for i in range(len(build.shards))]
    return LexicalIndex.from_files(build.head(names), dict(zip(names, build.shards)).__getitem__)


def fixture_index() -> LexicalIndex:
    return LexicalIndex.from_files((FIXTURE / "lexical.bin").read_bytes(), lambda name: (FIXTURE / name).read_bytes())


def test_fixture_files_are_what_the_builder_writes_today():
    build = build_lexical(fixture_chunks(), shard_bytes=4 << 10)
    names = [f"postings.{i}.bin" for i in range(len(build.shards))]
    assert len(names) > 1 and build.head(names) == (FIXTURE / "lexical.bin").read_bytes()
    assert build.shards == [(FIXTURE / name).read_bytes() for name in names]


def test_fixture_rankings_are_what_the_reader_returns_today():
    index = fixture_index()
    for case in json.loads((FIXTURE / "queries.json").read_text("utf-8")):
        assert [[i, s] for i, s in index.search(case["query"], 20)] == case["ranking"], case["query"]


def test_fixture_terms_and_stems_are_what_the_analyzer_yields_today():
    analyzer = Analyzer("english")
    for case in json.loads((FIXTURE / "analyze.json").read_text("utf-8")):
        assert analyzer.terms(case["text"]) == case["terms"]
    stem = snowballstemmer.stemmer("english")
    for line in (FIXTURE / "stems.tsv").read_text("utf-8").splitlines():
        word, expected = line.split("\t")
        assert stem.stemWord(word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site_dir", ["site", "dir", "site_dir"]),
        ("--strict", ["strict"]),
        ("mkdocs.yml", ["mkdoc", "yml", "mkdocs.yml"]),
        ("HF_HUB_OFFLINE", ["hf", "hub", "offlin", "hf_hub_offline"]),
        ("getURLForPage", ["get", "url", "page", "geturlforpage"]),
        ("End of sentence.", ["end", "sentenc"]),
        ("检索", ["检索"]),
        ("全文检索", ["全文", "文检", "检索"]),
    ],
)
def test_analyzer_splits_identifiers_and_keeps_them_whole(text, expected):
    assert Analyzer("english").terms(text) == expected


def test_query_terms_are_distinct_and_in_order():
    assert Analyzer("english").query_terms("build builds the BUILD step") == ["build", "step"]


def test_unknown_language_is_a_clear_error():
    with pytest.raises(EmbedError, match="no stemmer for language 'klingon'"):
        Analyzer("klingon")


def test_language_none_does_not_stem():
    assert Analyzer("none").terms("Installing plugins") == ["installing", "plugins"]


def test_identifier_query_ranks_the_chunk_that_spells_it_first():
    chunks = fixture_chunks()
    index = load(build_lexical(chunks))
    for q in ("cache_dir", "overlap_tokens", "HF_HUB_OFFLINE"):
        top, _ = index.search(q, 1)[0]
        assert q in chunks[top].text


def test_heading_match_outranks_a_passing_mention():
    chunks = [
        Chunk(["Guide", "Deploy"], "Push the site to a host."),
        Chunk(["Guide", "Notes"], "Before you deploy, read the notes about hosting and more words here."),
    ]
    index = load(build_lexical(chunks))
    assert [i for i, _ in index.search("deploy", 2)] == [0, 1]


def test_ties_go_to_the_lower_id_and_k_cuts():
    chunks = [Chunk(["P"], "alpha beta"), Chunk(["P"], "alpha beta"), Chunk(["P"], "gamma")]
    index = load(build_lexical(chunks))
    hits = index.search("alpha", 5)
    assert [i for i, _ in hits] == [0, 1] and hits[0][1] == hits[1][1]
    assert index.search("alpha", 1) == hits[:1]
    assert index.search("", 5) == [] and index.search("zzz", 5) == []


def test_empty_chunk_list_builds_and_searches():
    assert load(build_lexical([])).search("anything", 3) == []


def test_damaged_files_are_refused_with_a_message():
    build = build_lexical(fixture_chunks(), shard_bytes=4 << 10)
    names = [f"p{i}" for i in range(len(build.shards))]

    def open_with(head: bytes, shards: list[bytes]) -> LexicalIndex:
        return LexicalIndex.from_files(head, dict(zip(names, shards)).__getitem__)

    assert open_with(build.head(names), build.shards).search("install", 1)
    with pytest.raises(FormatError, match="truncated"):
        open_with(b"{oo", build.shards)
    with pytest.raises(FormatError, match="version 1 is not supported"):
        open_with(struct.pack("<I", 16) + b'{"version":1}   ' + b"\0" * 8, build.shards)
    bad_k1 = LexicalBuild({**build.header, "k1": "x"}, build.lengths, build.shards)
    with pytest.raises(FormatError, match="finite k1 and b"):
        open_with(bad_k1.head(names), build.shards)
    with pytest.raises(FormatError, match="outside the index folder"):
        open_with(build.head(["../" + name for name in names]), build.shards)
    with pytest.raises(FormatError, match="lists no postings files"):
        open_with(build.head([]), [])
    with pytest.raises(FormatError, match="lengths are truncated"):
        open_with(build.head(names)[:-1], build.shards)
    n = len(build.lengths)
    term = next(t for t in ("install", "cache", "plugin", "model") if shard_of(t, len(names)) == 0)

    def first(flat: list[int]) -> list[bytes]:
        return [encode_shard([term], [len(flat) // 2], [_leb(flat)]), *build.shards[1:]]

    with pytest.raises(FormatError, match="past the last chunk"):
        open_with(build.head(names), first([n, 1]))
    with pytest.raises(FormatError, match="empty or repeated"):
        open_with(build.head(names), first([0, 0]))
    with pytest.raises(FormatError, match="empty or repeated"):
        open_with(build.head(names), first([0, 1, 0, 1]))
    good = first([0, 2**32 - 1])
    assert len(open_with(build.head(names), good).lengths) == n
    with pytest.raises(FormatError):
        open_with(build.head(names), [good[0][:-1], *good[1:]])
    other = next(t for t in ("install", "cache", "plugin", "model", "theme") if shard_of(t, len(names)) != 0)
    with pytest.raises(FormatError, match="term of another postings file"):
        open_with(build.head(names), [encode_shard([other], [1], [_leb([0, 1])]), *build.shards[1:]])
    for too_long in (b"\xff\xff\xff\xff\xff\x01", b"\xff\xff\xff\xff\x7f"):
        with pytest.raises(FormatError, match="longer than 32 bits"):
            varints(too_long)


def _leb(values: list[int]) -> bytes:
    out = bytearray()
    for v in values:
        while v >= 0x80:
            out.append(v & 0x7F | 0x80)
            v >>= 7
        out.append(v)
    return bytes(out)


def test_asset_is_compact():
    chunks = fixture_chunks()
    build = build_lexical(chunks)
    packed = sum(len(zstandard.ZstdCompressor(level=19).compress(f)) for f in [build.head(["p"] * len(build.shards)), *build.shards])
    text = sum(len(c.text.encode()) for c in chunks)
    assert packed < text / 2, (packed, text)


def test_the_word_being_typed_matches_as_a_prefix_and_whole_words_rank_first():
    chunks = [
        Chunk(["Guide", "Setup"], "Install the package with pip."),
        Chunk(["Guide", "Notes"], "An installation takes a minute."),
        Chunk(["Guide", "Other"], "Instead of reading, try it."),
        Chunk(["Guide", "More"], "Nothing to see."),
    ]
    index = load(build_lexical(chunks))
    assert {i for i, _ in index.search("ins", 10)} == {0, 1, 2}, "a 3-letter prefix finds every word it starts"
    assert [t for t, _ in index.prefix_terms("ins")] == ["instal", "instead"], "most frequent first"
    assert index.search("in", 10) == [] and index.search("ins ", 10) == [], "too short, or no longer being typed"
    assert [i for i, _ in index.search("installa", 10)] == [0, 1], "a word run past its stem still matches it"
    whole = dict(index.search("instead", 10))
    assert set(whole) == {2}, "a finished word is a whole-word match only when nothing extends it"
    mixed = load(build_lexical([Chunk(["A"], "cache and more words here"), Chunk(["B"], "cachedir cachedir cachedir")]))
    assert [i for i, _ in mixed.search("cache", 2)] == [0, 1], "the whole word outranks more prefix matches"
    assert mixed.prefix_terms("cache_dir") == [], "a compound is typed out as a name"
