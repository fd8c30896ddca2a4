"""The BM25 index written beside the vector index (layout: docs/reference/ranking.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from mkdocs_embed.format.lexical import LexicalBuild, build_file
from mkdocs_embed.memo import RebuildMemo
from mkdocs_embed.search.analyze import Analyzer

K1 = 1.2
B = 0.75
# A heading-path term counts as this many body terms: a chunk whose section is
# called "Install" should beat one that mentions installing in passing.
HEADING_BOOST = 3


_TERMS: RebuildMemo[tuple[str, str], list[str]] = RebuildMemo()
"""Terms of each text analysed by the previous build; see :mod:`mkdocs_embed.memo`."""


class ChunkLike(Protocol):
    path: tuple[str, ...]
    text: str


def _terms(analyzer: Analyzer, text: str) -> list[str]:
    return _TERMS.get((analyzer.language, text), lambda: analyzer.terms(text))


def build_lexical(chunks: Sequence[ChunkLike], language: str = "english", shard_bytes: int | None = None) -> LexicalBuild:
    """The lexical index's head fields and postings files (of about ``shard_bytes``); chunk ids are list positions."""
    analyzer = Analyzer(language)
    postings: dict[str, list[tuple[int, int]]] = {}
    lengths: list[int] = []
    for doc, chunk in enumerate(chunks):
        heading = _terms(analyzer, " ".join(chunk.path))
        body = _terms(analyzer, chunk.text)
        tf = Counter(body)
        for term in heading:
            tf[term] += HEADING_BOOST
        lengths.append(len(heading) + len(body))
        for term, count in tf.items():
            postings.setdefault(term, []).append((doc, count))

    _TERMS.end_build()
    flat: dict[str, list[int]] = {}
    for term, pairs in postings.items():
        gaps = flat[term] = []
        prev = 0
        for doc, count in pairs:
            gaps += (doc - prev, count)
            prev = doc
    header = {"language": language, "stopwords": sorted(analyzer.stopwords), "k1": K1, "b": B, "heading_boost": HEADING_BOOST}
    return build_file(header, lengths, flat, shard_bytes)
