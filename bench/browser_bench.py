"""Browser figures of the search widget, in headless Chromium (figures, not pass/fail).

Generates a plain-HTML site of 20k short sections (about 10k chunks once the
chunker merges them), indexes it with the real pipeline and widget
(``mkdocs-embed index``; vectors are cached between runs), serves it on
127.0.0.1 (HTTP/1.1, keep-alive) and measures, in the page itself:

- cold, median of ``--cold-runs`` fresh browser contexts: first keystroke →
  first rendered results, and → those results with their excerpts (which
  load after them); the keystroke comes in the same task as the shortcut
  that opens the search, so nothing has loaded yet; and the same with the
  first character typed 100 ms after the shortcut, as soon as a fast typist
  follows one key with the next;
- warm, median and p90 of 50: keystroke → rendered results (BM25, rendered on
  the keystroke itself) and keystroke → rendered hybrid results (after the
  encoder answered);
- bytes transferred before the first result and before the first semantic one;
- cold, median of ``--hybrid-runs`` fresh contexts: opening the search (the
  shortcut) → hybrid results for a query typed 100 ms later, and the files
  fetched by then, raw and gzip -9 (as a static host that compresses every
  type would serve them; the ``.zst`` index files and the 4-bit model barely
  shrink);
- the size of the JS bundle, minified, without the ort wasm and the model.

    .venv/bin/python bench/browser_bench.py [--sections 20000] [--work DIR]
    .venv/bin/python bench/browser_bench.py --site DIR [--query WORD]

The generated site's word salad has a vocabulary of 60 words, so every query
word is in a third of all chunks: pessimistic for BM25 and unrealistically
small lexical files. ``--site`` measures an already indexed real site
instead, such as the 10k-chunk site of real docs prose that
``bench/build_bench.py`` builds (``.cache/bench/build/big/project/site``,
indexed with ``mkdocs-embed index``).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import random
import statistics
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser.conftest import CHROMIUM, CHROMIUM_ARGS, _Handler  # noqa: E402

from mkdocs_embed.format.manifest import FORMAT_VERSION  # noqa: E402

WORDS = (
    "install configure plugin theme index search widget model vector graph query browser cache build deploy page "
    "section heading anchor excerpt token chunk embed server static asset manifest worker runtime option default "
    "performance memory latency network compress decode encode release upgrade version python node package"
).split()

# Installs observers in the page: times from an input event to the listbox showing results for it,
# of any mode ("first") and, when asked for, hybrid ones ("semantic").
PROBE = """
window.__bench = {};
const list = () => document.getElementById('mkdocs-embed-listbox');
window.__bench.typeAndWait = (text, waitSemantic) => new Promise((resolve) => {
  const input = document.querySelector('.mkdocs-embed__input');
  const t0 = performance.now();
  const times = { first: null, excerpts: null, semantic: null };
  const done = () => {
    const l = list();
    if (!l || l.dataset.query !== text || !l.querySelector('[role=option]')) return;
    const t = performance.now() - t0;
    if (times.first === null) times.first = t;
    if (times.excerpts === null && l.dataset.excerpts === 'complete') times.excerpts = t;
    if (l.dataset.mode === 'hybrid') times.semantic = t;
    if (times.semantic !== null || (!waitSemantic && times.excerpts !== null)) {
      observer.disconnect();
      resolve(times);
    }
  };
  const observer = new MutationObserver(done);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  done();
});
// A cold page's first query, typed `gap` ms after the shortcut key opened the search: 0 is the
// worst case (typed in the same task, before the dialog is even drawn); 100 ms is about the
// shortest gap between two keys of a fast typist.
window.__bench.openAndType = (text, gap, waitSemantic = false) => {
  const opened = performance.now();
  document.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true }));
  const since = (times) => ({ ...times, opened: performance.now() - opened });
  if (gap === 0) return window.__bench.typeAndWait(text, waitSemantic).then(since);
  return new Promise((resolve) => setTimeout(resolve, gap)).then(() => window.__bench.typeAndWait(text, waitSemantic)).then(since);
};
true;  // evaluate() would call a function value left as the result
"""


TYPIST_GAP_MS = 100
"""A fast typist's gap between two keys: the soonest a visitor's first character follows the shortcut."""


def make_site(site: Path, sections: int, seed: int = 1) -> None:
    """Pages of 20 sections of word salad: the text doesn't matter, the counts do."""
    rnd = random.Random(seed)
    per_page = 20
    for p in range((sections + per_page - 1) // per_page):
        body = [f"<h1>Page {p} {rnd.choice(WORDS)}</h1>"]
        for s in range(per_page):
            words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(15, 30)))
            body.append(f'<h2 id="s{s}">Section {s} {rnd.choice(WORDS)} {rnd.choice(WORDS)}</h2><p>{words}.</p>')
        folder = site / f"p{p}"
        folder.mkdir(parents=True, exist_ok=True)
        html = f"<!doctype html><html><head><meta charset=utf-8><title>Page {p}</title></head><body><main>{''.join(body)}</main></body></html>"
        (folder / "index.html").write_text(html, "utf-8")
    (site / "index.html").write_text(
        "<!doctype html><html><head><meta charset=utf-8><title>Bench</title></head><body><main><h1>Bench</h1>"
        "<p>Home page of the generated benchmark site.</p></main></body></html>",
        "utf-8",
    )


