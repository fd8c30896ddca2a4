/**
 * BM25 over the lexical file (docs/reference/ranking.md), computed with the
 * same double operations in the same order as mkdocs_embed/search/lexical.py,
 * so both return the same ids in the same order.
 *
 * The file is a JSON header and uint32 tables over LEB128 posting lists:
 * loading reads the tables in place and checks every list once, and a query
 * decodes only its own terms' lists.
 */
import { Analyzer } from "./analyze";

export const LEXICAL_VERSION = 2;
/** 2**20: idf is rounded to this grid so that libm's last-bit differences vanish. */
const IDF_GRID = 1048576;

export interface LexicalHeader {
  version: number;
  language: string;
  stopwords: string[];
  k1: number;
  b: number;
  heading_boost: number;
  terms: string[];
}

export interface Scored {
  id: number;
  score: number;
}

/** Thrown for a file this reader cannot use; the message says what to do. */
export class LexicalFormatError extends Error {}

const malformed = (what: string) => new LexicalFormatError(`lexical index is malformed (${what}); rebuild the site`);

function readHeader(bytes: Uint8Array): { header: LexicalHeader; end: number } {
  if (bytes.byteLength < 4) throw malformed("truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(0, true);
  if (size % 4 !== 0 || 4 + size + 8 > bytes.byteLength) throw malformed("header size");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(4, 4 + size)));
  } catch {
    throw new LexicalFormatError("lexical index header is not valid JSON; rebuild the site");
  }
  const h = json as Partial<LexicalHeader> | null;
  if (h === null || typeof h !== "object" || Array.isArray(h)) throw malformed("header is not an object");
  if (h.version !== LEXICAL_VERSION) {
    throw new LexicalFormatError(`lexical index version ${String(h.version)} is not supported (this reader knows ${LEXICAL_VERSION}); rebuild the site`);
  }
  const strings = (xs: unknown) => Array.isArray(xs) && xs.every((x) => typeof x === "string");
  if (typeof h.language !== "string" || !strings(h.stopwords) || !strings(h.terms)) throw malformed("header fields");
  if (typeof h.k1 !== "number" || typeof h.b !== "number" || !Number.isFinite(h.k1) || !Number.isFinite(h.b)) throw malformed("k1 and b");
  return { header: h as LexicalHeader, end: 4 + size };
}

/** uint32s at `offset`, in place when aligned on a little-endian host (always, for files the writer made). */
function u32s(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  const at = bytes.byteOffset + offset;
  if (at % 4 === 0 && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return new Uint32Array(bytes.buffer, at, count);
  const view = new DataView(bytes.buffer, at, 4 * count);
  return Uint32Array.from({ length: count }, (_, i) => view.getUint32(4 * i, true));
}

export class LexicalIndex {
  readonly analyzer: Analyzer;
  private readonly termIds = new Map<string, number>();
  private readonly norm: Float64Array;
  private readonly k1: number;
  private readonly lengths: Uint32Array;
  private readonly df: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly postings: Uint8Array;

  private constructor(bytes: Uint8Array) {
    const { header, end } = readHeader(bytes);
    const [n, t] = u32s(bytes, end, 2);
    const tables = end + 8;
    const start = tables + 4 * (n + t + t + 1);
    if (t !== header.terms.length || start > bytes.byteLength) throw malformed("tables");
    this.lengths = u32s(bytes, tables, n);
    this.df = u32s(bytes, tables + 4 * n, t);
    this.offsets = u32s(bytes, tables + 4 * (n + t), t + 1);
    this.postings = bytes.subarray(start);
    this.check(n);
    this.analyzer = new Analyzer(header.language, header.stopwords);
    this.k1 = header.k1;
    header.terms.forEach((term, i) => this.termIds.set(term, i));
    let total = 0;
    for (let i = 0; i < n; i++) total += this.lengths[i];
    let avgdl = n > 0 ? total / n : 1;
    if (avgdl === 0) avgdl = 1;
    const { k1, b } = header;
    this.norm = Float64Array.from(this.lengths, (dl) => k1 * (1 - b + (b * dl) / avgdl));
  }

  /** Read the decompressed bytes of `lexical.*.bin.zst`, checking every table and posting list. */
  static fromBytes(bytes: Uint8Array): LexicalIndex {
    return new LexicalIndex(bytes);
  }

  /** Damage fails here, once, rather than as NaN scores or reads past an array in a search. */
  private check(n: number): void {
    const { offsets, df, postings } = this;
    const t = df.length;
    if (offsets[0] !== 0 || offsets[t] !== postings.byteLength) throw malformed("posting offsets");
    for (let i = 0; i < t; i++) {
      if (offsets[i + 1] < offsets[i] || df[i] === 0) throw malformed("posting offsets");
      let doc = -1;
      let pos = offsets[i];
      const stop = offsets[i + 1];
      for (let j = 0; j < df[i]; j++) {
        const delta = this.varint(pos, stop);
        pos = this.at;
        const tf = this.varint(pos, stop);
        pos = this.at;
        if (delta < 0 || tf <= 0 || (j > 0 && delta === 0)) throw malformed("a posting list is not pairs of counts");
        doc = j === 0 ? delta : doc + delta;
      }
      if (pos !== stop) throw malformed("a posting list does not fill its bytes");
      if (doc >= n) throw malformed("a posting points past the last chunk");
    }
  }

  /** Where the last varint() ended; kept in a field so the hot loop allocates nothing. */
  private at = 0;

  /** One LEB128 uint32 at `pos`, or -1 when it runs past `stop` or over 32 bits. */
  private varint(pos: number, stop: number): number {
    const p = this.postings;
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= stop) return -1;
      const byte = p[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        this.at = pos;
        return value < 2 ** 32 ? value : -1;
      }
    }
    return -1;
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(df: number): number {
    const n = this.lengths.length;
    const raw = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    return Math.floor(raw * IDF_GRID + 0.5) / IDF_GRID;
  }

  /** BM25 score of every chunk holding at least one query term. */
  scores(query: string): Map<number, number> {
    const acc = new Map<number, number>();
    const k1p1 = this.k1 + 1;
    for (const term of this.analyzer.queryTerms(query)) {
      const i = this.termIds.get(term);
      if (i === undefined) continue;
      const idf = this.idf(this.df[i]);
      const stop = this.offsets[i + 1];
      let pos = this.offsets[i];
      let doc = 0;
      for (let j = 0; j < this.df[i]; j++) {
        doc += this.varint(pos, stop);
        const tf = this.varint(this.at, stop);
        pos = this.at;
        acc.set(doc, (acc.get(doc) ?? 0) + (idf * (tf * k1p1)) / (tf + this.norm[doc]));
      }
    }
    return acc;
  }

  /** The best `k` chunks, by score descending then id ascending. */
  search(query: string, k: number): Scored[] {
    return [...this.scores(query)]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([id, score]) => ({ id, score }));
  }
}
