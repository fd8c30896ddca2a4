import assert from "node:assert/strict";
import { test } from "node:test";
import { Analyzer } from "../src/core/analyze";
import { LexicalIndex } from "../src/core/lexical";
import { type StemmerClass, createStemmer, ensureStemmer } from "../src/core/stem";
import { LANGUAGES } from "../src/core/snowball/languages";
import { fixture, fixtureBytes } from "./fixtures";
import { encodeHead } from "./helpers/index-builder";

interface Stems {
  missing: string[];
  stems: Record<string, [string, string][]>;
}

const STEMS: Stems = JSON.parse(fixture("stems", "stems.json"));

/** The generated module of a language, as the widget's stem-<language>.js loads it. */
async function stemmerOf(language: string): Promise<StemmerClass> {
  return (await import(`../src/core/snowball/${language}-stemmer.js`)).default;
}

test("every language of Python's snowballstemmer has a generated stemmer, and the fixture covers them", () => {
  assert.deepEqual([...Object.keys(STEMS.stems), ...STEMS.missing].sort(), [...LANGUAGES].sort());
  assert.ok(Object.keys(STEMS.stems).length >= 33);
});

for (const language of LANGUAGES) {
  test(`${language}: the browser's stemmer equals Python's on Snowball's word list`, async (t) => {
    const pairs = STEMS.stems[language];
    if (pairs === undefined) return t.skip("no Snowball vocabulary in the fixture");
    const stemmer = new (await stemmerOf(language))();
    const wrong = pairs.filter(([word, stem]) => stemmer.stemWord(word) !== stem);
    assert.deepEqual(wrong.slice(0, 10).map(([w, s]) => `${w}: ${stemmer.stemWord(w)} != ${s}`), []);
  });
}

test("a language the widget does not bundle is loaded once, then stems", async () => {
  assert.equal(createStemmer("german"), null);
  let loads = 0;
  const load = async (language: string) => {
    loads++;
    return stemmerOf(language);
  };
  await ensureStemmer("german", load);
  await ensureStemmer("german", load);
  await ensureStemmer("english", load); // bundled
  await ensureStemmer("klingon", load); // not a Snowball language: searched unstemmed
  assert.equal(loads, 1);
  assert.deepEqual(new Analyzer("german", []).terms("Häuser Katzen"), ["haus", "katz"]);
});

test("opening a lexical index loads its language's stemmer first", async () => {
  const languages: string[] = [];
  const load = async (language: string) => (languages.push(language), stemmerOf(language));
  const english = await LexicalIndex.open(fixtureBytes("lexical", "lexical.bin"), "lexical.bin", undefined, load);
  assert.deepEqual(languages, []); // the fixture is English, which the widget bundles
  assert.equal(english.analyzer.stemmed, true);
  const header = { language: "dutch", stopwords: [], k1: 1.2, b: 0.75, heading_boost: 3, version: 3, postings: ["postings.0123456789ab.bin.zst"] };
  const dutch = await LexicalIndex.open(encodeHead(header, [1]), "head", undefined, load);
  assert.deepEqual(languages, ["dutch"]); // loaded before the analyzer is made, which stems with it at once
  assert.deepEqual(dutch.analyzer.terms("fietsen"), ["fiets"]);
});
