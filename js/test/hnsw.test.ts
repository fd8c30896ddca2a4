import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../src/core/engine";
import { quantizeQuery } from "../src/core/hnsw";
import { buildIndex, quantize, randomUnitVectors, rng, type TestGraph } from "./helpers/index-builder";
import { fixture, fixtureIndexFetch } from "./fixtures";

/** The exact top-k under the spec's similarity and order, by scanning everything. */
function bruteForce(vectors: number[][], query: number[], k: number): number[] {
  const { scale, q } = quantize(vectors);
  const qq = quantizeQuery(query);
  if (qq === null) return [];
  const dims = query.length;
  const sims = vectors.map((_, i) => {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += qq.qq[j] * q[i * dims + j];
    return scale[i] * dot;
  });
  return sims
    .map((s, i) => [s, i])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

function completeGraph(n: number, upper: number[][], random: () => number): TestGraph {
  const all = (nodes: number[]) => new Map(nodes.map((a) => [a, nodes.filter((b) => b !== a).sort(() => random() - 0.5)]));
  const levels = [all([...Array(n).keys()]), ...upper.map(all)];
  return { entry: upper.length ? upper[upper.length - 1][0] : 0, levels };
}

test("with ef ≥ n on a complete graph, search equals the brute-force scan, ties by id", async () => {
  const random = rng(7);
  const base = randomUnitVectors(50, 16, random);
  const vectors = [...base, base[3], base[3], base[10]]; // exact ties
  const n = vectors.length;
  const graph = completeGraph(n, [[2, 5, 9, 20, 40], [5, 20]], random);
  const index = buildIndex({ vectors, graph, texts: vectors.map((_, i) => `chunk ${i}`), manifestPatch: { hnsw: { m: 16, ef_search: n } } });
  const engine = await Engine.load(index.base, index.fetch);
  await engine.loadDense();
  for (let t = 0; t < 30; t++) {
    const query = t < 3 ? vectors[[3, 10, 0][t]] : randomUnitVectors(1, 16, random)[0];
    assert.deepEqual(engine.denseSearch(query, 10).map((h) => h.id), bruteForce(vectors, query, 10), `query ${t}`);
  }
  const ids = engine.denseSearch(vectors[3], 3).map((h) => h.id);
  assert.deepEqual(ids, [3, 50, 51]);
});

test("scores are sim × s and results come best first on a sparse random graph", async () => {
  const random = rng(11);
  const n = 300;
  const vectors = randomUnitVectors(n, 24, random);
  const level0 = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const links = new Set<number>([(i + 1) % n, (i + n - 1) % n]);
    while (links.size < 8) links.add(Math.floor(random() * n));
    links.delete(i);
    level0.set(i, [...links]);
  }
  const index = buildIndex({ vectors, graph: { entry: 0, levels: [level0] }, texts: vectors.map(() => "x") });
  const engine = await Engine.load(index.base, index.fetch);
  await engine.loadDense();
  for (let t = 0; t < 20; t++) {
    const query = randomUnitVectors(1, 24, random)[0];
    const hits = engine.denseSearch(query, 10);
    assert.equal(hits.length, 10);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score > hits[i].score || (hits[i - 1].score === hits[i].score && hits[i - 1].id < hits[i].id));
    // A random graph is not navigable like HNSW's, so only a lower bound on recall.
    const truth = new Set(bruteForce(vectors, query, 10));
    assert.ok(hits.filter((h) => truth.has(h.id)).length >= 5);
    const dot = query.reduce((s, x, j) => s + x * vectors[hits[0].id][j], 0);
    assert.ok(Math.abs(hits[0].score - dot) < 0.02, `score ${hits[0].score} vs cosine ${dot}`);
  }
});

test("a zero query has no dense results", async () => {
  const vectors = randomUnitVectors(5, 4, rng(1));
  const index = buildIndex({ vectors, graph: completeGraph(5, [], rng(2)), texts: vectors.map(() => "x") });
  const engine = await Engine.load(index.base, index.fetch);
  await engine.loadDense();
  assert.deepEqual(engine.denseSearch([0, 0, 0, 0], 3), []);
});

// Parity with the Python reader: the committed fixture carries query vectors
// and the ids mkdocs_embed.search returned for them.
interface FixtureQuery {
  query: string;
  vector: number[];
  dense: number[];
  dense_scores: number[];
}

test("identical top-10 ids and scores to the Python reader on tests/fixtures/index", async () => {
  const engine = await Engine.load("file:///fixture/", fixtureIndexFetch());
  await engine.loadDense();
  const queries: FixtureQuery[] = JSON.parse(fixture("index", "queries.json"));
  assert.ok(queries.length > 0);
  for (const q of queries) {
    const hits = engine.denseSearch(q.vector, 10);
    assert.deepEqual(hits.map((h) => h.id), q.dense, q.query);
    // Same doubles, same operations: the scores agree to the last bit.
    assert.deepEqual(hits.map((h) => h.score), q.dense_scores, q.query);
  }
});
