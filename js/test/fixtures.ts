/** Locate the repository's shared test fixtures from wherever the bundled test runs. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function fixture(...parts: string[]): string {
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, "tests", "fixtures", ...parts);
    if (existsSync(candidate)) return readFileSync(candidate, "utf-8");
    const up = dirname(dir);
    if (up === dir) throw new Error(`fixture tests/fixtures/${parts.join("/")} not found above ${process.cwd()}`);
    dir = resolve(up);
  }
}
