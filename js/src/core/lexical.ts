/**
 * BM25 over the lexical asset (docs/reference/ranking.md), computed with the
 * same double operations in the same order as mkdocs_embed/search/lexical.py,
 * so both return the same ids in the same order.
 */
import { Analyzer } from "./analyze";

export const LEXICAL_VERSION = 1;
/** 2**20: idf is rounded to this grid so that libm's last-bit differences vanish. */
const IDF_GRID = 1048576;

export interface LexicalAsset {
  version: number;
  language: string;
  stopwords: string[];
  k1: number;
  b: number;
  heading_boost: number;
  lengths: number[];
  terms: string[];
  postings: number[][];
}

export interface Scored {
  id: number;
  score: number;
}

/** Thrown for an asset this reader cannot use; the message says what to do. */
export class LexicalFormatError extends Error {}

function check(json: unknown): LexicalAsset {
  const a = json as Partial<LexicalAsset> | null;
  if (a === null || typeof a !== "object") throw new LexicalFormatError("lexical index is not a JSON object");
  if (a.version !== LEXICAL_VERSION) {
    throw new LexicalFormatError(`lexical index version ${String(a.version)} is not supported (this reader knows ${LEXICAL_VERSION}); rebuild the site`);
  }
  const arrays = [a.stopwords, a.lengths, a.terms, a.postings];
  if (typeof a.language !== "string" || typeof a.k1 !== "number" || typeof a.b !== "number" || !arrays.every(Array.isArray)) {
    throw new LexicalFormatError("lexical index is malformed; rebuild the site");
  }
  const asset = a as LexicalAsset;
  if (asset.terms.length !== asset.postings.length) {
    throw new LexicalFormatError("lexical index is malformed (terms and postings differ in length); rebuild the site");
  }
  // Damage must fail here, not turn into NaN scores in a search. Plain loops: this runs
  // over every posting of the index on the way to the first results.
  const counts = (xs: unknown[]): boolean => {
    for (let i = 0; i < xs.length; i++) if ((xs[i] as number) >>> 0 !== xs[i]) return false; // integers in [0, 2**32)
    return true;
  };
  if (!Number.isFinite(asset.k1) || !Number.isFinite(asset.b) || !counts(asset.lengths)) {
    throw new LexicalFormatError("lexical index is malformed (parameters or lengths); rebuild the site");
  }
  for (const flat of asset.postings) {
    if (!Array.isArray(flat) || flat.length % 2 !== 0 || !counts(flat)) {
      throw new LexicalFormatError("lexical index is malformed (a posting list is not pairs of counts); rebuild the site");
    }
    let last = 0;
    for (let j = 0; j < flat.length; j += 2) last += flat[j];
    if (flat.length > 0 && last >= asset.lengths.length) {
      throw new LexicalFormatError("lexical index is malformed (a posting points past the last chunk); rebuild the site");
    }
  }
  return asset;
}

export class LexicalIndex {
  readonly analyzer: Analyzer;
  private readonly termIds = new Map<string, number>();
  private readonly norm: Float64Array;
  private readonly k1: number;

  constructor(private readonly asset: LexicalAsset) {
    check(asset);
    this.analyzer = new Analyzer(asset.language, asset.stopwords);
    this.k1 = asset.k1;
    asset.terms.forEach((t, i) => this.termIds.set(t, i));
    const n = asset.lengths.length;
    let total = 0;
    for (const dl of asset.lengths) total += dl;
    let avgdl = n > 0 ? total / n : 1;
    if (avgdl === 0) avgdl = 1;
    const { k1, b } = asset;
    this.norm = Float64Array.from(asset.lengths, (dl) => k1 * (1 - b + (b * dl) / avgdl));
  }

  /** Parse the decompressed bytes of `lexical.*.json.zst`. */
  static fromBytes(bytes: Uint8Array): LexicalIndex {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new LexicalFormatError("lexical index is not valid JSON; rebuild the site");
    }
    return new LexicalIndex(json as LexicalAsset); // the constructor checks it
  }

  get size(): number {
    return this.asset.lengths.length;
  }

  idf(df: number): number {
    const n = this.asset.lengths.length;
    const raw = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    return Math.floor(raw * IDF_GRID + 0.5) / IDF_GRID;
  }

  /** BM25 score of every chunk holding at least one query term. */
  scores(query: string): Map<number, number> {
    const acc = new Map<number, number>();
    const k1p1 = this.k1 + 1;
    for (const term of this.analyzer.queryTerms(query)) {
      const i = this.termIds.get(term);
      if (i === undefined) continue;
      const flat = this.asset.postings[i];
      const idf = this.idf(flat.length >> 1);
      let doc = 0;
      for (let j = 0; j < flat.length; j += 2) {
        doc += flat[j];
        const tf = flat[j + 1];
        acc.set(doc, (acc.get(doc) ?? 0) + (idf * (tf * k1p1)) / (tf + this.norm[doc]));
      }
    }
    return acc;
  }

  /** The best `k` chunks, by score descending then id ascending. */
  search(query: string, k: number): Scored[] {
    return [...this.scores(query)]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([id, score]) => ({ id, score }));
  }
}
