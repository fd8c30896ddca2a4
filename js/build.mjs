// Bundle the widget into ../mkdocs_embed/assets/, which ships in the wheel.
// widget.js (main thread, IIFE), worker.js (module worker), widget.css, the
// onnxruntime-web wasm, and bundle.json listing them for emit/widget.py.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "mkdocs_embed", "assets");
const WASM = "ort-wasm-simd-threaded.wasm";

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, target: ["es2022"], legalComments: "none", logLevel: "warning" };
await build({ ...common, entryPoints: [join(here, "src/ui/boot.ts")], outfile: join(out, "widget.js"), format: "iife" });
await build({ ...common, entryPoints: [join(here, "src/worker/encoder.ts")], outfile: join(out, "worker.js"), format: "esm" });
await build({ ...common, entryPoints: [join(here, "src/ui/widget.css")], outfile: join(out, "widget.css") });
copyFileSync(join(here, "node_modules/onnxruntime-web/dist", WASM), join(out, WASM));

const files = ["widget.js", "widget.css", "worker.js", WASM];
writeFileSync(join(out, "bundle.json"), JSON.stringify({ files }, null, 1) + "\n");
for (const f of files) console.log(`${f.padEnd(30)} ${(statSync(join(out, f)).size / 1024).toFixed(1).padStart(9)} kB`);
