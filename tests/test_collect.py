"""collect_pages over a real `mkdocs build` and over hand-made site folders."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from mkdocs_embed.collect import collect_pages, page_url


def _write(root: Path, rel: str, content: bytes | str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def test_urls_follow_mkdocs():
    assert page_url("index.html") == ""
    assert page_url("a/b/index.html") == "a/b/"
    assert page_url("x.html") == "x.html"
    assert page_url("a/x.html") == "a/x.html"


def test_real_build_with_directory_urls(tmp_path):
    docs = tmp_path / "docs"
    _write(docs, "index.md", "# Home\n\nHello.\n")
    _write(docs, "install.md", "# Install\n\nPip.\n")
    _write(docs, "guide/usage.md", "# Usage\n\nUse it.\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml")], check=True)
    site = tmp_path / "site"
    _write(site, "assets/mkdocs-embed/widget.html", "<p>ours</p>")

    pages = collect_pages(site)

    assert [p.url for p in pages] == ["", "guide/usage/", "install/"]  # no 404.html, no assets
    assert pages[2].path == site / "install" / "index.html"
    assert "Pip." in pages[2].html


def test_skips_and_excludes(tmp_path, caplog):
    _write(tmp_path, "index.html", "<h1>Home</h1>")
    _write(tmp_path, "404.html", "<h1>Not found</h1>")
    _write(tmp_path, "search.html", "<h1>Search results</h1>")
    _write(tmp_path, "style.css", "p {}")
    _write(tmp_path, "old/index.html", '<html><head><meta http-equiv="refresh" content="0; url=../new/"></head></html>')
    _write(tmp_path, "new/index.html", "<h1>New</h1>")
    _write(tmp_path, "drafts/a.html", "<h1>Draft</h1>")
    _write(tmp_path, "secret/index.html", "<h1>Secret</h1>")
    _write(tmp_path, "private/index.html", '<head><meta name="mkdocs-embed" content="exclude"></head><h1>Private</h1>')
    _write(tmp_path, "latin1.html", "<p>caf\xe9</p>".encode("latin-1"))

    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.embed"):
        pages = collect_pages(tmp_path, exclude=["drafts/*", "secret/"])

    assert [p.url for p in pages] == ["", "new/"]
    assert [r.getMessage()[:30] for r in caplog.records] == ["embed: skipping latin1.html, w"]


def test_empty_site(tmp_path):
    assert collect_pages(tmp_path) == []
