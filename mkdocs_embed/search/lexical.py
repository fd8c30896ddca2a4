"""BM25 over the lexical asset, computed exactly as js/src/core/lexical.ts does.

Every score is built from the same IEEE double operations in the same order
on both sides (docs/reference/ranking.md, "Determinism"), so Python and the
browser return the same ids in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from mkdocs_embed.format.base import FormatError
from mkdocs_embed.format.lexical import LexicalHead, Shard, decode_head, decode_shard, shard_of
from mkdocs_embed.search.analyze import Analyzer

_IDF_GRID = 1048576.0  # 2**20: rounding idf to this grid hides libm's last-bit differences


class LexicalIndex:
    """A loaded lexical index, head and every postings file; ``search`` is BM25 with its parameters."""

    def __init__(self, head: LexicalHead, shards: list[Shard]) -> None:
        self.analyzer = Analyzer(head.language, head.stopwords)
        self.k1, self.b = head.k1, head.b
        if len(shards) != len(head.postings):
            raise FormatError("lexical index: a postings file is missing")
        self._shards = shards
        self.lengths: list[int] = head.lengths.tolist()
        n = len(self.lengths)
        avgdl = (sum(self.lengths) / n) if n else 1.0
        if avgdl == 0:
            avgdl = 1.0
        k1, b = self.k1, self.b
        self._norm = [k1 * (1 - b + b * dl / avgdl) for dl in self.lengths]

    @classmethod
    def from_files(cls, head: bytes, read: Callable[[str], bytes], n_chunks: int | None = None) -> LexicalIndex:
        """Load the decompressed head file (of ``n_chunks`` chunks, where given) and, through ``read`` (name → decompressed bytes), every postings file."""
        decoded = decode_head(head, n_chunks)
        n, count = len(decoded.lengths), len(decoded.postings)
        return cls(decoded, [decode_shard(read(name), n, i, count, name) for i, name in enumerate(decoded.postings)])

    def idf(self, df: int) -> float:
        n = len(self.lengths)
        raw = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return math.floor(raw * _IDF_GRID + 0.5) / _IDF_GRID

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every chunk that holds at least one query term."""
        acc: dict[int, float] = {}
        k1p1 = self.k1 + 1
        for term in self.analyzer.query_terms(query):
            shard = self._shards[shard_of(term, len(self._shards))]
            i = shard.terms.get(term)
            if i is None:
                continue
            flat = shard.pairs(i)
            idf = self.idf(len(flat) // 2)
            doc = 0
            for j in range(0, len(flat), 2):
                doc += flat[j]
                tf = flat[j + 1]
                acc[doc] = acc.get(doc, 0.0) + idf * (tf * k1p1) / (tf + self._norm[doc])
        return acc

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The best ``k`` chunks as (id, score), by score descending then id ascending."""
        ranked = sorted(self.scores(query).items(), key=lambda item: (-item[1], item[0]))
        return ranked[:k]
