/** Messages between the page and the encoder worker. */
import type { ModelInfo } from "../core/format/manifest";

export interface InitMessage {
  type: "init";
  modelUrl: string;
  tokenizerUrl: string;
  /** Where onnxruntime-web finds its wasm: a URL prefix, or the file's own URL. */
  wasmPaths: string | { wasm: string };
  model: ModelInfo;
}

export interface EncodeMessage {
  type: "encode";
  id: number;
  text: string;
}

export type ToWorker = InitMessage | EncodeMessage;

export type FromWorker =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "vector"; id: number; vector: Float32Array }
  | { type: "encode-error"; id: number; message: string };
