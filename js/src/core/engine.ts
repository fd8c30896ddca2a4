/**
 * The search engine without a DOM: loads the index progressively and answers
 * queries with lexical hits at once and fused lexical + dense hits once a
 * query vector is available.
 */
import {
  IndexError,
  type ChunkTable,
  type DataKind,
  type Manifest,
  decompress,
  parseChunks,
  parseGraph,
  parseManifest,
  parseVectors,
} from "./format";
import { HnswIndex, type Hit } from "./hnsw";
import { createLexical, fuse, type LexicalSearch } from "./ranking";

export type Fetch = (url: string) => Promise<Response>;

export interface Result {
  id: number;
  score: number;
  page: number;
  url: string;
  title: string;
  anchor: string;
  /** Heading path: the page title, then each heading down to the section. */
  path: string[];
  text: string;
}

/** Fetch one file; every failure becomes an IndexError naming the file. */
async function fetchBytes(fetchImpl: Fetch, url: string, name: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (err) {
    throw new IndexError("network", `could not download ${name} (${(err as Error).message})`);
  }
  if (!response.ok) throw new IndexError("network", `could not download ${name} (HTTP ${response.status})`);
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new IndexError("network", `download of ${name} broke off (${(err as Error).message})`);
  }
}

export class Engine {
  private dense: HnswIndex | null = null;
  private densePromise: Promise<void> | null = null;

  private constructor(
    readonly manifest: Manifest,
    readonly table: ChunkTable,
    private readonly lexical: LexicalSearch,
    private readonly base: string,
    private readonly fetchImpl: Fetch,
  ) {}

  /** Load the manifest and the chunk table: enough for lexical search. */
  static async load(base: string, fetchImpl: Fetch = (u) => fetch(u)): Promise<Engine> {
    const raw = await fetchBytes(fetchImpl, new URL("manifest.json", base).href, "manifest.json");
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw new IndexError("manifest", "manifest.json is not valid JSON");
    }
    const manifest = parseManifest(json);
    const table = await loadChunks(manifest, base, fetchImpl);
    return new Engine(manifest, table, createLexical(table), base, fetchImpl);
  }

  /** Download and decode vectors and graph; resolves once dense search works. */
  loadDense(): Promise<void> {
    this.densePromise ??= (async () => {
      const [vectors, graph] = await Promise.all([this.file("vectors"), this.file("graph")]);
      this.dense = new HnswIndex(parseVectors(vectors, this.manifest), parseGraph(graph, this.manifest), this.manifest.hnsw.ef_search);
    })();
    return this.densePromise;
  }

  get denseReady(): boolean {
    return this.dense !== null;
  }

  private file(kind: DataKind): Promise<Uint8Array> {
    return loadFile(this.manifest, kind, this.base, this.fetchImpl);
  }

  /** Dense hits alone, for parity checks and debugging. */
  denseSearch(vector: ArrayLike<number>, k: number): Hit[] {
    if (this.dense === null) throw new Error("dense index not loaded");
    return this.dense.search(vector, k);
  }

  /** Lexical hits, fused with dense hits when a query vector is given and the graph is loaded. */
  search(query: string, vector: ArrayLike<number> | null, k: number): Result[] {
    const pool = Math.max(k, 20);
    const lexical = this.lexical.search(query, pool);
    const hits = vector !== null && this.dense !== null ? fuse(lexical, this.dense.search(vector, pool), k) : lexical.slice(0, k);
    return hits.map((h) => this.result(h));
  }

  private result(hit: Hit): Result {
    const c = this.table.chunks;
    const page = c.page[hit.id];
    return {
      id: hit.id,
      score: hit.score,
      page,
      url: this.table.pages.url[page],
      title: this.table.pages.title[page],
      anchor: c.anchor[hit.id],
      path: c.path[hit.id],
      text: c.text[hit.id],
    };
  }
}

async function loadFile(manifest: Manifest, kind: DataKind, base: string, fetchImpl: Fetch): Promise<Uint8Array> {
  const name = manifest.files[kind];
  if (name === undefined) throw new IndexError("manifest", `manifest.json lists no ${kind} file`);
  const stored = await fetchBytes(fetchImpl, new URL(name, base).href, name);
  return decompress(name, stored, manifest.bytes[kind]);
}

async function loadChunks(manifest: Manifest, base: string, fetchImpl: Fetch): Promise<ChunkTable> {
  return parseChunks(await loadFile(manifest, "chunks", base, fetchImpl), manifest);
}
