/**
 * manifest.json: the one file with a fixed name, naming every other file of
 * the index. Mirrors mkdocs_embed/format/manifest.py: both refuse the same
 * manifests (tests/fixtures/conformance). Keys a reader does not know are
 * ignored; file names it does not know are still checked, since every name
 * is joined to the index folder's URL.
 */
import { type FileKind, IndexError, isFileName, isObject, isUint } from "./base";
import { GRAPH } from "./graph";
import { LEXICAL, POSTINGS } from "./lexical";
import { FRAGMENTS, PAGES } from "./pages";
import { KEYS, VECTORS } from "./vectors";

export const FORMAT_VERSION = 4;
export const MANIFEST = "manifest.json";
/** The kinds whose file `files` names; a text-only index has the first two. */
export const NAMED_KINDS: readonly FileKind[] = [PAGES, LEXICAL, VECTORS, GRAPH, KEYS];
/** Every data file kind: fragments are named by the pages file, postings by the lexical head. */
export const ALL_KINDS: readonly FileKind[] = [...NAMED_KINDS, FRAGMENTS, POSTINGS];

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

/** The data files the manifest names that a browser reads (keys are for builds). */
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

function need(cond: unknown, what: string): asserts cond {
  if (!cond) throw new IndexError("manifest", `${MANIFEST}: ${what}`);
}

const has = (o: Record<string, unknown>, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** Check a parsed manifest.json, in the Python reader's order; refuses unknown format versions before anything else. */
export function parseManifest(raw: unknown): Manifest {
  need(isObject(raw), "not a JSON object");
  if (raw.format !== FORMAT_VERSION) {
    throw new IndexError(
      "format-version",
      `${MANIFEST}: the search index has format ${JSON.stringify(raw.format)}, but this widget reads format ${FORMAT_VERSION}; rebuild the site with a matching mkdocs-embed`,
    );
  }
  const { model, counts, hnsw, files } = raw;
  need(isObject(model), "model is not an object");
  for (const key of ["name", "fingerprint", "query_prefix"]) need(typeof model[key] === "string", `model.${key} is not a string`);
  need(isUint(model.dims), "model.dims is not an integer ≥ 0");
  need(model.pooling === "mean" || model.pooling === "cls", "model.pooling is not one of mean, cls");
  need(typeof model.normalize === "boolean", "model.normalize is not a boolean");
  need(isUint(model.max_tokens) && model.max_tokens >= 2, "model.max_tokens is not an integer ≥ 2");
  for (const key of ["onnx", "tokenizer"]) need(!has(model, key) || isFileName(model[key]), `model.${key} is not a file name in the index folder`);
  need(isObject(counts) && isUint(counts.pages) && isUint(counts.chunks), "counts.pages or counts.chunks is not an integer ≥ 0");
  need(isObject(hnsw) && isUint(hnsw.ef_search) && hnsw.ef_search > 0, "hnsw.ef_search is not an integer ≥ 1");
  need(isObject(files) && has(files, "pages") && has(files, "lexical"), "files lacks pages or lexical");
  for (const [kind, name] of Object.entries(files)) need(isFileName(name), `files.${kind} is not a file name in the index folder`);
  // A text-only index (spec: "Text-only indexes") has neither vectors nor graph, and dims 0.
  if (has(files, "vectors")) need(has(files, "graph") && model.dims > 0, "files.vectors without files.graph or a positive model.dims");
  else need(!has(files, "graph") && model.dims === 0, "no files.vectors, yet files.graph or a non-zero model.dims");
  const sizes = raw.bytes ?? {};
  need(isObject(sizes) && Object.values(sizes).every((v) => isUint(v, 2 ** 53)), "bytes is not an object of sizes");
  return { ...(raw as unknown as Manifest), bytes: sizes as Manifest["bytes"] };
}
