/**
 * BM25 over the lexical index (docs/reference/ranking.md), computed with the
 * same double operations in the same order as mkdocs_embed/search/lexical.py,
 * so both return the same ids in the same order.
 *
 * The index is a head file (parameters, chunk lengths, the postings files'
 * names) and postings files that each hold the terms hashing to them. A
 * query needs the head and its own terms' files only, and decodes only its
 * own terms' lists, each checked before its first use.
 */
import { Analyzer } from "./analyze";
import { type LexicalHead, Shard, parseHead, shardOf, varint } from "./format/lexical";

/** 2**20: idf is rounded to this grid so that libm's last-bit differences vanish. */
const IDF_GRID = 1048576;

export interface Scored {
  id: number;
  score: number;
}

export class LexicalIndex {
  readonly analyzer: Analyzer;
  /** Names of the postings files, in order. */
  readonly postings: string[];
  private readonly shards: (Shard | undefined)[];
  private readonly norm: Float64Array;
  private readonly k1: number;
  private readonly lengths: Uint16Array;

  private constructor(head: LexicalHead) {
    const { language, stopwords, k1, b, lengths, postings } = head;
    this.lengths = lengths;
    this.postings = postings;
    this.shards = new Array(postings.length);
    this.analyzer = new Analyzer(language, stopwords);
    this.k1 = k1;
    const n = lengths.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += lengths[i];
    let avgdl = n > 0 ? total / n : 1;
    if (avgdl === 0) avgdl = 1;
    this.norm = new Float64Array(n);
    for (let i = 0; i < n; i++) this.norm[i] = k1 * (1 - b + (b * lengths[i]) / avgdl);
  }

  /** Read the decompressed head file named `name`, of `chunks` chunks where that is given. */
  static fromHead(bytes: Uint8Array, name: string, chunks?: number): LexicalIndex {
    return new LexicalIndex(parseHead(bytes, name, chunks));
  }

  get size(): number {
    return this.lengths.length;
  }

  /** The postings files that `query` needs and that are not loaded yet. */
  missing(query: string): number[] {
    const need = this.analyzer.queryTerms(query).map((t) => shardOf(t, this.postings.length));
    return [...new Set(need)].filter((i) => this.shards[i] === undefined);
  }

  /** Add decompressed postings file `index`, checking it. */
  addPostings(index: number, bytes: Uint8Array): void {
    this.shards[index] ??= new Shard(bytes, this.postings[index], index, this.postings.length, this.size);
  }

  idf(df: number): number {
    const n = this.lengths.length;
    const raw = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    return Math.floor(raw * IDF_GRID + 0.5) / IDF_GRID;
  }

  /**
   * BM25 score of every chunk holding at least one query term, as (ids,
   * scores) in the order chunks were first reached; the query's postings
   * files must be loaded. Typed arrays, not a Map: a common term reaches
   * thousands of chunks on the way to the first results.
   */
  scores(query: string): { ids: Int32Array; scores: Float64Array } {
    const acc = new Float64Array(this.size);
    const seen = new Uint8Array(this.size);
    const ids: number[] = [];
    const k1p1 = this.k1 + 1;
    const cursor = { at: 0 };
    for (const term of this.analyzer.queryTerms(query)) {
      const shard = this.shards[shardOf(term, this.postings.length)];
      if (shard === undefined) throw new Error(`postings file for "${term}" not loaded`);
      const i = shard.terms.get(term);
      if (i === undefined) continue;
      shard.check(i);
      const df = shard.df[i];
      const idf = this.idf(df);
      const stop = shard.offsets[i + 1];
      cursor.at = shard.offsets[i];
      let doc = 0;
      for (let j = 0; j < df; j++) {
        doc += varint(shard.postings, cursor, stop);
        const tf = varint(shard.postings, cursor, stop);
        if (seen[doc] === 0) {
          seen[doc] = 1;
          ids.push(doc);
        }
        // 0 + x is x exactly, as Python's acc.get(doc, 0.0) + x
        acc[doc] = acc[doc] + (idf * (tf * k1p1)) / (tf + this.norm[doc]);
      }
    }
    const out = Int32Array.from(ids);
    return { ids: out, scores: Float64Array.from(out, (id) => acc[id]) };
  }

  /** The best `k` chunks, by score descending then id ascending (a bounded insertion, not a sort of every hit). */
  search(query: string, k: number): Scored[] {
    const best: Scored[] = [];
    if (k <= 0) return best;
    const { ids, scores } = this.scores(query);
    const before = (a: Scored, score: number, id: number) => a.score > score || (a.score === score && a.id < id);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const score = scores[i];
      if (best.length === k) {
        if (before(best[k - 1], score, id)) continue;
        best.pop();
      }
      let at = best.length;
      while (at > 0 && !before(best[at - 1], score, id)) at--;
      best.splice(at, 0, { id, score });
    }
    return best;
  }
}
