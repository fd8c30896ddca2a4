"""Fusion of the dense and lexical lists, and one result per section.

Mirrored by js/src/core/fusion.ts; every score is the same sequence of double
operations on both sides (docs/reference/ranking.md, "Fusion").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
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
    section_of: Callable[[int], Hashable],
    lexical_weight: float,
    boost_of: Callable[[int], float] | None = None,
) -> list[tuple[int, float]]:
    """One result per section: the convex combination of its best cosine and its best BM25 score,
    each over the best of all candidates, plus its boost.

    ``dense`` holds (id, cosine) and ``lexical`` (id, BM25) of the candidates; the candidates are
    ``dense``'s ids, then ``lexical``'s others. A section is the candidates that ``section_of``
    maps to one key; it is represented by its member with the best combined score (ties: the lower
    id). A half whose best score is not positive adds nothing. Returns (representative, score),
    score descending, id ascending.
    """
    cosine, bm25 = dict(reversed(dense)), dict(reversed(lexical))  # a repeated id keeps its first score
    w = lexical_weight
    d_best = max(cosine.values(), default=0.0)
    l_best = max(bm25.values(), default=0.0)

    def combined(d: float | None, l: float | None) -> float:
        score = 0.0
        if d is not None and d_best > 0:
            score += (1 - w) * (d / d_best)
        if l is not None and l_best > 0:
            score += w * (l / l_best)
        return score

    sections: dict[Hashable, list[int]] = {}
    for i in dict.fromkeys([i for i, _ in dense] + [i for i, _ in lexical]):
        sections.setdefault(section_of(i), []).append(i)
    fused = []
    for members in sections.values():
        d = max((cosine[i] for i in members if i in cosine), default=None)
        l = max((bm25[i] for i in members if i in bm25), default=None)
        score = combined(d, l)
        boost = boost_of(members[0]) if boost_of else 0.0
        if boost:
            score += boost
        best = min(members, key=lambda i: (-combined(cosine.get(i), bm25.get(i)), i))
        fused.append((best, score))
    fused.sort(key=lambda item: (-item[1], item[0]))
    return fused


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
    section_of: Callable[[int], Hashable],
    analyzer: Analyzer,
    ranking: Ranking,
) -> list[tuple[int, float]]:
    """``fuse`` with heading boosts; ``paths[id]`` is a chunk's heading path."""
    terms = analyzer.query_terms(query)
    return fuse(
        dense, lexical, section_of, ranking.lexical_weight,
        lambda i: heading_boost(terms, paths[i], analyzer, ranking.heading_weight),
    )


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

