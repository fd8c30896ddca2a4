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
import { Analyzer, PREFIX_MIN } from "./analyze";
import { type LexicalHead, Shard, parseHead, shardOf, varint } from "./format/lexical";
import { type StemmerLoader, ensureStemmer } from "./stem";

/** 2**20: idf is rounded to this grid so that libm's last-bit differences vanish. */
const IDF_GRID = 1048576;
/** Index terms that the word being typed stands for, at most: the ones in most chunks. */
export const PREFIX_TERMS = 8;
/** A prefix match counts half a whole-word match, so whole words rank first. */
export const PREFIX_WEIGHT = 0.5;
/** A typed word may run this many characters past a stem it extends (`installa` → `instal`). */
const STEM_SLACK = 3;
const SEPARATOR = /[._-]/;
const ASTRAL = /[\ud800-\udfff]/;

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

  /** As `fromHead`, loading the stemmer of the index's language first where it is not bundled. */
  static async open(bytes: Uint8Array, name: string, chunks?: number, loadStemmer?: StemmerLoader): Promise<LexicalIndex> {
    const head = parseHead(bytes, name, chunks);
    await ensureStemmer(head.language, loadStemmer);
    return new LexicalIndex(head);
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
    if (this.shards[index] !== undefined) return;
    this.shards[index] = new Shard(bytes, this.postings[index], index, this.postings.length, this.size);
    this.vocabulary = null;
  }

  /** Plain words of the loaded postings files, sorted (UTF-16 order), with their df: what a typed word can extend to. */
  private vocabulary: { terms: string[]; df: number[] } | null = null;

  private words(): { terms: string[]; df: number[] } {
    if (this.vocabulary === null) {
      const all: [string, number][] = [];
      for (const shard of this.shards) {
        if (shard === undefined) continue;
        for (const [term, i] of shard.terms) if (!SEPARATOR.test(term) && !ASTRAL.test(term)) all.push([term, shard.df[i]]);
      }
      all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.vocabulary = { terms: all.map((t) => t[0]), df: all.map((t) => t[1]) };
    }
    return this.vocabulary;
  }

  idf(df: number): number {
    const n = this.lengths.length;
    const raw = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    return Math.floor(raw * IDF_GRID + 0.5) / IDF_GRID;
  }

  /**
   * The index terms that the query's word being typed may become (Python's
   * `extends`: plain words that start with it, or stems of at least
   * PREFIX_MIN characters that it runs at most STEM_SLACK characters past),
   * with their df, most frequent first (then in code-unit order), leaving
   * out the query's own terms. Only loaded postings files are looked at: all
   * of them once `Engine.prefetch` is done, as in Python.
   */
  prefixTerms(query: string): [string, number][] {
    const prefix = this.analyzer.typedPrefix(query);
    if (prefix === null) return [];
    const whole = new Set(this.analyzer.queryTerms(query));
    const { terms, df } = this.words();
    // The terms that start with the prefix are one run of the sorted list; the stems it runs past are its own prefixes.
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (terms[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: [string, number][] = [];
    for (let i = lo; i < terms.length && terms[i].startsWith(prefix); i++) if (!whole.has(terms[i])) found.push([terms[i], df[i]]);
    for (let n = Math.max(PREFIX_MIN, prefix.length - STEM_SLACK); n < prefix.length; n++) {
      const stem = prefix.slice(0, n);
      const shard = this.shards[shardOf(stem, this.postings.length)];
      const i = shard?.terms.get(stem);
      if (shard !== undefined && i !== undefined && !whole.has(stem)) found.push([stem, shard.df[i]]);
    }
    found.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return found.slice(0, PREFIX_TERMS);
  }

  /**
   * BM25 score of every chunk holding at least one query term or prefix term,
   * as (ids, scores) in the order chunks were first reached; the query's
   * postings files must be loaded. Prefix terms all take the idf of the most
   * frequent one and count PREFIX_WEIGHT of a whole word. Typed arrays, not a
   * Map: a common term reaches thousands of chunks on the way to the first
   * results.
   */
  scores(query: string): { ids: Int32Array; scores: Float64Array } {
    const acc = new Float64Array(this.size);
    const seen = new Uint8Array(this.size);
    const ids: number[] = [];
    const k1p1 = this.k1 + 1;
    const cursor = { at: 0 };
    const expansions = this.prefixTerms(query);
    const prefixIdf = expansions.length > 0 ? this.idf(expansions[0][1]) : 0;
    const terms: [string, boolean][] = this.analyzer.queryTerms(query).map((t) => [t, false]);
    for (const [t] of expansions) terms.push([t, true]);
    for (const [term, prefix] of terms) {
      const shard = this.shards[shardOf(term, this.postings.length)];
      if (shard === undefined) throw new Error(`postings file for "${term}" not loaded`);
      const i = shard.terms.get(term);
      if (i === undefined) continue;
      shard.check(i);
      const df = shard.df[i];
      const idf = prefix ? prefixIdf : this.idf(df);
      const weight = prefix ? PREFIX_WEIGHT : 1;
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
        acc[doc] = acc[doc] + weight * ((idf * (tf * k1p1)) / (tf + this.norm[doc]));
      }
    }
    const out = Int32Array.from(ids);
    return { ids: out, scores: Float64Array.from(out, (id) => acc[id]) };
  }

  /** The best `k` chunks, by score descending then id ascending. */
  search(query: string, k: number): Scored[] {
    return topK(this.scores(query), k);
  }
}

/** The `k` best of (ids, scores), by score descending then id ascending (a bounded insertion, not a sort of every hit). */
export function topK({ ids, scores }: { ids: Int32Array; scores: Float64Array }, k: number): Scored[] {
  const best: Scored[] = [];
  if (k <= 0) return best;
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
