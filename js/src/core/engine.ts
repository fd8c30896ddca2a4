/**
 * The search engine without a DOM: loads the index progressively and answers
 * queries exactly as mkdocs_embed/search/engine.py does. BM25 alone until a
 * query vector and the graph are there, then the fusion of both halves per
 * section (docs/reference/ranking.md); one result per section either way.
 *
 * Everything is loaded when first needed: the pages file (URLs, titles,
 * heading paths: all that ranking reads) and the lexical head at start; a
 * query's postings files when it is asked; a page's fragment (anchors,
 * excerpts) when one of its chunks is shown; vectors and graph for semantic
 * search. Ranking never waits for a fragment.
 */
import { IndexError, decompress, decompressGradually, parseJson } from "./format/base";
import { parseGraph } from "./format/graph";
import { type DataKind, MANIFEST, type Manifest, parseManifest } from "./format/manifest";
import { type Fragment, type Pages, parseFragment, parsePages } from "./format/pages";
import { parseVectors } from "./format/vectors";
import { warmUpAnalyzer } from "./analyze";
import { groupByPage, hybrid, onePerSection, parseRanking, type PageGroup, type Ranking } from "./fusion";
import { HnswIndex, type Hit } from "./hnsw";
import { LexicalIndex, topK, type Scored } from "./lexical";
import type { StemmerLoader } from "./stem";

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * What a visitor waits for goes first: the index, a query's postings and the
 * fragments of shown results are "high"; vectors, graph and the fragments
 * loaded ahead of need are "low" (a fetch priority hint, so that a small file
 * is not queued behind the megabytes of the semantic half).
 */
export type Priority = "high" | "low";

/** What a result shows of its chunk beyond its page and heading path, from its page's fragment file. */
export interface Section {
  anchor: string;
  text: string;
}

export interface Result {
  id: number;
  /** Position in the ranked list, from 0; grouping by page can show results in another order. */
  rank: number;
  score: number;
  page: number;
  url: string;
  title: string;
  /** Heading path: the page title, then each heading down to the chunk's section. */
  path: string[];
  /** Anchor and excerpt: null until the page's fragment is loaded (see Engine.loadSections). */
  section: Section | null;
}

