/**
 * Builds an index in memory, as the spec describes the files, so that core
 * tests need neither Python nor the network. zstd frames use raw blocks:
 * valid zstd that any decoder must accept. Each encoder writes the bytes
 * Python's writes for the same input (js/test/conformance.test.ts checks
 * them against the corpus that Python wrote).
 */
import { Analyzer } from "../../src/core/analyze";
import type { Fetch } from "../../src/core/engine";
import { FORMAT_VERSION } from "../../src/core/format/manifest";
import { shardOf } from "../../src/core/format/lexical";

export function zstdRaw(data: Uint8Array): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xa0];
  const size = data.length;
  parts.push(size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, (size >>> 24) & 0xff);
  const BLOCK = 128 * 1024;
  let pos = 0;
  do {
    const len = Math.min(BLOCK, size - pos);
    const last = pos + len >= size ? 1 : 0;
    const header = last | (len << 3);
    parts.push(header & 0xff, (header >>> 8) & 0xff, (header >>> 16) & 0xff);
    for (let i = 0; i < len; i++) parts.push(data[pos + i]);
    pos += len;
  } while (pos < size);
  return Uint8Array.from(parts);
}

/** Quantize float vectors the way the writer does. */
export function quantize(vectors: number[][]): { scale: Float32Array; q: Int8Array } {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  const scale = new Float32Array(n);
  const q = new Int8Array(n * dims);
  vectors.forEach((v, i) => {
    const s = Math.fround(Math.max(...v.map(Math.abs)) / 127);
    scale[i] = s;
    v.forEach((x, j) => (q[i * dims + j] = Math.floor(x / s + 0.5)));
  });
  return { scale, q };
}

export function encodeVectors(scale: Float32Array, q: Int8Array, dims: number): Uint8Array {
  const n = scale.length;
  const out = new Uint8Array(8 + 4 * n + n * dims);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, dims, true);
  scale.forEach((s, i) => view.setFloat32(8 + 4 * i, s, true));
  out.set(new Uint8Array(q.buffer, q.byteOffset, q.length), 8 + 4 * n);
  return out;
}

/** The lexical index as mkdocs_embed/index/lexical.py writes it (tf = body + 3 × heading path), in `shards` postings files. */
export function buildLexical(
  chunks: { path: string[]; text: string }[],
  shards = 2,
  name = (i: number) => `postings.${String(i).padStart(12, "0")}.bin.zst`,
  stopwords: string[] = [],
): { head: Uint8Array; postings: Map<string, Uint8Array> } {
  const analyzer = new Analyzer("english", stopwords);
  const postings = new Map<string, [number, number][]>();
  const lengths: number[] = [];
  chunks.forEach((chunk, doc) => {
    const heading = analyzer.terms(chunk.path.join(" "));
    const body = analyzer.terms(chunk.text);
    const tf = new Map<string, number>();
    for (const t of body) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of heading) tf.set(t, (tf.get(t) ?? 0) + 3);
    lengths.push(heading.length + body.length);
    for (const [t, count] of tf) {
      if (!postings.has(t)) postings.set(t, []);
      (postings.get(t) as [number, number][]).push([doc, count]);
    }
  });
  const groups: string[][] = Array.from({ length: shards }, () => []);
  for (const t of [...postings.keys()].sort()) groups[shardOf(t, shards)].push(t);
  const files = new Map<string, Uint8Array>();
  groups.forEach((terms, i) => {
    const flats = terms.map((t) => {
      let prev = 0;
      return (postings.get(t) as [number, number][]).flatMap(([doc, count]) => {
        const gap = doc - prev;
        prev = doc;
        return [gap, count];
      });
    });
    files.set(name(i), encodePostings(terms, flats));
  });
  const header = { language: "english", stopwords, k1: 1.2, b: 0.75, heading_boost: 3, version: 3, postings: [...files.keys()] };
  return { head: encodeHead(header, lengths), postings: files };
}

/** A head file: padded JSON header, then n and the chunk lengths as uint16, padded to whole 32-bit words. */
export function encodeHead(header: Record<string, unknown>, lengths: number[]): Uint8Array {
  const padded = [...lengths, ...(lengths.length % 2 ? [0] : [])];
  const body = new Uint8Array(2 * padded.length);
  padded.forEach((l, i) => new DataView(body.buffer).setUint16(2 * i, l, true));
  return withHeader(header, [lengths.length], body);
}

/** A postings file: padded JSON header of its terms, t, df[t], offsets[t + 1], then the LEB128 lists. */
export function encodePostings(terms: string[], flats: number[][]): Uint8Array {
  const lists = flats.map((flat) => varints(flat));
  const offsets = [0];
  for (const list of lists) offsets.push(offsets[offsets.length - 1] + list.length);
  const body = new Uint8Array(offsets[offsets.length - 1]);
  lists.forEach((list, i) => body.set(list, offsets[i]));
  return withHeader({ terms }, [terms.length, ...flats.map((f) => f.length / 2), ...offsets], body);
}

