/**
 * Entry of widget.js. On page view it only reads its config, places the
 * search box and binds the shortcuts; the index loads when search is opened
 * or its box is focused, and the model right after.
 */
import { readConfig } from "./config";
import { Controller } from "./controller";
import { Modal } from "./modal";
import { bindShortcuts, mount } from "./mount";

declare global {
  interface Window {
    mkdocsEmbed?: {
      open(query?: string): void;
      close(): void;
      encode(text: string): Promise<number[]>;
      denseSearch(vector: number[], k: number): Promise<number[]>;
      lexicalSearch(query: string, k: number): Promise<number[]>;
    };
    document$?: { subscribe(fn: () => void): unknown };
  }
}

function boot(): void {
  const config = readConfig();
  if (config === null || window.mkdocsEmbed !== undefined) return;
  let controller: Controller;
  const modal = new Modal(config.strings, config.root, (text) => controller.query(text));
  controller = new Controller(config, modal);
  const warm = () => void controller.start().catch(() => undefined);
  const open = (seed?: string) => {
    warm(); // the manifest request leaves before the dialog's first layout, which takes a while on large pages
    modal.open(seed);
  };
  const place = () => mount({ placeholder: config.strings.say("placeholder"), shortcut: config.shortcut, open, warm });
  place();
  // Material's instant navigation swaps the header without reloading scripts.
  window.document$?.subscribe(() => place());
  bindShortcuts(config.shortcut, () => open());
  window.mkdocsEmbed = {
    open,
    close: () => modal.close(),
    encode: async (text) => Array.from(await controller.encode(text)),
    denseSearch: (vector, k) => controller.denseSearch(vector, k),
    lexicalSearch: (query, k) => controller.lexicalSearch(query, k),
  };
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
