// Bundle and run the ranking tests alone, until the package's `npm test` runner lands:
// node test/run-ranking-tests.mjs
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = mkdtempSync(join(tmpdir(), "ranking-tests-"));
const entries = ["test/lexical.test.ts", "test/fusion.test.ts"];
await build({ entryPoints: entries, bundle: true, platform: "node", format: "esm", outdir: out, outExtension: { ".js": ".mjs" }, logLevel: "warning" });
const r = spawnSync(process.execPath, ["--test", ...entries.map((e) => join(out, e.replace(/^test\//, "").replace(/\.ts$/, ".mjs")))], { stdio: "inherit" });
process.exit(r.status ?? 1);
