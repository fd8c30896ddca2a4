"""Chunking stays linear in the site: the content root is found without parsing the navigation, and
the chunk cache keys on each page's content, so a navigation change re-chunks nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed import pipeline
from mkdocs_embed.chunk import TokenCounter
from mkdocs_embed.chunk.extract import _locate, extract, extract_whole
from mkdocs_embed.collect.pages import collect_pages
from mkdocs_embed.model import resolve_model
from mkdocs_embed.report import BuildReport
from mkdocs_embed.settings import ChunkSettings, ModelSettings
from mkdocs_embed.store import chunks as chunk_cache


def _project(root: Path, theme: str, pages: int) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n\nWelcome to the generated documentation of the frobnicator.\n")
    for p in range(pages):
        _page(docs, p)
    (root / "mkdocs.yml").write_text(
        f"site_name: Generated\ntheme: {{name: {theme}}}\nplugins: []\nmarkdown_extensions:\n  - toc: {{permalink: true}}\n"
    )
    return root


def _page(docs: Path, p: int) -> None:
    folder = docs / f"part-{p // 10}"
    folder.mkdir(exist_ok=True)
    (folder / f"page-{p:03d}.md").write_text(
        f"# Page {p}\n\nThe frobnicator's page number {p} explains one of its many options in detail.\n\n"
        f"## Setting {p}\n\nSet option {p} in frob.yml; every later run reads it, and the command line overrides it.\n\n"
        f"## Caveats of {p}\n\nOption {p} interacts with the cache: clear it after changing the option.\n"
    )


def _build(project: Path) -> Path:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")],
                   check=True, capture_output=True)
    return project / "site"


def _chunk(site: Path, cache: Path) -> BuildReport:
    spec = resolve_model(ModelSettings())
    tokens = TokenCounter.from_file(spec.tokenizer_path)
    settings = pipeline._effective_chunk_settings(ChunkSettings(), spec, tokens)
    report = BuildReport()
    chunk_cache.forget()  # as a fresh process: only the cache folder remembers
    pipeline._chunk_pages(collect_pages(site), settings, spec, tokens, report, cache)
    return report


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_adding_a_page_rechunks_only_that_page(tmp_path, theme):
    project = _project(tmp_path / "project", theme, pages=30)
    site = _build(project)
    before = {p.url: p.html for p in collect_pages(site)}
    assert _chunk(site, tmp_path / "cache").chunked_pages == 31

    _page(project / "docs", 30)
    site = _build(project)
    after = {p.url: p.html for p in collect_pages(site)}
    assert all(after[url] != html for url, html in before.items())  # the navigation of every page changed
    report = _chunk(site, tmp_path / "cache")
    assert report.chunked_pages == 1
    assert report.pages == 32

    report = _chunk(site, tmp_path / "cache")  # nothing changed: nothing is even extracted again
    assert report.chunked_pages == 0


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_located_root_gives_what_a_whole_parse_gives(tmp_path, theme):
    site = _build(_project(tmp_path / "project", theme, pages=12))
    pages = collect_pages(site)
    assert all(_locate(p.html) is not None for p in pages)
    for page in pages:
        assert extract(page.html) == extract_whole(page.html)
        assert extract(page.html).sections


ARTICLE = '<article class="md-content__inner md-typeset"><h1>Real</h1><h2 id="a">A</h2><p>Real text.</p></article>'


@pytest.mark.parametrize("before", [
    '<!-- <article class="md-content__inner"><h2 id="c">Commented</h2><p>Not content.</p></article> -->',
    '<script>const t = \'<article class="md-content__inner"><h2 id="s">In a script</h2>\';</script>',
    '<div data-x="md-content__inner"><p>Not a root.</p></div>',
])
def test_markers_outside_a_real_root_fall_back_to_a_whole_parse(before):
    html = f"<html><head><title>T - Site</title></head><body><nav><ul><li>Home</li></ul></nav>{before}{ARTICLE}</body></html>"
    assert _locate(html) is None
    page = extract(html)
    assert page == extract_whole(html)
    assert [s.anchor for s in page.sections] == ["a"]


def test_page_text_after_the_root_is_not_read():
    html = ("<html><head><title>T - Site</title></head><body><div role='main'><h2 id='a'>A</h2><p>Kept.</p></div>"
            "<footer><p>Footer.</p></footer><p>Trailing " + "words " * 10_000 + "</p></body></html>")
    page = extract(html)
    assert page.title == "T"
    assert [p for s in page.sections for p in s.paragraphs] == ["Kept."]


@pytest.mark.parametrize("stored,level", [(b'{"format": 1, "pages": {}}', "INFO"), (b"{not json", "WARNING")])
def test_a_chunk_cache_of_another_version_is_not_a_warning(tmp_path, caplog, stored, level):
    """After an upgrade the old cache is expected, and must not fail `mkdocs build --strict`; a damaged one still warns."""
    path = tmp_path / "chunks.json"
    path.write_bytes(stored)
    with caplog.at_level("INFO", logger="mkdocs.plugins.embed"):
        assert chunk_cache.load_chunks(path) == ({}, {})
    assert [r.levelname for r in caplog.records if "chunk cache" in r.getMessage()] == [level]
