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

/** Each id's score over the list's first (best) score; empty when that is not positive. */
function normalised(hits: readonly Scored[]): Map<number, number> {
  const out = new Map<number, number>();
  if (hits.length === 0 || !(hits[0].score > 0)) return out;
  const top = hits[0].score;
  for (const h of hits) if (!out.has(h.id)) out.set(h.id, h.score / top);
  return out;
}

/**
 * Convex combination of the two lists' scores, each divided by its list's
 * best, plus a boost; every id of either list, score desc, id asc.
 */
export function fuse(
  dense: readonly Scored[],
  lexical: readonly Scored[],
  lexicalWeight: number,
  boosts?: ReadonlyMap<number, number>,
): Scored[] {
  const denseScore = normalised(dense);
  const lexicalScore = normalised(lexical);
  const w = lexicalWeight;
  const fused: Scored[] = [];
  for (const id of new Set([...dense.map((h) => h.id), ...lexical.map((h) => h.id)])) {
    let score = 0;
    const d = denseScore.get(id);
    if (d !== undefined) score += (1 - w) * d;
    const l = lexicalScore.get(id);
    if (l !== undefined) score += w * l;
    const boost = boosts?.get(id) ?? 0;
    if (boost) score += boost;
    fused.push({ id, score });
  }
  return fused.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** `weight` times the share of the query's terms that the chunk's own heading holds. */
export function headingBoost(queryTerms: readonly string[], path: readonly string[], analyzer: Analyzer, weight: number): number {
  if (queryTerms.length === 0 || path.length === 0 || !weight) return 0;
  const own = new Set(analyzer.terms(path[path.length - 1]));
  return (weight * queryTerms.filter((t) => own.has(t)).length) / queryTerms.length;
}

/** `fuse` with heading boosts for every candidate; `paths[id]` is a chunk's heading path. */
export function hybrid(
  query: string,
  dense: readonly Scored[],
  lexical: readonly Scored[],
  paths: readonly (readonly string[])[],
  analyzer: Analyzer,
  ranking: Ranking,
): Scored[] {
  const terms = analyzer.queryTerms(query);
  const boosts = new Map<number, number>();
  for (const id of new Set([...dense.map((h) => h.id), ...lexical.map((h) => h.id)])) {
    boosts.set(id, headingBoost(terms, paths[id], analyzer, ranking.heading_weight));
  }
  return fuse(dense, lexical, ranking.lexical_weight, boosts);
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
