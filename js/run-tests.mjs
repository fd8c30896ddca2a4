// npm test: bundle every test/*.test.ts with esbuild, then run node's test runner on them.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "node_modules", ".test-build");
const tests = readdirSync(join(here, "test")).filter((f) => f.endsWith(".test.ts")).sort();
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: tests.map((f) => join(here, "test", f)),
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
const files = tests.map((f) => join(out, f.replace(/\.ts$/, ".mjs")));
const result = spawnSync(process.execPath, ["--test", ...files], { stdio: "inherit", cwd: here });
process.exit(result.status ?? 1);
