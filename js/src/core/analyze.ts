/**
 * Text to search terms: the rules of docs/reference/ranking.md, mirroring
 * mkdocs_embed/search/analyze.py line for line (the fixture test checks it).
 */
import { createStemmer } from "./stem";

const CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{323af}";
const W = `(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}_])`;
const TOKEN = new RegExp(`([${CJK}]+)|${W}+(?:[.\\-]${W}+)*`, "gu");
const CAMEL = /(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;
const SEPARATORS = /[._\-]+/;
const SURROGATE = /[\ud800-\udfff]/;
/** Shortest word being typed that is matched as a prefix. */
export const PREFIX_MIN = 3;

export class Analyzer {
  private readonly stem: (word: string) => string;
  private readonly stopwords: Set<string>;
  /** False when this side has no stemmer for the index's language: terms then go unstemmed. */
  readonly stemmed: boolean;

  constructor(readonly language: string, stopwords: readonly string[]) {
    const stem = createStemmer(language);
    this.stemmed = stem !== null;
    this.stem = stem ?? ((word) => word);
    this.stopwords = new Set(stopwords);
  }

  /** All terms of `text` in order, repeats kept. */
  terms(text: string): string[] {
    const out: string[] = [];
    for (const m of text.normalize("NFKC").matchAll(TOKEN)) {
      if (m[1] !== undefined) {
        const chars = Array.from(m[1]);
        if (chars.length === 1) out.push(chars[0]);
        else for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
        continue;
      }
      const compound = m[0];
      const parts: string[] = [];
      for (const piece of compound.split(SEPARATORS)) {
        for (const p of piece.split(CAMEL)) if (p) parts.push(p.toLowerCase());
      }
      for (const part of parts) {
        if (!this.stopwords.has(part)) out.push(SURROGATE.test(part) ? part : this.stem(part));
      }
      if (parts.length > 1) out.push(compound.toLowerCase());
    }
    return out;
  }

  /** Distinct terms of a query, in order of first appearance. */
  queryTerms(text: string): string[] {
    return [...new Set(this.terms(text))];
  }

  /**
   * The word being typed: the text's last word, lower-cased and unstemmed,
   * when the text ends inside it, it is a plain word (not CJK, not a compound
   * such as `cache_dir`) and it has at least PREFIX_MIN characters (none
   * outside the BMP); null otherwise.
   */
  typedPrefix(text: string): string | null {
    const normalized = text.normalize("NFKC");
    let last: RegExpMatchArray | null = null;
    for (const m of normalized.matchAll(TOKEN)) last = m;
    if (last === null || last[1] !== undefined || (last.index ?? 0) + last[0].length !== normalized.length) return null;
    const word = last[0];
    if (word.length < PREFIX_MIN || SURROGATE.test(word) || SEPARATORS.test(word) || CAMEL.test(word)) return null;
    return word.toLowerCase();
  }
}

/**
 * Pay the analyzer's one-time costs now: compiling the Unicode regexes,
 * loading the NFKC tables and the stemmer's code take 10–20 ms on a first
 * query. Called while the index downloads, so that the first keystroke
 * does not wait for them.
 */
export function warmUpAnalyzer(): void {
  new Analyzer("english", []).terms("Warming up: theIndex-loader's 1.5 stemmed words, 検索");
}
