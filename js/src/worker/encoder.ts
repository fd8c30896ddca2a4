/**
 * Web Worker that turns a query into a vector, off the main thread.
 *
 * onnxruntime-web's plain wasm build with one thread: no SharedArrayBuffer,
 * so no cross-origin isolation headers, and one thread measured faster than
 * two in headless Chromium for a single short query.
 */
import type { InferenceSessionHandler } from "onnxruntime-web/wasm";
import { createSession, env, Tensor } from "ort-wasm";
import type { ModelInfo } from "../core/format/manifest";
import { pool } from "./embedding";
import { type FromWorker, type InitMessage, type ToWorker, WASM_FILE } from "./protocol";
import { loadTokenizer, type QueryTokenizer } from "./tokenizer";

interface Loaded {
  session: InferenceSessionHandler;
  tokenizer: QueryTokenizer;
  model: ModelInfo;
}

/** The model, tokenizer and runtime bytes, downloading from init on. */
interface Downloaded {
  model: ArrayBuffer;
  tokenizer: unknown;
  wasm: ArrayBuffer;
  init: InitMessage;
}

let downloads: Promise<Downloaded> | null = null;
let loaded: Promise<Loaded> | null = null;

function post(message: FromWorker): void {
  (self as unknown as Worker).postMessage(message);
}

async function fetchOk(url: string, what: string): Promise<Response> {
  // Low priority: the page's index and excerpts, which a visitor is waiting for, go first.
  const response = await fetch(url, { priority: "low" });
  if (!response.ok) throw new Error(`could not download the ${what} (HTTP ${response.status})`);
  return response;
}

/** The runtime's URL: its own file, or the file's name under a prefix (runtime_url). */
function wasmUrl(paths: InitMessage["wasmPaths"]): string {
  return typeof paths === "string" ? `${paths}${WASM_FILE}` : paths.wasm;
}

/** Start every download at once, so that they run while the reader types; nothing is compiled yet. */
async function download(init: InitMessage): Promise<Downloaded> {
  const [model, tokenizer, wasm] = await Promise.all([
    fetchOk(init.modelUrl, "model").then((r) => r.arrayBuffer()),
    fetchOk(init.tokenizerUrl, "tokenizer").then((r) =>
      r.json().catch(() => {
        throw new Error("the tokenizer could not be read: it is not JSON");
      }),
    ),
    fetchOk(wasmUrl(init.wasmPaths), "runtime").then((r) => r.arrayBuffer()),
  ]);
  return { model, tokenizer, wasm, init };
}

async function load(bytes: Promise<Downloaded>): Promise<Loaded> {
  const { model, tokenizer: tokenizerJson, wasm, init } = await bytes;
  env.wasm.numThreads = 1;
  env.wasm.proxy = false;
  env.wasm.wasmBinary = wasm;
  env.logLevel = "error";
  const tokenizer = loadTokenizer(tokenizerJson);
  const session = await createSession(new Uint8Array(model), {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
  });
  return { session, tokenizer, model: init.model };
}

async function encode({ session, tokenizer, model }: Loaded, text: string): Promise<Float32Array> {
  // Prefix added, cut to max_tokens with the special tokens kept, as the Python encoder does.
  const ids = tokenizer.encode(model.query_prefix + text, model.max_tokens);
  const shape = [1, ids.length];
  const feeds: Record<string, Tensor> = {};
  const inputs: Record<string, () => BigInt64Array> = {
    input_ids: () => BigInt64Array.from(ids, (x) => BigInt(x)),
    attention_mask: () => new BigInt64Array(ids.length).fill(1n),
    token_type_ids: () => new BigInt64Array(ids.length),
  };
  for (const name of session.inputNames) {
    const make = inputs[name];
    if (make === undefined) throw new Error(`the model wants an input "${name}" this encoder does not know`);
    feeds[name] = new Tensor("int64", make(), shape);
  }
  const output = session.outputNames[0];
  const hidden = (await session.run(feeds, { [output]: null }, {}))[output];
  const data = hidden.data as Float32Array;
  const dims = hidden.dims[hidden.dims.length - 1];
  if (dims !== model.dims) throw new Error(`the model gives ${dims} dims, the index has ${model.dims}`);
  // A 2-D output is already pooled by the model, as in the Python encoder.
  const tokens = hidden.dims.length === 2 ? 1 : hidden.dims[1];
  return pool(data, tokens, dims, hidden.dims.length === 2 ? "cls" : model.pooling, model.normalize);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "init") {
    downloads ??= download(message);
    downloads.catch((err) => post({ type: "failed", message: String((err as Error)?.message ?? err) }));
    return;
  }
  if (message.type === "start") {
    if (downloads === null) return post({ type: "failed", message: "encoder not initialised" });
    loaded ??= load(downloads);
    try {
      await loaded;
      post({ type: "ready" });
    } catch (err) {
      post({ type: "failed", message: String((err as Error)?.message ?? err) });
    }
    return;
  }
  if (loaded === null) {
    post({ type: "encode-error", id: message.id, message: "encoder not started" });
    return;
  }
  try {
    const vector = await encode(await loaded, message.text);
    post({ type: "vector", id: message.id, vector });
  } catch (err) {
    post({ type: "encode-error", id: message.id, message: String((err as Error)?.message ?? err) });
  }
};
