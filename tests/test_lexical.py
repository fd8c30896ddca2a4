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
from mkdocs_embed.index.lexical_file import decode_lexical, encode_lexical, varints
from mkdocs_embed.index_format import FormatError
from mkdocs_embed.search.analyze import Analyzer
from mkdocs_embed.search.lexical import LexicalIndex

FIXTURE = Path(__file__).parent / "fixtures" / "lexical"


class Chunk:
    def __init__(self, path: list[str], text: str) -> None:
        self.path = tuple(path)
        self.text = text


def fixture_chunks() -> list[Chunk]:
    return [Chunk(c["path"], c["text"]) for c in json.loads((FIXTURE / "chunks.json").read_text("utf-8"))]


def test_fixture_asset_is_what_the_builder_writes_today():
    assert build_lexical(fixture_chunks()) == (FIXTURE / "lexical.bin").read_bytes()


def test_fixture_rankings_are_what_the_reader_returns_today():
    index = LexicalIndex.from_bytes((FIXTURE / "lexical.bin").read_bytes())
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
    index = LexicalIndex.from_bytes(build_lexical(chunks))
    for q in ("cache_dir", "overlap_tokens", "HF_HUB_OFFLINE"):
        top, _ = index.search(q, 1)[0]
        assert q in chunks[top].text


def test_heading_match_outranks_a_passing_mention():
    chunks = [
        Chunk(["Guide", "Deploy"], "Push the site to a host."),
        Chunk(["Guide", "Notes"], "Before you deploy, read the notes about hosting and more words here."),
    ]
    index = LexicalIndex.from_bytes(build_lexical(chunks))
    assert [i for i, _ in index.search("deploy", 2)] == [0, 1]


def test_ties_go_to_the_lower_id_and_k_cuts():
    chunks = [Chunk(["P"], "alpha beta"), Chunk(["P"], "alpha beta"), Chunk(["P"], "gamma")]
    index = LexicalIndex.from_bytes(build_lexical(chunks))
    hits = index.search("alpha", 5)
    assert [i for i, _ in hits] == [0, 1] and hits[0][1] == hits[1][1]
    assert index.search("alpha", 1) == hits[:1]
    assert index.search("", 5) == [] and index.search("zzz", 5) == []


def test_empty_chunk_list_builds_and_searches():
    assert LexicalIndex.from_bytes(build_lexical([])).search("anything", 3) == []


def _parts(data: bytes) -> tuple[dict, list[int], list[list[int]]]:
    """A lexical file taken apart, so a test can damage one field and encode it again."""
    file = decode_lexical(data)
    return dict(file.header), file.lengths.tolist(), [file.pairs(t) for t in range(len(file.df))]


def test_fixture_taken_apart_encodes_to_the_same_bytes():
    data = (FIXTURE / "lexical.bin").read_bytes()
    header, lengths, postings = _parts(data)
    assert encode_lexical(header, lengths, postings) == data


def test_bad_assets_are_refused_with_a_message():
    header, lengths, postings = _parts((FIXTURE / "lexical.bin").read_bytes())
    with pytest.raises(FormatError, match="truncated"):
        LexicalIndex.from_bytes(b"{oo")
    with pytest.raises(FormatError, match="version 1 is not supported"):
        LexicalIndex.from_bytes(struct.pack("<I", 16) + b'{"version":1}   ' + b"\0" * 8)
    with pytest.raises(FormatError, match="malformed"):
        LexicalIndex.from_bytes(encode_lexical({**header, "k1": "x"}, lengths, postings))
    with pytest.raises(FormatError, match="terms and tables"):
        LexicalIndex.from_bytes(encode_lexical({**header, "terms": []}, lengths, postings))
    first = lambda flat: encode_lexical(header, lengths, [flat, *postings[1:]])  # noqa: E731
    with pytest.raises(FormatError, match="past the last chunk"):
        LexicalIndex.from_bytes(first([len(lengths), 1]))
    with pytest.raises(FormatError, match="empty or repeated"):
        LexicalIndex.from_bytes(first([0, 0]))
    with pytest.raises(FormatError, match="empty or repeated"):
        LexicalIndex.from_bytes(first([0, 1, 0, 1]))
    good = first([0, 2**32 - 1])
    assert len(LexicalIndex.from_bytes(good).lengths) == len(lengths)
    with pytest.raises(FormatError):
        LexicalIndex.from_bytes(good[:-1])
    for too_long in (b"\xff\xff\xff\xff\xff\x01", b"\xff\xff\xff\xff\x7f"):
        with pytest.raises(FormatError, match="longer than 32 bits"):
            varints(too_long)


def test_asset_is_compact():
    chunks = fixture_chunks()
    raw = build_lexical(chunks)
    packed = zstandard.ZstdCompressor(level=19).compress(raw)
    text = sum(len(c.text.encode()) for c in chunks)
    assert len(packed) < text / 2, (len(packed), text)
