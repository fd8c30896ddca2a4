import assert from "node:assert/strict";
import { test } from "node:test";
import { Analyzer } from "../src/core/analyze";
import { IndexError } from "../src/core/format/base";
import { shardOf } from "../src/core/format/lexical";
import { LexicalIndex } from "../src/core/lexical";
import { createStemmer } from "../src/core/stem";
import { fixture, fixtureBytes } from "./fixtures";
import { encodeHead, encodePostings, varints } from "./helpers/index-builder";

/** The fixture index that Python wrote (head and postings files), every postings file loaded. */
function fixtureIndex(): LexicalIndex {
  const index = LexicalIndex.fromHead(fixtureBytes("lexical", "lexical.bin"), "lexical.bin");
  index.postings.forEach((name, i) => index.addPostings(i, fixtureBytes("lexical", name)));
  return index;
}

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
  const analyzer = fixtureIndex().analyzer;
  for (const { text, terms } of JSON.parse(fixture("lexical", "analyze.json"))) {
    assert.deepEqual(analyzer.terms(text), terms, text);
  }
});

test("BM25 returns Python's ids and scores, bit for bit, for every fixture query", () => {
  const index = fixtureIndex();
  assert.ok(index.postings.length > 1, "the fixture spreads its terms over several postings files");
  for (const { query, ranking } of JSON.parse(fixture("lexical", "queries.json"))) {
    const got = index.search(query, 20).map((h) => [h.id, h.score]);
    assert.deepEqual(got, ranking, query);
  }
});

test("code identifiers find the chunks that spell them", () => {
  const index = fixtureIndex();
  const chunks: { text: string }[] = JSON.parse(fixture("lexical", "chunks.json"));
  for (const q of ["cache_dir", "overlap_tokens", "HF_HUB_OFFLINE"]) {
    const [top] = index.search(q, 1);
    assert.ok(top, q);
    assert.ok(chunks[top.id].text.includes(q), `${q} -> ${chunks[top.id].text.slice(0, 80)}`);
  }
});

const HEADER = { version: 3, language: "english", stopwords: [], k1: 1.2, b: 0.75, heading_boost: 3, postings: ["p0"] };

test("a query's postings files are named by hashing its terms, and must be loaded before it runs", () => {
  const index = LexicalIndex.fromHead(fixtureBytes("lexical", "lexical.bin"), "lexical.bin");
  const missing = index.missing("install the plugin");
  assert.ok(missing.length >= 1 && missing.every((i) => i >= 0 && i < index.postings.length));
  assert.throws(() => index.search("install", 5), /not loaded/);
  for (const i of missing) index.addPostings(i, fixtureBytes("lexical", index.postings[i]));
  assert.deepEqual(index.missing("install the plugin"), []);
  assert.ok(index.search("install the plugin", 5).length > 0);
});

test("a head of another version, or damaged, is refused with a clear message", () => {
  assert.throws(() => LexicalIndex.fromHead(encodeHead({ ...HEADER, version: 1 }, [1, 2]), "head"), /version 1 is not supported/);
  assert.throws(() => LexicalIndex.fromHead(encodeHead({ ...HEADER, k1: "x" }, [1, 2]), "head"), /k1 and b/);
  assert.throws(() => LexicalIndex.fromHead(encodeHead({ ...HEADER, postings: [] }, [1, 2]), "head"), /lists no postings files/);
  assert.throws(() => LexicalIndex.fromHead(encodeHead(HEADER, [1, 2]).subarray(0, 20), "head"), IndexError);
  const broken = encodeHead(HEADER, [1, 2]).slice();
  broken[5] = 0x7b; // "{{": no longer JSON
  assert.throws(() => LexicalIndex.fromHead(broken, "head"), /not valid UTF-8 JSON/);
  assert.throws(() => LexicalIndex.fromHead(new Uint8Array(3), "head"), /truncated/);
});

test("damaged postings files are refused with a message, the tables on load and each list before its first use", () => {
  const index = () => LexicalIndex.fromHead(encodeHead(HEADER, [3, 3, 3]), "head");
  const add = (flats: number[][], terms = flats.map((_, i) => `t${i}`)) => {
    const lexical = index();
    lexical.addPostings(0, encodePostings(terms, flats));
    return lexical.search(terms.join(" "), 5);
  };
  add([[0, 1, 2, 2]]); // fine: docs 0 and 2
  assert.throws(() => add([[3, 1]]), /past the last chunk/);
  assert.throws(() => add([[0, 0]]), /pairs of counts/);
  assert.throws(() => add([[0, 1, 0, 1]]), /pairs of counts/);
  assert.throws(() => add([[0, 1]], ["a", "b"]), /tables are truncated/);
  add([[0, 2 ** 32 - 1]]);
  const good = encodePostings(["t0"], [[0, 1]]);
  assert.throws(() => index().addPostings(0, good.subarray(0, good.length - 1)), IndexError);
  const tooLong = encodePostings(["t0"], [[0, 1]]).slice();
  tooLong.set([0xff], tooLong.length - 1); // the last number never ends
  const loaded = index();
  loaded.addPostings(0, tooLong);
  assert.throws(() => loaded.search("t0", 5), IndexError);
  assert.deepEqual([...varints([300])], [0xac, 0x02]);
  // a term filed under the wrong postings file
  const two = LexicalIndex.fromHead(encodeHead({ ...HEADER, postings: ["p0", "p1"] }, [3, 3, 3]), "head");
  const wrong = ["install", "plugin", "cache"].find((t) => shardOf(t, 2) === 1) as string;
  assert.throws(() => two.addPostings(0, encodePostings([wrong], [[0, 1]])), /a term of another postings file/);
});

test("a language with no stemmer loaded still searches, unstemmed", () => {
  const analyzer = new Analyzer("klingon", []);
  assert.equal(analyzer.stemmed, false);
  assert.deepEqual(analyzer.terms("Les Mots"), ["les", "mots"]);
});
