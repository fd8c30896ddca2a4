"""BM25 over the lexical asset, computed exactly as js/src/core/lexical.ts does.

Every score is built from the same IEEE double operations in the same order
on both sides (docs/reference/ranking.md, "Determinism"), so Python and the
browser return the same ids in the same order.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable

from mkdocs_embed.format.base import FormatError
from mkdocs_embed.format.lexical import LexicalHead, Shard, decode_head, decode_shard, shard_of
from mkdocs_embed.search.analyze import PREFIX_MIN, Analyzer

_IDF_GRID = 1048576.0  # 2**20: rounding idf to this grid hides libm's last-bit differences
PREFIX_TERMS = 8
"""Index terms that the word being typed stands for, at most: the ones in most chunks."""
PREFIX_WEIGHT = 0.5
"""A prefix match counts half a whole-word match, so whole words rank first."""
_SEPARATOR = re.compile(r"[._\-]")
STEM_SLACK = 3
"""A typed word may run this many characters past a stem it extends (``installa`` → ``instal``)."""




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
        # What the word being typed may become, sorted once per index rather than scanned per query. Whole
        # compounds (``install.html``) are left out, their parts are terms of their own; so are terms beyond
        # the BMP, which the widget's UTF-16 order would sort apart.
        typeable = sorted(
            (term, int(shard.df[i])) for shard in shards for term, i in shard.terms.items()
            if not _SEPARATOR.search(term) and max(term) <= "\uffff"
        )
        self._typeable_terms = [term for term, _ in typeable]
        self._typeable_df = [df for _, df in typeable]
        self._df_of_typeable = dict(typeable)

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

    def prefix_terms(self, query: str) -> list[tuple[str, int]]:
        """The index terms that the query's word being typed may become, with their df, most frequent
        first (then in code-unit order), leaving out the query's own terms; empty when no word is being
        typed."""
        prefix = self.analyzer.typed_prefix(query)
        if prefix is None:
            return []
        found = []
        start = bisect_left(self._typeable_terms, prefix)  # the terms that start with it
        for at in range(start, len(self._typeable_terms)):
            if not self._typeable_terms[at].startswith(prefix):
                break
            found.append((self._typeable_terms[at], self._typeable_df[at]))
        # or that it runs a little past: stems drop suffixes, so ``configura`` is on its way to ``configur``
        for size in range(max(PREFIX_MIN, len(prefix) - STEM_SLACK), len(prefix)):
            df = self._df_of_typeable.get(prefix[:size])
            if df is not None:
                found.append((prefix[:size], df))
        whole = set(self.analyzer.query_terms(query))
        found = [item for item in found if item[0] not in whole]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found[:PREFIX_TERMS]

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every chunk that holds at least one query term or prefix term.

        Prefix terms all take the idf of the most frequent one, and count ``PREFIX_WEIGHT`` of a whole
        word: a half-typed word says which words are possible, not which rare one is meant.
        """
        acc: dict[int, float] = {}
        k1p1 = self.k1 + 1
        expansions = self.prefix_terms(query)
        prefix_idf = self.idf(expansions[0][1]) if expansions else 0.0
        terms = [(t, False) for t in self.analyzer.query_terms(query)] + [(t, True) for t, _ in expansions]
        for term, prefix in terms:
            shard = self._shards[shard_of(term, len(self._shards))]
            i = shard.terms.get(term)
            if i is None:
                continue
            flat = shard.pairs(i)
            idf = prefix_idf if prefix else self.idf(len(flat) // 2)
            weight = PREFIX_WEIGHT if prefix else 1.0
            doc = 0
            for j in range(0, len(flat), 2):
                doc += flat[j]
                tf = flat[j + 1]
                acc[doc] = acc.get(doc, 0.0) + weight * (idf * (tf * k1p1) / (tf + self._norm[doc]))
        return acc

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The best ``k`` chunks as (id, score), by score descending then id ascending."""
        return top_k(self.scores(query), k)


def top_k(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """The ``k`` best (id, score), by score descending then id ascending."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
