/** Messages between the page and the encoder worker. */
import type { ModelInfo } from "../core/format/manifest";

/** onnxruntime-web's plain wasm build, which the worker runs. */
export const WASM_FILE = "ort-wasm-simd-threaded.wasm";

export interface InitMessage {
  type: "init";
  modelUrl: string;
  tokenizerUrl: string;
  /** Where onnxruntime-web finds its wasm: a URL prefix, or the file's own URL. */
  wasmPaths: string | { wasm: string };
  model: ModelInfo;
}

/** Compile the runtime and the model from what init downloaded: sent once the first results are on screen. */
export interface StartMessage {
  type: "start";
}

export interface EncodeMessage {
  type: "encode";
  id: number;
  text: string;
}

export type ToWorker = InitMessage | StartMessage | EncodeMessage;

export type FromWorker =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "vector"; id: number; vector: Float32Array }
  | { type: "encode-error"; id: number; message: string };
