/**
 * Where the search box goes, per theme.
 *
 * - A page element `[data-mkdocs-embed-search]` (a theme override) always wins.
 * - mkdocs theme: a box at the start of the navbar's right-hand menu, where
 *   its own search link sits. The theme's search modal (its `s` shortcut, its
 *   `?q=` links, its navbar link when its `search` plugin is on) opens this
 *   dialog instead; without the `search` plugin the theme's script would throw
 *   for want of that modal, so a hidden stand-in is provided.
 *   ProperDocs' copy of the theme (`properdocs_*` ids) is handled alike.
 * - Material with its `search` plugin off (the recommended set-up): a search
 *   box in the header where Material's own would be. With Material's search
 *   still on, its header box, button and `/` `s` `f` shortcuts open this
 *   dialog instead of Material's (seeded with what was typed there).
 * - Zensical (Material's layout, with a "Search" button): that button and
 *   the small-screen search icon open this dialog; Zensical's stays closed.
 * - Any other theme: a floating button in the top-right corner.
 */
const ICON_PATH = "M9.5 3a6.5 6.5 0 0 1 5.25 10.34l5.46 5.45-1.42 1.42-5.45-5.46A6.5 6.5 0 1 1 9.5 3m0 2a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9";

function trigger(placeholder: string, shortcut: string, variant: string, open: () => void): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `mkdocs-embed-trigger mkdocs-embed-trigger--${variant}`;
  button.setAttribute("aria-label", placeholder);
  button.setAttribute("aria-haspopup", "dialog");
  button.dataset.mkdocsEmbedTrigger = "";
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(svgNs, "path");
  path.setAttribute("d", ICON_PATH);
  svg.appendChild(path);
  const label = document.createElement("span");
  label.className = "mkdocs-embed-trigger__label";
  label.textContent = placeholder;
  const kbd = document.createElement("kbd");
  kbd.textContent = shortcut;
  button.append(svg, label, kbd);
  button.addEventListener("click", open);
  return button;
}

export interface MountOptions {
  placeholder: string;
  shortcut: string;
  open: (seed?: string) => void;
  warm: () => void;
}

/** Focus or hover means search is likely: start fetching the index now. */
function withWarmup(button: HTMLButtonElement, warm: () => void): HTMLButtonElement {
  button.addEventListener("focus", warm);
  button.addEventListener("pointerenter", warm);
  return button;
}

/** Make Material's own search (when its plugin is on) open our dialog. */
function takeOverMaterialSearch(search: Element, open: (seed?: string) => void): void {
  const toggle = document.getElementById("__search") as HTMLInputElement | null;
  const input = search.querySelector<HTMLInputElement>("input.md-search__input");
  const handOver = () => {
    const seed = input?.value ?? "";
    if (toggle !== null) toggle.checked = false;
    input?.blur();
    open(seed);
  };
  toggle?.addEventListener("change", () => {
    if (toggle.checked) handOver();
  });
  input?.addEventListener("focus", handOver);
}

/**
 * Make the mkdocs theme's search modal open our dialog; true when the theme has its own search link.
 * ProperDocs' fork of the theme names its elements `properdocs_*` instead of `mkdocs_*`.
 */
function takeOverMkdocsSearch(prefix: string, open: (seed?: string) => void): boolean {
  let modal = document.getElementById(`${prefix}_search_modal`);
  const own = modal !== null;
  if (modal === null) {
    modal = document.createElement("div");
    modal.id = `${prefix}_search_modal`;
    modal.className = "modal";
    modal.hidden = true;
    const input = document.createElement("input");
    input.id = `${prefix}-search-query`;
    const results = document.createElement("div");
    results.id = `${prefix}-search-results`;
    modal.append(input, results);
    document.body.appendChild(modal);
  }
  modal.addEventListener("show.bs.modal", (e) => {
    e.preventDefault();
    const typed = (document.getElementById(`${prefix}-search-query`) as HTMLInputElement | null)?.value;
    open(typed || (new URLSearchParams(location.search).get("q") ?? undefined));
  });
  return own;
}

/** "mkdocs" or "properdocs" when the page is the mkdocs theme (or ProperDocs' copy of it), else null. */
function mkdocsThemePrefix(): string | null {
  for (const prefix of ["mkdocs", "properdocs"]) {
    if (document.getElementById(`${prefix}_keyboard_modal`) !== null) return prefix;
  }
  return document.querySelector("#navbar-collapse .navbar-nav.ms-md-auto") !== null ? "mkdocs" : null;
}

/**
 * Zensical's header: a "Search" button (and, on small screens, a label for
 * the `__search` toggle) that open Zensical's own dialog. A click on either
 * opens ours instead, caught before it reaches Zensical's handlers.
 */
function takeOverZensicalSearch(search: Element, open: (seed?: string) => void): void {
  const claim = (e: Event) => {
    e.preventDefault();
    e.stopImmediatePropagation();
    open();
  };
  search.addEventListener("click", claim, { capture: true });
  for (const label of document.querySelectorAll('label[for="__search"]')) label.addEventListener("click", claim, { capture: true });
}

/** Place the search box for this page; returns false when it was already placed. */
export function mount(options: MountOptions): boolean {
  if (document.querySelector("[data-mkdocs-embed-trigger]") !== null) return false;
  const { placeholder, shortcut, open, warm } = options;
  const make = (variant: string) => withWarmup(trigger(placeholder, shortcut, variant, () => open()), warm);
  const custom = document.querySelector("[data-mkdocs-embed-search]");
  const materialHeader = document.querySelector(".md-header__inner");
  const mkdocsNav = document.querySelector("#navbar-collapse .navbar-nav.ms-md-auto");
  const mkdocsPrefix = mkdocsThemePrefix();
  if (custom !== null) {
    custom.appendChild(make("custom"));
  } else if (materialHeader !== null) {
    const materialSearch = document.querySelector(".md-search");
    if (materialSearch !== null) {
      if (materialSearch.querySelector(".md-search__button") !== null) takeOverZensicalSearch(materialSearch, open);
      else takeOverMaterialSearch(materialSearch, open);
      materialSearch.parentElement?.addEventListener("pointerenter", warm);
      materialSearch.setAttribute("data-mkdocs-embed-trigger", "");
    } else {
      const before = materialHeader.querySelector(".md-header__source");
      materialHeader.insertBefore(make("material"), before);
    }
  } else if (mkdocsPrefix !== null) {
    if (takeOverMkdocsSearch(mkdocsPrefix, open) || mkdocsNav === null) return true;
    const item = document.createElement("li");
    item.className = "nav-item";
    item.appendChild(make("mkdocs"));
    mkdocsNav.insertBefore(item, mkdocsNav.firstChild);
  } else {
    document.body.appendChild(make("floating"));
  }
  return true;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** `shortcut` (when not typing elsewhere) and Ctrl/⌘-K open the dialog. */
export function bindShortcuts(shortcut: string, open: () => void): void {
  document.addEventListener(
    "keydown",
    (e) => {
      const ctrlK = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k";
      const plain = shortcut !== "" && e.key === shortcut && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
      if (ctrlK || plain) {
        e.preventDefault();
        e.stopImmediatePropagation();
        open();
      }
    },
    { capture: true },
  );
}
