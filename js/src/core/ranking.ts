/**
 * The seam between the engine and ranking: lexical search and fusion.
 *
 * Until the BM25 index (lexical.ts) and its fusion (fusion.ts) land, this
 * holds a minimal stand-in: a token matcher over page titles, heading paths
 * and chunk text, and reciprocal-rank fusion. The engine imports only the two
 * names below, so swapping in the real ones touches this file alone.
 */
import type { ChunkTable } from "./format";
import type { Hit } from "./hnsw";

export interface LexicalSearch {
  search(query: string, k: number): Hit[];
}

/** Lower-cased word tokens; shared with the highlighter so both agree on what a term is. */
export function terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

const FIELD_WEIGHT = { title: 3, heading: 2, text: 1 } as const;

/**
 * Token matcher: exact terms, the last one also as a prefix (the user is
 * still typing it); a chunk's score sums idf × field weight per matched term,
 * and chunks matching more of the terms always rank first.
 */
class TokenMatcher implements LexicalSearch {
  /** token → flat [chunk, weight, chunk, weight, ...]. */
  private readonly postings = new Map<string, number[]>();
  private readonly vocabulary: string[];

  constructor(private readonly table: ChunkTable) {
    const n = table.chunks.text.length;
    for (let id = 0; id < n; id++) {
      const weights = new Map<string, number>();
      const add = (text: string, w: number) => {
        for (const t of terms(text)) weights.set(t, Math.max(weights.get(t) ?? 0, w));
      };
      add(table.chunks.text[id], FIELD_WEIGHT.text);
      const path = table.chunks.path[id];
      for (let i = 1; i < path.length; i++) add(path[i], FIELD_WEIGHT.heading);
      add(table.pages.title[table.chunks.page[id]], FIELD_WEIGHT.title);
      for (const [t, w] of weights) {
        let list = this.postings.get(t);
        if (list === undefined) this.postings.set(t, (list = []));
        list.push(id, w);
      }
    }
    this.vocabulary = [...this.postings.keys()].sort();
  }

  /** Vocabulary entries starting with `prefix` (binary search on the sorted list). */
  private withPrefix(prefix: string): string[] {
    const v = this.vocabulary;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < v.length && v[i].startsWith(prefix) && out.length < 50; i++) out.push(v[i]);
    return out;
  }

  search(query: string, k: number): Hit[] {
    const n = this.table.chunks.text.length;
    // Words in over a quarter of all chunks ("how", "the", "search" in search docs) only add noise.
    const all = [...new Set(terms(query))];
    const rare = all.filter((t, i) => i === all.length - 1 || (this.postings.get(t)?.length ?? 0) / 2 <= n / 4);
    const qterms = rare.length > 0 ? rare : all;
    if (qterms.length === 0) return [];
    const score = new Map<number, number>();
    const matched = new Map<number, number>();
    qterms.forEach((term, i) => {
      const isLast = i === qterms.length - 1;
      const variants = isLast ? this.withPrefix(term) : this.postings.has(term) ? [term] : [];
      const best = new Map<number, number>();
      for (const v of variants) {
        const list = this.postings.get(v) as number[];
        const idf = Math.log(1 + n / (list.length / 2));
        const exact = v === term ? 1 : 0.7;
        for (let p = 0; p < list.length; p += 2) {
          const s = idf * list[p + 1] * exact;
          if (s > (best.get(list[p]) ?? 0)) best.set(list[p], s);
        }
      }
      for (const [id, s] of best) {
        score.set(id, (score.get(id) ?? 0) + s);
        matched.set(id, (matched.get(id) ?? 0) + 1);
      }
    });
    return [...score.entries()]
      .sort((a, b) => (matched.get(b[0]) as number) - (matched.get(a[0]) as number) || b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([id, s]) => ({ id, score: s }));
  }
}

/** Build the lexical search over the chunk table (the lexical file, when used, arrives as `lexical`). */
export function createLexical(table: ChunkTable, _lexical?: unknown): LexicalSearch {
  return new TokenMatcher(table);
}

/** Reciprocal-rank fusion, the dense list weighted above the crude text matcher; ties go to the lower id. */
export function fuse(lexical: Hit[], dense: Hit[], k: number): Hit[] {
  const K = 60;
  const total = new Map<number, number>();
  for (const [list, weight] of [[lexical, 0.5], [dense, 1]] as const) {
    list.forEach((hit, rank) => total.set(hit.id, (total.get(hit.id) ?? 0) + weight / (K + rank + 1)));
  }
  return [...total.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, k)
    .map(([id, score]) => ({ id, score }));
}