function withHeader(header: Record<string, unknown>, words: number[], body: Uint8Array): Uint8Array {
  let head = JSON.stringify(header);
  head += " ".repeat((4 - (new TextEncoder().encode(head).length % 4)) % 4);
  const headBytes = new TextEncoder().encode(head);
  const out = new Uint8Array(4 + headBytes.length + 4 * words.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, headBytes.length, true);
  out.set(headBytes, 4);
  words.forEach((w, i) => view.setUint32(4 + headBytes.length + 4 * i, w, true));
  out.set(body, 4 + headBytes.length + 4 * words.length);
  return out;
}

export function varints(values: number[]): Uint8Array {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  }
  return Uint8Array.from(out);
}

export interface TestGraph {
  entry: number;
  /** levels[l] = map node → neighbour list, for the nodes on level l. */
  levels: Map<number, number[]>[];
}

export function encodeGraph(g: TestGraph, n: number): Uint8Array {
  const words: number[] = [n, g.levels.length - 1, g.entry];
  const top = new Array(n).fill(0);
  g.levels.forEach((level, l) => level.forEach((_, node) => (top[node] = Math.max(top[node], l))));
  words.push(...top);
  g.levels.forEach((level, l) => {
    const nodes = [...level.keys()].sort((a, b) => a - b);
    words.push(nodes.length);
    if (l > 0) words.push(...nodes);
    let off = 0;
    words.push(0);
    for (const node of nodes) words.push((off += (level.get(node) as number[]).length));
    for (const node of nodes) words.push(...(level.get(node) as number[]));
  });
  const out = new Uint8Array(4 * words.length);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  return out;
}

const json = (data: unknown) => new TextEncoder().encode(JSON.stringify(data));

/** The pages file: `paths` are the heading paths below each chunk's page title, `fragments` the fragment files' hashes. */
export function encodePages(pages: { url: string; title: string }[], first: number[], paths: string[][], fragments: string[]): Uint8Array {
  return json({ url: pages.map((p) => p.url), title: pages.map((p) => p.title), first, path: paths, fragments });
}

export function encodeFragment(anchor: string[], text: string[]): Uint8Array {
  return json({ anchor, text });
}

export interface TestIndex {
  files: Map<string, Uint8Array>;
  fetch: Fetch;
  base: string;
}

const BASE = "https://docs.example/assets/mkdocs-embed/";

/** A whole index (manifest and all files) served by a fetch stand-in; text-only when `vectors` is null. */
export function buildIndex(opts: {
  vectors: number[][] | null;
  graph?: TestGraph;
  texts: string[];
  pages?: { url: string; title: string }[];
  /** The page of each text; a page's texts must be consecutive. */
  pageOf?: number[];
  shards?: number;
  manifestPatch?: Record<string, unknown>;
}): TestIndex {
  const n = opts.texts.length;
  const dims = opts.vectors === null ? 0 : opts.vectors[0].length;
  const pages = opts.pages ?? [{ url: "", title: "Home" }];
  const pageOf = opts.pageOf ?? opts.texts.map(() => 0);
  const paths = opts.texts.map((_, i) => [pages[pageOf[i]].title, `Section ${i}`]);
  const files = new Map<string, Uint8Array>();
  const fragments = pages.map((_, p) => {
    const ids = opts.texts.map((_, i) => i).filter((i) => pageOf[i] === p);
    const hash = String(p).padStart(12, "0");
    const fragment = encodeFragment(ids.map((i) => `s${i}`), ids.map((i) => opts.texts[i]));
    files.set(`fragments.${hash}.json.zst`, zstdRaw(fragment));
    return hash;
  });
  const first = pages.map((_, p) => pageOf.indexOf(p));
  const lexical = buildLexical(paths.map((path, i) => ({ path, text: opts.texts[i] })), opts.shards ?? 2);
  for (const [name, data] of lexical.postings) files.set(name, zstdRaw(data));
  const stored: Record<string, Uint8Array> = {
    pages: zstdRaw(encodePages(pages, first, paths.map((p) => p.slice(1)), fragments)),
    lexical: zstdRaw(lexical.head),
  };
  if (opts.vectors !== null) {
    if (opts.vectors.length !== n || opts.graph === undefined) throw new Error("one vector per text, and a graph");
    const { scale, q } = quantize(opts.vectors);
    stored.vectors = zstdRaw(encodeVectors(scale, q, dims));
    stored.graph = zstdRaw(encodeGraph(opts.graph, n));
  }
  const names: Record<string, string> = {};
  const bytes: Record<string, number> = {};
  for (const [kind, data] of Object.entries(stored)) {
    names[kind] = `${kind}.000000000000.bin.zst`;
    bytes[kind] = data.length;
    files.set(names[kind], data);
  }
  const manifest = {
    format: FORMAT_VERSION,
    generator: "test",
    model: { name: "test", fingerprint: "0", dims, pooling: "mean", normalize: true, query_prefix: "", max_tokens: 256 },
    counts: { pages: pages.length, chunks: n },
    hnsw: { m: 16, ef_search: 64 },
    files: names,
    bytes,
    ...opts.manifestPatch,
  };
  files.set("manifest.json", json(manifest));
  const fetch: Fetch = async (url) => {
    const data = files.get(url.slice(BASE.length));
    return data === undefined ? new Response("not found", { status: 404 }) : new Response(data as unknown as BodyInit);
  };
  return { files, fetch, base: BASE };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomUnitVectors(n: number, dims: number, random: () => number): number[][] {
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: dims }, () => random() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => Math.fround(x / norm));
  });
}
