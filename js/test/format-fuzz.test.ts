/**
 * Damaged index files against the TypeScript decoders: the real index in
 * tests/fixtures/index (written by the Python emitter, zstd level 19) is
 * truncated, bit-flipped, spliced, or given valid JSON of the wrong shape,
 * at the stored or the decoded level (re-framed as raw zstd so the damage
 * reaches the decoders). Each case loads through the Engine, runs lexical
 * and dense searches and decodes the lexical asset. Loading may fail only
 * with a typed error that has a message, an IndexError. A case that runs
 * past its deadline is a hang.
 *
 * The cases run in a worker thread so that the main thread can stop an
 * endless loop. FORMAT_FUZZ_CASES sets how many (default 200; 10000 is the
 * long mode), FORMAT_FUZZ_SEED the seed; a failure names both.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { Engine, type Fetch } from "../src/core/engine";
import { IndexError, decompress } from "../src/core/format/base";
import { rng, zstdRaw } from "./helpers/index-builder";

const CASES = Number(process.env.FORMAT_FUZZ_CASES ?? 200);
const SEED = Number(process.env.FORMAT_FUZZ_SEED ?? 1);
const CASE_DEADLINE_MS = 10_000;
const BASE = "https://docs.example/assets/mkdocs-embed/";
const QUERIES = ["install the plugin", "cache folder", "", "ζ 安装 <script>"];

type Random = () => number;
type Files = Map<string, Uint8Array>;

function fixtureFolder(): string {
  for (let dir = process.cwd(); ; dir = resolve(dirname(dir))) {
    const candidate = join(dir, "tests", "fixtures", "index", "assets", "mkdocs-embed");
    if (existsSync(join(candidate, "manifest.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`tests/fixtures/index not found above ${process.cwd()}`);
  }
}

function readFixture(): Files {
  const folder = fixtureFolder();
  return new Map(readdirSync(folder).map((name) => [name, new Uint8Array(readFileSync(join(folder, name)))]));
}

// -- damage ------------------------------------------------------------------

const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, 0, items.length - 1)];

function damageBytes(random: Random, data: Uint8Array): Uint8Array {
  const how = pick(random, ["truncate", "flip", "splice", "flip+truncate"] as const);
  let out = data.slice();
  if (how === "flip" || how === "flip+truncate") {
    for (let n = int(random, 1, 8); n > 0 && out.length > 0; n--) out[int(random, 0, out.length - 1)] ^= 1 << int(random, 0, 7);
  }
  if (how === "splice") {
    const start = int(random, 0, out.length);
    const end = Math.min(out.length, start + int(random, 0, 64));
    const junk = Uint8Array.from({ length: int(random, 0, 64) }, () => int(random, 0, 255));
    out = Uint8Array.from([...out.subarray(0, start), ...junk, ...out.subarray(end)]);
  }
  if (how === "truncate" || how === "flip+truncate") out = out.slice(0, int(random, 0, Math.max(out.length - 1, 0)));
  return out;
}

function randomJson(random: Random, depth = 0): unknown {
  const scalars: (() => unknown)[] = [
    () => null, () => random() < 0.5, () => int(random, -5, 5), () => pick(random, [0, 184, 185, 2 ** 32, -1, 1.5, 1e300]),
    () => pick(random, ["", "x", "chunks.zst", "../../secret", "\u0000", "\ud800"]),
  ];
  if (depth < 2 && random() < 0.3) {
    return random() < 0.5
      ? Array.from({ length: int(random, 0, 3) }, () => randomJson(random, depth + 1))
      : Object.fromEntries(Array.from({ length: int(random, 0, 2) }, (_, i) => [`k${i}`, randomJson(random, depth + 1)]));
  }
  return pick(random, scalars)();
}

/** Valid JSON of the wrong shape: one value somewhere replaced or deleted. */
function damageJson(random: Random, data: Uint8Array): Uint8Array {
  const doc = JSON.parse(new TextDecoder().decode(data));
  let node: Record<string, unknown> | unknown[] | null = null;
  let key: string | number = 0;
  let cur: unknown = doc;
  for (let steps = int(random, 0, 4); steps > 0; steps--) {
    if (Array.isArray(cur) && cur.length > 0) [node, key] = [cur, int(random, 0, cur.length - 1)];
    else if (typeof cur === "object" && cur !== null && Object.keys(cur).length > 0) [node, key] = [cur as Record<string, unknown>, pick(random, Object.keys(cur))];
    else break;
    cur = (node as Record<string | number, unknown>)[key];
  }
  if (node === null) return new TextEncoder().encode(JSON.stringify(randomJson(random)));
  if (random() < 0.6) (node as Record<string | number, unknown>)[key] = randomJson(random);
  else if (Array.isArray(node)) node.splice(key as number, 1);
  else delete node[key as string];
  return new TextEncoder().encode(JSON.stringify(doc));
}

