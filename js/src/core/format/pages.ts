/**
 * The pages file (what ranking and grouping need, decoded before the first
 * results) and the per-page fragments (what results show beyond it).
 * Mirrors mkdocs_embed/format/pages.py.
 */
import { type FileKind, IndexError, fileName, isColumn, isHash, isObject, isString, isStrings, isUint, parseJson } from "./base";
import type { Manifest } from "./manifest";

export const PAGES: FileKind = { kind: "pages", ext: "json.zst" };
/** Named by the pages file, by hash alone. */
export const FRAGMENTS: FileKind = { kind: "fragments", ext: "json.zst" };

export interface Pages {
  url: string[];
  title: string[];
  /** Id of each page's first chunk; page p holds chunks first[p] … first[p+1] − 1. */
  first: Uint32Array;
  /** Each chunk's heading path, its page's title first: what the fusion's heading boost reads. */
  path: string[][];
  /** Name of each page's fragment file. */
  fragments: string[];
}

/** What results show of a page's chunks beyond the pages file. */
export interface Fragment {
  anchor: string[];
  text: string[];
}

/** Decode the decompressed pages file: every chunk on exactly one page, fragment hashes that are hashes. */
export function parsePages(bytes: Uint8Array, manifest: Manifest): Pages {
  const name = manifest.files.pages ?? "pages";
  const raw = parseJson(bytes, name);
  const bad = (what: string) => new IndexError("corrupt", `${name}: ${what}`);
  if (!isObject(raw)) throw bad("not a JSON object");
  const count = Array.isArray(raw.url) ? raw.url.length : -1;
  const n = manifest.counts.chunks;
  const { url, title, path: below, fragments } = raw;
  if (!isColumn(url, count, isString) || !isColumn(title, count, isString)) throw bad(`url and title must be ${count} strings`);
  const first = raw.first;
  if (!isColumn(first, count, isUint) || (count > 0 && first[0] !== 0) || first.some((f, i) => i > 0 && f <= first[i - 1]) || (count > 0 && first[count - 1] >= n)) {
    throw bad("first must be increasing chunk ids from 0");
  }
  if (n > 0 && count === 0) throw bad("no pages for the chunks");
  if (!isColumn(below, n, isStrings)) throw bad(`path must be ${n} lists of strings`);
  if (!isColumn(fragments, count, isHash)) throw bad("fragment hashes must be 12 hex digits");
  const path = new Array<string[]>(n);
  first.forEach((start, p) => {
    const end = p + 1 < count ? first[p + 1] : n;
    for (let i = start; i < end; i++) path[i] = [title[p], ...below[i]];
  });
  return { url, title, first: Uint32Array.from(first), path, fragments: fragments.map((h) => fileName(FRAGMENTS, h)) };
}

/** Decode the decompressed fragment file of a page of `rows` chunks. */
export function parseFragment(bytes: Uint8Array, name: string, rows: number): Fragment {
  const raw = parseJson(bytes, name);
  if (!isObject(raw) || !isColumn(raw.anchor, rows, isString) || !isColumn(raw.text, rows, isString)) {
    throw new IndexError("corrupt", `${name}: anchor and text must be ${rows} strings`);
  }
  return { anchor: raw.anchor, text: raw.text };
}
