/**
 * A BERT WordPiece tokenizer reading a Hugging Face tokenizer.json, giving
 * the same ids as the Rust `tokenizers` library behind the Python encoder.
 * It replaces @huggingface/tokenizers, a third of the worker bundle, for the
 * one kind of tokenizer the default model (and most sentence-transformers
 * BERT models) use. Any other kind is refused by `fromJSON` with a message
 * naming what it lacks, never tokenized differently.
 */

/** A tokenizer.json this reader does not implement, or a malformed one. */
export class TokenizerError extends Error {}

interface Options {
  cleanText: boolean;
  chineseChars: boolean;
  stripAccents: boolean;
  lowercase: boolean;
}

/** An added token, matched on the raw text before normalisation (HF: `normalized: false`). */
interface Added {
  content: string;
  id: number;
}

// clean_text drops these (Rust: is_other minus \t \n \r; unassigned code points stay) ...
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const WHITESPACE = /\p{White_Space}/u;
// ... and BertPreTokenizer isolates ASCII punctuation (symbols like $ + < included) and Unicode P*.
const PUNCTUATION = /[!-/:-@[-`{-~\p{P}]/u;
const COMBINING = /\p{Mn}/gu;

/** The CJK blocks BERT's handle_chinese_chars surrounds with spaces. */
function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function refuse(what: string): never {
  throw new TokenizerError(`unsupported tokenizer.json: ${what}; this widget reads BERT WordPiece tokenizers only`);
}

export class WordPieceTokenizer {
  private constructor(
    private readonly options: Options,
    private readonly vocab: Map<string, number>,
    private readonly unk: number,
    private readonly prefix: string,
    private readonly maxChars: number,
    private readonly added: Added[],
    private readonly before: number[],
    private readonly after: number[],
  ) {}

  /** Read a parsed tokenizer.json, refusing any part this class does not implement exactly. */
  static fromJSON(raw: unknown): WordPieceTokenizer {
    if (!isObject(raw)) refuse("not a JSON object");
    const { normalizer: norm, pre_tokenizer: pre, model, post_processor: post } = raw;
    if (!isObject(norm) || norm.type !== "BertNormalizer") refuse(`normalizer ${JSON.stringify(isObject(norm) ? norm.type : norm)}`);
    if (!isObject(pre) || pre.type !== "BertPreTokenizer") refuse(`pre_tokenizer ${JSON.stringify(isObject(pre) ? pre.type : pre)}`);
    if (!isObject(model) || model.type !== "WordPiece") refuse(`model ${JSON.stringify(isObject(model) ? model.type : model)}`);
    const lowercase = norm.lowercase === true;
    const options: Options = {
      cleanText: norm.clean_text === true,
      chineseChars: norm.handle_chinese_chars === true,
      // strip_accents null follows lowercase, as in the Rust normalizer.
      stripAccents: norm.strip_accents === null || norm.strip_accents === undefined ? lowercase : norm.strip_accents === true,
      lowercase,
    };
    if (!isObject(model.vocab)) refuse("model.vocab is not an object");
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(model.vocab)) {
      if (!Number.isInteger(id)) refuse(`vocab id of ${JSON.stringify(token)} is not an integer`);
      vocab.set(token, id as number);
    }
    const id = (token: unknown, what: string): number => {
      const found = typeof token === "string" ? vocab.get(token) : undefined;
      if (found === undefined) refuse(`${what} ${JSON.stringify(token)} is not in the vocabulary`);
      return found;
    };
    const unk = id(model.unk_token, "unk_token");
    const prefix = model.continuing_subword_prefix ?? "##";
    const maxChars = model.max_input_chars_per_word ?? 100;
    if (typeof prefix !== "string" || !Number.isInteger(maxChars)) refuse("bad continuing_subword_prefix or max_input_chars_per_word");
    const added = WordPieceTokenizer.addedTokens(raw.added_tokens);
    const [before, after] = WordPieceTokenizer.template(post, id);
    return new WordPieceTokenizer(options, vocab, unk, prefix, maxChars as number, added, before, after);
  }

  private static addedTokens(raw: unknown): Added[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) refuse("added_tokens is not a list");
    return raw.map((t: unknown) => {
      if (!isObject(t) || typeof t.content !== "string" || t.content === "" || !Number.isInteger(t.id)) refuse("malformed added token");
      if (t.normalized === true || t.lstrip === true || t.rstrip === true || t.single_word === true) {
        refuse(`added token ${JSON.stringify(t.content)} is normalized, lstrip, rstrip or single_word`);
      }
      return { content: t.content, id: t.id as number };
    });
  }

  /** The special-token ids around the sequence: TemplateProcessing "[CLS] $A [SEP]" or BertProcessing. */
  private static template(post: unknown, id: (token: unknown, what: string) => number): [number[], number[]] {
    if (post === null || post === undefined) return [[], []];
    if (!isObject(post)) refuse("post_processor is not an object");
    if (post.type === "BertProcessing") {
      const cls = post.cls, sep = post.sep;
      if (!Array.isArray(cls) || !Array.isArray(sep) || !Number.isInteger(cls[1]) || !Number.isInteger(sep[1])) refuse("malformed BertProcessing");
      return [[cls[1] as number], [sep[1] as number]];
    }
    if (post.type !== "TemplateProcessing" || !Array.isArray(post.single)) refuse(`post_processor ${JSON.stringify(post.type)}`);
    const specials = isObject(post.special_tokens) ? post.special_tokens : {};
    const before: number[] = [];
    const after: number[] = [];
    let seen = false;
    for (const piece of post.single as unknown[]) {
      if (isObject(piece) && isObject(piece.Sequence) && piece.Sequence.id === "A" && !seen) {
        seen = true;
      } else if (isObject(piece) && isObject(piece.SpecialToken)) {
        const name = piece.SpecialToken.id;
        const special = typeof name === "string" ? specials[name] : undefined;
        const ids = isObject(special) && Array.isArray(special.ids) ? special.ids : [id(name, "special token")];
        if (!ids.every(Number.isInteger)) refuse(`special token ${JSON.stringify(name)} has bad ids`);
        (seen ? after : before).push(...(ids as number[]));
      } else refuse("a TemplateProcessing single template other than special tokens around $A");
    }
    if (!seen) refuse("a TemplateProcessing single template without $A");
    return [before, after];
  }

  /** Ids of `text` with the special tokens, the body cut so that at most `maxTokens` ids remain. */
  encode(text: string, maxTokens: number): number[] {
    const body = this.encodeBody(text);
    const room = Math.max(0, maxTokens - this.before.length - this.after.length);
    return [...this.before, ...body.slice(0, room), ...this.after];
  }

  /** Ids without special tokens: added tokens are split off the raw text first, as the Rust library does. */
  encodeBody(text: string): number[] {
    const ids: number[] = [];
    let start = 0;
    for (let i = 0; i < text.length; ) {
      const match = this.addedAt(text, i);
      if (match === null) {
        i++;
        continue;
      }
      this.encodePlain(text.slice(start, i), ids);
      ids.push(match.id);
      i += match.content.length;
      start = i;
    }
    this.encodePlain(text.slice(start), ids);
    return ids;
  }

  /** The longest added token starting at `i`, if any (leftmost-longest, like Rust's aho-corasick). */
  private addedAt(text: string, i: number): Added | null {
    let best: Added | null = null;
    for (const t of this.added) {
      if ((best === null || t.content.length > best.content.length) && text.startsWith(t.content, i)) best = t;
    }
    return best;
  }

  private encodePlain(text: string, ids: number[]): void {
    for (const word of this.words(this.normalize(text))) this.wordPiece(word, ids);
  }

  private normalize(text: string): string {
    const { cleanText, chineseChars, stripAccents, lowercase } = this.options;
    let out = "";
    for (const ch of text) {
      if (cleanText) {
        if (ch === "\0" || ch === "\ufffd" || (CONTROL.test(ch) && ch !== "\t" && ch !== "\n" && ch !== "\r")) continue;
        if (WHITESPACE.test(ch)) {
          out += " ";
          continue;
        }
      }
      out += chineseChars && isChinese(ch.codePointAt(0) as number) ? ` ${ch} ` : ch;
    }
    if (stripAccents) out = out.normalize("NFD").replace(COMBINING, "");
    // Code point by code point, as Rust's char::to_lowercase: no final-sigma rule.
    if (lowercase) out = Array.from(out, (ch) => ch.toLowerCase()).join("");
    return out;
  }

  /** BertPreTokenizer: split on whitespace, and every punctuation character is a word of its own. */
  private words(text: string): string[] {
    const words: string[] = [];
    let word = "";
    for (const ch of text) {
      const space = WHITESPACE.test(ch);
      if (space || PUNCTUATION.test(ch)) {
        if (word !== "") words.push(word);
        word = "";
        if (!space) words.push(ch);
      } else word += ch;
    }
    if (word !== "") words.push(word);
    return words;
  }

  /** Greedy longest-match-first; a word with any piece outside the vocabulary is one unknown token. */
  private wordPiece(word: string, ids: number[]): void {
    const chars = Array.from(word);
    if (chars.length > this.maxChars) {
      ids.push(this.unk);
      return;
    }
    const pieces: number[] = [];
    for (let start = 0; start < chars.length; ) {
      let end = chars.length;
      let found: number | undefined;
      for (; end > start; end--) {
        found = this.vocab.get((start > 0 ? this.prefix : "") + chars.slice(start, end).join(""));
        if (found !== undefined) break;
      }
      if (found === undefined) {
        ids.push(this.unk);
        return;
      }
      pieces.push(found);
      start = end;
    }
    ids.push(...pieces);
  }
}
