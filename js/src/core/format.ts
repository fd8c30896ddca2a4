/**
 * Reading the index files of docs/reference/index-format.md (format 2).
 *
 * Every decoder validates what it reads, because a half-uploaded deploy or a
 * stale cache is normal on the web: bad bytes become an IndexError with a
 * message a site visitor can be shown, never a RangeError deep in a loop.
 */
import { Decompress, decompress as zstdDecompress } from "fzstd";

export const FORMAT_VERSION = 3;

export type IndexErrorKind = "network" | "format-version" | "manifest" | "truncated" | "corrupt";

/** A typed failure to load or decode the index. */
export class IndexError extends Error {
  constructor(
    readonly kind: IndexErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "IndexError";
  }
}

export interface ModelInfo {
  name: string;
  fingerprint: string;
  dims: number;
  pooling: "mean" | "cls";
  normalize: boolean;
  query_prefix: string;
  max_tokens: number;
  onnx?: string;
  tokenizer?: string;
}

/** The data files the manifest names (keys are for builds, not readers). */
export type DataKind = "pages" | "lexical" | "vectors" | "graph";

export interface Manifest {
  format: number;
  generator: string;
  model: ModelInfo;
  counts: { pages: number; chunks: number };
  hnsw: { m: number; ef_search: number };
  files: Partial<Record<DataKind, string>>;
  bytes: Partial<Record<DataKind, number>>;
}

export interface Pages {
  url: string[];
  /** Id of each page's first chunk; page p holds chunks first[p] … first[p+1] − 1. */
  first: Uint32Array;
  /** Name of each page's fragment file. */
  fragments: string[];
}

/** One page: its title and what results show of its chunks. */
export interface Fragment {
  title: string;
  anchor: string[];
  /** Each chunk's heading path, the title first. */
  path: string[][];
  text: string[];
}

export interface Vectors {
  n: number;
  dims: number;
  scale: Float32Array;
  q: Int8Array;
}

export interface GraphLevel {
  /** Node ids on this level, ascending; null on level 0, which holds every node. */
  nodes: Uint32Array | null;
  offsets: Uint32Array;
  links: Uint32Array;
}

