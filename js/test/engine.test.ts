import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../src/core/engine";
import { IndexError } from "../src/core/format/base";
import { shardOf } from "../src/core/format/lexical";
import { DEFAULT_RANKING } from "../src/core/fusion";
import { buildIndex, randomUnitVectors, rng, zstdRaw } from "./helpers/index-builder";
import { fixture, fixtureIndexFetch } from "./fixtures";

interface FixtureQuery {
  query: string;
  vector: number[];
  dense: number[];
  lexical: number[];
  lexical_results: number[];
  hybrid: number[];
}

test("the engine returns Python's lexical and hybrid top-10 results for every fixture query, and ranks without a fragment", async () => {
  const fetched: string[] = [];
  const serve = fixtureIndexFetch();
  const cold = await Engine.load("file:///fixture/", (url, init) => (fetched.push(url.split("/").pop() as string), serve(url, init)));
  await cold.loadDense();
  for (const q of JSON.parse(fixture("index", "queries.json")) as FixtureQuery[]) await cold.search(q.query, q.vector, 10);
  assert.deepEqual(fetched.filter((name) => name.startsWith("fragments.")), [], "hybrid ranking reads heading paths from the pages file");
  const engine = await Engine.load("file:///fixture/", fixtureIndexFetch());
  const queries: FixtureQuery[] = JSON.parse(fixture("index", "queries.json"));
  assert.ok(queries.length >= 20);
  await engine.prefetch(); // every postings file: the word being typed is matched in the loaded ones
  // Before the graph is loaded, a vector changes nothing: BM25 answers alone.
  for (const q of queries) assert.deepEqual((await engine.search(q.query, q.vector, 10)).map((r) => r.id), q.lexical_results, `lexical: ${q.query}`);
  await engine.loadDense();
  for (const q of queries) {
    assert.deepEqual((await engine.lexicalSearch(q.query, 10)).map((h) => h.id), q.lexical, `BM25: ${q.query}`);
    assert.deepEqual((await engine.search(q.query, null, 10)).map((r) => r.id), q.lexical_results, `lexical: ${q.query}`);
    assert.deepEqual((await engine.search(q.query, q.vector, 10)).map((r) => r.id), q.hybrid, `hybrid: ${q.query}`);
    assert.deepEqual(engine.denseSearch(q.vector, 10).map((h) => h.id), q.dense, `dense: ${q.query}`);
  }
  assert.deepEqual(engine.ranking, DEFAULT_RANKING, "no ranking in the manifest: the defaults, Python's");
});

test("results carry their rank and group by page in order of each page's best result", async () => {
  const engine = await Engine.load("file:///fixture/", fixtureIndexFetch());
  await engine.loadDense();
  const q: FixtureQuery = JSON.parse(fixture("index", "queries.json"))[0];
  const results = await engine.search(q.query, q.vector, 10);
  assert.deepEqual(results.map((r) => r.rank), [...Array(10).keys()]);
  const groups = engine.group(results);
  assert.deepEqual(groups.flatMap((g) => g.hits).sort((a, b) => a.rank - b.rank), results);
  assert.deepEqual(groups.map((g) => g.hits[0].rank), [...groups.map((g) => g.hits[0].rank)].sort((a, b) => a - b));
  for (const g of groups) assert.ok(g.hits.every((r) => r.page === g.page));
  assert.ok(engine.queryTerms("How do I install the plugins?").includes("instal"));
});

test("a text-only index searches with BM25 alone and needs no vectors, graph or model", async () => {
  const index = buildIndex({ vectors: null, texts: ["install with pip", "the site_dir option", "cache folder"] });
  const requested: string[] = [];
  const engine = await Engine.load(index.base, async (url) => (requested.push(url), index.fetch(url)));
  assert.equal(engine.hasDense, false);
  assert.deepEqual((await engine.search("site_dir", null, 5)).map((r) => r.id), [1]);
  assert.deepEqual((await engine.search("site_dir", new Float32Array(0), 5)).map((r) => r.id), [1], "a vector is ignored");
  await assert.rejects(engine.loadDense(), (err: unknown) => err instanceof IndexError && /text-only/.test(err.message));
  assert.deepEqual([...new Set(requested.map((u) => u.split("/").pop()?.split(".")[0]))].sort(), ["lexical", "manifest", "pages", "postings"]);
});