/** One file of the index damaged; the manifest's stored sizes follow the damage half the time. */
function damagedSite(random: Random, original: Files): { files: Files; what: string } {
  const files = new Map(original);
  const manifest = JSON.parse(new TextDecoder().decode(files.get("manifest.json")));
  const kind = pick(random, ["manifest", "pages", "fragments", "vectors", "graph", "lexical", "postings"] as const);
  if (kind === "manifest") {
    const raw = files.get("manifest.json") as Uint8Array;
    const json = random() < 0.5;
    files.set("manifest.json", json ? damageJson(random, raw) : damageBytes(random, raw));
    return { files, what: `manifest.json, ${json ? "json" : "bytes"}` };
  }
  // Shards (fragments, postings) are named by other files, and have no size in the manifest.
  const shard = kind === "fragments" || kind === "postings";
  const name = shard ? pick(random, [...files.keys()].filter((f) => f.startsWith(`${kind}.`)).sort()) : (manifest.files[kind] as string);
  const stored = files.get(name) as Uint8Array;
  const levels = kind === "pages" || kind === "fragments" ? ["stored", "decoded", "json"] : ["stored", "decoded"];
  const level = pick(random, levels);
  const decoded = () => decompress(name, stored);
  const damaged =
    level === "stored" ? damageBytes(random, stored) : zstdRaw(level === "json" ? damageJson(random, decoded()) : damageBytes(random, decoded()));
  files.set(name, damaged);
  const resize = !shard && random() < 0.5;
  if (resize) {
    manifest.bytes[kind] = damaged.length;
    files.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
  }
  return { files, what: `${name}, ${level}${resize ? ", sizes updated" : ""}` };
}

// -- one case ----------------------------------------------------------------

function serve(files: Files): Fetch {
  return async (url) => {
    const data = files.get(url.slice(BASE.length));
    return data === undefined ? new Response("not found", { status: 404 }) : new Response(data as unknown as BodyInit);
  };
}

function typed(err: unknown, ...types: (abstract new (...args: never[]) => Error)[]): void {
  if (!types.some((t) => err instanceof t)) throw err;
  assert.ok((err as Error).message.length > 10, `an error without a clear message: ${String(err)}`);
}

async function runCase(files: Files, random: Random): Promise<void> {
  let engine: Engine;
  try {
    engine = await Engine.load(BASE, serve(files));
  } catch (err) {
    return typed(err, IndexError);
  }
  const n = engine.manifest.counts.chunks;
  const inRange = (ids: number[]) => assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < n), `ids out of range: ${ids}`);
  /** A search either answers with ids in range or fails with a typed error (a damaged postings or fragment file). */
  const search = async (q: string, vector: Float32Array | null) => {
    try {
      inRange((await engine.search(q, vector, 10)).map((r) => r.id));
    } catch (err) {
      typed(err, IndexError);
    }
  };
  for (const q of QUERIES) await search(q, null);
  try {
    await engine.loadSections(Array.from({ length: n }, (_, i) => i));
  } catch (err) {
    typed(err, IndexError);
  }
  await engine.prefetch();
  try {
    for (const r of engine.withSections(await engine.search(QUERIES[0], null, 10))) {
      assert.ok(r.section === null || typeof r.section.text === "string");
    }
  } catch (err) {
    typed(err, IndexError);
  }
  try {
    await engine.loadDense();
  } catch (err) {
    typed(err, IndexError);
  }
  if (engine.denseReady) {
    const dims = engine.manifest.model.dims;
    for (const q of QUERIES) {
      const vector = Float32Array.from({ length: dims }, () => random() * 2 - 1);
      inRange(engine.denseSearch(vector, 10).map((h) => h.id));
      await search(q, vector);
    }
  }
}

// -- worker and watchdog -------------------------------------------------------

async function worker(): Promise<void> {
  const { seed, cases } = workerData as { seed: number; cases: number };
  const original = readFixture();
  for (let i = 0; i < cases; i++) {
    const random = rng(seed * 1_000_003 + i);
    const { files, what } = damagedSite(random, original);
    parentPort?.postMessage({ start: i, what });
    try {
      await runCase(files, random);
    } catch (err) {
      parentPort?.postMessage({ fail: i, what, error: (err as Error)?.stack ?? String(err) });
      return;
    }
  }
  parentPort?.postMessage({ done: cases });
}

function fuzz(seed: number, cases: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = new Worker(new URL(import.meta.url), { workerData: { seed, cases } });
    let current = { start: -1, what: "" };
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void child.terminate();
        reject(new Error(`case ${current.start} (${current.what}) ran past ${CASE_DEADLINE_MS} ms: a hang (FORMAT_FUZZ_SEED=${seed})`));
      }, CASE_DEADLINE_MS);
    };
    arm();
    child.on("message", (m) => {
      arm();
      if ("start" in m) current = m;
      if ("fail" in m) {
        clearTimeout(timer);
        void child.terminate();
        reject(new Error(`case ${m.fail} (${m.what}, FORMAT_FUZZ_SEED=${seed}) threw an untyped error or broke a search:\n${m.error}`));
      }
      if ("done" in m) {
        clearTimeout(timer);
        resolvePromise(m.done);
      }
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

if (isMainThread) {
  test("the undamaged fixture loads and answers both searches", async () => {
    const files = readFixture();
    const engine = await Engine.load(BASE, serve(files));
    await engine.loadDense();
    assert.ok((await engine.search("install", null, 10)).length > 0);
    const vector = Float32Array.from({ length: engine.manifest.model.dims }, (_, i) => Math.sin(i));
    assert.equal(engine.denseSearch(vector, 10).length, 10);
  });

  test(`damaged index files give a typed error or a working index (${CASES} cases)`, { timeout: CASES * CASE_DEADLINE_MS }, async () => {
    assert.equal(await fuzz(SEED, CASES), CASES);
  });
} else {
  await worker();
}
