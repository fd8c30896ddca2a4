/**
 * The search engine without a DOM: loads the index progressively and answers
 * queries exactly as mkdocs_embed/search/engine.py does. BM25 alone until a
 * query vector and the graph are there, then reciprocal-rank fusion of the
 * two candidate lists (docs/reference/ranking.md). Excerpts come last, one
 * small file per EXCERPTS_PER_FILE chunks, only for the results shown.
 */
import {
  IndexError,
  type ChunkTable,
  type DataKind,
  type Manifest,
  decompress,
  decompressGradually,
  parseChunks,
  parseExcerpts,
  parseGraph,
  parseManifest,
  parseVectors,
} from "./format";
import { groupByPage, hybrid, type PageGroup } from "./fusion";
import { HnswIndex, type Hit } from "./hnsw";
import { LexicalFormatError, LexicalIndex, type Scored } from "./lexical";

export type Fetch = (url: string) => Promise<Response>;

/** How many ids each list hands to the fusion; the Python engine uses the same number. */
export const CANDIDATES = 50;

export interface Result {
  id: number;
  /** Position in the ranked list, from 0; grouping by page can show results in another order. */
  rank: number;
  score: number;
  page: number;
  url: string;
  title: string;
  anchor: string;
  /** Heading path: the page title, then each heading down to the section. */
  path: string[];
  /** The excerpt; null until its excerpts file is loaded (see Engine.loadExcerpts). */
  text: string | null;
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
  private readonly excerptFiles: (string[] | undefined)[] = [];
  private readonly excerptLoads = new Map<number, Promise<void>>();

  private constructor(
    readonly manifest: Manifest,
    readonly table: ChunkTable,
    private readonly lexical: LexicalIndex,
    private readonly base: string,
    private readonly fetchImpl: Fetch,
  ) {}

