/**
 * The query tokenizer: @huggingface/tokenizers reading the model's
 * tokenizer.json, plus the one step that library leaves out, truncation as
 * the Rust `tokenizers` behind the Python encoder does it.
 */
import { Tokenizer } from "@huggingface/tokenizers";

/** Turns a query into model input ids, at most `maxTokens` of them. */
export interface QueryTokenizer {
  encode(text: string, maxTokens: number): number[];
}

/** Probe text whose ids show where the post-processor puts its special tokens. */
const PROBE = "a";

/**
 * Read a parsed tokenizer.json. A file the library cannot read is refused
 * here, with the library's reason, rather than at the first query.
 */
export function loadTokenizer(json: unknown): QueryTokenizer {
  let tokenizer: Tokenizer;
  let before: number[];
  let after: number[];
  try {
    tokenizer = new Tokenizer(json as object, {});
    // [CLS] $A [SEP] and its kin: the ids around the body of a one-text input.
    const body = tokenizer.encode(PROBE, { add_special_tokens: false }).ids;
    const full = tokenizer.encode(PROBE).ids;
    const at = full.findIndex((_, i) => body.every((id, j) => full[i + j] === id));
    if (body.length === 0 || at < 0) throw new Error("its post-processor does not keep the text's own tokens");
    before = full.slice(0, at);
    after = full.slice(at + body.length);
  } catch (err) {
    throw new Error(`the tokenizer could not be read: ${(err as Error)?.message ?? err}`);
  }
  return {
    encode(text, maxTokens) {
      // As Rust's truncation with a post-processor: the body is cut to leave room for the special tokens.
      const body = tokenizer.encode(text, { add_special_tokens: false }).ids;
      const room = Math.max(0, maxTokens - before.length - after.length);
      return [...before, ...body.slice(0, room), ...after];
    },
  };
}
