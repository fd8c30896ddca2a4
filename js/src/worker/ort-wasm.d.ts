/**
 * The worker's onnxruntime-web, which build.mjs bundles from the package's
 * TypeScript sources: the wasm backend alone, used through onnxruntime's
 * public backend interface. InferenceSession.create/run, its argument checks
 * and its backend registry are left out: 5 kB of a 150 kB budget.
 */
declare module "ort-wasm" {
  import type { InferenceSession, InferenceSessionHandler } from "onnxruntime-web/wasm";
  export { env, Tensor } from "onnxruntime-web/wasm";
  /** A session of the wasm backend (initialised by the first call, with the `env.wasm` flags set by then). */
  export function createSession(model: Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSessionHandler>;
}
