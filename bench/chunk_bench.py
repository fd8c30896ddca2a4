"""Chunking cost per page as a site grows: it must stay flat, however long the navigation gets.

    .venv/bin/python bench/chunk_bench.py [--pages 100 1000 5000] [--repeats 3] [--work DIR]

Each site is written straight as HTML in the shape of a Material for MkDocs
page (header, the full navigation tree in the sidebar, table of contents,
the article, footer with previous/next links, scripts), with 7 sections of
real documentation paragraphs per page (bench/corpus.py). A real `mkdocs
build` of 5,000 pages renders the navigation 5,000 times over and takes
longer than the chunking being measured; the HTML written here has the same
structure and the same navigation size per page (about 190 bytes a page).

For each size: cold chunking (no chunk cache) in ms per page, the median of
``--repeats`` rounds that run the sizes in turn, and its ratio to the
smallest site's; then one page is added to the site, which changes the
navigation of every page, and the pages chunked again are counted (the chunk
cache is keyed on the content, so this should be 1).
"""

from __future__ import annotations

import argparse
import html
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from mkdocs_embed import pipeline  # noqa: E402
from mkdocs_embed.chunk import TokenCounter  # noqa: E402
from mkdocs_embed.collect.pages import collect_pages  # noqa: E402
from mkdocs_embed.model import resolve_model  # noqa: E402
from mkdocs_embed.report import BuildReport  # noqa: E402
from mkdocs_embed.settings import ChunkSettings, ModelSettings  # noqa: E402
from mkdocs_embed.store import chunks as chunk_cache  # noqa: E402

WORK = corpus.WORK / "chunk"

PAGE = """<!doctype html>
<html lang="en" class="no-js">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width,initial-scale=1">
    <title>{title} - Generated docs</title>
    <link rel="stylesheet" href="{up}assets/stylesheets/main.css">
  </head>
  <body dir="ltr">
    <header class="md-header" data-md-component="header">
      <nav class="md-header__inner md-grid" aria-label="Header">
        <a href="{up}" title="Generated docs" class="md-header__button md-logo">Generated docs</a>
      </nav>
    </header>
    <div class="md-container" data-md-component="container">
      <main class="md-main" data-md-component="main">
        <div class="md-main__inner md-grid">
          <div class="md-sidebar md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation">
            <div class="md-sidebar__scrollwrap">
              <div class="md-sidebar__inner">
                <nav class="md-nav md-nav--primary" aria-label="Navigation" data-md-level="0">
                  <ul class="md-nav__list" data-md-scrollfix>
{nav}
                  </ul>
                </nav>
              </div>
            </div>
          </div>
          <div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc">
            <nav class="md-nav md-nav--secondary" aria-label="Table of contents">
              <ul class="md-nav__list" data-md-component="toc">
{toc}
              </ul>
            </nav>
          </div>
          <div class="md-content" data-md-component="content">
            <article class="md-content__inner md-typeset">
{body}
            </article>
          </div>
        </div>
      </main>
      <footer class="md-footer">
        <nav class="md-footer__inner md-grid" aria-label="Footer">
          <a href="{up}{prev}" class="md-footer__link md-footer__link--prev">Previous</a>
          <a href="{up}{next}" class="md-footer__link md-footer__link--next">Next</a>
        </nav>
      </footer>
    </div>
    <script id="__config" type="application/json">{{"base": "{up}"}}</script>
    <script src="{up}assets/javascripts/bundle.js"></script>
  </body>
</html>
"""


