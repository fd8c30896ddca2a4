/**
 * What every index file shares: naming, zstd, JSON, little-endian tables,
 * and the error a damaged file raises.
 *
 * The index format is specified in docs/reference/index-format.md; this
 * folder is its TypeScript side, one module per file kind (manifest, pages,
 * vectors, graph, lexical), mirroring mkdocs_embed/format/ module for module.
 * Every decoder validates what it reads, because a half-uploaded deploy or a
 * stale cache is normal on the web: bad bytes become an IndexError with a
 * message a site visitor can be shown, never a RangeError deep in a loop.
 */
import { Decompress, decompress as zstdDecompress } from "fzstd";

export type IndexErrorKind = "network" | "format-version" | "manifest" | "truncated" | "corrupt";

/** A typed failure to load or decode the index; the message names the file. */
export class IndexError extends Error {
  constructor(
    readonly kind: IndexErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "IndexError";
  }
}

/** One kind of data file: named `<kind>.<hash>.<ext>`, the hash that of its bytes as stored. */
export interface FileKind {
  kind: string;
  ext: string;
}

/** The file of `kind` whose stored bytes hash to `digest` (12 hex digits, checked by the caller). */
export const fileName = (kind: FileKind, digest: string): string => `${kind.kind}.${digest}.${kind.ext}`;

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A name that, joined to the index folder's URL, stays inside it. */
export function isFileName(name: unknown): name is string {
  return typeof name === "string" && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name);
}

/** 12 lowercase hex digits: how one file names another. */
export const isHash = (x: unknown): x is string => typeof x === "string" && /^[0-9a-f]{12}$/.test(x);

/** An integer in [0, below): what the Python reader's is_uint accepts. */
export const isUint = (x: unknown, below = 2 ** 32): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) < below;

export const isStrings = (xs: unknown): xs is string[] => Array.isArray(xs) && xs.every((x) => typeof x === "string");

/** A list of `rows` values, each passing `ok`. */
export const isColumn = <T>(col: unknown, rows: number, ok: (x: unknown) => x is T): col is T[] =>
  Array.isArray(col) && col.length === rows && col.every((x) => ok(x));

export const isString = (x: unknown): x is string => typeof x === "string";

/** JSON from UTF-8 bytes; a byte-order mark is damage, as it is to Python's json. */
export function parseJson(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch (err) {
    throw new IndexError("corrupt", `${name} is not valid UTF-8 JSON (${(err as Error).message})`);
  }
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

export function f32s(bytes: Uint8Array, offset: number, count: number, name: string): Float32Array {
  const raw = u32s(bytes, offset, count, name);
  return new Float32Array(raw.buffer, raw.byteOffset, count);
}
