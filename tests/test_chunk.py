"""chunk_page on real `mkdocs build` output (mkdocs and material themes) and
on hand-written hostile pages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mkdocs_embed.chunk import Chunk, TokenCounter, chunk_page
from mkdocs_embed.chunk.page import MAX_PAGE_CHARS
from mkdocs_embed.collect import Page, collect_pages
from mkdocs_embed.settings import ChunkSettings

SETTINGS = ChunkSettings(max_tokens=256, min_tokens=40)  # merging on: the rules below are about it

LONG = "\n\n".join(
    f"Paragraph {i} explains how the frobnicator handles batch number {i}. "
    f"It retries failed items and logs a summary line for batch {i}."
    for i in range(40)
)

GUIDE = f"""\
# User guide

This guide walks through installing, configuring and running the frobnicator
on a real project, with every option that a first-time user is likely to need
before going to production.

## Installing

Two ways.

### With pip

Install the released package from PyPI into a virtual environment; it pulls
in its few dependencies and adds the `frob` command to your path.

```bash
pip install frobnicator --upgrade
```

| Option | Default |
|--------|---------|
| workers | 4 |
| colour | auto |

## Configuration

!!! warning "Mind the quotes"
    YAML needs quotes around values that start with an asterisk, or it
    reads them as aliases and fails with a confusing parser error message.

Settings live in `frob.yml` next to your project's other configuration files,
and every key can be overridden from the command line with `--set key=value`.

<div data-search-exclude markdown>
Internal note: zebraunicorn is a secret word.
</div>

## Long section

{LONG}

## Empty heading

## Last words

<span class="mdx-badge"><span class="mdx-badge__icon">v</span><span class="mdx-badge__text">9.5.0 .zipzz</span></span>
[Get startedzz](#installing){{ .md-button }}

That is all you need to know to get started with the frobnicator today; the
reference pages describe every command and option in much more detail, and
the changelog lists what changed in each release since the first one.
"""


def _build(tmp_path: Path, theme: str, plugins: str) -> list[Page]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nWelcome to the frobnicator documentation home page.\n")
    (docs / "guide.md").write_text(GUIDE)
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: Sitenamezz Docs
            theme: {{name: {theme}}}
            {plugins}
            markdown_extensions:
              - admonition
              - attr_list
              - md_in_html
              - tables
              - toc: {{permalink: true}}
            """
        )
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml")],
        check=True, capture_output=True,
    )
    return collect_pages(tmp_path / "site")


@pytest.fixture(scope="module")
def tokens(tokenizer) -> TokenCounter:
    return TokenCounter(tokenizer)


# Material's search plugin strips data-search-* attributes from the pages it
# renders, so the material build here runs without it (see the report).
@pytest.fixture(scope="module", params=[("mkdocs", ""), ("readthedocs", ""), ("material", "plugins: []")])
def guide(request, tmp_path_factory, tokens) -> list[Chunk]:
    theme, plugins = request.param
    pages = _build(tmp_path_factory.mktemp(theme), theme, plugins)
    assert [p.url for p in pages] == ["", "guide/"]
    return chunk_page(pages[1], SETTINGS, tokens)


def _anchors(chunks: list[Chunk]) -> list[str]:
    return list(dict.fromkeys(c.anchor for c in chunks))


def test_sections_and_heading_paths(guide):
    assert {c.title for c in guide} == {"User guide"}
    assert _anchors(guide) == ["user-guide", "installing", "configuration", "long-section", "last-words"]
    paths = {c.anchor: c.path for c in guide}
    assert paths["user-guide"] == ("User guide",)  # the h1 is the title, not doubled
    assert paths["installing"] == ("User guide", "Installing")
    assert paths["long-section"] == ("User guide", "Long section")
    assert all(c.embed_text == " › ".join(c.path) + "\n" + c.text for c in guide)


def test_tiny_section_merges_into_its_child(guide):
    (installing,) = [c for c in guide if c.anchor == "installing"]
    assert installing.text.startswith("Two ways.\n\nWith pip\n\nInstall the released package")
    assert "with-pip" not in _anchors(guide)


def test_code_tables_and_admonitions_are_text(guide):
    text = "\n".join(c.text for c in guide)
    assert "pip install frobnicator --upgrade" in text
    assert "Option | Default\nworkers | 4\ncolour | auto" in text
    assert "Mind the quotes\n\nYAML needs quotes" in text


