import assert from "node:assert/strict";
import { test } from "node:test";
import { Analyzer } from "../src/core/analyze";
import { LexicalFormatError, LexicalIndex } from "../src/core/lexical";
import { createStemmer } from "../src/core/stem";
import { fixture } from "./fixtures";

test("the English stemmer equals Python's snowballstemmer on every word of the list", () => {
  const stem = createStemmer("english");
  assert.ok(stem);
  const lines = fixture("lexical", "stems.tsv").trimEnd().split("\n");
  assert.ok(lines.length > 5000);
  const wrong = lines
    .map((line) => line.split("\t"))
    .filter(([word, expected]) => stem(word) !== expected)
    .map(([word, expected]) => `${word}: ${stem(word)} != ${expected}`);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test("the analyzer yields Python's terms for identifiers, CJK, accents and astral text", () => {
  const analyzer = new Analyzer("english", JSON.parse(fixture("lexical", "lexical.json")).stopwords);
  for (const { text, terms } of JSON.parse(fixture("lexical", "analyze.json"))) {
    assert.deepEqual(analyzer.terms(text), terms, text);
  }
});

test("BM25 returns Python's ids and scores, bit for bit, for every fixture query", () => {
  const index = LexicalIndex.fromBytes(new TextEncoder().encode(fixture("lexical", "lexical.json")));
  for (const { query, ranking } of JSON.parse(fixture("lexical", "queries.json"))) {
    const got = index.search(query, 20).map((h) => [h.id, h.score]);
    assert.deepEqual(got, ranking, query);
  }
});

test("code identifiers find the chunks that spell them", () => {
  const index = LexicalIndex.fromBytes(new TextEncoder().encode(fixture("lexical", "lexical.json")));
  const chunks: { text: string }[] = JSON.parse(fixture("lexical", "chunks.json"));
  for (const q of ["cache_dir", "overlap_tokens", "HF_HUB_OFFLINE"]) {
    const [top] = index.search(q, 1);
    assert.ok(top, q);
    assert.ok(chunks[top.id].text.includes(q), `${q} -> ${chunks[top.id].text.slice(0, 80)}`);
  }
});

test("an asset of another version is refused with a clear message", () => {
  const asset = JSON.parse(fixture("lexical", "lexical.json"));
  assert.throws(() => new LexicalIndex({ ...asset, version: 2 }), LexicalFormatError);
  assert.throws(() => LexicalIndex.fromBytes(new TextEncoder().encode("{not json")), /not valid JSON/);
  assert.throws(() => new LexicalIndex({ ...asset, postings: [[asset.lengths.length, 1], ...asset.postings.slice(1)] }), /past the last chunk/);
  assert.throws(() => new LexicalIndex({ ...asset, postings: [[0], ...asset.postings.slice(1)] }), /pairs of counts/);
  assert.throws(() => new LexicalIndex({ ...asset, lengths: [-1, ...asset.lengths.slice(1)] }), /lengths/);
});

test("a count that is not an integer in [0, 2**32) is refused, in postings and lengths, from bytes or parsed", () => {
  const asset = JSON.parse(fixture("lexical", "lexical.json"));
  for (const bad of [-1, 0.5, 2 ** 32, NaN, "1", null]) {
    assert.throws(() => new LexicalIndex({ ...asset, postings: [[0, bad], ...asset.postings.slice(1)] }), /pairs of counts/, String(bad));
    assert.throws(() => new LexicalIndex({ ...asset, lengths: [bad, ...asset.lengths.slice(1)] }), /lengths/, String(bad));
  }
  const bytes = new TextEncoder().encode(JSON.stringify({ ...asset, lengths: [1.5, ...asset.lengths.slice(1)] }));
  assert.throws(() => LexicalIndex.fromBytes(bytes), /lengths/);
  assert.throws(() => LexicalIndex.fromBytes(new TextEncoder().encode("null")), /not a JSON object/);
  assert.equal(new LexicalIndex({ ...asset, postings: [[0, 2 ** 32 - 1], ...asset.postings.slice(1)] }).size, asset.lengths.length);
});

test("a language without a JS stemmer still searches, unstemmed", () => {
  const analyzer = new Analyzer("french", []);
  assert.equal(analyzer.stemmed, false);
  assert.deepEqual(analyzer.terms("Les Mots"), ["les", "mots"]);
});
