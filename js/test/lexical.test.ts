import assert from "node:assert/strict";
import { test } from "node:test";
import { Analyzer } from "../src/core/analyze";
import { LexicalFormatError, LexicalIndex } from "../src/core/lexical";
import { createStemmer } from "../src/core/stem";
import { fixture, fixtureBytes } from "./fixtures";
import { encodeLexical } from "./helpers/index-builder";

const lexicalFixture = () => fixtureBytes("lexical", "lexical.bin");

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
  const analyzer = new Analyzer("english", fixtureParts().header.stopwords as string[]);
  for (const { text, terms } of JSON.parse(fixture("lexical", "analyze.json"))) {
    assert.deepEqual(analyzer.terms(text), terms, text);
  }
});

test("BM25 returns Python's ids and scores, bit for bit, for every fixture query", () => {
  const index = LexicalIndex.fromBytes(lexicalFixture());
  for (const { query, ranking } of JSON.parse(fixture("lexical", "queries.json"))) {
    const got = index.search(query, 20).map((h) => [h.id, h.score]);
    assert.deepEqual(got, ranking, query);
  }
});

test("code identifiers find the chunks that spell them", () => {
  const index = LexicalIndex.fromBytes(lexicalFixture());
  const chunks: { text: string }[] = JSON.parse(fixture("lexical", "chunks.json"));
  for (const q of ["cache_dir", "overlap_tokens", "HF_HUB_OFFLINE"]) {
    const [top] = index.search(q, 1);
    assert.ok(top, q);
    assert.ok(chunks[top.id].text.includes(q), `${q} -> ${chunks[top.id].text.slice(0, 80)}`);
  }
});

/** The fixture file taken apart, so a test can damage one field and encode it again. */
function fixtureParts(): { header: Record<string, unknown>; lengths: number[]; postings: number[][] } {
  const bytes = lexicalFixture();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + size)));
  let at = 4 + size;
  const u32 = () => ((at += 4), view.getUint32(at - 4, true));
  const [n, t] = [u32(), u32()];
  const lengths = Array.from({ length: n }, u32);
  const df = Array.from({ length: t }, u32);
  const offsets = Array.from({ length: t + 1 }, u32);
  const postings = df.map((count, i) => {
    const flat: number[] = [];
    let pos = at + offsets[i];
    for (let j = 0; j < 2 * count; j++) {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[pos++];
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      flat.push(value);
    }
    return flat;
  });
  return { header, lengths, postings };
}

test("the fixture taken apart and encoded again is the same file", () => {
  const { header, lengths, postings } = fixtureParts();
  assert.deepEqual(encodeLexical(header, lengths, postings), lexicalFixture());
});

test("a file of another version, or with a damaged header, is refused with a clear message", () => {
  const { header, lengths, postings } = fixtureParts();
  assert.throws(() => LexicalIndex.fromBytes(encodeLexical({ ...header, version: 1 }, lengths, postings)), /version 1 is not supported/);
  assert.throws(() => LexicalIndex.fromBytes(encodeLexical({ ...header, k1: "x" }, lengths, postings)), LexicalFormatError);
  assert.throws(() => LexicalIndex.fromBytes(encodeLexical({ ...header, terms: [] }, lengths, postings)), /tables/);
  const broken = lexicalFixture().slice();
  broken[4] = 0x7b; // "{" then garbage: no longer JSON
  broken[5] = 0x7b;
  assert.throws(() => LexicalIndex.fromBytes(broken), /not valid JSON/);
  assert.throws(() => LexicalIndex.fromBytes(new Uint8Array(3)), /truncated/);
});

test("damaged posting lists are refused when the file loads, not during a search", () => {
  const { header, lengths, postings } = fixtureParts();
  const withFirst = (flat: number[]) => encodeLexical(header, lengths, [flat, ...postings.slice(1)]);
  assert.throws(() => LexicalIndex.fromBytes(withFirst([lengths.length, 1])), /past the last chunk/);
  assert.throws(() => LexicalIndex.fromBytes(withFirst([0, 0])), /pairs of counts/);
  assert.throws(() => LexicalIndex.fromBytes(withFirst([0, 1, 0, 1])), /pairs of counts/);
  const bytes = withFirst([0, 1]);
  assert.equal(LexicalIndex.fromBytes(bytes).size, lengths.length);
  assert.throws(() => LexicalIndex.fromBytes(bytes.subarray(0, bytes.length - 1)), LexicalFormatError);
  assert.equal(LexicalIndex.fromBytes(withFirst([0, 2 ** 32 - 1])).size, lengths.length);
  // a varint of more than 32 bits
  const long = encodeLexical(header, lengths, postings).slice();
  assert.throws(() => LexicalIndex.fromBytes(Uint8Array.from([...long.subarray(0, long.length - 1), 0xff])), LexicalFormatError);
});

test("a language without a JS stemmer still searches, unstemmed", () => {
  const analyzer = new Analyzer("french", []);
  assert.equal(analyzer.stemmed, false);
  assert.deepEqual(analyzer.terms("Les Mots"), ["les", "mots"]);
});
