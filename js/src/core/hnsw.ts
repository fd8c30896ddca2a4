/**
 * The query algorithm of docs/reference/index-format.md, step for step.
 *
 * Similarities are exact integer dot products times a float32 scale, compared
 * in double precision with ties broken by id, so this returns the same ids in
 * the same order as the Python reader. Do not "optimise" it into something
 * that visits nodes in another order: parity is the point.
 */
import type { Graph } from "./format/graph";
import type { Vectors } from "./format/vectors";

export interface Hit {
  id: number;
  score: number;
}

export interface QuantizedQuery {
  qq: Int32Array;
  /** The query's scale: a reported score is sim × s. */
  s: number;
}

/**
 * Step 2: quantize like a stored vector, clipped to [-127, 127] as the spec
 * says (a no-op for finite input, kept so both readers state the same
 * operation); null for a zero query, which has no dense results.
 */
export function quantizeQuery(query: ArrayLike<number>): QuantizedQuery | null {
  let max = 0;
  for (let j = 0; j < query.length; j++) max = Math.max(max, Math.abs(query[j]));
  if (!(max > 0) || !Number.isFinite(max)) return null;
  const s = max / 127;
  const qq = new Int32Array(query.length);
  for (let j = 0; j < query.length; j++) qq[j] = Math.min(127, Math.max(-127, Math.floor(query[j] / s + 0.5)));
  return { qq, s };
}

/** A binary heap whose top is the element `before` puts first. */
class Heap {
  private items: number[] = [];
  constructor(private readonly before: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): number {
    return this.items[0];
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l], a[m])) m = l;
        if (r < a.length && this.before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
  toArray(): number[] {
    return this.items.slice();
  }
}

export class HnswIndex {
  private readonly sim: Float64Array;
  /** Generation stamps: sim[i] is valid for this query when seen[i] === gen. */
  private readonly seen: Uint32Array;
  private gen = 0;

  constructor(
    private readonly vectors: Vectors,
    private readonly graph: Graph,
    private readonly efSearch: number,
  ) {
    if (vectors.n !== graph.n) throw new Error(`vectors (${vectors.n}) and graph (${graph.n}) disagree`);
    this.sim = new Float64Array(vectors.n);
    this.seen = new Uint32Array(vectors.n);
  }

  /** Step 3, memoised per query. */
  private similarity(i: number, qq: Int32Array): number {
    if (this.seen[i] === this.gen) return this.sim[i];
    const { q, dims, scale } = this.vectors;
    let dot = 0;
    const base = i * dims;
    for (let j = 0; j < dims; j++) dot += qq[j] * q[base + j];
    const value = scale[i] * dot;
    this.sim[i] = value;
    this.seen[i] = this.gen;
    return value;
  }

  /** Neighbours of `node` on `level`, as [start, end) into that level's links. */
  private neighbours(level: number, node: number): [Uint32Array, number, number] {
    const { nodes, offsets, links } = this.graph.levels[level];
    let i = node;
    if (nodes !== null) {
      let lo = 0;
      let hi = nodes.length - 1;
      i = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (nodes[mid] === node) {
          i = mid;
          break;
        }
        if (nodes[mid] < node) lo = mid + 1;
        else hi = mid - 1;
      }
      if (i < 0) return [links, 0, 0];
    }
    return [links, offsets[i], offsets[i + 1]];
  }

  /** The score `search` gives each of `ids`, wherever it ranks (empty for a zero query). */
  scores(query: ArrayLike<number>, ids: readonly number[]): Hit[] {
    const quantized = quantizeQuery(query);
    if (quantized === null) return [];
    const { qq, s } = quantized;
    this.gen = this.gen === 0xffffffff ? 1 : this.gen + 1;
    if (this.gen === 1) this.seen.fill(0);
    return ids.map((id) => ({ id, score: this.similarity(id, qq) * s }));
  }

  /** The k nearest chunks of a (normalised) query vector, best first. */
  search(query: ArrayLike<number>, k: number): Hit[] {
    const quantized = quantizeQuery(query);
    if (quantized === null || this.graph.n === 0 || k <= 0) return [];
    if (query.length !== this.vectors.dims) throw new Error(`query has ${query.length} dims, the index ${this.vectors.dims}`);
    const { qq, s } = quantized;
    this.gen = this.gen === 0xffffffff ? 1 : this.gen + 1;
    if (this.gen === 1) this.seen.fill(0);
    const simOf = (i: number) => this.similarity(i, qq);
    // Step 4: the total order.
    const before = (a: number, b: number): boolean => {
      const sa = simOf(a);
      const sb = simOf(b);
      return sa > sb || (sa === sb && a < b);
    };

    // Step 5: greedy descent through the upper levels.
    let cur = this.graph.entry;
    for (let l = this.graph.maxLevel; l >= 1; l--) {
      let changed = true;
      while (changed) {
        changed = false;
        const [links, start, end] = this.neighbours(l, cur);
        for (let p = start; p < end; p++) {
          const x = links[p];
          if (before(x, cur)) {
            cur = x;
            changed = true;
          }
        }
      }
    }

    // Step 6: beam search on level 0.
    const ef = Math.max(this.efSearch, k);
    const candidates = new Heap(before);
    const results = new Heap((a, b) => before(b, a));
    const visited = new Set<number>([cur]);
    candidates.push(cur);
    results.push(cur);
    while (candidates.size > 0) {
      const c = candidates.pop();
      if (results.size === ef && before(results.peek(), c)) break;
      const [links, start, end] = this.neighbours(0, c);
      for (let p = start; p < end; p++) {
        const x = links[p];
        if (visited.has(x)) continue;
        visited.add(x);
        if (results.size < ef || before(x, results.peek())) {
          candidates.push(x);
          results.push(x);
          if (results.size > ef) results.pop();
        }
      }
    }

    // Step 7.
    return results
      .toArray()
      .sort((a, b) => (before(a, b) ? -1 : 1))
      .slice(0, k)
      .map((id) => ({ id, score: simOf(id) * s }));
  }
}