class _KeepAliveHandler(_Handler):
    """HTTP/1.1 with keep-alive, as every real static host serves (Python's default is a connection per request)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True


def serve(site: Path) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_KeepAliveHandler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def bundle_sizes() -> dict[str, dict[str, int]]:
    assets = REPO / "mkdocs_embed" / "assets"
    out = {}
    for name in ("widget.js", "worker.js", "widget.css"):
        data = (assets / name).read_bytes()
        out[name] = {"bytes": len(data), "gzip": len(gzip.compress(data, 9))}
    out["total"] = {key: sum(f[key] for f in out.values()) for key in ("bytes", "gzip")}
    return out


def measure(base: str, site: Path, warm_runs: int, cold_runs: int, hybrid_runs: int, cold_query: str = "cache") -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        hybrid = [_cold_hybrid(browser, base, site, "cache deploy") for _ in range(hybrid_runs)]
        # Each cold run in a fresh context: its own HTTP cache, nothing loaded.
        colds = [_cold(browser, base, cold_query, 0) for _ in range(cold_runs - 1)]
        typed_later = [_cold(browser, base, cold_query, TYPIST_GAP_MS) for _ in range(cold_runs)]
        finished: list = []  # requests in order of completion, the worker's downloads included
        _, page = _viewed_page(browser, base, lambda request: finished.append(request))
        n_page = len(finished)

        def received(count: int) -> int:
            """Bytes of the requests the search made (those of the page view before it are not counted)."""
            return sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished[n_page:count])

        # A whole word: BM25 matches terms, not prefixes.
        colds.append(page.evaluate(f"window.__bench.openAndType({json.dumps(cold_query)}, 0)"))
        n_first = len(finished)
        first_semantic = page.evaluate("window.__bench.typeAndWait('cache deploy', true)")["semantic"]
        n_semantic = len(finished)
        rnd = random.Random(2)
        first, semantic = [], []
        for i in range(warm_runs):
            query = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i}"
            times = page.evaluate(f"window.__bench.typeAndWait({json.dumps(query)}, true)")
            first.append(times["first"])
            semantic.append(times["semantic"])
        bytes_first, bytes_semantic = received(n_first), received(n_semantic)
        browser.close()

    def p90(xs: list[float]) -> float:
        return round(sorted(xs)[int(0.9 * len(xs))], 1)

    return {
        "cold_first_results_median_ms": round(statistics.median(c["first"] for c in colds), 1),
        "cold_first_results_ms_each": [round(c["first"]) for c in colds],
        "cold_first_results_with_excerpts_median_ms": round(statistics.median(c["excerpts"] for c in colds), 1),
        f"cold_typed_{TYPIST_GAP_MS}ms_after_opening_first_results_median_ms": round(statistics.median(c["first"] for c in typed_later), 1),
        f"cold_typed_{TYPIST_GAP_MS}ms_after_opening_with_excerpts_median_ms": round(
            statistics.median(c["excerpts"] for c in typed_later), 1),
        "first_semantic_results_ms_after_first_results": round(first_semantic, 1),
        "warm_keystroke_to_results_median_ms": round(statistics.median(first), 1),
        "warm_keystroke_to_results_p90_ms": p90(first),
        "warm_keystroke_to_hybrid_results_median_ms": round(statistics.median(semantic), 1),
        "warm_keystroke_to_hybrid_results_p90_ms": p90(semantic),
        "bytes_before_first_result": bytes_first,
        "bytes_before_first_semantic_result": bytes_semantic,
        f"cold_open_to_hybrid_results_typed_{TYPIST_GAP_MS}ms_after_median_ms": round(statistics.median(h["ms"] for h in hybrid), 1),
        "cold_open_to_hybrid_results_ms_each": [round(h["ms"]) for h in hybrid],
        "cold_files_before_first_hybrid_result": hybrid[0]["files"],
        "cold_bytes_before_first_hybrid_result": hybrid[0]["raw"],
        "cold_bytes_before_first_hybrid_result_gzip": hybrid[0]["gzip"],
    }


def _cold_hybrid(browser, base: str, site: Path, query: str) -> dict:
    """One cold page: open the search, type ``query`` a typist's gap later, wait for hybrid results.

    Returns the time from opening, and the files fetched by then with their sizes on disk, raw and gzip -9.
    """
    fetched: list[str] = []
    context, page = _viewed_page(browser, base)
    page.on("requestfinished", lambda request: fetched.append(request.url))
    times = page.evaluate(f"window.__bench.openAndType({json.dumps(query)}, {TYPIST_GAP_MS}, true)")
    context.close()
    files = sorted({url.removeprefix(base).split("?")[0] for url in fetched if url.startswith(base)} - {""})
    raw = gz = 0
    for name in files:
        data = (site / name).read_bytes()
        raw, gz = raw + len(data), gz + min(len(data), len(gzip.compress(data, 9)))
    return {"ms": times["opened"], "files": len(files), "raw": raw, "gzip": gz}


def _cold(browser, base: str, query: str, gap_ms: int) -> dict[str, float]:
    """One cold page: open the search, type ``gap_ms`` later; the times of the first results and their excerpts."""
    context, page = _viewed_page(browser, base)
    times = page.evaluate(f"window.__bench.openAndType({json.dumps(query)}, {gap_ms})")
    context.close()
    return times


def _viewed_page(browser, base: str, on_request=None):
    """A fresh browser context (its own HTTP cache) with the home page loaded and the probe installed."""
    context = browser.new_context()
    page = context.new_page()
    if on_request is not None:
        page.on("requestfinished", on_request)
    page.goto(base)
    page.evaluate(PROBE)
    page.wait_for_load_state("networkidle")
    return context, page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "browser-bench")
    parser.add_argument("--warm-runs", type=int, default=50)
    parser.add_argument("--cold-runs", type=int, default=7, help="cold pages, each in a fresh browser context")
    parser.add_argument("--hybrid-runs", type=int, default=3, help="cold pages waited on until hybrid results")
    parser.add_argument("--site", type=Path, help="an indexed site folder to measure instead of the generated one")
    parser.add_argument("--query", default="cache", help="the cold page's first query (a whole word)")
    args = parser.parse_args()
    site = args.site or args.work / f"site-{args.sections}"
    manifest_path = site / "assets" / "mkdocs-embed" / "manifest.json"
    if args.site and not manifest_path.exists():
        raise SystemExit(f"{site} has no index; run mkdocs-embed index on it first")
    if not manifest_path.exists() or json.loads(manifest_path.read_text())["format"] != FORMAT_VERSION:
        make_site(site, args.sections)
        cli = Path(sys.executable).with_name("mkdocs-embed")
        subprocess.run([str(cli), "index", str(site), "--cache-dir", str(args.work / "cache")], check=True)
    manifest = json.loads(manifest_path.read_text())
    figures = {"chunks": manifest["counts"]["chunks"], **measure(serve(site), site, args.warm_runs, args.cold_runs, args.hybrid_runs, args.query), "bundle": bundle_sizes()}
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
