/**
 * The search dialog: an ARIA combobox (the input) controlling a listbox of
 * results grouped by page. Arrow keys move the active option, Enter opens it,
 * Esc closes the dialog and returns focus where it was.
 */
import type { Strings } from "./config";
import type { Answer, Tone, View } from "./controller";
import { appendHighlighted, excerptAround, resultHref, termPattern } from "./render";

const ID = "mkdocs-embed";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export class Modal implements View {
  readonly root: HTMLDivElement;
  private readonly input: HTMLInputElement;
  private readonly status: HTMLDivElement;
  private readonly listbox: HTMLDivElement;
  private options: HTMLAnchorElement[] = [];
  private active = -1;
  /** Set when the arrow keys chose the active row: a re-ranking of the same query keeps that row. */
  private chosen: { query: string; section: string } | null = null;
  /** Whether the pointer is over the result list. */
  private hovering = false;
  /**
   * Hybrid results that arrived while the pointer was over the same query's
   * BM25 results: shown when it leaves the list or an arrow key is pressed,
   * so no row moves under the pointer.
   */
  private pending: Answer | null = null;
  private returnFocus: Element | null = null;

  constructor(
    private readonly strings: Strings,
    private readonly siteRoot: string,
    private readonly onQuery: (text: string) => void,
  ) {
    this.root = el("div", `${ID}`, { hidden: "" });
    const backdrop = el("div", `${ID}__backdrop`);
    backdrop.addEventListener("click", () => this.close());
    const placeholder = strings.say("placeholder");
    const dialog = el("div", `${ID}__dialog`, { role: "dialog", "aria-modal": "true", "aria-label": placeholder });
    const bar = el("div", `${ID}__bar`);
    this.input = el("input", `${ID}__input`, {
      type: "search",
      role: "combobox",
      "aria-expanded": "false",
      "aria-controls": `${ID}-listbox`,
      "aria-autocomplete": "list",
      "aria-label": placeholder,
      autocomplete: "off",
      spellcheck: "false",
      placeholder,
    });
    // The accessible name holds the visible key hint too, as WCAG 2.5.3 (label in name) asks.
    const close = el("button", `${ID}__close`, { type: "button", "aria-label": `${strings.say("close")}, ${strings.say("close_key")}` });
    // Its key hint, or on a touch screen (no Esc key) its words: CSS shows one of the two.
    const key = el("span", `${ID}__close-key`);
    key.textContent = strings.say("close_key");
    const words = el("span", `${ID}__close-words`);
    words.textContent = strings.say("close");
    close.append(key, words);
    close.addEventListener("click", () => this.close());
    bar.append(this.input, close);
    this.status = el("div", `${ID}__status`, { role: "status", "aria-live": "polite" });
    this.listbox = el("div", `${ID}__results`, { id: `${ID}-listbox`, role: "listbox", "aria-label": strings.say("results") });
    this.listbox.addEventListener("pointerenter", () => (this.hovering = true));
    this.listbox.addEventListener("pointerleave", () => {
      this.hovering = false;
      this.release();
    });
    dialog.append(bar, this.status, this.listbox);
    this.root.append(backdrop, dialog);
    this.input.addEventListener("input", () => this.onQuery(this.input.value));
    this.input.addEventListener("keydown", (e) => this.onKey(e));
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  open(seed?: string): void {
    if (!this.root.isConnected) document.body.appendChild(this.root);
    if (!this.isOpen) {
      this.returnFocus = document.activeElement;
      this.root.hidden = false;
      document.documentElement.classList.add(`${ID}-open`);
    }
    if (seed !== undefined && seed !== "") {
      this.input.value = seed;
      this.onQuery(seed);
    }
    this.input.focus();
    this.input.select();
  }

  close(): void {
    if (!this.isOpen) return;
    this.root.hidden = true;
    document.documentElement.classList.remove(`${ID}-open`);
    if (this.returnFocus instanceof HTMLElement) this.returnFocus.focus();
    this.returnFocus = null;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      this.release();
      if (this.options.length === 0) return;
      const step = e.key === "ArrowDown" ? 1 : -1;
      this.setActive((this.active + step + this.options.length) % this.options.length);
      this.chosen = { query: this.listbox.dataset.query ?? "", section: this.options[this.active].dataset.section ?? "" };
    } else if (e.key === "Enter") {
      const target = this.options[Math.max(this.active, 0)];
      if (target !== undefined) {
        e.preventDefault();
        this.follow(target);
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.close();
    }
  }

  /** Go to a result; on a same-page anchor the browser only scrolls, so close the dialog too. */
  private follow(option: HTMLAnchorElement): void {
    this.close();
    window.location.assign(option.href);
  }

  /** Mark option `i` active; `scroll` brings it into view (a forced layout, so not for the first option of a fresh list). */
  private setActive(i: number, scroll = true): void {
    this.options[this.active]?.setAttribute("aria-selected", "false");
    this.active = i;
    const option = this.options[i];
    if (option === undefined) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    if (scroll) option.scrollIntoView({ block: "nearest" });
  }

  showStatus(message: string, tone: Tone): void {
    this.status.textContent = message;
    this.status.dataset.tone = tone;
    this.status.hidden = message === "";
  }

  /** Show the answer held back while the reader held a row, if any. */
  private release(): void {
    if (this.pending !== null) this.render(this.pending);
  }

  /**
   * Render one answer. Hybrid results for the query whose BM25 results are
   * shown wait while the pointer is over the list (see `pending`), so no row
   * moves under it. When they are shown, a row the user moved to with the
   * arrow keys stays active if it is still listed (the same section, even
   * when another of its chunks now represents it); otherwise the best result is.
   */
  showResults(answer: Answer): void {
    const { query, mode } = answer;
    const shown = this.listbox.dataset;
    if (this.hovering && shown.query === query && shown.mode !== mode && this.options.length > 0) {
      this.pending = answer;
      shown.pending = mode;
      return;
    }
    // Excerpts filling in the rows already shown keep what waits behind them.
    const fillIn = this.pending !== null && this.pending.query === query && shown.mode === mode;
    const pending = fillIn ? this.pending : null;
    this.render(answer);
    if (pending !== null) {
      this.pending = pending;
      shown.pending = pending.mode;
    }
  }

  private render(answer: Answer): void {
    const { query, mode, results, groups } = answer;
    this.pending = null;
    delete this.listbox.dataset.pending;
    const pattern = termPattern(answer.terms);
    const keep = this.chosen !== null && this.chosen.query === query ? this.chosen.section : null;
    const items = document.createDocumentFragment(); // built apart, attached at once: one style and layout pass
    this.listbox.dataset.mode = mode;
    this.listbox.dataset.query = query;
    this.listbox.dataset.excerpts = results.every((r) => r.section !== null) ? "complete" : "loading";
    this.options = [];
    this.active = -1;
    let n = 0;
    groups.forEach((group, g) => {
      const section = el("div", `${ID}__group`, { role: "group", "aria-labelledby": `${ID}-group-${g}` });
      const heading = el("div", `${ID}__page`, { id: `${ID}-group-${g}`, role: "presentation" });
      appendHighlighted(heading, group.hits[0].title, pattern);
      section.appendChild(heading);
      for (const r of group.hits) {
        const option = el("a", `${ID}__option`, { role: "option", id: `${ID}-option-${n++}`, "aria-selected": "false", tabindex: "-1" });
        option.href = resultHref(this.siteRoot, r);
        option.dataset.chunk = String(r.id);
        option.dataset.section = `${r.page}\n${r.path.join("\n")}`; // known before its anchor: fragments fill that in
        option.dataset.rank = String(r.rank);
        option.addEventListener("click", (e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          this.follow(option);
        });
        // Until the page's fragment arrives: a placeholder line for the excerpt.
        const path = el("span", `${ID}__path`);
        appendHighlighted(path, (r.path.length > 1 ? r.path.slice(1) : r.path).join(" › "), pattern);
        const excerpt = el("span", `${ID}__excerpt`);
        if (r.section === null) excerpt.dataset.loading = "";
        else appendHighlighted(excerpt, excerptAround(r.section.text, pattern), pattern);
        option.append(path, excerpt);
        section.appendChild(option);
        this.options.push(option);
      }
      items.appendChild(section);
    });
    if (results.length === 0 && query.trim() !== "") {
      const empty = el("div", `${ID}__empty`);
      empty.textContent = this.strings.say("no_results", { query });
      items.appendChild(empty);
    }
    this.listbox.replaceChildren(items);
    this.input.setAttribute("aria-expanded", String(this.options.length > 0));
    this.input.removeAttribute("aria-activedescendant");
    const kept = keep === null ? -1 : this.options.findIndex((o) => o.dataset.section === keep);
    if (kept < 0) this.chosen = null;
    if (this.options.length > 0) this.setActive(Math.max(kept, 0), kept > 0);
  }
}
