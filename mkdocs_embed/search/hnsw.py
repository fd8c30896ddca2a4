"""The query algorithm of the index format, step for step as in ``js/src/core/hnsw.ts``.

Similarities are exact integer dot products times a float32 scale, taken in
double precision, and ties go to the lower id: both readers therefore return
the same ids in the same order.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from ..index.hnsw import Graph


def quantize_query(query: np.ndarray) -> tuple[np.ndarray, float] | None:
    """``(qq, s)`` for a float query, or None for a zero vector."""
    q = query.astype(np.float64)
    peak = float(np.abs(query).max()) if len(query) else 0.0
    if peak == 0.0 or not math.isfinite(peak):
        return None
    s = peak / 127.0
    qq = np.clip(np.floor(q / s + 0.5), -127, 127).astype(np.int64)
    return qq, s


class GraphSearch:
    """Search one exported HNSW graph over int8 vectors."""

    def __init__(self, graph: Graph, scales: np.ndarray, vectors: np.ndarray, ef_search: int):
        self.graph = graph
        self.scales = scales.astype(np.float64)
        self.vectors = vectors.astype(np.int64)
        self.ef_search = ef_search
        self._upper = [dict(zip(nodes.tolist(), links)) for nodes, links in zip(graph.nodes, graph.links)]

    def scores(self, query: np.ndarray, ids: list[int]) -> list[tuple[int, float]]:
        """The score ``search`` gives each of ``ids``, wherever it ranks (empty for a zero query)."""
        quantized = quantize_query(query)
        if quantized is None:
            return []
        qq, s = quantized
        return [(i, float(self.scales[i]) * float(int(self.vectors[i] @ qq)) * s) for i in ids]

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` chunk ids with their scores, best first."""
        quantized = quantize_query(query)
        if quantized is None or len(self.scales) == 0 or k <= 0:
            return []
        qq, s = quantized
        cache: dict[int, float] = {}

        def sim(i: int) -> float:
            if i not in cache:
                cache[i] = float(self.scales[i]) * float(int(self.vectors[i] @ qq))
            return cache[i]

        def before(a: int, b: int) -> bool:
            sa, sb = sim(a), sim(b)
            return sa > sb or (sa == sb and a < b)

        cur = self.graph.entry
        for level in range(self.graph.max_level, 0, -1):
            changed = True
            while changed:
                changed = False
                for x in self._upper[level].get(cur, ()).tolist():
                    if before(x, cur):
                        cur, changed = x, True
        results = self._level0(cur, max(self.ef_search, k), sim)
        return [(i, sim(i) * s) for i in results[:k]]

    def _level0(self, entry: int, ef: int, sim) -> list[int]:
        # Heaps keyed on the total order: candidates best-first, results worst-first.
        candidates = [(-sim(entry), entry)]
        results = [(sim(entry), -entry)]
        visited = {entry}
        links0 = self.graph.links[0]
        while candidates:
            neg, c = heapq.heappop(candidates)
            worst_sim, worst_neg_id = results[0]
            if len(results) >= ef and (-neg < worst_sim or (-neg == worst_sim and c > -worst_neg_id)):
                break
            for x in links0[c].tolist():
                if x in visited:
                    continue
                visited.add(x)
                sx = sim(x)
                worst_sim, worst_neg_id = results[0]
                if len(results) < ef or sx > worst_sim or (sx == worst_sim and x < -worst_neg_id):
                    heapq.heappush(candidates, (-sx, x))
                    heapq.heappush(results, (sx, -x))
                    if len(results) > ef:
                        heapq.heappop(results)
        return [i for _, i in sorted((-s, -n) for s, n in results)]
