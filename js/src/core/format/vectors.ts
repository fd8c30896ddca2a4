/**
 * The vectors file (int8, one scale per vector). Mirrors
 * mkdocs_embed/format/vectors.py, which also writes the keys file that no
 * browser reads.
 */
import { type FileKind, IndexError, f32s, u32s } from "./base";
import type { Manifest } from "./manifest";

export const VECTORS: FileKind = { kind: "vectors", ext: "i8.zst" };
export const KEYS: FileKind = { kind: "keys", ext: "bin.zst" };

export interface Vectors {
  n: number;
  dims: number;
  scale: Float32Array;
  q: Int8Array;
}

/** Decode the decompressed vectors file and check it against the manifest. */
export function parseVectors(bytes: Uint8Array, manifest: Manifest): Vectors {
  const name = manifest.files.vectors ?? "vectors";
  const [n, dims] = u32s(bytes, 0, 2, name);
  if (n !== manifest.counts.chunks || dims !== manifest.model.dims) {
    throw new IndexError("corrupt", `${name} holds ${n}×${dims} vectors, the manifest says ${manifest.counts.chunks}×${manifest.model.dims}`);
  }
  const start = 8 + 4 * n;
  if (bytes.byteLength !== start + n * dims) {
    throw new IndexError("truncated", `${name} has ${bytes.byteLength} bytes, expected ${start + n * dims}`);
  }
  const scale = f32s(bytes, 8, n, name);
  // A NaN or infinite scale would turn every score of its chunk into NaN; Python refuses it too.
  const bad = scale.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new IndexError("corrupt", `${name} has a non-finite scale (${scale[bad]}) for vector ${bad}`);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + start, n * dims);
  return { n, dims, scale, q };
}
