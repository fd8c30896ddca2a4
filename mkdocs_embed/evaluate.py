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


HITS_AT = (1, 3, 10)


@dataclass
class Scores:
    ndcg: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    first: list[int | None] = field(default_factory=list)
    """Rank of each query's first relevant result, None when it is not in the top ten."""

    def mean(self, values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    def hit_rate(self, at: int) -> float:
        """Share of queries with a relevant result in the first ``at``."""
        return self.mean([1.0 if r is not None and r <= at else 0.0 for r in self.first])

    def summary(self) -> dict[str, float]:
        out = {"ndcg": self.mean(self.ndcg), "recall": self.mean(self.recall), "mrr": self.mean(self.rr)}
        out.update({f"hit@{k}": self.hit_rate(k) for k in HITS_AT})
        return out


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


def ranks(hrefs: Sequence[str], relevant: Sequence[str]) -> list[int | None]:
    """Each relevant URL's rank among the first ``CUTOFF`` results (None: not there), credited once each as in
    ``score_ranking``."""
    found: dict[str, int] = {}
    for rank, href in enumerate(hrefs[:CUTOFF], 1):
        hit = next((r for r in relevant if r not in found and _matches(href, r)), None)
        if hit is not None:
            found[hit] = rank
    return [found.get(r) for r in relevant]


def unknown_urls(cases: Sequence[Case], known: set[str]) -> list[str]:
    """Relevant URLs that name no page or section of the index, in file order: a renamed page or anchor
    would otherwise score as a miss forever."""
    out = [r for case in cases for r in case.relevant if r not in known]
    return list(dict.fromkeys(out))


def score_ranking(hrefs: Sequence[str], relevant: Sequence[str]) -> tuple[float, float, float]:
    """nDCG, recall and reciprocal rank at the cutoff.

    Each relevant URL is credited once, to the first result that matches it,
    so five chunks of one relevant page count as one hit, not five.
    """
    found = sorted(r for r in ranks(hrefs, relevant) if r is not None)
    dcg = sum(1 / math.log2(rank + 1) for rank in found)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), CUTOFF) + 1))
    return dcg / ideal, len(found) / len(relevant), (1 / found[0] if found else 0.0)


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
            found = [r for r in ranks(hrefs, case.relevant) if r is not None]
            scores.first.append(min(found, default=None))
            results.append(hrefs)
        out[mode] = (scores, results)
    return out


def report(cases: Sequence[Case], results: dict[str, tuple[Scores, list[list[str]]]]) -> str:
    """The side-by-side table, then the queries that the fused search missed."""
    columns = ("nDCG", "Recall", "MRR", *(f"hit@{k}" for k in HITS_AT))
    lines = [f"{len(cases)} queries, metrics at {CUTOFF}", f"{'':<9}" + "".join(f"{c:>8}" for c in columns)]
    for mode, (s, _) in results.items():
        lines.append(f"{mode:<9}" + "".join(f"{v:>8.3f}" for v in s.summary().values()))
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


def per_query(cases: Sequence[Case], results: dict[str, tuple[Scores, list[list[str]]]]) -> dict:
    """What ``--json`` writes: each mode's summary, and for each query and mode the relevant URLs' ranks and the
    top ten."""
    return {
        "cutoff": CUTOFF,
        "modes": {mode: s.summary() for mode, (s, _) in results.items()},
        "queries": [
            {
                "query": case.query,
                "relevant": list(case.relevant),
                "modes": {
                    mode: {"ranks": ranks(hrefs[i], case.relevant), "top": hrefs[i][:CUTOFF]}
                    for mode, (_, hrefs) in results.items()
                },
            }
            for i, case in enumerate(cases)
        ],
    }


def engine_search(site_dir: Path) -> tuple[Search, tuple[str, ...], set[str]]:
    """A Search over the site's index, the modes it can answer, and every URL a result can have."""
    from mkdocs_embed.search.engine import SearchEngine

    engine = SearchEngine.open(site_dir)
    modes: tuple[str, ...] = MODES
    if engine.index.model_spec() is None:
        log.warning("embed: this site does not ship its model; evaluating lexical search only")
        modes = ("lexical",)

    def search(query: str, k: int, mode: str) -> list[str]:
        return [r.href for r in engine.search(query, k, mode=mode)]

    tables = engine.index.chunks
    urls = tables["pages"]["url"]
    known = set(urls) | {f"{urls[p]}#{a}" for p, a in zip(tables["chunks"]["page"], tables["chunks"]["anchor"]) if a}
    return search, modes, known


def run_eval(queries_path: Path, site_dir: Path, min_ndcg: float | None, json_path: Path | None = None) -> int:
    """Print the report; 1 when the main mode's nDCG is under ``min_ndcg``, 2 on bad input."""
    try:
        cases = load_cases(queries_path)
        search, modes, known = engine_search(site_dir)
        unknown = unknown_urls(cases, known)
        if unknown:
            raise EmbedError(
                f"{len(unknown)} relevant URL(s) in {queries_path} name no page or section of the index "
                "(renamed, or a heading without text?):\n  " + "\n  ".join(unknown)
            )
        results = evaluate(cases, search, modes)
        if json_path is not None:
            try:
                json_path.write_text(json.dumps(per_query(cases, results), indent=1) + "\n", encoding="utf-8")
            except OSError as e:
                raise EmbedError(f"cannot write {json_path}: {e.strerror}") from None
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
