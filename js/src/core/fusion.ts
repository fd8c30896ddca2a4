/**
 * Reciprocal-rank fusion of the dense and lexical lists, heading boosts and
 * grouping by page; mirrors mkdocs_embed/search/fusion.py operation for
 * operation (docs/reference/ranking.md, "Fusion").
 */
import type { Analyzer } from "./analyze";
import type { Scored } from "./lexical";

export const RRF_K = 60;
const HEADING_WEIGHT = 0.5;
const TITLE_WEIGHT = 0.25;

/** RRF over two id lists in rank order: Σ 1/(k + rank) plus boost/(k + 1); score desc, id asc. */
export function fuse(
  dense: readonly number[],
  lexical: readonly number[],
  k: number = RRF_K,
  boosts?: ReadonlyMap<number, number>,
): Scored[] {
  const denseRank = new Map<number, number>();
  dense.forEach((d, r) => denseRank.has(d) || denseRank.set(d, r + 1));
  const lexicalRank = new Map<number, number>();
  lexical.forEach((d, r) => lexicalRank.has(d) || lexicalRank.set(d, r + 1));
  const fused: Scored[] = [];
  for (const id of new Set([...dense, ...lexical])) {
    let score = 0;
    const rd = denseRank.get(id);
    if (rd !== undefined) score += 1 / (k + rd);
    const rl = lexicalRank.get(id);
    if (rl !== undefined) score += 1 / (k + rl);
    const boost = boosts?.get(id) ?? 0;
    if (boost) score += boost / (k + 1);
    fused.push({ id, score });
  }
  return fused.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** How much of the query the chunk's own heading and its page title hold, weighted. */
export function headingBoost(queryTerms: readonly string[], path: readonly string[], analyzer: Analyzer): number {
  if (queryTerms.length === 0 || path.length === 0) return 0;
  const own = new Set(analyzer.terms(path[path.length - 1]));
  const title = new Set(analyzer.terms(path[0]));
  const n = queryTerms.length;
  const inOwn = queryTerms.filter((t) => own.has(t)).length;
  const inTitle = queryTerms.filter((t) => title.has(t)).length;
  return (HEADING_WEIGHT * inOwn) / n + (TITLE_WEIGHT * inTitle) / n;
}

/** `fuse` with heading boosts for every candidate; `paths[id]` is a chunk's heading path. */
export function hybrid(
  query: string,
  dense: readonly number[],
  lexical: readonly number[],
  paths: readonly (readonly string[])[],
  analyzer: Analyzer,
  k: number = RRF_K,
): Scored[] {
  const terms = analyzer.queryTerms(query);
  const boosts = new Map<number, number>();
  for (const id of new Set([...dense, ...lexical])) boosts.set(id, headingBoost(terms, paths[id], analyzer));
  return fuse(dense, lexical, k, boosts);
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
