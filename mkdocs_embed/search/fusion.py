"""Reciprocal-rank fusion of the dense and lexical lists, and heading boosts.

Mirrored by js/src/core/fusion.ts; every score is the same sequence of double
operations on both sides (docs/reference/ranking.md, "Fusion").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mkdocs_embed.search.analyze import Analyzer

RRF_K = 60
# A chunk whose own heading holds every query term gets half a first place
# in one list more; a page title holding them, a quarter. Chosen on both eval sets.
HEADING_WEIGHT = 0.5
TITLE_WEIGHT = 0.25


def fuse(
    dense: Sequence[int],
    lexical: Sequence[int],
    k: int = RRF_K,
    boosts: Mapping[int, float] | None = None,
) -> list[tuple[int, float]]:
    """RRF over two id lists in rank order: ``Σ 1/(k + rank)`` plus ``boost/(k + 1)``.

    Returns every id of either list as (id, score), score descending, id ascending.
    """
    dense_rank = _ranks(dense)
    lexical_rank = _ranks(lexical)
    fused = []
    for d in dict.fromkeys([*dense, *lexical]):
        score = 0.0
        if d in dense_rank:
            score += 1 / (k + dense_rank[d])
        if d in lexical_rank:
            score += 1 / (k + lexical_rank[d])
        boost = boosts.get(d, 0.0) if boosts else 0.0
        if boost:
            score += boost / (k + 1)
        fused.append((d, score))
    fused.sort(key=lambda item: (-item[1], item[0]))
    return fused


def _ranks(ids: Sequence[int]) -> dict[int, int]:
    """1-based rank of each id; a repeated id keeps its first rank."""
    ranks: dict[int, int] = {}
    for r, d in enumerate(ids, 1):
        ranks.setdefault(d, r)
    return ranks


def heading_boost(query_terms: Sequence[str], path: Sequence[str], analyzer: Analyzer) -> float:
    """How much of the query the chunk's own heading and its page title hold, weighted."""
    if not query_terms or not path:
        return 0.0
    own = set(analyzer.terms(path[-1]))
    title = set(analyzer.terms(path[0]))
    n = len(query_terms)
    in_own = sum(1 for t in query_terms if t in own)
    in_title = sum(1 for t in query_terms if t in title)
    return HEADING_WEIGHT * in_own / n + TITLE_WEIGHT * in_title / n


def hybrid(
    query: str,
    dense: Sequence[int],
    lexical: Sequence[int],
    paths: Sequence[Sequence[str]],
    analyzer: Analyzer,
    k: int = RRF_K,
) -> list[tuple[int, float]]:
    """``fuse`` with heading boosts for every candidate; ``paths[id]`` is a chunk's heading path."""
    terms = analyzer.query_terms(query)
    boosts = {d: heading_boost(terms, paths[d], analyzer) for d in dict.fromkeys([*dense, *lexical])}
    return fuse(dense, lexical, k, boosts)

