"""BM25 over the lexical asset, computed exactly as js/src/core/lexical.ts does.

Every score is built from the same IEEE double operations in the same order
on both sides (docs/reference/ranking.md, "Determinism"), so Python and the
browser return the same ids in the same order.
"""

from __future__ import annotations

import json
import math
from typing import Any

from mkdocs_embed.index_format import FormatError
from mkdocs_embed.search.analyze import Analyzer

SUPPORTED_VERSION = 1
_IDF_GRID = 1048576.0  # 2**20: rounding idf to this grid hides libm's last-bit differences


class LexicalIndex:
    """A loaded lexical asset; ``search`` is BM25 with the asset's parameters."""

    def __init__(self, asset: dict[str, Any]) -> None:
        if not isinstance(asset, dict):
            raise FormatError("lexical index is not a JSON object; rebuild the site")
        if asset.get("version") != SUPPORTED_VERSION:
            raise FormatError(
                f"lexical index version {asset.get('version')!r} is not supported "
                f"(this reader knows {SUPPORTED_VERSION}); rebuild the site"
            )
        try:
            if not isinstance(asset["language"], str):
                raise TypeError("language must be a string")
            self.analyzer = Analyzer(asset["language"], asset["stopwords"])
            self.k1 = float(asset["k1"])
            self.b = float(asset["b"])
            self.lengths: list[int] = asset["lengths"]
            self._terms = {t: i for i, t in enumerate(asset["terms"])}
            self._postings: list[list[int]] = asset["postings"]
            _check_numbers(self)
        except (KeyError, TypeError, ValueError, OverflowError) as e:
            raise FormatError(f"lexical index is malformed ({e}); rebuild the site") from None
        n = len(self.lengths)
        avgdl = (sum(self.lengths) / n) if n else 1.0
        if avgdl == 0:
            avgdl = 1.0
        k1, b = self.k1, self.b
        self._norm = [k1 * (1 - b + b * dl / avgdl) for dl in self.lengths]

    @classmethod
    def from_bytes(cls, data: bytes) -> LexicalIndex:
        """Load the decompressed JSON bytes of ``lexical.*.json.zst``."""
        try:
            return cls(json.loads(data))
        except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
            raise FormatError(f"lexical index is not valid JSON ({e}); rebuild the site") from None

    def idf(self, df: int) -> float:
        n = len(self.lengths)
        raw = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return math.floor(raw * _IDF_GRID + 0.5) / _IDF_GRID

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every chunk that holds at least one query term."""
        acc: dict[int, float] = {}
        k1p1 = self.k1 + 1
        for term in self.analyzer.query_terms(query):
            i = self._terms.get(term)
            if i is None:
                continue
            flat = self._postings[i]
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


def _check_numbers(index: LexicalIndex) -> None:
    """Every length, posting and parameter in range, so a damaged asset fails here, not in a search."""
    if not all(math.isfinite(x) for x in (index.k1, index.b)):
        raise ValueError("k1 and b must be finite")
    if not isinstance(index.lengths, list) or not all(_count(x) for x in index.lengths):
        raise ValueError("lengths must be a list of counts")
    if not isinstance(index._postings, list) or len(index._postings) != len(index._terms):
        raise ValueError("terms and postings differ in length")
    for flat in index._postings:
        if not isinstance(flat, list) or len(flat) % 2 or not all(_count(x) for x in flat):
            raise ValueError("a posting list is not pairs of counts")
        if sum(flat[0::2]) >= len(index.lengths):
            raise ValueError("a posting points past the last chunk")


def _count(x: Any) -> bool:
    return type(x) is int and 0 <= x < 2**32
