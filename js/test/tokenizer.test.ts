import assert from "node:assert/strict";
import { test } from "node:test";
import { loadTokenizer } from "../src/worker/tokenizer";
import { fixture } from "./fixtures";

const tokenizerJson = () => JSON.parse(fixture("tokens", "tokenizer.json"));
const cases: { text: string; max_tokens: number; ids: number[] }[] = JSON.parse(fixture("tokens", "tokens.json")).cases;

/**
 * Where @huggingface/tokenizers 0.2.0 differs from the Rust library, pinned so
 * that a release which changes either is noticed: (1) it looks for CJK
 * ideographs code unit by code unit, so two adjacent ones outside the BMP
 * (Extension B and later) stay one word, one [UNK] where Rust has two; (2) it
 * lowercases with String.toLowerCase, whose final-sigma rule makes a
 * word-final Σ "ς" where Rust, char by char, makes "σ".
 */
const LIBRARY_DEVIATIONS: Record<string, number[]> = {
  "𠀀𪜀 CJK extension B and C": [101, 100, 1039, 15992, 5331, 1038, 1998, 1039, 102],
  "naïve café résumé Ångström Ærø İstanbul ΣΑΣ ΟΔΟΣ straße ǅ ﬁ Å Å": [
    101, 15743, 7668, 13746, 17076, 15687, 1097, 2099, 16415, 9960, 1173, 14608, 19579, 1169, 29722, 15297, 2358, 27807, 100, 1984, 1037, 1037, 102,
  ],
};

test("token ids equal Python tokenizers' on every chunk text of the example site, adversarial strings and truncation", () => {
  const tokenizer = loadTokenizer(tokenizerJson());
  assert.ok(cases.length > 400);
  assert.ok(cases.some((c) => c.max_tokens === 8 && c.ids.length === 8), "the fixture cuts some texts at 8 tokens");
  const same = cases.filter((c) => !(c.text in LIBRARY_DEVIATIONS));
  assert.equal(cases.length - same.length, 6, "each deviating text is in the fixture at three lengths");
  const wrong = same.filter((c) => JSON.stringify(tokenizer.encode(c.text, c.max_tokens)) !== JSON.stringify(c.ids));
  assert.deepEqual(
    wrong.slice(0, 3).map((c) => ({ text: c.text, max: c.max_tokens, python: c.ids, js: tokenizer.encode(c.text, c.max_tokens) })),
    [],
  );
  for (const [text, ids] of Object.entries(LIBRARY_DEVIATIONS)) {
    assert.notDeepEqual(ids, cases.find((c) => c.text === text)?.ids);
    assert.deepEqual(tokenizer.encode(text, 1_000_000), ids, text);
  }
});

test("the special tokens are kept when the text is cut", () => {
  const tokenizer = loadTokenizer(tokenizerJson());
  const ids = tokenizer.encode("one two three four five", 4);
  assert.equal(ids.length, 4);
  assert.deepEqual([ids[0], ids[3]], [101, 102]);
  assert.deepEqual(tokenizer.encode("one two", 1), [101, 102], "no room for the text still keeps [CLS] [SEP]");
});

test("a tokenizer.json the library cannot read is refused with its reason", () => {
  const refused = (json: unknown, pattern: RegExp) =>
    assert.throws(() => loadTokenizer(json), (err: unknown) => err instanceof Error && /^the tokenizer could not be read: /.test(err.message) && pattern.test(err.message));
  refused([], /must be a valid object/);
  refused("not json", /must be a valid object/);
  const noModel = tokenizerJson();
  delete noModel.model;
  refused(noModel, /must contain a "model" property/);
  const badModel = tokenizerJson();
  badModel.model = { type: "NoSuchModel" };
  refused(badModel, /Unknown TokenizerModel type: NoSuchModel/);
});
