/**
 * The page's handle on the encoder worker: init (downloads begin), start
 * (compile), then encode requests answered in order. Failures (CSP blocking wasm or workers, a missing model)
 * reject `ready` with a message; they never throw to the console.
 */
import type { ModelInfo } from "../core/format/manifest";
import type { FromWorker, ToWorker } from "../worker/protocol";

export interface EncoderUrls {
  worker: string;
  model: string;
  tokenizer: string;
  wasmPaths: string | { wasm: string };
}

export class EncoderClient {
  readonly ready: Promise<void>;
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();

  constructor(urls: EncoderUrls, model: ModelInfo) {
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (message: string) => {
        reject(new Error(message));
        this.worker?.terminate();
        this.worker = null;
        for (const p of this.pending.values()) p.reject(new Error(message));
        this.pending.clear();
      };
      let worker: Worker;
      try {
        worker = new Worker(urls.worker, { type: "module" });
      } catch (err) {
        fail(`the encoder worker could not start (${(err as Error).message})`);
        return;
      }
      this.worker = worker;
      worker.onerror = (event) => {
        event.preventDefault();
        fail(`the encoder worker failed (${event.message || "it could not be loaded"})`);
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.type === "ready") resolve();
        else if (m.type === "failed") fail(m.message);
        else {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.type === "vector") p?.resolve(m.vector);
          else p?.reject(new Error(m.message));
        }
      };
      const init: ToWorker = { type: "init", modelUrl: urls.model, tokenizerUrl: urls.tokenizer, wasmPaths: urls.wasmPaths, model };
      worker.postMessage(init);
    });
    this.ready.catch(() => undefined); // callers observe failure through `ready` when they care
  }

  /** Compile the runtime and model once downloaded (the constructor starts the downloads); `ready` then resolves. */
  start(): void {
    const message: ToWorker = { type: "start" };
    this.worker?.postMessage(message);
  }

  /** The query's vector; rejects if the encoder failed. */
  async encode(text: string): Promise<Float32Array> {
    await this.ready;
    const worker = this.worker;
    if (worker === null) throw new Error("the encoder is not running");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToWorker = { type: "encode", id, text };
      worker.postMessage(message);
    });
  }
}
