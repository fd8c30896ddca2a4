"""Find the content pages of a built site.

The pipeline indexes the site folder, not MkDocs' page objects, so that it
works for any static site and sees exactly what readers see.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from ..layout import ASSET_DIR, WIDGET_BEGIN, WIDGET_END
from ..log import log

EXCLUDE_META = '<meta name="mkdocs-embed" content="exclude">'
"""Marks a page to leave out; the plugin writes it for front matter ``search: {exclude: true}``,
and any other generator's template can write it too."""

THEME_PAGES = frozenset(("404.html", "search.html"))
"""Pages themes add at the site root (error page, search results), not content."""

_GENERATED = re.compile(
    rb"<!--\s*MkDocs version : [^\n]*\s*Build Date UTC : [^\n]*\s*-->"  # MkDocs' theme, in the home page
    + b"|" + re.escape(WIDGET_BEGIN.encode()) + b".*?" + re.escape(WIDGET_END.encode()),
    re.DOTALL,
)

_REFRESH = re.compile(rb"<meta[^>]+http-equiv\s*=\s*[\"']?refresh", re.IGNORECASE)
_HEAD_BYTES = 4096
"""Redirect stubs put their meta refresh first; only the head is searched."""
_EXCLUDED = re.compile(rb"<meta\s+name=[\"']?mkdocs-embed[\"']?\s+content=[\"']?exclude", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_MAX_HEAD = 1 << 18


@dataclass(frozen=True)
class Page:
    url: str
    """Site-relative URL as MkDocs writes it: ``a/b/``, ``""`` or ``x.html``."""
    path: Path
    """The HTML file."""
    html: str


def page_content(data: bytes) -> bytes:
    """A page's HTML without what changes on every build or widget release but is never content.

    That is MkDocs' build-date comment and the widget's own tags: the chunk
    cache and the no-change check key on the rest, so that neither a new
    build date nor a new widget makes a site's pages look edited.
    """
    if b"Build Date UTC" not in data and WIDGET_BEGIN.encode() not in data:
        return data
    return _GENERATED.sub(b"", data)


def page_url(rel_path: str) -> str:
    """The URL MkDocs links to for a site-relative file path."""
    if rel_path == "index.html":
        return ""
    if rel_path.endswith("/index.html"):
        return rel_path[: -len("index.html")]
    return rel_path


def excluded(rel: str, exclude: Sequence[str]) -> bool:
    """Whether the page at ``rel`` (its path in the site) matches an ``exclude`` glob, by path or by URL."""
    url = page_url(rel)
    return any(fnmatchcase(rel, g) or fnmatchcase(url, g) for g in exclude)


def collect_pages(
    site_dir: Path,
    exclude: Sequence[str] = (),
) -> list[Page]:
    """All content pages of a built site, sorted by URL (the home page first).

    Skips the theme's ``404.html`` and ``search.html``, non-HTML files, the plugin's assets folder, redirect
    stubs, pages marked with :data:`EXCLUDE_META`, pages whose file path or
    URL matches an ``exclude`` glob. A file that cannot be read as UTF-8 is skipped with a
    warning rather than stopping the build.
    """
    site_dir = Path(site_dir)
    pages = []
    for rel in html_files(site_dir):
        url = page_url(rel)
        if rel in THEME_PAGES or rel.startswith(ASSET_DIR + "/"):
            continue
        if excluded(rel, exclude):
            continue
        path = site_dir / rel
        try:
            data = path.read_bytes()
            if _REFRESH.search(data[:_HEAD_BYTES]) or _marked_excluded(data):
                continue
            html = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            log.warning("embed: skipping %s, which cannot be read as UTF-8: %s", rel, e)
            continue
        pages.append(Page(url=url, path=path, html=html))
    return sorted(pages, key=lambda p: p.url)


def _marked_excluded(data: bytes) -> bool:
    """Whether the page's head carries :data:`EXCLUDE_META`."""
    head_end = _HEAD_END.search(data, 0, _MAX_HEAD)
    return bool(_EXCLUDED.search(data, 0, head_end.start() if head_end else _HEAD_BYTES))


def html_files(site_dir: Path) -> list[str]:
    """Site-relative POSIX paths of every ``.html`` file."""
    top = os.path.normpath(site_dir)
    found = []
    for root, dirs, files in os.walk(top):  # string slicing, not Path: a no-change rebuild walks the site each time
        prefix = "" if root == top else root[len(top) + 1 :].replace(os.sep, "/") + "/"
        found.extend(prefix + f for f in files if f.endswith(".html"))
    return found
