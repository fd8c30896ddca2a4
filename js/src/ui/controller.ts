/**
 * What happens between a keystroke and rendered results: loads the index on
 * first use and the model right after. Every keystroke renders BM25 results
 * at once (no encoder round trip in the way), and the hybrid ranking replaces
 * them when the encoder answers. No DOM here; the view gets answers and a
 * status line.
 */
import { Engine, type Result } from "../core/engine";
import { IndexError } from "../core/format/base";
import type { PageGroup } from "../core/fusion";
import type { StemmerClass } from "../core/stem";
import type { BootConfig } from "./config";
import { WASM_FILE } from "../worker/protocol";
import { EncoderClient } from "./encoder-client";

export type Mode = "lexical" | "hybrid";
export type Tone = "none" | "info" | "warning" | "error";

/** One rendering of results: what was asked, how it was ranked, and what to highlight. */
export interface Answer {
  query: string;
  mode: Mode;
  /** Rank order. */
  results: Result[];
  /** The same results grouped by page, for display. */
  groups: PageGroup<Result>[];
  /** The query's search terms (stemmed), which the view highlights at word starts. */
  terms: string[];
}

export interface View {
  showResults(answer: Answer): void;
  showStatus(message: string, tone: Tone): void;
}

/** "none": a text-only index, which has no semantic half by design. */
type State = { state: "idle" | "loading" | "ready" | "none" } | { state: "failed"; message: string };

const RESULTS = 10;
/**
 * The semantic half's work (the encoder worker compiling the runtime and the
 * model, vectors and graph decoded on the main thread) waits for the first
 * results to be shown, or this long after the index loaded, so that on a
 * machine of two cores it never competes with the first keystroke. The
 * model's and runtime's downloads do not wait: they start with the index.
 */
const DENSE_DELAY_MS = 1500;

/** The site's `stem-<language>.js` (an ES module whose default export is the stemmer), for a language the widget does not bundle. */
async function importStemmer(config: BootConfig, language: string): Promise<StemmerClass> {
  const file = config.files[`stem-${language}.js`];
  if (file === undefined) throw new Error(`the site ships no stemmer for its language "${language}"; rebuild it`);
  return ((await import(config.assets + file)) as { default: StemmerClass }).default;
}

function describe(err: unknown): string {
  return err instanceof IndexError || err instanceof Error ? err.message : String(err);
}

export class Controller {
  private engine: Engine | null = null;
  private encoder: EncoderClient | null = null;
  private index: State = { state: "idle" };
  private semantic: State = { state: "idle" };
  private started: Promise<Engine> | null = null;
  private semanticLoad: Promise<void> | null = null;
  private current = "";
  private seq = 0;
  private encoding = false;
  private queued: { text: string; seq: number } | null = null;
  /** Counts renders, so that a late excerpt download never replaces newer results. */
  private renders = 0;
  private shownFirst!: () => void;
  /** Resolves once a query's results have been shown with their sections. */
  private readonly firstShown = new Promise<void>((resolve) => (this.shownFirst = resolve));
  /** Why part of the index (a postings or fragment file) could not be read, shown while the rest works. */
  private indexWarning: string | null = null;

  constructor(
    private readonly config: BootConfig,
    private readonly view: View,
  ) {}

  /**
   * Start loading (idempotent), in the order a visitor waits for things: the
   * index and what the first results need; then vectors, graph and model
   * together; then, in the background, every postings file and fragment, so
   * that later keystrokes wait for no download.
   */
  start(): Promise<Engine> {
    this.started ??= this.load();
    return this.started;
  }

  private async load(): Promise<Engine> {
    this.index = { state: "loading" };
    this.updateStatus();
    let engine: Engine;
    try {
      engine = await Engine.load(this.config.assets, undefined, (language) => importStemmer(this.config, language));
    } catch (err) {
      this.index = { state: "failed", message: describe(err) };
      this.updateStatus();
      throw err;
    }
    this.engine = engine;
    this.index = { state: "ready" };
    this.semantic = { state: engine.hasDense ? "loading" : "none" };
    this.updateStatus();
    await this.rerun(); // nothing heavy competes with the first results for the main thread
    const prefetch = () => void engine.prefetch();
    if (!engine.hasDense) {
      prefetch();
      return engine;
    }
    this.semanticLoad = this.loadSemantic(engine);
    this.semanticLoad.then(
      () => {
        this.semantic = { state: "ready" };
        this.updateStatus();
        this.rerun();
      },
      (err) => {
        this.semantic = { state: "failed", message: describe(err) };
        this.updateStatus();
      },
    ).finally(prefetch);
    return engine;
  }