def write_site(site: Path, pages: int, seed: int = 1) -> None:
    """``pages`` pages of recombined real paragraphs, each carrying the whole site's navigation."""
    stamp = site / ".pages"
    if stamp.exists() and stamp.read_text() == f"{pages} {seed}":
        return
    paragraphs = [html.escape(p) for p in corpus.paragraphs()]
    rngs = [random.Random(f"{seed}-{p}") for p in range(pages)]  # one a page: adding a page changes no other
    urls = [f"part-{p // 50:03d}/page-{p:05d}/" for p in range(pages)]
    titles = [" ".join(rng.choice(paragraphs).split()[:5]) for rng in rngs]
    sections = [[" ".join(rng.choice(paragraphs).split()[:6]) for _ in range(7)] for rng in rngs]
    if site.exists():
        shutil.rmtree(site)
    nav_parts = []
    for part in range(0, pages, 50):
        items = "\n".join(
            f'                        <li class="md-nav__item">\n'
            f'                          <a href="{{up}}{urls[p]}" class="md-nav__link">'
            f'<span class="md-ellipsis">{titles[p]}</span></a>\n'
            f"                        </li>"
            for p in range(part, min(part + 50, pages))
        )
        nav_parts.append(
            f'                    <li class="md-nav__item md-nav__item--nested">\n'
            f'                      <label class="md-nav__link" for="__nav_{part // 50}">Part {part // 50}</label>\n'
            f'                      <nav class="md-nav" data-md-level="1"><ul class="md-nav__list">\n{items}\n'
            f"                      </ul></nav>\n                    </li>"
        )
    nav = "\n".join(nav_parts)
    for p, url in enumerate(urls):
        rng, heads = rngs[p], sections[p]
        toc = "\n".join(f'                <li class="md-nav__item"><a href="#s{i}" class="md-nav__link">{h}</a></li>'
                        for i, h in enumerate(heads))
        body = [f"              <h1>{titles[p]}</h1>\n              <p>{rng.choice(paragraphs)}</p>"]
        for i, heading in enumerate(heads):
            text = "</p>\n              <p>".join(rng.sample(paragraphs, rng.choice((1, 1, 2))))
            body.append(f'              <h2 id="s{i}">{heading}<a class="headerlink" href="#s{i}">¶</a></h2>\n'
                        f"              <p>{text}</p>")
        up = "../../"
        page = PAGE.format(title=titles[p], up=up, nav=nav.replace("{up}", up), toc=toc, body="\n".join(body),
                           prev=urls[p - 1], next=urls[(p + 1) % pages])
        path = site / url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    stamp.write_text(f"{pages} {seed}")


def chunk_site(site: Path, cache: Path | None) -> tuple[float, int, int]:
    """Seconds to chunk every page, pages chunked afresh, pages in the site."""
    spec = resolve_model(ModelSettings())
    tokens = pipeline._token_counter(spec.tokenizer_path)
    settings = pipeline._effective_chunk_settings(ChunkSettings(), spec, tokens)
    pages = collect_pages(site)
    report = BuildReport()
    started = time.perf_counter()
    pipeline._chunk_pages(pages, settings, spec, tokens, report, cache)
    return time.perf_counter() - started, report.chunked_pages, len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)
    sites = {size: args.work / f"site-{size}" for size in args.pages}
    for size, site in sites.items():
        write_site(site, size)
    runs: dict[int, list[float]] = {size: [] for size in sites}
    for r in range(args.repeats):  # sizes in turn, so the machine's load hits each alike
        for size, site in sites.items():
            chunk_cache.forget()  # this process's last build
            seconds, _, count = chunk_site(site, None)
            runs[size].append(seconds / count)
        print(f"  round {r + 1}: " + ", ".join(f"{size} pages {v[-1] * 1e3:.2f} ms/page" for size, v in runs.items()),
              flush=True)
    smallest = statistics.median(runs[min(runs)])
    print(f"\n{'pages':>6} {'HTML KB/page':>12} {'cold ms/page':>12} {'vs smallest':>11} {'re-chunked after adding a page':>31}")
    for size, site in sites.items():
        html_kb = (site / "part-000/page-00000/index.html").stat().st_size / 1024
        with tempfile.TemporaryDirectory() as cache:
            chunk_site(site, Path(cache))
            write_site(site, size + 1)
            chunk_cache.forget()
            _, rechunked, _ = chunk_site(site, Path(cache))
        median = statistics.median(runs[size])
        print(f"{size:6d} {html_kb:12.0f} {median * 1e3:12.2f} {median / smallest:10.2f}x {rechunked:31d}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
