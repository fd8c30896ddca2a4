/**
 * The boot config that mkdocs_embed/emit/widget.py writes into every page as
 * `<script type="application/json" id="mkdocs-embed-config">`. URLs in it are
 * relative to the page; they are resolved once at boot, because themes with
 * instant navigation (Material) change the location without reloading us.
 */
export interface BootConfig {
  /** The index and widget folder (site/assets/mkdocs-embed/), absolute. */
  assets: string;
  /** The site root, absolute; result links are root + page url + #anchor. */
  root: string;
  /** Logical name → content-hashed file name in `assets`. */
  files: Record<string, string>;
  /** The widget's own words, in the site's language (mkdocs_embed/emit/strings.py). */
  strings: Strings;
  shortcut: string;
  /** URL prefix holding ort-wasm-simd-threaded.wasm, instead of our copy. */
  runtimeUrl: string | null;
  /** Base URL holding the model and tokenizer, instead of `assets`. */
  modelUrl: string | null;
}

export const CONFIG_ID = "mkdocs-embed-config";

/**
 * The widget's strings, by key. `say("no_results", { query })` fills in
 * `{query}`; a key the page lacks shows as itself, never as "undefined".
 */
export class Strings {
  constructor(private readonly table: Record<string, string>) {}

  say(key: string, fill: Record<string, string> = {}): string {
    const template = this.table[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => fill[name] ?? whole);
  }
}

function asDir(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Read and resolve the config; null when the page has none (then the widget stays off). */
export function readConfig(doc: Document = document): BootConfig | null {
  const el = doc.getElementById(CONFIG_ID);
  if (el === null) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(el.textContent ?? "");
  } catch {
    return null;
  }
  const base = doc.baseURI;
  const str = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);
  const optionalUrl = (v: unknown) => (typeof v === "string" && v !== "" ? asDir(new URL(v, base).href) : null);
  return {
    assets: asDir(new URL(str(raw.assets, "assets/mkdocs-embed/"), base).href),
    root: asDir(new URL(str(raw.root, "./"), base).href),
    files: typeof raw.files === "object" && raw.files !== null ? (raw.files as Record<string, string>) : {},
    strings: new Strings(typeof raw.strings === "object" && raw.strings !== null ? (raw.strings as Record<string, string>) : {}),
    shortcut: str(raw.shortcut, "/"),
    runtimeUrl: optionalUrl(raw.runtime_url),
    modelUrl: optionalUrl(raw.model_url),
  };
}
