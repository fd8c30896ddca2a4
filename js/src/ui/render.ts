/**
 * Results to DOM. Every piece of page text goes in through textContent or
 * createTextNode, never innerHTML: a page whose text contains markup shows
 * that markup as text.
 */
import type { Result } from "../core/engine";

// Only syntax characters: a "u" regex refuses other escapes, such as "\-".
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A regex matching the whole words that start with any of the query's search
 * terms, or null when it has none. Terms are stemmed ("instal"), so matching
 * them as word starts marks "install", "installing" and "installation" alike,
 * each to its last letter (never "machin|e").
 */
export function termPattern(terms: readonly string[]): RegExp | null {
  const ts = terms.filter((t) => t.length > 1 || /\p{N}/u.test(t));
  if (ts.length === 0) return null;
  const sorted = [...ts].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join("|")})[\\p{L}\\p{N}\\p{M}_]*`, "giu");
}

/** Append `text` to `parent`, with the matches of `pattern` wrapped in <mark>. */
export function appendHighlighted(parent: HTMLElement, text: string, pattern: RegExp | null): void {
  const doc = parent.ownerDocument;
  let last = 0;
  if (pattern !== null) {
    for (const m of text.matchAll(pattern)) {
      const at = m.index ?? 0;
      if (at > last) parent.appendChild(doc.createTextNode(text.slice(last, at)));
      const mark = doc.createElement("mark");
      mark.textContent = m[0];
      parent.appendChild(mark);
      last = at + m[0].length;
    }
  }
  if (last < text.length) parent.appendChild(doc.createTextNode(text.slice(last)));
}

/** The excerpt from a little before the first match, so the match is visible in a clamped box. */
export function excerptAround(text: string, pattern: RegExp | null, lead = 60): string {
  if (pattern === null) return text;
  pattern.lastIndex = 0;
  const m = pattern.exec(text);
  pattern.lastIndex = 0;
  if (m === null || m.index <= lead * 2) return text;
  const space = text.lastIndexOf(" ", m.index - lead);
  return `…${text.slice(space < 0 ? m.index - lead : space + 1)}`;
}

/** The link of a result: site root + page url + #anchor (the page alone until its section is loaded). */
export function resultHref(root: string, r: Result): string {
  let url = new URL(r.url, root);
  // Page URLs come from the index file; only web links may leave it.
  if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== new URL(root).protocol) url = new URL(root);
  if (r.section !== null && r.section.anchor !== "") url.hash = r.section.anchor;
  return url.href;
}
