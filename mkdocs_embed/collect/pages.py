"""Find the content pages of a built site.

The pipeline indexes the site folder, not MkDocs' page objects, so that it
works for any static site and sees exactly what readers see.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from ..log import log

ASSETS_DIR = "assets/mkdocs-embed/"
"""The plugin's own output folder; never indexed."""

_REFRESH = re.compile(rb"<meta[^>]+http-equiv\s*=\s*[\"']?refresh", re.IGNORECASE)
_HEAD_BYTES = 4096
"""Redirect stubs put their meta refresh first; only the head is searched."""


@dataclass(frozen=True)
class Page:
    url: str
    """Site-relative URL as MkDocs writes it: ``a/b/``, ``""`` or ``x.html``."""
    path: Path
    """The HTML file."""
    html: str


def page_url(rel_path: str) -> str:
    """The URL MkDocs links to for a site-relative file path."""
    if rel_path == "index.html":
        return ""
    if rel_path.endswith("/index.html"):
        return rel_path[: -len("index.html")]
    return rel_path


def collect_pages(
    site_dir: Path,
    exclude: Sequence[str] = (),
    exclude_urls: Collection[str] = (),
) -> list[Page]:
    """All content pages of a built site, in a stable (sorted path) order.

    Skips ``404.html``, non-HTML files, the plugin's assets folder, redirect
    stubs, pages whose file path or URL matches an ``exclude`` glob, and URLs
    in ``exclude_urls``. A file that cannot be read as UTF-8 is skipped with a
    warning rather than stopping the build.
    """
    site_dir = Path(site_dir)
    excluded_urls = set(exclude_urls)
    pages = []
    for rel in _html_files(site_dir):
        url = page_url(rel)
        if rel == "404.html" or rel.startswith(ASSETS_DIR) or url in excluded_urls:
            continue
        if any(fnmatchcase(rel, g) or fnmatchcase(url, g) for g in exclude):
            continue
        path = site_dir / rel
        try:
            data = path.read_bytes()
            if _REFRESH.search(data[:_HEAD_BYTES]):
                continue
            html = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            log.warning("embed: skipping %s, which cannot be read as UTF-8: %s", rel, e)
            continue
        pages.append(Page(url=url, path=path, html=html))
    return pages


def _html_files(site_dir: Path) -> list[str]:
    """Site-relative POSIX paths of every ``.html`` file, sorted."""
    found = []
    for root, dirs, files in os.walk(site_dir):
        dirs.sort()
        base = Path(root).relative_to(site_dir).as_posix()
        prefix = "" if base == "." else base + "/"
        found.extend(prefix + f for f in files if f.endswith(".html"))
    return sorted(found)
