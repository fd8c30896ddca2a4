/**
 * Fusion of the dense and lexical lists, heading boosts, one result per
 * section and grouping by page; mirrors mkdocs_embed/search/fusion.py
 * operation for operation (docs/reference/ranking.md, "Fusion").
 */
import type { Analyzer } from "./analyze";
import type { Scored } from "./lexical";

/** The fusion's knobs, from the manifest's `ranking` object (`ranking:` in mkdocs.yml). */
export interface Ranking {
  lexical_weight: number;
  heading_weight: number;
  candidates: number;
}

/** The defaults, chosen on the dev sets; the same as Python's `Ranking()`. */
export const DEFAULT_RANKING: Readonly<Ranking> = { lexical_weight: 0.3, heading_weight: 0.1, candidates: 50 };

/** The manifest's `ranking` object (absent: the defaults); throws an Error saying what is wrong. */
export function parseRanking(raw: unknown): Ranking {
  if (raw === undefined) return { ...DEFAULT_RANKING };
  const keys = Object.keys(DEFAULT_RANKING);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || !Object.keys(raw).every((k) => keys.includes(k))) {
    throw new Error(`ranking must be an object with keys ${keys.join(", ")}`);
  }
  const r = { ...DEFAULT_RANKING, ...(raw as Partial<Ranking>) };
  for (const name of ["lexical_weight", "heading_weight"] as const) {
    const v = r[name];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new Error(`ranking.${name} must be a number from 0 to 1, not ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(r.candidates) || r.candidates < 1 || r.candidates > 1000) {
    throw new Error(`ranking.candidates must be a whole number from 1 to 1000, not ${JSON.stringify(r.candidates)}`);
  }
  return r;
}

/** id → score, a repeated id keeping its first score. */
function firstScores(hits: readonly Scored[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const h of hits) if (!out.has(h.id)) out.set(h.id, h.score);
  return out;
}

/**
 * One result per section: the convex combination of its best cosine and its
 * best BM25 score, each over the best of all candidates, plus its boost.
 * `dense` holds (id, cosine) and `lexical` (id, BM25) of the candidates; the
 * candidates are `dense`'s ids, then `lexical`'s others. A section is
 * represented by its member with the best combined score (ties: the lower
 * id). Score desc, id asc; mirrors Python's `fuse` operation for operation.
 */
export function fuse(
  dense: readonly Scored[],
  lexical: readonly Scored[],
  sectionOf: (id: number) => string,
  lexicalWeight: number,
  boostOf?: (id: number) => number,
): Scored[] {
  const cosine = firstScores(dense);
  const bm25 = firstScores(lexical);
  const w = lexicalWeight;
  let dBest = 0;
  for (const v of cosine.values()) dBest = Math.max(dBest, v);
  let lBest = 0;
  for (const v of bm25.values()) lBest = Math.max(lBest, v);
  const combined = (d: number | undefined, l: number | undefined): number => {
    let score = 0;
    if (d !== undefined && dBest > 0) score += (1 - w) * (d / dBest);
    if (l !== undefined && lBest > 0) score += w * (l / lBest);
    return score;
  };
  const sections = new Map<string, number[]>();
  for (const id of new Set([...dense.map((h) => h.id), ...lexical.map((h) => h.id)])) {
    const key = sectionOf(id);
    const members = sections.get(key);
    if (members === undefined) sections.set(key, [id]);
    else members.push(id);
  }
  const fused: Scored[] = [];
  for (const members of sections.values()) {
    let d: number | undefined;
    let l: number | undefined;
    for (const i of members) {
      const c = cosine.get(i);
      if (c !== undefined && (d === undefined || c > d)) d = c;
      const b = bm25.get(i);
      if (b !== undefined && (l === undefined || b > l)) l = b;
    }
    let score = combined(d, l);
    const boost = boostOf?.(members[0]) ?? 0;
    if (boost) score += boost;
    let best = members[0];
    let bestScore = combined(cosine.get(best), bm25.get(best));
    for (const i of members.slice(1)) {
      const c = combined(cosine.get(i), bm25.get(i));
      if (c > bestScore || (c === bestScore && i < best)) [best, bestScore] = [i, c];
    }
    fused.push({ id: best, score });
  }
  return fused.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** `weight` times the share of the query's terms that the chunk's own heading holds. */
export function headingBoost(queryTerms: readonly string[], path: readonly string[], analyzer: Analyzer, weight: number): number {
  if (queryTerms.length === 0 || path.length === 0 || !weight) return 0;
  const own = new Set(analyzer.terms(path[path.length - 1]));
  return (weight * queryTerms.filter((t) => own.has(t)).length) / queryTerms.length;
}

/** `fuse` with heading boosts; `paths[id]` is a chunk's heading path. */
export function hybrid(
  query: string,
  dense: readonly Scored[],
  lexical: readonly Scored[],
  paths: readonly (readonly string[])[],
  sectionOf: (id: number) => string,
  analyzer: Analyzer,
  ranking: Ranking,
): Scored[] {
  const terms = analyzer.queryTerms(query);
  return fuse(dense, lexical, sectionOf, ranking.lexical_weight, (id) => headingBoost(terms, paths[id], analyzer, ranking.heading_weight));
}

/** The first `k` hits whose section no earlier hit had: a section split into several chunks is one result, its best chunk. */
export function onePerSection<T extends { id: number }>(hits: readonly T[], sectionOf: (id: number) => string, k: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const hit of hits) {
    if (out.length === k) break;
    const section = sectionOf(hit.id);
    if (!seen.has(section)) {
      seen.add(section);
      out.push(hit);
    }
  }
  return out;
}

export interface PageGroup<T> {
  page: number;
  hits: T[];
}

/** Hits grouped by page: pages in order of their best hit, hits in rank order within. */
export function groupByPage<T extends { id: number }>(hits: readonly T[], pageOf: ArrayLike<number>, perPage?: number): PageGroup<T>[] {
  const groups = new Map<number, T[]>();
  for (const hit of hits) {
    const page = pageOf[hit.id];
    let group = groups.get(page);
    if (group === undefined) groups.set(page, (group = []));
    if (perPage === undefined || group.length < perPage) group.push(hit);
  }
  return [...groups].map(([page, list]) => ({ page, hits: list }));
}