/** Fetch one file; every failure becomes an IndexError naming the file. */
async function fetchBytes(fetchImpl: Fetch, url: string, name: string, priority: Priority): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchImpl(url, { priority });
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
  /** Page of each chunk id. */
  private readonly pageOf: Uint32Array;
  private readonly fragments: (Fragment | undefined)[];
  private readonly loads = new Map<string, Promise<void>>();
  /** Vectors' and graph's stored bytes, downloading from prefetchDense or loadDense on. */
  private readonly stored = new Map<DataKind, Promise<Uint8Array>>();

  private constructor(
    readonly manifest: Manifest,
    readonly ranking: Ranking,
    readonly pages: Pages,
    private readonly lexical: LexicalIndex,
    private readonly base: string,
    private readonly fetchImpl: Fetch,
  ) {
    const n = manifest.counts.chunks;
    this.pageOf = new Uint32Array(n);
    pages.first.forEach((start, page) => this.pageOf.fill(page, start, pages.first[page + 1] ?? n));
    this.fragments = new Array(pages.url.length);
  }

  /** Load the manifest, the pages and the lexical head: enough to start answering. */
  static async load(
    base: string, fetchImpl: Fetch = (u, init) => fetch(u, init), loadStemmer?: StemmerLoader,
  ): Promise<Engine> {
    const raw = await fetchBytes(fetchImpl, new URL(MANIFEST, base).href, MANIFEST, "high");
    const json = parseJson(raw, MANIFEST);
    const manifest = parseManifest(json);
    let ranking: Ranking;
    try {
      ranking = parseRanking((json as Record<string, unknown>).ranking);
    } catch (err) {
      throw new IndexError("manifest", `${MANIFEST}: ${(err as Error).message}`);
    }
    const files = Promise.all([loadFile(manifest, "pages", base, fetchImpl), loadFile(manifest, "lexical", base, fetchImpl)]);
    warmUpAnalyzer(); // while the two files download
    const [pages, head] = await files;
    const name = manifest.files.lexical as string;
    const lexical = await LexicalIndex.open(head, name, manifest.counts.chunks, loadStemmer);
    return new Engine(manifest, ranking, parsePages(pages, manifest), lexical, base, fetchImpl);
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
      const [vectors, graph] = await Promise.all([this.file("vectors"), this.file("graph")]);
      this.dense = new HnswIndex(parseVectors(vectors, this.manifest), parseGraph(graph, this.manifest), this.manifest.hnsw.ef_search);
    })();
    return this.densePromise;
  }

  /**
   * Start downloading vectors and graph, at low priority, without decoding
   * them: a reader who shows intent gets the bytes while typing, and
   * loadDense decodes them when its turn comes. Failures wait for loadDense.
   */
  prefetchDense(): void {
    if (this.hasDense) for (const kind of ["vectors", "graph"] as const) this.download(kind).catch(() => undefined);
  }

  get denseReady(): boolean {
    return this.dense !== null;
  }

  private download(kind: DataKind): Promise<Uint8Array> {
    let stored = this.stored.get(kind);
    if (stored === undefined) {
      stored = fetchStored(this.manifest, kind, this.base, this.fetchImpl, "low");
      this.stored.set(kind, stored);
    }
    return stored;
  }

  private async file(kind: DataKind): Promise<Uint8Array> {
    return decompressGradually(this.manifest.files[kind] as string, await this.download(kind), this.manifest.bytes[kind]);
  }

  /** Download a file once; later calls share the first call's promise (a failure stays failed). */
  private once(name: string, priority: Priority, use: (bytes: Uint8Array) => void): Promise<void> {
    let load = this.loads.get(name);
    if (load === undefined) {
      load = fetchBytes(this.fetchImpl, new URL(name, this.base).href, name, priority).then((stored) => use(decompress(name, stored)));
      this.loads.set(name, load);
    }
    return load;
  }

  /** Load the postings files `query` needs; null when they are all here. */
  loadPostings(query: string): Promise<void> | null {
    const missing = this.lexical.missing(query);
    if (missing.length === 0) return null;
    const names = this.lexical.postings;
    return Promise.all(
      missing.map((i) => this.once(names[i], "high", (bytes) => this.lexical.addPostings(i, bytes))),
    ).then(() => undefined);
  }

  /** Load the fragments of these chunks' pages; null when they are all here. */
  loadSections(ids: Iterable<number>, priority: Priority = "high"): Promise<void> | null {
    const pages = [...new Set(Array.from(ids, (id) => this.pageOf[id]))].filter((p) => this.fragments[p] === undefined);
    if (pages.length === 0) return null;
    return Promise.all(pages.map((p) => this.once(this.pages.fragments[p], priority, (bytes) => this.addFragment(p, bytes)))).then(() => undefined);
  }

  /**
   * Load every postings file and fragment at low priority, so that later
   * keystrokes wait for no download; failures are left for the queries that
   * need the file to report.
   */
  prefetch(): Promise<void> {
    const names = this.lexical.postings;
    const postings = names.map((name, i) => this.once(name, "low", (bytes) => this.lexical.addPostings(i, bytes)));
    const fragments = Array.from(this.pages.first, (id) => this.loadSections([id], "low"));
    return Promise.allSettled([...postings, ...fragments]).then(() => undefined);
  }

  private addFragment(page: number, bytes: Uint8Array): void {
    const start = this.pages.first[page];
    const end = page + 1 < this.pages.first.length ? this.pages.first[page + 1] : this.manifest.counts.chunks;
    this.fragments[page] = parseFragment(bytes, this.pages.fragments[page], end - start);
  }

  /** Dense hits alone, for parity checks and debugging. */
  denseSearch(vector: ArrayLike<number>, k: number): Hit[] {
    if (this.dense === null) throw new Error("dense index not loaded");
    return this.dense.search(vector, k);
  }

  /** BM25 hits alone; loads the query's postings files first. */
  async lexicalSearch(query: string, k: number): Promise<Scored[]> {
    await this.loadPostings(query);
    return this.lexical.search(query, k);
  }

  /**
   * The best `k` sections in rank order, each its best chunk: hybrid when a
   * query vector is given and the graph is loaded, else BM25 alone. Hybrid is
   * the Python engine's, step for step: each list's first `candidates` chunks,
   * fused per section with heading boosts from the pages file's heading paths.
   */
  async search(query: string, vector: ArrayLike<number> | null, k: number): Promise<Result[]> {
    await this.loadPostings(query);
    const n = Math.max(this.ranking.candidates, k);
    let hits: Scored[];
    if (vector !== null && this.dense !== null) {
      hits = this.hybrid(query, vector, n, this.dense);
    } else {
      hits = this.lexical.search(query, n);
    }
    return onePerSection(hits, (id) => this.sectionKey(id), k).map((h, rank) => this.result(h, rank));
  }

  /**
   * Each list's first `n` chunks are the candidates; every candidate gets its
   * cosine, and its BM25 score where it has one (Python's `_hybrid`).
   */
  private hybrid(query: string, vector: ArrayLike<number>, n: number, dense: HnswIndex): Scored[] {
    const nearest = dense.search(vector, n);
    const all = this.lexical.scores(query);
    const lexical = topK(all, n);
    const inDense = new Set(nearest.map((h) => h.id));
    const cosine = [...nearest, ...dense.scores(vector, lexical.filter((h) => !inDense.has(h.id)).map((h) => h.id))];
    const bm25Of = new Map<number, number>();
    all.ids.forEach((id, i) => bm25Of.set(id, all.scores[i]));
    const inLexical = new Set(lexical.map((h) => h.id));
    const bm25 = [...lexical];
    for (const h of nearest) if (!inLexical.has(h.id) && bm25Of.has(h.id)) bm25.push({ id: h.id, score: bm25Of.get(h.id)! });
    return hybrid(query, cosine, bm25, this.pages.path, (id) => this.sectionKey(id), this.lexical.analyzer, this.ranking);
  }

  /** A chunk's section: its page and heading path (Python's `(page, path)`). */
  private sectionKey(id: number): string {
    return `${this.pageOf[id]}\n${this.pages.path[id].join("\n")}`;
  }

  /** The results again, with every section that is loaded by now. */
  withSections(results: readonly Result[]): Result[] {
    return results.map((r) => ({ ...r, section: this.section(r.id) }));
  }

  /** Results grouped for display: pages in order of their best result, results in rank order. */
  group(results: readonly Result[]): PageGroup<Result>[] {
    return groupByPage(results, this.pageOf);
  }

  /** The query's distinct search terms (stemmed), and the word being typed, for highlighting what matched. */
  queryTerms(query: string): string[] {
    const terms = this.lexical.analyzer.queryTerms(query);
    const typed = this.lexical.analyzer.typedPrefix(query);
    return typed === null || terms.includes(typed) ? terms : [...terms, typed];
  }

  private section(id: number): Section | null {
    const page = this.pageOf[id];
    const fragment = this.fragments[page];
    if (fragment === undefined) return null;
    const row = id - this.pages.first[page];
    return { anchor: fragment.anchor[row], text: fragment.text[row] };
  }

  private result(hit: Scored, rank: number): Result {
    const page = this.pageOf[hit.id];
    const { url, title } = this.pages;
    return { id: hit.id, rank, score: hit.score, page, url: url[page], title: title[page], path: this.pages.path[hit.id], section: this.section(hit.id) };
  }
}

/** A data file's bytes as stored (compressed). */
function fetchStored(manifest: Manifest, kind: DataKind, base: string, fetchImpl: Fetch, priority: Priority): Promise<Uint8Array> {
  const name = manifest.files[kind];
  if (name === undefined) return Promise.reject(new IndexError("manifest", `manifest.json lists no ${kind} file; rebuild the site`));
  return fetchBytes(fetchImpl, new URL(name, base).href, name, priority);
}

async function loadFile(manifest: Manifest, kind: DataKind, base: string, fetchImpl: Fetch): Promise<Uint8Array> {
  return decompress(manifest.files[kind] as string, await fetchStored(manifest, kind, base, fetchImpl, "high"), manifest.bytes[kind]);
}