  private async loadSemantic(engine: Engine): Promise<void> {
    const model = engine.manifest.model;
    const modelBase = this.config.modelUrl ?? this.config.assets;
    if (this.config.modelUrl === null && (model.onnx === undefined || model.tokenizer === undefined)) {
      throw new Error("this site ships no query model");
    }
    const workerFile = this.config.files["worker.js"];
    if (workerFile === undefined) throw new Error("the widget's worker file is missing from the page config");
    const wasmFile = this.config.files[WASM_FILE];
    // Downloads start now, on the reader's first sign of intent; compiling and decoding wait (DENSE_DELAY_MS).
    engine.prefetchDense();
    this.encoder = new EncoderClient(
      {
        worker: new URL(workerFile, this.config.assets).href,
        model: new URL(model.onnx ?? "model.onnx", modelBase).href,
        tokenizer: new URL(model.tokenizer ?? "tokenizer.json", modelBase).href,
        wasmPaths: this.config.runtimeUrl ?? { wasm: new URL(wasmFile ?? WASM_FILE, this.config.assets).href },
      },
      model,
    );
    await Promise.race([this.firstShown, new Promise((resolve) => setTimeout(resolve, DENSE_DELAY_MS))]);
    this.encoder.start();
    await Promise.all([engine.loadDense(), this.encoder.ready]);
  }

  private updateStatus(): void {
    const { index, semantic } = this;
    const say = (key: string, fill?: Record<string, string>) => this.config.strings.say(key, fill);
    if (index.state === "failed") this.view.showStatus(say("unavailable", { reason: index.message }), "error");
    else if (index.state === "loading") this.view.showStatus(say("loading_index"), "info");
    else if (this.indexWarning !== null) this.view.showStatus(say("partly_unavailable", { reason: this.indexWarning }), "warning");
    else if (semantic.state === "failed") {
      this.view.showStatus(say("semantic_unavailable", { reason: semantic.message }), "warning");
    } else if (semantic.state === "loading") this.view.showStatus(say("loading_model"), "info");
    else this.view.showStatus("", "none");
  }

  private rerun(): Promise<void> {
    return this.current.trim() !== "" ? this.query(this.current) : Promise.resolve();
  }

  /**
   * Answer one query: BM25 results now, the hybrid ranking when the encoder
   * has the vector. Settles once the BM25 results show their excerpts.
   */
  query(text: string): Promise<void> {
    this.current = text;
    const seq = ++this.seq;
    const engine = this.engine;
    if (engine === null) {
      void this.start().catch(() => undefined);
      return Promise.resolve();
    }
    const shown = this.show(engine, text, null);
    if (text.trim() !== "" && this.semantic.state === "ready") {
      this.queued = { text, seq };
      this.pump(engine);
    }
    return shown;
  }

  /**
   * Render results at once (titles and heading paths are in the pages file),
   * and again when their pages' fragments (anchors, excerpts) arrive: rows
   * keep their height meanwhile, and a fragment that arrives within the
   * frame is never seen missing. Settles
   * once the results show their sections.
   */
  private async show(engine: Engine, text: string, vector: Float32Array | null): Promise<void> {
    const render = ++this.renders;
    const paint = (rs: Result[]) => {
      if (render === this.renders) this.view.showResults({ query: text, mode, results: rs, groups: engine.group(rs), terms: engine.queryTerms(text) });
    };
    const mode = vector === null ? "lexical" : "hybrid";
    let results: Result[];
    try {
      results = text.trim() === "" ? [] : await engine.search(text, vector, RESULTS);
    } catch (err) {
      // A postings file that fails to load: this query has no text results; say why.
      this.indexWarning = describe(err);
      this.updateStatus();
      return paint([]);
    }
    const sections = engine.loadSections(results.map((r) => r.id));
    paint(results);
    if (sections === null) return this.shownFirst();
    try {
      await sections;
    } catch (err) {
      this.indexWarning = describe(err);
      this.updateStatus();
    }
    paint(engine.withSections(results));
    this.shownFirst();
  }

  /** One encode in flight at a time; only the newest waiting query runs next. */
  private pump(engine: Engine): void {
    if (this.encoding || this.queued === null || this.encoder === null) return;
    const { text, seq } = this.queued;
    this.queued = null;
    this.encoding = true;
    this.encoder
      .encode(text)
      .then(
        (vector) => {
          if (seq === this.seq) this.show(engine, text, vector);
        },
        (err) => {
          // The BM25 results for this query are already on screen; say why no more come.
          this.semantic = { state: "failed", message: describe(err) };
          this.updateStatus();
        },
      )
      .finally(() => {
        this.encoding = false;
        this.pump(engine);
      });
  }

  /** The query vector, for parity tests and debugging (loads everything first). */
  async encode(text: string): Promise<Float32Array> {
    await this.start();
    await this.semanticLoad;
    return (this.encoder as EncoderClient).encode(text);
  }

  /** Dense ids for a vector (parity tests). */
  async denseSearch(vector: number[], k: number): Promise<number[]> {
    const engine = await this.start();
    await engine.loadDense();
    return engine.denseSearch(vector, k).map((h) => h.id);
  }

  /** BM25 ids alone, for parity checks with `mkdocs-embed query --mode lexical`. */
  async lexicalSearch(query: string, k: number): Promise<number[]> {
    return (await (await this.start()).lexicalSearch(query, k)).map((h) => h.id);
  }
}
