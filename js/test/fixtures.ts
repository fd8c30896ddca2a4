/** Locate the repository's shared test fixtures from wherever the bundled test runs. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Fetch } from "../src/core/engine";

/** Path of tests/fixtures/<parts>, searched upwards from the working directory. */
export function fixturePath(...parts: string[]): string {
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, "tests", "fixtures", ...parts);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`fixture tests/fixtures/${parts.join("/")} not found above ${process.cwd()}`);
    dir = resolve(up);
  }
}

export function fixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), "utf-8");
}

export function fixtureBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(...parts)));
}

/** A fetch serving tests/fixtures/index/assets/mkdocs-embed, the index the Python emitter wrote, under any base URL. */
export function fixtureIndexFetch(): Fetch {
  const folder = fixturePath("index", "assets", "mkdocs-embed");
  return async (url) => {
    const path = join(folder, decodeURIComponent(new URL(url).pathname.split("/").pop() as string));
    return existsSync(path) ? new Response(readFileSync(path) as unknown as BodyInit) : new Response("", { status: 404 });
  };
}