def test_chrome_and_excluded_content_are_dropped(guide):
    everything = "\n".join(c.embed_text for c in guide)
    for chrome in ("Sitenamezz", "¶", "Built with MkDocs", "Made with", "Search", "Previous", "Next", "Home",
                   ".zipzz", "Get startedzz"):
        assert chrome not in everything
    assert "zebraunicorn" not in everything
    assert "Empty heading" not in everything  # an empty section vanishes


def test_long_section_is_split_within_budget_with_overlap(guide, tokens):
    assert max(tokens.count_many([c.embed_text for c in guide])) <= SETTINGS.max_tokens
    long = [c for c in guide if c.anchor == "long-section"]
    assert len(long) >= 3
    assert all(c.path == ("User guide", "Long section") for c in long)
    for before, after in zip(long, long[1:]):
        shared = next(after.text[:k] for k in range(len(after.text), 0, -1) if before.text.endswith(after.text[:k]))
        assert SETTINGS.overlap_tokens // 2 <= tokens.count(shared) - 2 <= SETTINGS.overlap_tokens
    text = " ".join(c.text for c in long)
    assert all(f"batch number {i}." in text for i in range(40))


def test_last_tiny_section_stands_when_it_is_big_enough(guide):
    assert [c.text[:25] for c in guide if c.anchor == "last-words"] == ["That is all you need to k"]


def _page(html: str) -> Page:
    return Page("p/", Path("p/index.html"), html)


def test_page_without_headings_is_one_chunk(tokens):
    chunks = chunk_page(_page("<html><head><title>Notes - Site</title></head><body><p>Just text.</p></body></html>"), SETTINGS, tokens)
    assert chunks == [Chunk("p/", "", "Notes", ("Notes",), "Just text.")]


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<p>", "<<<>>>", "\x00\x01", "<script>x()</script>"])
def test_empty_and_malformed_pages(tokens, html):
    for chunk in chunk_page(_page(html), SETTINGS, tokens):
        assert chunk.text.strip()


def test_unicode_survives(tokens):
    html = "<main><h2 id='日本'>日本語</h2><p>これは テスト です 🎉 and עברית טקסט, zero\u200bwidth.</p></main>"
    (chunk,) = chunk_page(_page(html), SETTINGS, tokens)
    assert chunk.anchor == "日本" and chunk.path[-1] == "日本語"
    assert chunk.text == "これは テスト です 🎉 and עברית טקסט, zerowidth."


def test_big_pages_finish_in_bounded_time(tokens):
    deep = "<html><body>" + "<div>" * 5000 + "<h2 id='deep'>Deep</h2><p>down here</p>" + "</div>" * 5000 + "</body></html>"
    start = time.perf_counter()
    assert [c.anchor for c in chunk_page(_page(deep), SETTINGS, tokens)] == ["deep"]
    assert time.perf_counter() - start < 5

    one_mb = "<main>" + "".join(f"<h2 id='s{i}'>Section {i}</h2><p>{'text ' * 200}</p>" for i in range(1000)) + "</main>"
    start = time.perf_counter()
    chunks = chunk_page(_page(one_mb), SETTINGS, tokens)
    assert len(_anchors(chunks)) == 1000
    assert time.perf_counter() - start < 30


def test_ten_megabyte_single_line_page_is_cut_with_a_warning(tokens, caplog):
    html = "<html><body><p>" + "word <b>bold</b> " * 600_000 + "</p></body></html>"
    assert len(html) > 10_000_000 and "\n" not in html
    start = time.perf_counter()
    chunks = chunk_page(_page(html), SETTINGS, tokens)
    assert time.perf_counter() - start < 30
    assert "indexing its first 1.0 MB" in caplog.text
    assert sum(len(c.text) for c in chunks) <= MAX_PAGE_CHARS * 1.2  # overlap repeats a little
    assert max(tokens.count_many([c.embed_text for c in chunks])) <= SETTINGS.max_tokens


def test_token_counter_leaves_callers_tokenizer_alone(tokenizer):
    counter = TokenCounter(tokenizer)
    assert tokenizer.truncation is not None and tokenizer.padding is not None
    assert counter.count("hello " * 1000) == 1002
    pieces = counter.split("word " * 1000, 100, 10)
    assert all(counter.count(p) <= 100 for p in pieces)
    assert " ".join(pieces).count("word") >= 1000
