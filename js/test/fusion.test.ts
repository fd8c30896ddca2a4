import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RANKING, fuse, groupByPage, headingBoost, hybrid, onePerSection, parseRanking, type Ranking } from "../src/core/fusion";
import { LexicalIndex, type Scored } from "../src/core/lexical";
import { fixture, fixtureBytes } from "./fixtures";

const analyzer = () => LexicalIndex.fromHead(fixtureBytes("lexical", "lexical.bin"), "lexical.bin").analyzer;
const scored = (pairs: number[][]): Scored[] => pairs.map(([id, score]) => ({ id, score }));

const alone = (id: number) => String(id);

test("scores are weighted shares of each half's best; ties go to the lower id", () => {
  const fused = new Map(fuse(scored([[1, 0.8], [2, 0.4]]), scored([[2, 10], [3, 5]]), alone, 0.3).map((h) => [h.id, h.score]));
  assert.equal(fused.get(1), 0.7 * (0.8 / 0.8));
  assert.equal(fused.get(2), 0.7 * (0.4 / 0.8) + 0.3 * (10 / 10));
  assert.equal(fused.get(3), 0.3 * (5 / 10));
  assert.deepEqual(fuse(scored([[7, 0.5], [5, 0.5]]), [], alone, 0.3).map((h) => h.id), [5, 7]);
  assert.deepEqual(fuse(scored([[1, -0.2]]), scored([[1, 3]]), alone, 0.3), [{ id: 1, score: 0.3 }], "a half without a positive best adds nothing");
  assert.deepEqual(fuse([], [], alone, 0.3), []);
});

test("a section takes each half's best chunk and is shown by its best member", () => {
  const section = (id: number) => (id === 3 ? "t" : "s");
  const fused = fuse(scored([[1, 0.9], [3, 0.8], [2, 0.2]]), scored([[2, 4], [3, 3]]), section, 0.5);
  assert.deepEqual(fused, [{ id: 2, score: 0.5 * (0.9 / 0.9) + 0.5 * (4 / 4) }, { id: 3, score: 0.5 * (0.8 / 0.9) + 0.5 * (3 / 4) }]);
  assert.equal(fuse(scored([[1, 0.9], [2, 0.2]]), scored([[2, 4]]), section, 0.1)[0].id, 1, "the member that scores best");
});

test("heading boosts are the share of query terms in the own heading", () => {
  const a = analyzer();
  const terms = a.queryTerms("install plugin");
  assert.equal(headingBoost(terms, ["Install", "With pip"], a, 0.1), 0);
  assert.equal(headingBoost(terms, ["Guide", "Installing the plugin"], a, 0.1), 0.1);
  assert.equal(headingBoost(terms, ["Install"], a, 0.5), 0.25);
  assert.equal(headingBoost([], ["Install"], a, 0.1), 0);
});

test("onePerSection keeps each section's best chunk, up to k", () => {
  const hits = scored([[3, 0.9], [4, 0.8], [1, 0.7], [5, 0.6], [0, 0.5]]);
  const section = (id: number) => ["a", "a", "", "b", "b", "c"][id];
  assert.deepEqual(onePerSection(hits, section, 10).map((h) => h.id), [3, 1, 5]);
  assert.deepEqual(onePerSection(hits, section, 2).map((h) => h.id), [3, 1]);
});

test("ranking knobs: defaults when absent, Python's checks otherwise", () => {
  assert.deepEqual(parseRanking(undefined), DEFAULT_RANKING);
  assert.deepEqual(parseRanking({ lexical_weight: 0.5 }), { ...DEFAULT_RANKING, lexical_weight: 0.5 });
  for (const bad of [{ lexical_weight: 1.5 }, { heading_weight: "0.1" }, { candidates: 0 }, { candidates: 2.5 }, { boost: 1 }, [], null]) {
    assert.throws(() => parseRanking(bad), /ranking/, JSON.stringify(bad));
  }
});

test("hybrid fusion per section equals Python's ids and scores, bit for bit, on the fixture", () => {
  const a = analyzer();
  const paths: string[][] = JSON.parse(fixture("lexical", "chunks.json")).map((c: { path: string[] }) => c.path);
  for (const c of JSON.parse(fixture("lexical", "fusion.json"))) {
    const fused = hybrid(c.query, scored(c.dense), scored(c.lexical), paths, (id) => paths[id].join("\n"), a, c.ranking as Ranking);
    assert.deepEqual(fused.map((h) => [h.id, h.score]), c.fused, c.query);
  }
});

test("groupByPage orders pages by their best hit and caps hits per page", () => {
  const hits = [4, 1, 5, 2, 6].map((id) => ({ id, score: 1 / (id + 1) }));
  const pageOf = [0, 0, 0, 1, 1, 1, 2];
  assert.deepEqual(groupByPage(hits, pageOf).map((g) => [g.page, g.hits.map((h) => h.id)]), [[1, [4, 5]], [0, [1, 2]], [2, [6]]]);
  assert.deepEqual(groupByPage(hits, pageOf, 1).map((g) => g.hits.length), [1, 1, 1]);
});
