"""The BM25 index written beside the vector index (layout: docs/reference/ranking.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from mkdocs_embed.index.lexical_file import encode_lexical
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


def build_lexical(chunks: Sequence[ChunkLike], language: str = "english") -> bytes:
    """Return the uncompressed lexical file; chunk ids are list positions."""
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
    terms = sorted(postings)
    encoded = []
    for term in terms:
        flat: list[int] = []
        prev = 0
        for doc, count in postings[term]:
            flat += (doc - prev, count)
            prev = doc
        encoded.append(flat)
    header = {
        "language": language,
        "stopwords": sorted(analyzer.stopwords),
        "k1": K1,
        "b": B,
        "heading_boost": HEADING_BOOST,
        "terms": terms,
    }
    return encode_lexical(header, lengths, encoded)
