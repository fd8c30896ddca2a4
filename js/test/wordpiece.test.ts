import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenizerError, WordPieceTokenizer } from "../src/worker/wordpiece";
import { fixture } from "./fixtures";

const tokenizerJson = () => JSON.parse(fixture("tokens", "tokenizer.json"));
const cases: { text: string; max_tokens: number; ids: number[] }[] = JSON.parse(fixture("tokens", "tokens.json")).cases;

test("token ids equal Python tokenizers' on every chunk text of the example site and on adversarial strings", () => {
  const tokenizer = WordPieceTokenizer.fromJSON(tokenizerJson());
  assert.ok(cases.length > 400);
  const wrong = cases.filter((c) => JSON.stringify(tokenizer.encode(c.text, c.max_tokens)) !== JSON.stringify(c.ids));
  assert.deepEqual(
    wrong.slice(0, 3).map((c) => ({ text: c.text, max: c.max_tokens, python: c.ids, js: tokenizer.encode(c.text, c.max_tokens) })),
    [],
  );
});

test("a tokenizer.json of another kind is refused, naming the part", () => {
  const refused = (patch: (t: Record<string, any>) => void, pattern: RegExp) => {
    const t = tokenizerJson();
    patch(t);
    assert.throws(() => WordPieceTokenizer.fromJSON(t), (err: unknown) => err instanceof TokenizerError && pattern.test(err.message));
  };
  refused((t) => (t.model.type = "BPE"), /unsupported tokenizer\.json: model "BPE".*BERT WordPiece/);
  refused((t) => (t.normalizer = { type: "Sequence", normalizers: [] }), /normalizer "Sequence"/);
  refused((t) => (t.pre_tokenizer = { type: "Metaspace" }), /pre_tokenizer "Metaspace"/);
  refused((t) => (t.post_processor = { type: "RobertaProcessing" }), /post_processor "RobertaProcessing"/);
  refused((t) => (t.added_tokens[0].normalized = true), /added token "\[PAD\]"/);
  refused((t) => (t.model.unk_token = "<unk>"), /unk_token "<unk>" is not in the vocabulary/);
  assert.throws(() => WordPieceTokenizer.fromJSON([]), TokenizerError);
});
