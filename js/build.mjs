// Bundle the widget into ../mkdocs_embed/assets/, which ships in the wheel.
// widget.js (main thread, IIFE), worker.js (module worker), widget.css, the
// onnxruntime-web wasm, and bundle.json listing them for emit/widget.py.
//
// Budget: widget.js + worker.js ≤ 150 kB minified (issue #3). Three steps keep
// the worker inside it; `node build.mjs --sizes` prints what each input adds.
//  1. onnxruntime-web is bundled from the TypeScript it ships (lib/), with the
//     compile-time flags its own build uses for the plain wasm backend, plus no
//     proxy worker. The prebuilt ort.wasm.bundle.min.mjs can't be tree-shaken;
//     this drops 3.7 kB. Its Emscripten glue is minified by terser with
//     `process` undefined, as the package's build does (no Node.js branches).
//  2. The worker calls the wasm backend through onnxruntime-common's public
//     backend interface (module "ort-wasm" below), not InferenceSession, whose
//     argument checks and backend registry it doesn't need. 4.6 kB.
//  3. onnxruntime-common's image/texture/GPU tensor factories and converters
//     (Tensor.fromImage, toDataURL, ...) are static and instance methods of
//     Tensor, so no bundler can drop them; they are replaced by functions
//     that throw. This worker makes CPU tensors only. 6 kB.
// Then terser minifies each JS file once more after esbuild (1-2% smaller).
import { build } from "esbuild";
import { minify } from "terser";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "mkdocs_embed", "assets");
const ORT = join(here, "node_modules/onnxruntime-web");
const WASM = "ort-wasm-simd-threaded.wasm";

/** The BUILD_DEFS of onnxruntime-web's lib/build-def.d.ts, as its build script sets them for ort.wasm.bundle.min.mjs. */
const ORT_DEFINE = {
  "BUILD_DEFS.DISABLE_WEBGL": "true",
  "BUILD_DEFS.DISABLE_JSEP": "true",
  "BUILD_DEFS.DISABLE_WEBGPU": "true",
  "BUILD_DEFS.DISABLE_WEBNN": "true",
  "BUILD_DEFS.DISABLE_WASM": "false",
  "BUILD_DEFS.DISABLE_WASM_PROXY": "true", // the encoder is a worker already (env.wasm.proxy = false)
  "BUILD_DEFS.ENABLE_JSPI": "false",
  "BUILD_DEFS.ENABLE_BUNDLE_WASM_JS": "true",
  "BUILD_DEFS.IS_ESM": "true",
  "BUILD_DEFS.ESM_IMPORT_META_URL": "import.meta.url",
  "BUILD_DEFS.BUNDLE_FILENAME": '"worker.js"',
  process: "undefined",
  "globalThis.process": "undefined",
};

/** The module "ort-wasm" (typed in src/worker/ort-wasm.d.ts): the wasm backend, without InferenceSession's registry. */
const ORT_ENTRY = `
export { env, Tensor } from "onnxruntime-common";
import { wasmBackend } from "./backend-wasm";
let initialised;
export async function createSession(model, options) {
  await (initialised ??= wasmBackend.init("wasm"));
  return wasmBackend.createInferenceSessionHandler(model, options);
}
`;

const TENSOR_EXTRAS = /onnxruntime-common[\\/]dist[\\/]esm[\\/]tensor-(factory|conversion)-impl\.js$/;