export interface Graph {
  n: number;
  maxLevel: number;
  entry: number;
  levels: GraphLevel[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** File names are joined to the assets URL, so they must stay inside that folder. */
function isFileName(name: unknown): name is string {
  return typeof name === "string" && /^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith(".");
}

function need(cond: unknown, what: string): asserts cond {
  if (!cond) throw new IndexError("manifest", `manifest.json: ${what}`);
}

/** Check a parsed manifest.json; refuses unknown format versions before anything else. */
export function parseManifest(raw: unknown): Manifest {
  need(isObject(raw), "not a JSON object");
  if (raw.format !== FORMAT_VERSION) {
    throw new IndexError(
      "format-version",
      `the search index has format ${JSON.stringify(raw.format)}, but this widget reads format ${FORMAT_VERSION}; rebuild the site with a matching mkdocs-embed`,
    );
  }
  const model = raw.model;
  need(isObject(model), "missing model");
  need(Number.isInteger(model.dims) && (model.dims as number) >= 0, "model.dims must be an integer ≥ 0");
  need(model.pooling === "mean" || model.pooling === "cls", `unknown model.pooling ${JSON.stringify(model.pooling)}`);
  need(typeof model.normalize === "boolean", "model.normalize must be a boolean");
  need(typeof model.query_prefix === "string", "model.query_prefix must be a string");
  need(Number.isInteger(model.max_tokens) && (model.max_tokens as number) >= 2, "model.max_tokens must be an integer ≥ 2");
  const counts = raw.counts;
  need(isObject(counts) && Number.isInteger(counts.chunks) && Number.isInteger(counts.pages), "missing counts");
  const hnsw = raw.hnsw;
  need(isObject(hnsw) && Number.isInteger(hnsw.ef_search) && (hnsw.ef_search as number) > 0, "missing hnsw.ef_search");
  const files = raw.files;
  need(isObject(files) && typeof files.pages === "string" && typeof files.lexical === "string", "missing files.pages or files.lexical");
  // A text-only index (spec: "Text-only indexes") has neither vectors nor graph, and dims 0.
  if (files.vectors !== undefined) need(files.graph !== undefined && (model.dims as number) > 0, "files.vectors without files.graph or a positive model.dims");
  else need(files.graph === undefined && model.dims === 0, "no files.vectors, yet files.graph or a non-zero model.dims");
  for (const [kind, name] of Object.entries(files)) need(isFileName(name), `bad file name for ${kind}`);
  for (const key of ["onnx", "tokenizer"] as const) {
    const name = model[key];
    need(name === undefined || (typeof name === "string" && /^[A-Za-z0-9._-]+$/.test(name)), `bad model.${key}`);
  }
  need(raw.bytes === undefined || isObject(raw.bytes), "bytes must be an object");
  return { ...(raw as unknown as Manifest), bytes: (raw.bytes ?? {}) as Manifest["bytes"] };
}

/** The stored size must be the manifest's, so a short download is named as such rather than as corruption. */
function checkStoredSize(name: string, stored: Uint8Array, expected?: number): void {
  if (expected !== undefined && stored.byteLength !== expected) {
    throw new IndexError(
      "truncated",
      `${name} has ${stored.byteLength} bytes, the manifest says ${expected}: the file is truncated or from another build`,
    );
  }
}

const corruptZstd = (name: string, err: unknown) => new IndexError("corrupt", `${name} is not a valid zstd file (${(err as Error).message})`);

/** Decompress one stored `.zst` file; `expected` is the stored size from the manifest. */
export function decompress(name: string, stored: Uint8Array, expected?: number): Uint8Array {
  checkStoredSize(name, stored, expected);
  try {
    return zstdDecompress(stored);
  } catch (err) {
    throw corruptZstd(name, err);
  }
}

/** Input bytes decoded between two yields to the event loop: a few milliseconds of work. */
const SLICE = 1 << 16;

/**
 * Decompress a large file in slices, yielding to the event loop between
 * them. Vectors and graph arrive while a visitor types; decoding them in one
 * go would hold the keystroke's results back by a hundred milliseconds.
 */
export async function decompressGradually(name: string, stored: Uint8Array, expected?: number): Promise<Uint8Array> {
  checkStoredSize(name, stored, expected);
  const parts: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((data) => {
    parts.push(data);
    total += data.length;
  });
  try {
    for (let at = 0; at < stored.length || at === 0; at += SLICE) {
      if (at > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      stream.push(stored.subarray(at, at + SLICE), at + SLICE >= stored.length);
    }
  } catch (err) {
    throw corruptZstd(name, err);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A little-endian uint32 array at `offset`, copied when alignment or endianness demand it. */
/** `count` little-endian unsigned integers of `size` bytes at `offset`: a view when aligned, else a copy. */
function uints(size: 2 | 4, bytes: Uint8Array, offset: number, count: number, name: string): Uint16Array | Uint32Array {
  const end = offset + size * count;
  if (end > bytes.byteLength) throw new IndexError("truncated", `${name} ends early (needs ${end} bytes, has ${bytes.byteLength})`);
  const at = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN_HOST && at % size === 0) return size === 2 ? new Uint16Array(bytes.buffer, at, count) : new Uint32Array(bytes.buffer, at, count);
  const view = new DataView(bytes.buffer, at, size * count);
  const out = size === 2 ? new Uint16Array(count) : new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = size === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
  return out;
}

export function u32s(bytes: Uint8Array, offset: number, count: number, name: string): Uint32Array {
  return uints(4, bytes, offset, count, name) as Uint32Array;
}

export function u16s(bytes: Uint8Array, offset: number, count: number, name: string): Uint16Array {
  return uints(2, bytes, offset, count, name) as Uint16Array;
}

function f32s(bytes: Uint8Array, offset: number, count: number, name: string): Float32Array {
  const raw = u32s(bytes, offset, count, name);
  return new Float32Array(raw.buffer, raw.byteOffset, count);
}

/** Decode the decompressed vectors file and check it against the manifest. */
export function parseVectors(bytes: Uint8Array, manifest: Manifest): Vectors {
  const name = manifest.files.vectors ?? "vectors";
  const [n, dims] = u32s(bytes, 0, 2, name);
  if (n !== manifest.counts.chunks || dims !== manifest.model.dims) {
    throw new IndexError("corrupt", `${name} holds ${n}×${dims} vectors, the manifest says ${manifest.counts.chunks}×${manifest.model.dims}`);
  }
  const scale = f32s(bytes, 8, n, name);
  const start = 8 + 4 * n;
  if (bytes.byteLength !== start + n * dims) {
    throw new IndexError("truncated", `${name} has ${bytes.byteLength} bytes, expected ${start + n * dims}`);
  }
  // A NaN or infinite scale would turn every score of its chunk into NaN; Python refuses it too.
  const bad = scale.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new IndexError("corrupt", `${name} has a non-finite scale (${scale[bad]}) for vector ${bad}`);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + start, n * dims);
  return { n, dims, scale, q };
}

/** Decode the decompressed graph file, checking every id and offset so search never reads out of bounds. */
export function parseGraph(bytes: Uint8Array, manifest: Manifest): Graph {
  const name = manifest.files.graph ?? "graph";
  const corrupt = (what: string) => new IndexError("corrupt", `${name}: ${what}`);
  let pos = 0;
  const take = (count: number): Uint32Array => {
    const arr = u32s(bytes, pos, count, name);
    pos += 4 * count;
    return arr;
  };
  const [n, maxLevel, entry] = take(3);
  if (n !== manifest.counts.chunks) throw corrupt(`${n} nodes, the manifest says ${manifest.counts.chunks}`);
  if (n > 0 && entry >= n) throw corrupt(`entry point ${entry} out of range`);
  if (maxLevel > 64) throw corrupt(`implausible max level ${maxLevel}`);
  const nodeLevel = take(n);
  const levels: GraphLevel[] = [];
  for (let l = 0; l <= maxLevel; l++) {
    const [count] = take(1);
    if (count > n) throw corrupt(`level ${l} has ${count} nodes`);
    let nodes: Uint32Array | null = null;
    if (l === 0) {
      if (count !== n) throw corrupt(`level 0 has ${count} nodes, not ${n}`);
    } else {
      nodes = take(count);
      for (let i = 0; i < count; i++) {
        if (nodes[i] >= n || (i > 0 && nodes[i] <= nodes[i - 1])) throw corrupt(`level ${l} node list is not ascending ids`);
        if (nodeLevel[nodes[i]] < l) throw corrupt(`node ${nodes[i]} listed on level ${l} above its top level`);
      }
    }
    const offsets = take(count + 1);
    for (let i = 0; i < count; i++) if (offsets[i + 1] < offsets[i]) throw corrupt(`level ${l} offsets decrease`);
    if (offsets[0] !== 0) throw corrupt(`level ${l} offsets do not start at 0`);
    const links = take(offsets[count]);
    for (let i = 0; i < links.length; i++) if (links[i] >= n) throw corrupt(`level ${l} links to node ${links[i]}`);
    levels.push({ nodes, offsets, links });
  }
  if (pos !== bytes.byteLength) throw corrupt(`${bytes.byteLength - pos} trailing bytes`);
  if (n > 0 && nodeLevel[entry] !== maxLevel) throw corrupt(`entry point is not on the top level`);
  return { n, maxLevel, entry, levels };
}

/** JSON from UTF-8 bytes; any failure is the named file's corruption. */
function parseJson(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new IndexError("corrupt", `${name} is not valid UTF-8 JSON (${(err as Error).message})`);
  }
}

function isStrings(col: unknown, len: number): col is string[] {
  return Array.isArray(col) && col.length === len && col.every((s) => typeof s === "string");
}

const HASH = /^[0-9a-f]{12}$/;

/** Decode the decompressed pages file: every chunk on exactly one page, fragment hashes that are hashes. */
export function parsePages(bytes: Uint8Array, manifest: Manifest): Pages {
  const name = manifest.files.pages ?? "pages";
  const raw = parseJson(bytes, name);
  const bad = (what: string) => new IndexError("corrupt", `${name}: ${what}`);
  if (!isObject(raw)) throw bad("not a JSON object");
  const count = Array.isArray(raw.url) ? raw.url.length : -1;
  const n = manifest.counts.chunks;
  if (!isStrings(raw.url, count)) throw bad(`url must be ${count} strings`);
  const first = raw.first;
  if (!Array.isArray(first) || first.length !== count || !first.every((f, i) => Number.isInteger(f) && (i === 0 ? f === 0 : f > first[i - 1]) && f < n)) {
    throw bad("first must be increasing chunk ids from 0");
  }
  if (n > 0 && count === 0) throw bad("no pages for the chunks");
  const hashes = raw.fragments;
  if (!isStrings(hashes, count) || !hashes.every((h) => HASH.test(h))) throw bad("fragment hashes must be 12 hex digits");
  return { url: raw.url, first: Uint32Array.from(first as number[]), fragments: hashes.map((h) => `fragments.${h}.json.zst`) };
}

/** Decode the decompressed fragment file of a page of `rows` chunks. */
export function parseFragment(bytes: Uint8Array, name: string, rows: number): Fragment {
  const raw = parseJson(bytes, name);
  const bad = (what: string) => new IndexError("corrupt", `${name}: ${what}`);
  if (!isObject(raw)) throw bad("not a JSON object");
  const title = raw.title;
  if (typeof title !== "string") throw bad("title must be a string");
  if (!isStrings(raw.anchor, rows) || !isStrings(raw.text, rows)) throw bad(`anchor and text must be ${rows} strings`);
  const path = raw.path;
  if (!Array.isArray(path) || path.length !== rows || !path.every((p) => Array.isArray(p) && p.every((s) => typeof s === "string"))) {
    throw bad(`path must be ${rows} lists of strings`);
  }
  return { title, anchor: raw.anchor, path: (path as string[][]).map((p) => [title, ...p]), text: raw.text };
}
