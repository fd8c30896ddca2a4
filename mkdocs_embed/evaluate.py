"""`mkdocs-embed eval`: search quality of a built site against labelled queries.

Docs teams keep a JSONL file of queries and the pages (or sections) that
should answer them, and run this in CI with ``--min-ndcg`` so that a docs or
settings change that hurts search fails the build.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_embed.errors import EmbedError
from mkdocs_embed.log import log

CUTOFF = 10
MODES = ("lexical", "dense", "hybrid")


@dataclass(frozen=True)
class Case:
    query: str
    relevant: tuple[str, ...]
    """Site-relative URLs: ``page/`` matches any chunk of the page, ``page/#anchor`` that section."""


@dataclass
class Scores:
    ndcg: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)

    def mean(self, values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0


# (query, k, mode) -> hrefs of the results, best first ("page/" or "page/#anchor").
Search = Callable[[str, int, str], list[str]]


def load_cases(path: Path) -> list[Case]:
    """Read the JSONL file; a bad line is an error that names it, never a silent skip."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise EmbedError(f"cannot read {path}: {e}") from None
    cases = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            query, relevant = item["query"], item["relevant"]
        except (ValueError, KeyError, TypeError) as e:
            raise EmbedError(f'{path}:{n}: expected {{"query": "...", "relevant": ["page/", ...]}} ({e})') from None
        if isinstance(relevant, str):
            relevant = [relevant]
        if not isinstance(query, str) or not query.strip() or not relevant or not all(isinstance(r, str) for r in relevant):
            raise EmbedError(f"{path}:{n}: needs a non-empty query and at least one relevant URL")
        cases.append(Case(query, tuple(_normalize(r) for r in relevant)))
    if not cases:
        raise EmbedError(f"{path} holds no queries")
    return cases


def _normalize(url: str) -> str:
    """``/install/`` and ``install/`` name the same page; ``#`` alone means the page."""
    page, _, anchor = url.strip().lstrip("/").partition("#")
    return f"{page}#{anchor}" if anchor else page


def _matches(href: str, wanted: str) -> bool:
    if "#" in wanted:
        return href == wanted
    return href.partition("#")[0] == wanted


def score_ranking(hrefs: Sequence[str], relevant: Sequence[str]) -> tuple[float, float, float]:
    """nDCG, recall and reciprocal rank at the cutoff.

    Each relevant URL is credited once, to the first result that matches it,
    so five chunks of one relevant page count as one hit, not five.
    """
    credited: set[str] = set()
    dcg = 0.0
    rr = 0.0
    for rank, href in enumerate(hrefs[:CUTOFF], 1):
        hit = next((r for r in relevant if r not in credited and _matches(href, r)), None)
        if hit is None:
            continue
        credited.add(hit)
        dcg += 1 / math.log2(rank + 1)
        if not rr:
            rr = 1 / rank
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), CUTOFF) + 1))
    return dcg / ideal, len(credited) / len(relevant), rr


def evaluate(cases: Sequence[Case], search: Search, modes: Sequence[str] = MODES) -> dict[str, tuple[Scores, list[list[str]]]]:
    """Per mode: the scores and each query's result hrefs."""
    out = {}
    for mode in modes:
        scores, results = Scores(), []
        for case in cases:
            hrefs = search(case.query, CUTOFF, mode)
            ndcg, recall, rr = score_ranking(hrefs, case.relevant)
            scores.ndcg.append(ndcg)
            scores.recall.append(recall)
            scores.rr.append(rr)
            results.append(hrefs)
        out[mode] = (scores, results)
    return out


def report(cases: Sequence[Case], results: dict[str, tuple[Scores, list[list[str]]]]) -> str:
    """The side-by-side table, then the queries that the fused search missed."""
    lines = [f"{len(cases)} queries, metrics at {CUTOFF}", f"{'':<9}{'nDCG':>8}{'Recall':>8}{'MRR':>8}"]
    for mode, (s, _) in results.items():
        lines.append(f"{mode:<9}{s.mean(s.ndcg):>8.3f}{s.mean(s.recall):>8.3f}{s.mean(s.rr):>8.3f}")
    main = "hybrid" if "hybrid" in results else next(iter(results))
    scores, hrefs = results[main]
    missed = [i for i, rr in enumerate(scores.rr) if rr == 0]
    lines.append(f"missed by {main}: {len(missed)}")
    for i in missed:
        also = [m for m, (s, _) in results.items() if m != main and s.rr[i] > 0]
        found = f" (found by {', '.join(also)})" if also else ""
        lines.append(f"  {cases[i].query!r}{found}")
        lines.append(f"    wanted {', '.join(cases[i].relevant)}; got {', '.join(hrefs[i][:3]) or 'nothing'}")
    return "\n".join(lines)


def engine_search(site_dir: Path) -> tuple[Search, tuple[str, ...]]:
    """A Search over the site's index, and the modes it can answer."""
    from mkdocs_embed.search.engine import SearchEngine

    engine = SearchEngine.open(site_dir)
    modes: tuple[str, ...] = MODES
    if engine.index.model_spec() is None:
        log.warning("embed: this site does not ship its model; evaluating lexical search only")
        modes = ("lexical",)

    def search(query: str, k: int, mode: str) -> list[str]:
        return [r.href for r in engine.search(query, k, mode=mode)]

    return search, modes


def run_eval(queries_path: Path, site_dir: Path, min_ndcg: float | None) -> int:
    """Print the report; 1 when the main mode's nDCG is under ``min_ndcg``, 2 on bad input."""
    try:
        cases = load_cases(queries_path)
        search, modes = engine_search(site_dir)
        results = evaluate(cases, search, modes)
    except EmbedError as e:
        log.error("embed: %s", e)
        return 2
    print(report(cases, results))
    if min_ndcg is not None:
        main = "hybrid" if "hybrid" in results else modes[0]
        scores = results[main][0]
        ndcg = scores.mean(scores.ndcg)
        if ndcg < min_ndcg:
            print(f"FAIL: {main} nDCG@{CUTOFF} {ndcg:.3f} is under --min-ndcg {min_ndcg:.3f}")
            return 1
        print(f"OK: {main} nDCG@{CUTOFF} {ndcg:.3f} ≥ {min_ndcg:.3f}")
    return 0
