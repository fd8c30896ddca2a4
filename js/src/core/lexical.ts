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
import { u16s, u32s } from "./format";

export const LEXICAL_VERSION = 3;
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

/**
 * Whether the word being typed may end up as `term`: the term starts with
 * it, or it runs a little past a stem. Whole compounds are left out: their
 * parts are terms of their own.
 */
export function extendsTo(prefix: string, term: string): boolean {
  if (SEPARATOR.test(term)) return false;
  if (term.startsWith(prefix)) return true;
  return term.length >= PREFIX_MIN && prefix.startsWith(term) && prefix.length - term.length <= STEM_SLACK;
}

export interface Scored {
  id: number;
  score: number;
}

/** Thrown for a file this reader cannot use; the message says what to do. */
export class LexicalFormatError extends Error {}

const malformed = (what: string) => new LexicalFormatError(`lexical index is malformed (${what}); rebuild the site`);

/** The postings file of `term`: 32-bit FNV-1a over its UTF-16 code units, modulo the number of files. */
export function shardOf(term: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193) >>> 0;
  return h % shards;
}

/** The JSON header of a head or postings file, and where the tables after it start. */
function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; end: number } {
  if (bytes.byteLength < 8) throw malformed("truncated");
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (size % 4 !== 0 || 4 + size + 4 > bytes.byteLength) throw malformed("header size");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(4, 4 + size)));
  } catch {
    throw new LexicalFormatError("lexical index header is not valid JSON; rebuild the site");
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw malformed("header is not an object");
  return { header: json as Record<string, unknown>, end: 4 + size };
}

const isStrings = (xs: unknown): xs is string[] => Array.isArray(xs) && xs.every((x) => typeof x === "string");

/**
 * One postings file: its terms, each term's df and byte range, and the
 * LEB128 lists. Its tables are checked when it loads; each list before its
 * first use, so that the first keystroke pays for its own terms only.
 */
class Shard {
  readonly terms = new Map<string, number>();
  readonly df: Uint32Array;
  readonly offsets: Uint32Array;
  readonly postings: Uint8Array;
  private readonly checked: Uint8Array;

  constructor(
    bytes: Uint8Array,
    index: number,
    count: number,
    private readonly n: number,
  ) {
    const { header, end } = readHeader(bytes);
    const [t] = u32s(bytes, end, 1, "lexical index");
    const start = end + 4 + 4 * (2 * t + 1);
    const terms = header.terms;
    if (!isStrings(terms) || terms.length !== t || start > bytes.byteLength) throw malformed("postings tables");
    terms.forEach((term, i) => {
      if (shardOf(term, count) !== index) throw malformed("a term in another term's postings file");
      this.terms.set(term, i);
    });
    this.df = u32s(bytes, end + 4, t, "lexical index");
    this.offsets = u32s(bytes, end + 4 + 4 * t, t + 1, "lexical index");
    this.postings = bytes.subarray(start);
    this.checked = new Uint8Array(t);
    const { offsets, df } = this;
    if (offsets[0] !== 0 || offsets[t] !== this.postings.byteLength) throw malformed("posting offsets");
    for (let i = 0; i < t; i++) if (offsets[i + 1] < offsets[i] || df[i] === 0) throw malformed("posting offsets");
  }

  /** Check term `i`'s list once: pairs of counts that fill its bytes, increasing ids below n, tf ≥ 1. */
  check(i: number): void {
    if (this.checked[i] === 1) return;
    const cursor = { at: this.offsets[i] };
    const stop = this.offsets[i + 1];
    let doc = -1;
    for (let j = 0; j < this.df[i]; j++) {
      const gap = varint(this.postings, cursor, stop);
      const tf = varint(this.postings, cursor, stop);
      if (gap < 0 || tf <= 0 || (j > 0 && gap === 0)) throw malformed("a posting list is not pairs of counts");
      doc = j === 0 ? gap : doc + gap;
    }
    if (cursor.at !== stop) throw malformed("a posting list does not fill its bytes");
    if (doc >= this.n) throw malformed("a posting points past the last chunk");
    this.checked[i] = 1;
  }
}

/** One LEB128 uint32 at `cursor.at` (which moves past it), or -1 when it runs past `stop` or over 32 bits. */
function varint(bytes: Uint8Array, cursor: { at: number }, stop: number): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (cursor.at >= stop) return -1;
    const byte = bytes[cursor.at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value < 2 ** 32 ? value : -1;
  }
  return -1;
}

export class LexicalIndex {
  readonly analyzer: Analyzer;
  /** Names of the postings files, in order. */
  readonly postings: string[];
  private readonly shards: (Shard | undefined)[];
  private readonly norm: Float64Array;
  private readonly k1: number;
  private readonly lengths: Uint16Array;

  private constructor(bytes: Uint8Array) {
    const { header: h, end } = readHeader(bytes);
    if (h.version !== LEXICAL_VERSION) {
      throw new LexicalFormatError(`lexical index version ${String(h.version)} is not supported (this reader knows ${LEXICAL_VERSION}); rebuild the site`);
    }
    const { language, stopwords, k1, b, postings } = h;
    if (typeof language !== "string" || !isStrings(stopwords) || !isStrings(postings) || postings.length === 0) throw malformed("header fields");
    if (typeof k1 !== "number" || typeof b !== "number" || !Number.isFinite(k1) || !Number.isFinite(b)) throw malformed("k1 and b");
    const [n] = u32s(bytes, end, 1, "lexical index");
    if (bytes.byteLength !== end + 4 + 2 * (n + (n % 2))) throw malformed("chunk lengths");
    this.lengths = u16s(bytes, end + 4, n, "lexical index");
    this.postings = postings;
    this.shards = new Array(postings.length);
    this.analyzer = new Analyzer(language, stopwords);
    this.k1 = k1;
    let total = 0;
    for (let i = 0; i < n; i++) total += this.lengths[i];
    let avgdl = n > 0 ? total / n : 1;
    if (avgdl === 0) avgdl = 1;
    this.norm = new Float64Array(n);
    for (let i = 0; i < n; i++) this.norm[i] = k1 * (1 - b + (b * this.lengths[i]) / avgdl);
  }

  /** Read the decompressed head file, `lexical.*.bin.zst`. */
  static fromHead(bytes: Uint8Array): LexicalIndex {
    return new LexicalIndex(bytes);
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
    this.shards[index] ??= new Shard(bytes, index, this.postings.length, this.size);
  }

  idf(df: number): number {
    const n = this.lengths.length;
    const raw = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    return Math.floor(raw * IDF_GRID + 0.5) / IDF_GRID;
  }

  /**
   * The index terms that the query's word being typed may become, with their
   * df, most frequent first (then in code-unit order), leaving out the
   * query's own terms. Only loaded postings files are looked at: all of them
   * once `Engine.prefetch` is done, as in Python.
   */
  prefixTerms(query: string): [string, number][] {
    const prefix = this.analyzer.typedPrefix(query);
    if (prefix === null) return [];
    const whole = new Set(this.analyzer.queryTerms(query));
    const found: [string, number][] = [];
    for (const shard of this.shards) {
      if (shard === undefined) continue;
      for (const [term, i] of shard.terms) {
        if (!whole.has(term) && !ASTRAL.test(term) && extendsTo(prefix, term)) found.push([term, shard.df[i]]);
      }
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
