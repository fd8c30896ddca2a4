/**
 * The lexical head and its postings files (docs/reference/ranking.md,
 * "Lexical file layout"). Mirrors mkdocs_embed/format/lexical.py.
 *
 * A query needs the head and its own terms' postings files only, and
 * decodes only its own terms' lists, each checked before its first use.
 */
import { type FileKind, IndexError, isFileName, isObject, isStrings, parseJson, u16s, u32s } from "./base";

export const LEXICAL: FileKind = { kind: "lexical", ext: "bin.zst" };
/** Named by the lexical head, in order. */
export const POSTINGS: FileKind = { kind: "postings", ext: "bin.zst" };
export const LEXICAL_VERSION = 3;

/** The postings file of `term`: 32-bit FNV-1a over its UTF-16 code units, modulo the number of files. */
export function shardOf(term: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193) >>> 0;
  return h % shards;
}

const corrupt = (name: string, what: string) => new IndexError("corrupt", `${name}: ${what}; rebuild the site`);

/** The JSON header of a head or postings file, and where the tables after it start. */
function readHeader(bytes: Uint8Array, name: string): { header: Record<string, unknown>; end: number } {
  if (bytes.byteLength < 8) throw new IndexError("truncated", `${name} is truncated`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (size % 4 !== 0 || 4 + size + 4 > bytes.byteLength) throw corrupt(name, "the header is damaged");
  const header = parseJson(bytes.subarray(4, 4 + size), `${name} header`);
  if (!isObject(header)) throw corrupt(name, "the header is not a JSON object");
  return { header, end: 4 + size };
}

export interface LexicalHead {
  language: string;
  stopwords: string[];
  k1: number;
  b: number;
  lengths: Uint16Array;
  /** Names of the postings files, in order: term t lives in postings[shardOf(t, postings.length)]. */
  postings: string[];
}

/** Decode the decompressed head file, `lexical.*.bin.zst`; it must hold `chunks` chunk lengths where that is given (the manifest's count). */
export function parseHead(bytes: Uint8Array, name: string, chunks?: number): LexicalHead {
  const { header: h, end } = readHeader(bytes, name);
  if (h.version !== LEXICAL_VERSION) {
    throw new IndexError("format-version", `${name}: lexical index version ${JSON.stringify(h.version)} is not supported (this reader knows ${LEXICAL_VERSION}); rebuild the site`);
  }
  const { language, stopwords, k1, b, postings } = h;
  if (typeof language !== "string" || !isStrings(stopwords)) throw corrupt(name, "the header lacks a language or stopwords");
  if (typeof k1 !== "number" || typeof b !== "number" || !Number.isFinite(k1) || !Number.isFinite(b)) throw corrupt(name, "the header lacks finite k1 and b");
  if (!Array.isArray(postings) || postings.length === 0 || !postings.every(isFileName)) {
    throw corrupt(name, "the header lists no postings files, or a name outside the index folder");
  }
  const [n] = u32s(bytes, end, 1, name);
  if (bytes.byteLength !== end + 4 + 2 * (n + (n % 2))) throw new IndexError("truncated", `${name}: the chunk lengths are truncated`);
  if (chunks !== undefined && n !== chunks) throw corrupt(name, `it holds ${n} chunks, the manifest says ${chunks}`);
  return { language, stopwords, k1, b, lengths: u16s(bytes, end + 4, n, name), postings };
}

/**
 * One postings file: its terms, each term's df and byte range, and the
 * LEB128 lists. Its tables are checked when it loads; each list before its
 * first use, so that the first keystroke pays for its own terms only.
 */
export class Shard {
  readonly terms = new Map<string, number>();
  readonly df: Uint32Array;
  readonly offsets: Uint32Array;
  readonly postings: Uint8Array;
  private readonly checked: Uint8Array;

  /** Postings file `index` of `count`, named `name`, of an index of `n` chunks. */
  constructor(
    bytes: Uint8Array,
    private readonly name: string,
    index: number,
    count: number,
    private readonly n: number,
  ) {
    const { header, end } = readHeader(bytes, name);
    const [t] = u32s(bytes, end, 1, name);
    const start = end + 4 + 4 * (2 * t + 1);
    const terms = header.terms;
    if (start > bytes.byteLength) throw new IndexError("truncated", `${name}: the tables are truncated`);
    if (!isStrings(terms) || terms.length !== t) throw corrupt(name, "terms and tables differ");
    terms.forEach((term, i) => {
      if (shardOf(term, count) !== index) throw corrupt(name, "it holds a term of another postings file");
      this.terms.set(term, i);
    });
    this.df = u32s(bytes, end + 4, t, name);
    this.offsets = u32s(bytes, end + 4 + 4 * t, t + 1, name);
    this.postings = bytes.subarray(start);
    this.checked = new Uint8Array(t);
    const { offsets, df } = this;
    if (offsets[0] !== 0 || offsets[t] !== this.postings.byteLength) throw corrupt(name, "the posting offsets are damaged");
    for (let i = 0; i < t; i++) if (offsets[i + 1] < offsets[i] || df[i] === 0) throw corrupt(name, "the posting offsets are damaged");
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
      if (gap < 0 || tf <= 0 || (j > 0 && gap === 0)) throw corrupt(this.name, "a posting list is not pairs of counts");
      doc = j === 0 ? gap : doc + gap;
    }
    if (cursor.at !== stop) throw corrupt(this.name, "a posting list does not fill its bytes");
    if (doc >= this.n) throw corrupt(this.name, "a posting points past the last chunk");
    this.checked[i] = 1;
  }
}

/** One LEB128 uint32 at `cursor.at` (which moves past it), or -1 when it runs past `stop` or over 32 bits. */
export function varint(bytes: Uint8Array, cursor: { at: number }, stop: number): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (cursor.at >= stop) return -1;
    const byte = bytes[cursor.at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value < 2 ** 32 ? value : -1;
  }
  return -1;
}
