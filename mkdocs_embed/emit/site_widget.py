"""Add the search widget to every page of a built site.

The plugin injects the widget while MkDocs writes each page; a site built by
anything else (Zensical, Sphinx, Hugo) gets it here, from ``mkdocs-embed index``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..atomic import write_atomic
from ..collect.pages import html_files, page_url
from ..layout import ASSET_DIR
from ..log import log
from .widget import WidgetOptions, head_tags, inject, install_widget


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


def _page_language(html_text: str) -> str | None:
    """The ``lang`` of a page's ``<html>`` element, which picks the widget's strings for it."""
    match = _HTML_LANG.search(html_text, 0, 4096)
    return match.group(1) if match else None


def add_widget_to_site(
    site_dir: Path, options: WidgetOptions, cache_dir: Path | None = None, stemmer: str = "english",
) -> int:
    """Install the bundle (linked from ``cache_dir`` where given, with the stemmer of the index's language)
    and put its tags into each HTML page; returns how many pages changed. Without ``options.language``,
    each page's widget speaks its ``<html lang>``."""
    files = install_widget(
        site_dir / ASSET_DIR, include_runtime=options.runtime_url is None, cache_dir=cache_dir, stemmer=stemmer,
    )
    changed = 0
    for rel in html_files(site_dir):
        if rel.startswith(ASSET_DIR + "/"):
            continue
        path = site_dir / rel
        try:
            original = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("embed: not adding the search widget to %s: %s", rel, exc)
            continue
        page_options = options if options.language is not None else replace(options, language=_page_language(original))
        updated = inject(original, head_tags(page_url(rel), files, page_options))
        if updated != original:
            write_atomic(path, updated.encode("utf-8"))
            changed += 1
    return changed
