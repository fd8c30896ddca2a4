"""Search quality of each fusion family on dev sets: the figures behind the `ranking:` defaults.

    .venv/bin/python bench/ranking_bench.py QUERIES.jsonl SITE_DIR [QUERIES.jsonl SITE_DIR ...]

For every (query file, built site) pair it takes each query's candidate lists
once, as the engine does (the first `candidates` chunks of dense and of
BM25, with their scores), then ranks them with each family below, one
result per section, and prints nDCG@10, hit@1/3/10 and MRR on distinct
URLs. The last row is the shipped engine itself (`SearchEngine.search`),
which must equal the `convex` row of the site's own knobs. Then, per set:
how many distinct sections the ten hybrid results hold, and the share of
headings with text that some result URL carries.

Families:
  rrf        weighted reciprocal-rank fusion, w/(60+rank_lex) + (2-w)/(60+rank_dense)
  convex     per section, (1-w)·cos/cos_best + w·bm25/bm25_best (+ own-heading boost), every candidate
             scored by both halves: the shipped rule
  rerank     BM25's first 20 re-ordered by the convex score, dense-only results after them
  adaptive   convex with w moved by how peaked each list is (top-1 over top-10 gap)
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mkdocs_embed.evaluate import load_cases, ranks, score_ranking  # noqa: E402
from mkdocs_embed.search.engine import SearchEngine  # noqa: E402
from mkdocs_embed.search.fusion import Ranking, hybrid, one_per_section  # noqa: E402
from mkdocs_embed.search.lexical import top_k  # noqa: E402

Hits = list[tuple[int, float]]


@dataclass
class Query:
    text: str
    relevant: tuple[str, ...]
    dense: Hits
    lexical: Hits
    cosine: Hits
    """Every candidate's cosine: ``dense``, then the lexical candidates' exact scores."""
    bm25: Hits
    """Every candidate's BM25 score where it has one: ``lexical``, then the dense candidates'."""


Rule = Callable[[Query, SearchEngine], Hits]


def rrf(w: float) -> Rule:
    def rank(q: Query, engine: SearchEngine) -> Hits:
        score: dict[int, float] = {}
        for r, (i, _) in enumerate(q.dense, 1):
            score[i] = score.get(i, 0.0) + (2 - w) / (60 + r)
        for r, (i, _) in enumerate(q.lexical, 1):
            score[i] = score.get(i, 0.0) + w / (60 + r)
        return sorted(score.items(), key=lambda x: (-x[1], x[0]))

    return rank


def convex(w: float, heading: float) -> Rule:
    def rank(q: Query, engine: SearchEngine) -> Hits:
        chunks = engine.index.chunks["chunks"]
        section = list(zip(chunks["page"], map(tuple, chunks["path"])))
        analyzer, ranking = engine.lexical.analyzer, Ranking(w, heading)
        return hybrid(q.text, q.cosine, q.bm25, chunks["path"], section.__getitem__, analyzer, ranking)

    return rank


def rerank(n: int, w: float, heading: float) -> Rule:
    def rank(q: Query, engine: SearchEngine) -> Hits:
        fused = convex(w, heading)(q, engine)
        first = {i for i, _ in q.lexical[:n]}
        return [h for h in fused if h[0] in first] + [h for h in fused if h[0] not in first]

    return rank


def adaptive(base: float, slope: float, heading: float) -> Rule:
    def peak(hits: Hits) -> float:
        return (hits[0][1] - hits[min(9, len(hits) - 1)][1]) / hits[0][1] if hits and hits[0][1] > 0 else 0.0

    def rank(q: Query, engine: SearchEngine) -> Hits:
        w = min(0.8, max(0.1, base + slope * (peak(q.lexical) - peak(q.dense))))
        return convex(w, heading)(q, engine)

    return rank


def shipped(q: Query, engine: SearchEngine) -> Hits:
    return []  # marker: scored through SearchEngine.search


def rules(own: Ranking) -> dict[str, Rule]:
    out: dict[str, Rule] = {"lexical": lambda q, e: q.lexical, "dense": lambda q, e: q.dense}
    for w in (0.8, 1.0, 1.2):
        out[f"rrf w={w}"] = rrf(w)
    for w in (0.2, 0.3, 0.4, 0.5):
        for h in (0.0, 0.1):
            out[f"convex w={w} h={h}"] = convex(w, h)
    out["rerank top20 w=0.3 h=0.1"] = rerank(20, 0.3, 0.1)
    out["adaptive peak 0.3±0.25 h=0.1"] = adaptive(0.3, 0.25, 0.1)
    out[f"engine (w={own.lexical_weight} h={own.heading_weight})"] = shipped
    return out


def measure(queries_path: Path, site: Path) -> None:
    engine = SearchEngine.open(site)
    chunks, urls = engine.index.chunks["chunks"], engine.index.chunks["pages"]["url"]
    href = [f"{urls[p]}#{a}" if a else urls[p] for p, a in zip(chunks["page"], chunks["anchor"])]
    section = list(zip(chunks["page"], map(tuple, chunks["path"])))
    n = engine.ranking.candidates
    queries = [candidates(engine, c.query, c.relevant, n) for c in load_cases(queries_path)]
    print(f"\n{queries_path.name} on {site}: {len(queries)} queries, {len(href)} chunks")
    print(f"{'':<34}{'nDCG':>7}{'hit@1':>7}{'hit@3':>7}{'hit@10':>7}{'MRR':>7}")
    distinct: list[int] = []
    for name, rule in rules(engine.ranking).items():
        rows = []
        for q in queries:
            if rule is shipped:
                results = [r.href for r in engine.search(q.text, 10)]
                distinct.append(len(set(results)))
            else:
                results = [href[i] for i, _ in one_per_section(rule(q, engine), section.__getitem__, 10)]
            ndcg, _, rr = score_ranking(results, q.relevant)
            first = min((r for r in ranks(results, q.relevant) if r is not None), default=None)
            rows.append((ndcg, *(first is not None and first <= k for k in (1, 3, 10)), rr))
        means = [sum(col) / len(rows) for col in zip(*rows)]
        print(f"{name:<34}" + "".join(f"{m:>7.3f}" for m in means))
    print(f"distinct sections among the 10 hybrid results: median {statistics.median(distinct):.0f}, min {min(distinct)}")
    print(f"headings with text that a result can land on: {_reachable(site, set(href)):.1%}")


def candidates(engine: SearchEngine, text: str, relevant: tuple[str, ...], n: int) -> Query:
    """The lists and complete scores the engine fuses (``SearchEngine._hybrid``)."""
    vector = engine.embed_query(text)
    dense = engine.graph.search(vector, n)
    scores = engine.lexical.scores(text)
    lexical = top_k(scores, n)
    cosine = dense + engine.graph.scores(vector, [i for i, _ in lexical if i not in {j for j, _ in dense}])
    bm25 = lexical + [(i, scores[i]) for i, _ in dense if i in scores and i not in {j for j, _ in lexical}]
    return Query(text, relevant, dense, lexical, cosine, bm25)


def _reachable(site: Path, hrefs: set[str]) -> float:
    """Share of the site's headings that have text under them and appear among the index's result URLs."""
    from mkdocs_embed.chunk.extract import extract
    from mkdocs_embed.collect import collect_pages

    wanted = [
        f"{page.url}#{s.anchor}"
        for page in collect_pages(site)
        for s in extract(page.html).sections
        if s.anchor and any(p.strip() for p in s.paragraphs)
    ]
    return sum(1 for h in wanted if h in hrefs) / len(wanted) if wanted else 1.0


def main() -> int:
    args = sys.argv[1:]
    if not args or len(args) % 2:
        print(__doc__)
        return 2
    for queries, site in zip(args[::2], args[1::2]):
        measure(Path(queries), Path(site))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