test("a query loads only its terms' postings files, and shown results only their pages' fragments", async () => {
  const texts = ["install with pip", "the site_dir option", "cache folder", "deploy to pages", "install offline", "theme colours"];
  const pages = [0, 1, 2].map((p) => ({ url: `p${p}/`, title: `Page ${p}` }));
  const index = buildIndex({ vectors: null, texts, pages, pageOf: [0, 0, 1, 1, 2, 2], shards: 4 });
  const requested: string[] = [];
  const engine = await Engine.load(index.base, async (url) => (requested.push(url.split("/").pop() as string), index.fetch(url)));
  assert.deepEqual(requested.sort(), ["lexical.000000000000.bin.zst", "manifest.json", "pages.000000000000.bin.zst"], "nothing else at start");
  const results = await engine.search("install", null, 5);
  const postings = requested.filter((name) => name.startsWith("postings."));
  assert.equal(postings.length, 1, "one term, one postings file");
  assert.deepEqual(results.map((r) => [r.id, r.page, r.url, r.title, r.path, r.section]), [
    [4, 2, "p2/", "Page 2", ["Page 2", "Section 4"], null],
    [0, 0, "p0/", "Page 0", ["Page 0", "Section 0"], null],
  ], "titles and whole heading paths come with the pages file");
  await engine.loadSections(results.map((r) => r.id));
  const shown = engine.withSections(results);
  assert.deepEqual(shown.map((r) => r.section), [{ anchor: "s4", text: "install offline" }, { anchor: "s0", text: "install with pip" }], "sections come with the fragments");
  assert.deepEqual(requested.filter((name) => name.startsWith("fragments.")).sort(), ["fragments.000000000000.json.zst", "fragments.000000000002.json.zst"]);
  assert.equal(engine.loadSections([1, 5]), null, "files already loaded are not fetched again");
  assert.deepEqual((await engine.search("site_dir", null, 1))[0].section, { anchor: "s1", text: "the site_dir option" });
  await engine.prefetch();
  assert.deepEqual((await engine.search("colours", null, 1))[0].section?.text, "theme colours");
});

test("a missing fragment or postings file rejects with a typed error and leaves the rest working", async () => {
  const pages = [0, 1].map((p) => ({ url: `p${p}/`, title: `Page ${p}` }));
  const index = buildIndex({ vectors: null, texts: ["alpha", "beta", "gamma"], pages, pageOf: [0, 0, 1], shards: 8 });
  index.files.delete("fragments.000000000001.json.zst");
  const engine = await Engine.load(index.base, index.fetch);
  await assert.rejects(engine.loadSections([2]) as Promise<void>, (err: unknown) => err instanceof IndexError && /fragments\.000000000001.*404/.test(err.message));
  assert.deepEqual((await engine.search("gamma", null, 5)).map((r) => [r.id, r.section]), [[2, null]]);
  const gone = buildIndex({ vectors: null, texts: ["alpha", "beta", "gamma"], shards: 8 });
  const alpha = `postings.${String(shardOf("alpha", 8)).padStart(12, "0")}.bin.zst`;
  gone.files.delete(alpha);
  const partial = await Engine.load(gone.base, gone.fetch);
  await assert.rejects(partial.search("alpha", null, 5), (err: unknown) => err instanceof IndexError && err.message.includes(alpha));
  assert.notEqual(shardOf("gamma", 8), shardOf("alpha", 8), "the two terms live in different postings files");
  assert.deepEqual((await partial.search("gamma", null, 5)).map((r) => r.id), [2]);
});

test("a text-only manifest with a graph or non-zero dims is refused", async () => {
  const index = buildIndex({ vectors: null, texts: ["a"], manifestPatch: { model: { name: "t", fingerprint: "0", dims: 384, pooling: "mean", normalize: true, query_prefix: "", max_tokens: 256 } } });
  await assert.rejects(Engine.load(index.base, index.fetch), (err: unknown) => err instanceof IndexError && err.kind === "manifest");
});

test("a lexical index that is damaged or of another size is a typed error", async () => {
  const vectors = randomUnitVectors(2, 4, rng(5));
  const graph = { entry: 0, levels: [new Map([[0, [1]], [1, [0]]])] };
  const other = buildIndex({ vectors: null, texts: ["x", "y", "z"] });
  const lexicalName = (files: Map<string, Uint8Array>) => [...files.keys()].find((k) => k.startsWith("lexical.")) as string;
  for (const body of [zstdRaw(new TextEncoder().encode('{"version": 7}')), other.files.get(lexicalName(other.files)) as Uint8Array]) {
    const index = buildIndex({ vectors, graph, texts: ["a", "b"], manifestPatch: { bytes: {} } });
    index.files.set(lexicalName(index.files), body);
    await assert.rejects(Engine.load(index.base, index.fetch), (err: unknown) => err instanceof IndexError && err.kind === "corrupt" && /rebuild/.test(err.message));
  }
  const index = buildIndex({ vectors, graph, texts: ["a", "b"] });
  index.files.delete(lexicalName(index.files));
  await assert.rejects(Engine.load(index.base, index.fetch), (err: unknown) => err instanceof IndexError && /404/.test(err.message));
});
