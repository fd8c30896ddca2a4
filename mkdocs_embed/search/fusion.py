"""Fusion of the dense and lexical lists, and one result per section.

Mirrored by js/src/core/fusion.ts; every score is the same sequence of double
operations on both sides (docs/reference/ranking.md, "Fusion").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from mkdocs_embed.errors import EmbedError
from mkdocs_embed.search.analyze import Analyzer

Hits = Sequence[tuple[int, float]]


@dataclass(frozen=True)
class Ranking:
    """The fusion's knobs: ``ranking:`` in mkdocs.yml, stored in the manifest so every reader ranks alike.

    The defaults were chosen on the dev sets (docs/reference/ranking.md, "Measured").
    """

    lexical_weight: float = 0.3
    """Share of the normalised BM25 score; the normalised cosine gets the rest."""
    heading_weight: float = 0.1
    """Added in full when a chunk's own heading holds every query term, in part for some."""
    candidates: int = 50
    """Chunks each list hands to the fusion before they are collapsed to one per section."""

    def __post_init__(self) -> None:
        for name in ("lexical_weight", "heading_weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise EmbedError(f"ranking.{name} must be a number from 0 to 1, not {value!r}")
        if isinstance(self.candidates, bool) or not isinstance(self.candidates, int) or not 1 <= self.candidates <= 1000:
            raise EmbedError(f"ranking.candidates must be a whole number from 1 to 1000, not {self.candidates!r}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Any) -> Ranking:
        """The manifest's ``ranking`` object (absent: the defaults); unknown keys are an error."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict) or not set(raw) <= set(cls.__dataclass_fields__):
            raise EmbedError(f"ranking must be an object with keys {', '.join(cls.__dataclass_fields__)}")
        return cls(**raw)


def fuse(
    dense: Hits,
    lexical: Hits,
    lexical_weight: float,
    boosts: Mapping[int, float] | None = None,
) -> list[tuple[int, float]]:
    """Convex combination of the two lists' scores, each divided by its list's best, plus a boost.

    ``dense`` and ``lexical`` are (id, score) in rank order. An id missing from a
    list gets nothing from it; a list whose best score is not positive gives
    nothing. Returns every id of either list as (id, score), score descending,
    id ascending.
    """
    dense_score = _normalised(dense)
    lexical_score = _normalised(lexical)
    w = lexical_weight
    fused = []
    for d in dict.fromkeys([i for i, _ in dense] + [i for i, _ in lexical]):
        score = 0.0
        if d in dense_score:
            score += (1 - w) * dense_score[d]
        if d in lexical_score:
            score += w * lexical_score[d]
        boost = boosts.get(d, 0.0) if boosts else 0.0
        if boost:
            score += boost
        fused.append((d, score))
    fused.sort(key=lambda item: (-item[1], item[0]))
    return fused


def _normalised(hits: Hits) -> dict[int, float]:
    """Each id's score over the list's first (best) score; a repeated id keeps its first score."""
    if not hits or not hits[0][1] > 0:
        return {}
    top = hits[0][1]
    out: dict[int, float] = {}
    for d, s in hits:
        out.setdefault(d, s / top)
    return out


def heading_boost(query_terms: Sequence[str], path: Sequence[str], analyzer: Analyzer, weight: float) -> float:
    """``weight`` times the share of the query's terms that the chunk's own heading holds."""
    if not query_terms or not path or not weight:
        return 0.0
    own = set(analyzer.terms(path[-1]))
    return weight * sum(1 for t in query_terms if t in own) / len(query_terms)


def hybrid(
    query: str,
    dense: Hits,
    lexical: Hits,
    paths: Sequence[Sequence[str]],
    analyzer: Analyzer,
    ranking: Ranking,
) -> list[tuple[int, float]]:
    """``fuse`` with heading boosts for every candidate; ``paths[id]`` is a chunk's heading path."""
    terms = analyzer.query_terms(query)
    ids = dict.fromkeys([i for i, _ in dense] + [i for i, _ in lexical])
    boosts = {d: heading_boost(terms, paths[d], analyzer, ranking.heading_weight) for d in ids}
    return fuse(dense, lexical, ranking.lexical_weight, boosts)


def one_per_section(hits: Hits, section_of: Callable[[int], Hashable], k: int) -> list[tuple[int, float]]:
    """The first ``k`` hits whose section no earlier hit had: a long section split into
    several chunks is one result, its best chunk."""
    seen: set[Hashable] = set()
    out: list[tuple[int, float]] = []
    for hit in hits:
        if len(out) == k:
            break
        section = section_of(hit[0])
        if section not in seen:
            seen.add(section)
            out.append(hit)
    return out


def group_by_page(
    hits: Sequence[tuple[int, float]],
    page_of: Sequence[int],
    per_page: int | None = None,
) -> list[tuple[int, list[tuple[int, float]]]]:
    """Hits grouped by page: pages in order of their best hit, hits in rank order within.

    ``page_of[id]`` is a chunk's page; ``per_page`` keeps only that many hits of each page.
    """
    groups: dict[int, list[tuple[int, float]]] = {}
    for hit in hits:
        group = groups.setdefault(page_of[hit[0]], [])
        if per_page is None or len(group) < per_page:
            group.append(hit)
    return list(groups.items())
