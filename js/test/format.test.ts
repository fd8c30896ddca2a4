import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../src/core/engine";
import { IndexError, decompress, decompressGradually, type IndexErrorKind } from "../src/core/format/base";
import { FORMAT_VERSION } from "../src/core/format/manifest";
import { fixturePath } from "./fixtures";
import { buildIndex, encodeVectors, quantize, randomUnitVectors, rng, zstdRaw, type TestIndex } from "./helpers/index-builder";

function small(patch?: Record<string, unknown>): TestIndex {
  const vectors = randomUnitVectors(4, 8, rng(3));
  const level0 = new Map([0, 1, 2, 3].map((i) => [i, [0, 1, 2, 3].filter((j) => j !== i)]));
  return buildIndex({ vectors, graph: { entry: 0, levels: [level0] }, texts: ["alpha beta", "gamma", "delta", "epsilon"], manifestPatch: patch });
}

async function rejectsWith(promise: Promise<unknown>, kind: IndexErrorKind, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof IndexError, `not an IndexError: ${err}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, pattern);
    return true;
  });
}

function kindName(index: TestIndex, kind: string): string {
  return [...index.files.keys()].find((k) => k.startsWith(`${kind}.`)) as string;
}

test("an unknown format version is refused with a clear message", async () => {
  await rejectsWith(Engine.load(small({ format: 1 }).base, small({ format: 1 }).fetch), "format-version", new RegExp(`format 1.*reads format ${FORMAT_VERSION}`));
});

test("a missing manifest is a network error naming the file", async () => {
  const index = small();
  index.files.delete("manifest.json");
  await rejectsWith(Engine.load(index.base, index.fetch), "network", /manifest\.json.*404/);
});

test("a manifest file name that leaves the folder is refused", async () => {
  const index = small();
  const m = JSON.parse(new TextDecoder().decode(index.files.get("manifest.json")));
  m.files.pages = "../../secret.json";
  index.files.set("manifest.json", new TextEncoder().encode(JSON.stringify(m)));
  await rejectsWith(Engine.load(index.base, index.fetch), "manifest", /files.pages is not a file name in the index folder/);
});

test("a truncated download is reported as truncated", async () => {
  const index = small();
  const name = kindName(index, "pages");
  index.files.set(name, (index.files.get(name) as Uint8Array).slice(0, 20));
  await rejectsWith(Engine.load(index.base, index.fetch), "truncated", /truncated/);
});

test("bytes that are not zstd are reported as corrupt", async () => {
  const index = small({ bytes: {} });
  const name = kindName(index, "pages");
  index.files.set(name, new TextEncoder().encode("<html>404 page of a proxy</html>"));
  await rejectsWith(Engine.load(index.base, index.fetch), "corrupt", /not a valid zstd/);
});

test("a vectors file shorter than its header says is truncated; lexical search keeps working", async () => {
  const index = small({ bytes: {} });
  const name = kindName(index, "vectors");
  const header = new Uint8Array(8 + 16 + 10);
  new DataView(header.buffer).setUint32(0, 4, true);
  new DataView(header.buffer).setUint32(4, 8, true);
  index.files.set(name, zstdRaw(header));
  const engine = await Engine.load(index.base, index.fetch);
  await rejectsWith(engine.loadDense(), "truncated", /expected/);
  assert.equal((await engine.search("gamma", null, 5))[0].id, 1);
});

for (const scale of [NaN, Infinity, -Infinity]) {
  test(`a vectors file with a ${scale} scale is corrupt, as in Python; lexical search keeps working`, async () => {
    const index = small({ bytes: {} });
    const name = kindName(index, "vectors");
    const { scale: scales, q } = quantize(randomUnitVectors(4, 8, rng(3)));
    scales[2] = scale;
    index.files.set(name, zstdRaw(encodeVectors(scales, q, 8)));
    const engine = await Engine.load(index.base, index.fetch);
    await rejectsWith(engine.loadDense(), "corrupt", new RegExp(`non-finite scale \\(${scale}\\) for vector 2`));
    assert.equal((await engine.search("gamma", null, 5))[0].id, 1);
  });
}

test("a graph linking past the last node is corrupt", async () => {
  const index = small({ bytes: {} });
  const name = kindName(index, "graph");
  const words = new Uint32Array([4, 0, 0, 0, 0, 0, 0, 4, 0, 1, 1, 1, 1, 9]);
  index.files.set(name, zstdRaw(new Uint8Array(words.buffer)));
  const engine = await Engine.load(index.base, index.fetch);
  await rejectsWith(engine.loadDense(), "corrupt", /links to node 9/);
});

test("decoding in slices gives the bytes of decoding at once, and the same typed errors", async () => {
  const folder = fixturePath("index", "assets", "mkdocs-embed");
  const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf-8"));
  for (const kind of ["vectors", "graph", "pages", "lexical"]) {
    const name = manifest.files[kind];
    const stored = new Uint8Array(readFileSync(join(folder, name)));
    assert.deepEqual(await decompressGradually(name, stored, stored.length), decompress(name, stored, stored.length), kind);
    await assert.rejects(decompressGradually(name, stored, stored.length + 1), (err: unknown) => err instanceof IndexError && err.kind === "truncated");
    await assert.rejects(decompressGradually(name, stored.subarray(0, stored.length - 9)), (err: unknown) => err instanceof IndexError && err.kind === "corrupt");
  }
});
