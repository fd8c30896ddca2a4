import assert from "node:assert/strict";
import { test } from "node:test";
import { fuse, groupByPage, headingBoost, hybrid } from "../src/core/fusion";
import { LexicalIndex } from "../src/core/lexical";
import { fixture, fixtureBytes } from "./fixtures";

const analyzer = () => LexicalIndex.fromHead(fixtureBytes("lexical", "lexical.bin"), "lexical.bin").analyzer;

test("RRF sums reciprocal ranks, ties go to the lower id", () => {
  const fused = new Map(fuse([1, 2, 3], [3, 1], 60).map((h) => [h.id, h.score]));
  assert.equal(fused.get(1), 1 / 61 + 1 / 62);
  assert.equal(fused.get(2), 1 / 62);
  assert.deepEqual(fuse([5, 7], [7, 5]).map((h) => h.id), [5, 7]);
  assert.deepEqual(fuse([], []), []);
});

test("heading boosts count query terms in the own heading and the page title", () => {
  const a = analyzer();
  const terms = a.queryTerms("install plugin");
  assert.equal(headingBoost(terms, ["Install", "With pip"], a), 0.125);
  assert.equal(headingBoost(terms, ["Guide", "Installing the plugin"], a), 0.5);
  assert.equal(headingBoost([], ["Install"], a), 0);
});

test("hybrid equals Python's ids and scores, bit for bit, on the fixture", () => {
  const a = analyzer();
  const paths: string[][] = JSON.parse(fixture("lexical", "chunks.json")).map((c: { path: string[] }) => c.path);
  for (const { query, dense, lexical, fused } of JSON.parse(fixture("lexical", "fusion.json"))) {
    assert.deepEqual(hybrid(query, dense, lexical, paths, a).map((h) => [h.id, h.score]), fused, query);
  }
});

test("groupByPage orders pages by their best hit and caps hits per page", () => {
  const hits = [4, 1, 5, 2, 6].map((id) => ({ id, score: 1 / (id + 1) }));
  const pageOf = [0, 0, 0, 1, 1, 1, 2];
  assert.deepEqual(groupByPage(hits, pageOf).map((g) => [g.page, g.hits.map((h) => h.id)]), [[1, [4, 5]], [0, [1, 2]], [2, [6]]]);
  assert.deepEqual(groupByPage(hits, pageOf, 1).map((g) => g.hits.length), [1, 1, 1]);
});