  /** Load the manifest, the chunk table and the lexical index: enough for BM25 results. */
  static async load(base: string, fetchImpl: Fetch = (u) => fetch(u)): Promise<Engine> {
    const raw = await fetchBytes(fetchImpl, new URL("manifest.json", base).href, "manifest.json");
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw new IndexError("manifest", "manifest.json is not valid JSON");
    }
    const manifest = parseManifest(json);
    const [chunks, lexical] = await Promise.all([loadFile(manifest, "chunks", base, fetchImpl), loadFile(manifest, "lexical", base, fetchImpl)]);
    return new Engine(manifest, parseChunks(chunks, manifest), parseLexical(lexical, manifest), base, fetchImpl);
  }

  /** False for a text-only index (no vectors, no graph, no model): BM25 is all it has. */
  get hasDense(): boolean {
    return this.manifest.files.vectors !== undefined;
  }

  /** Download and decode vectors and graph; resolves once dense search works. */
  loadDense(): Promise<void> {
    this.densePromise ??= (async () => {
      if (!this.hasDense) throw new IndexError("manifest", "this index is text-only; it has no vectors");
      // The largest files, decoded in slices so that keystrokes meanwhile are answered at once.
      const [vectors, graph] = await Promise.all([this.file("vectors", true), this.file("graph", true)]);
      this.dense = new HnswIndex(parseVectors(vectors, this.manifest), parseGraph(graph, this.manifest), this.manifest.hnsw.ef_search);
    })();
    return this.densePromise;
  }

  get denseReady(): boolean {
    return this.dense !== null;
  }

  private file(kind: DataKind, gradually = false): Promise<Uint8Array> {
    return loadFile(this.manifest, kind, this.base, this.fetchImpl, gradually);
  }

  /**
   * Download the excerpts files these chunks need. Null when they are all
   * loaded already; otherwise resolves once they are (a failed file rejects,
   * and stays failed: its results keep showing without excerpts).
   */
  loadExcerpts(ids: readonly number[]): Promise<void> | null {
    const per = this.manifest.excerpts_per_file;
    const files = [...new Set(ids.map((id) => Math.floor(id / per)))].filter((i) => this.excerptFiles[i] === undefined);
    if (files.length === 0) return null;
    return Promise.all(files.map((i) => this.excerptFile(i))).then(() => undefined);
  }

  private excerptFile(index: number): Promise<void> {
    let load = this.excerptLoads.get(index);
    if (load === undefined) {
      const name = this.manifest.files.excerpts[index];
      load = fetchBytes(this.fetchImpl, new URL(name, this.base).href, name).then((stored) => {
        const bytes = decompress(name, stored, this.manifest.bytes.excerpts?.[index]);
        this.excerptFiles[index] = parseExcerpts(bytes, this.manifest, index);
      });
      this.excerptLoads.set(index, load);
    }
    return load;
  }

  /** The results again, with every excerpt that is loaded by now. */
  withExcerpts(results: readonly Result[]): Result[] {
    return results.map((r) => ({ ...r, text: this.excerpt(r.id) }));
  }

  private excerpt(id: number): string | null {
    const per = this.manifest.excerpts_per_file;
    return this.excerptFiles[Math.floor(id / per)]?.[id % per] ?? null;
  }

  /** Dense hits alone, for parity checks and debugging. */
  denseSearch(vector: ArrayLike<number>, k: number): Hit[] {
    if (this.dense === null) throw new Error("dense index not loaded");
    return this.dense.search(vector, k);
  }

  /** BM25 hits alone. */
  lexicalSearch(query: string, k: number): Scored[] {
    return this.lexical.search(query, k);
  }

  /**
   * The best `k` chunks in rank order: hybrid when a query vector is given and
   * the graph is loaded, else BM25 alone. Hybrid is the Python engine's, step
   * for step: each list's first CANDIDATES ids, dense first, fused with boosts.
   */
  search(query: string, vector: ArrayLike<number> | null, k: number): Result[] {
    let hits: Scored[];
    if (vector !== null && this.dense !== null) {
      const dense = this.dense.search(vector, CANDIDATES).map((h) => h.id);
      const lexical = this.lexical.search(query, CANDIDATES).map((h) => h.id);
      hits = hybrid(query, dense, lexical, this.table.chunks.path, this.lexical.analyzer).slice(0, k);
    } else {
      hits = this.lexical.search(query, k);
    }
    return hits.map((h, rank) => this.result(h, rank));
  }

  /** Results grouped for display: pages in order of their best result, results in rank order. */
  group(results: readonly Result[]): PageGroup<Result>[] {
    return groupByPage(results, this.table.chunks.page);
  }

  /** The query's distinct search terms (stemmed), for highlighting what matched. */
  queryTerms(query: string): string[] {
    return this.lexical.analyzer.queryTerms(query);
  }

  private result(hit: Scored, rank: number): Result {
    const c = this.table.chunks;
    const page = c.page[hit.id];
    return {
      id: hit.id,
      rank,
      score: hit.score,
      page,
      url: this.table.pages.url[page],
      title: this.table.pages.title[page],
      anchor: c.anchor[hit.id],
      path: c.path[hit.id],
      text: this.excerpt(hit.id),
    };
  }
}

async function loadFile(manifest: Manifest, kind: DataKind, base: string, fetchImpl: Fetch, gradually = false): Promise<Uint8Array> {
  const name = manifest.files[kind];
  if (name === undefined) throw new IndexError("manifest", `manifest.json lists no ${kind} file; rebuild the site`);
  const stored = await fetchBytes(fetchImpl, new URL(name, base).href, name);
  return gradually ? decompressGradually(name, stored, manifest.bytes[kind]) : decompress(name, stored, manifest.bytes[kind]);
}

/** The lexical index, checked against the chunk count as the Python reader does. */
function parseLexical(bytes: Uint8Array, manifest: Manifest): LexicalIndex {
  const name = manifest.files.lexical as string;
  let index: LexicalIndex;
  try {
    index = LexicalIndex.fromBytes(bytes);
  } catch (err) {
    if (err instanceof LexicalFormatError) throw new IndexError("corrupt", `${name}: ${err.message}`);
    throw err;
  }
  if (index.size !== manifest.counts.chunks) {
    throw new IndexError("corrupt", `${name} holds ${index.size} chunks, the manifest says ${manifest.counts.chunks}; rebuild the site`);
  }
  return index;
}