const ortFromSource = {
  name: "onnxruntime-web-from-source",
  setup(b) {
    const stubbed = new Set();
    b.onResolve({ filter: /^ort-wasm$/ }, () => ({ path: "entry", namespace: "ort" }));
    b.onLoad({ filter: /.*/, namespace: "ort" }, () => ({ contents: ORT_ENTRY, loader: "ts", resolveDir: join(ORT, "lib") }));
    b.onLoad({ filter: /onnxruntime-web[\\/]dist[\\/]ort-wasm-simd-threaded\.mjs$/ }, async (args) => {
      const glue = await minify(await readFile(args.path, "utf8"), {
        module: true,
        compress: { passes: 2, global_defs: { process: undefined, "globalThis.process": undefined } },
      });
      return { contents: glue.code, loader: "js" };
    });
    b.onLoad({ filter: TENSOR_EXTRAS }, async (args) => {
      stubbed.add(args.path);
      const names = [...(await readFile(args.path, "utf8")).matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
      const stub = 'const no = (n) => () => { throw new Error(n + " is not in the widget\'s onnxruntime-web (CPU tensors only)"); };';
      return { contents: [stub, ...names.map((n) => `export const ${n} = no("${n}");`)].join("\n"), loader: "js" };
    });
    // A renamed module would silently bring the 6 kB back; fail instead.
    b.onEnd((result) => {
      if (result.errors.length === 0 && stubbed.size !== 2) throw new Error(`expected 2 onnxruntime-common tensor modules to stub, got ${stubbed.size}`);
    });
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, target: ["es2022"], legalComments: "none", logLevel: "warning", metafile: true };
const builds = [
  await build({ ...common, entryPoints: [join(here, "src/ui/boot.ts")], outfile: join(out, "widget.js"), format: "iife" }),
  await build({
    ...common,
    entryPoints: [join(here, "src/worker/encoder.ts")],
    outfile: join(out, "worker.js"),
    format: "esm",
    define: ORT_DEFINE,
    plugins: [ortFromSource],
    external: ["node:fs/promises", "node:fs", "node:os"], // behind onnxruntime's Node.js checks, never reached in a browser
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } }, // as onnxruntime-web's own (ES2017) compile
  }),
];
for (const f of ["widget.js", "worker.js"]) {
  const path = join(out, f);
  const code = (await minify(readFileSync(path, "utf8"), { module: f === "worker.js", compress: { passes: 2 } })).code;
  writeFileSync(path, code);
}
await build({ ...common, entryPoints: [join(here, "src/ui/widget.css")], outfile: join(out, "widget.css") });
copyFileSync(join(ORT, "dist", WASM), join(out, WASM));

// One ES module per Snowball language besides English (which widget.js bundles),
// loaded by the widget when the index's language needs it; emit/widget.py ships
// only the site's own language.
const SNOWBALL = join(here, "src/core/snowball");
const stemmers = readdirSync(SNOWBALL)
  .filter((f) => f.endsWith("-stemmer.js") && !["english-stemmer.js", "base-stemmer.js"].includes(f))
  .map((f) => `stem-${f.replace(/-stemmer\.js$/, "")}.js`);
await build({
  ...common,
  entryPoints: stemmers.map((f) => ({ in: join(SNOWBALL, f.replace(/^stem-(.*)\.js$/, "$1-stemmer.js")), out: f.replace(/\.js$/, "") })),
  outdir: out,
  format: "esm",
});

const files = ["widget.js", "widget.css", "worker.js", WASM, ...stemmers];
writeFileSync(join(out, "bundle.json"), JSON.stringify({ files }, null, 1) + "\n");
for (const f of files.filter((f) => !f.startsWith("stem-"))) console.log(`${f.padEnd(30)} ${(statSync(join(out, f)).size / 1000).toFixed(1).padStart(9)} kB`);
const stemBytes = stemmers.map((f) => statSync(join(out, f)).size);
console.log(`${stemmers.length} stem-*.js files`.padEnd(30), `${(Math.max(...stemBytes) / 1000).toFixed(1).padStart(9)} kB at most`);
if (process.argv.includes("--sizes")) {
  for (const { metafile } of builds) {
    const [name, output] = Object.entries(metafile.outputs)[0];
    console.log(`\n${relative(out, name)}, by input, after esbuild (before terser):`);
    const rows = Object.entries(output.inputs).sort((x, y) => y[1].bytesInOutput - x[1].bytesInOutput);
    for (const [input, { bytesInOutput }] of rows.slice(0, 12)) console.log(`  ${(bytesInOutput / 1000).toFixed(1).padStart(6)} kB  ${input}`);
  }
}
