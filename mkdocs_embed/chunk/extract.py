"""Rendered HTML → page title and sections of plain text.

A streaming pass over lxml's parser events: no tree is built, so pages
nested thousands deep cannot hit Python's recursion limit, and a 10 MB page
costs one linear pass. Content is taken from the first element matching the
best content-root selector the page has (see ``_ROOTS``); site chrome (nav,
table of contents, header links, feedback widgets, scripts) is dropped.

Only the content root is parsed where it can be found by searching the text
(Material's article, an element with ``role="main"``: MkDocs, ReadTheDocs
and Sphinx themes): the parser gets the page's head, for its title, and the
page from the root's start tag until the root ends. The navigation, which
every page repeats and which grows with the site, is searched but never
parsed. A page where the text found might be inside a comment or a script,
or that has neither root, is parsed whole.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

_PARAGRAPH = frozenset(
    "address article aside blockquote caption details dialog div dl fieldset "
    "figcaption figure footer form header hr main ol p pre section summary "
    "table ul".split()
)
_LINE = frozenset("li tr dt dd br".split())
_CELL = frozenset("td th".split())

_SKIP_TAGS = frozenset(
    "script style noscript template svg nav footer form button iframe object "
    "select textarea canvas video audio input".split()
)
_SKIP_CLASSES = frozenset(
    "headerlink md-source-file md-feedback md-content__button toc linenodiv "
    "linenos md-top md-dialog md-button mdx-badge".split()
)
"""Theme furniture inside the content: permalinks, page actions, buttons, and the version badges of
Material's own docs ("9.5.0", "insiders"), which are not what a page says."""
_SKIP_ROLES = frozenset(("navigation", "search", "contentinfo"))
_BODY_CHROME = frozenset(("header", "aside"))
"""Dropped only when the whole ``<body>`` is the content root."""

_ROOTS = ("material", "role-main", "sphinx-body", "main", "article", "body")
"""Content-root kinds, best first."""

_WS = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
"""Zero-width space, word joiner, BOM, soft hyphen: carry no meaning."""
_CONTROL = {c: " " for c in range(32)} | {127: " "}


@dataclass
class Section:
    """Text under one heading (or before the first heading with an id)."""

    level: int
    """1–6; 0 for text before the first heading with an id."""
    anchor: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ExtractedPage:
    title: str
    sections: list[Section]


FEED_CHARS = 1 << 16
"""Characters fed to the parser at a time after a located root, which stops once the root ends."""


def extract(html: str) -> ExtractedPage:
    """Title and sections of a rendered page's main content."""
    located = _locate(html)
    if located is not None:
        kind, body, start = located
        scanner = _Scanner(kind)
        # sliced as the parser asks for them: it stops at the root's end, so the rest is never copied
        pieces = itertools.chain((html[:body],), (html[i : i + FEED_CHARS] for i in range(start, len(html), FEED_CHARS)))
        if _parse(pieces, scanner):
            return scanner.result()
    return extract_whole(html)


def extract_whole(html: str) -> ExtractedPage:
    """:func:`extract` parsing every element of the page: the reference the located parse must equal."""
    scanner = _Scanner()
    _parse([html], scanner)
    return scanner.result()


def _parse(pieces: Iterable[str], scanner: _Scanner) -> bool:
    """Feed ``pieces`` to the parser until ``scanner`` has its root; returns whether it found one."""
    from lxml import etree  # 10 ms, which a rebuild whose pages are all chunked already does without

    parser = etree.HTMLParser(target=scanner, huge_tree=True, remove_comments=True, remove_pis=True, no_network=True)
    try:
        for piece in pieces:
            parser.feed(piece)
            if scanner.root_done():
                return True
        parser.close()
    except etree.LxmlError:
        pass  # libxml2 gives up only on hopeless input; keep what it read
    return scanner.root_done()


_MARKERS = (("material", ("md-content__inner",)), ("role-main", ('role="main"', "role='main'", "role=main")))
"""Text that the start tag of the best roots contains, best first (the other kinds are too common to search for)."""
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*)?>")
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_RAW = (("<!--", "-->"), ("<script", "</script"))
"""Where text that looks like a tag is none: open before a located root's start tag → the page is parsed whole.
(Each check is a scan of the navigation; these two are where a theme could write the markers' text.)"""


def _locate(html: str) -> tuple[str, int, int] | None:
    """(root kind, where ``<body`` starts, where the root's start tag starts), or None to parse the whole page."""
    body = html.find("<body")
    if body < 0:
        return None
    for kind, markers in _MARKERS:
        hits = [at for at in (html.find(m, body) for m in markers) if at >= 0]
        if not hits:
            continue
        start = html.rfind("<", body, min(hits))
        tag = _START_TAG.match(html, start) if start >= 0 else None
        if tag is None or tag.end() < min(hits):
            return None
        attrs = {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(tag[2] or "")}
        if _root_kind(tag[1].lower(), attrs) != kind:
            return None
        if any(_still_open(html, opened, closed, body, start) for opened, closed in _RAW):
            return None
        return kind, body, start
    return None


def _still_open(html: str, opened: str, closed: str, lo: int, hi: int) -> bool:
    """Whether ``html[lo:hi]`` ends inside an ``opened`` … ``closed`` span (one forward scan when there is none)."""
    first = html.find(opened, lo, hi)
    return first >= 0 and html.rfind(opened, first, hi) > html.rfind(closed, first, hi)


def _root_kind(tag: str, attrs: dict[str, str]) -> str | None:
    classes = attrs.get("class", "").split() if "class" in attrs else ()
    if tag == "article":
        return "material" if "md-content__inner" in classes else "article"
    if tag == "div":
        if attrs.get("role") == "main":
            return "role-main"
        if "body" in classes:
            return "sphinx-body"
        return None
    if tag in ("main", "body"):
        return tag
    if attrs.get("role") == "main":
        return "role-main"
    return None


def _skipped(tag: str, attrs: dict[str, str]) -> bool:
    """Chrome or excluded content, dropped wherever it is."""
    if tag in _SKIP_TAGS:
        return True
    if not attrs:
        return False
    if "data-search-exclude" in attrs or "data-embed-exclude" in attrs or "hidden" in attrs:
        return True
    if attrs.get("role") in _SKIP_ROLES:
        return True
    cls = attrs.get("class")
    return bool(cls) and not _SKIP_CLASSES.isdisjoint(cls.split())


def _clean(text: str, keep_newlines: bool) -> str:
    text = text.translate(_INVISIBLE)
    if keep_newlines:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROL)


class _Scanner:
    """lxml parser target: tracks the open elements and feeds content roots."""

    def __init__(self, only: str | None = None) -> None:
        self._only = only
        """The one root kind to build, when the parser is fed from that root's start tag."""
        self._stack: list[tuple[str, list[_Builder] | None]] = []
        self._skip: int | None = None
        self._builders: dict[str, _Builder] = {}
        self._active: list[_Builder] = []
        self._title: list[str] | None = None
        self._title_depth = -1
        self._title_text = ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        depth = len(self._stack)
        opened = None
        if self._skip is None and tag == "title" and self._title is None:
            self._title, self._title_depth = [], depth
        elif self._skip is None and _skipped(tag, attrs):
            self._skip = depth
        elif self._skip is None:
            kind = _root_kind(tag, attrs)
            if kind is not None and kind not in self._builders and self._only in (None, kind):
                builder = _Builder(depth, kind)
                self._builders[kind] = builder
                self._active.append(builder)
                opened = [builder]
            for b in self._active:
                b.start(tag, attrs, depth)
        self._stack.append((tag, opened))

    def end(self, tag: str) -> None:
        stack = self._stack
        if not stack:
            return
        if stack[-1][0] != tag:
            # libxml2 balances tags itself; this only guards odd input.
            if all(t != tag for t, _ in stack):
                return
            while stack[-1][0] != tag:
                self.end(stack[-1][0])
        _, opened = stack.pop()
        depth = len(stack)
        if self._skip is not None:
            if self._skip == depth:
                self._skip = None
            return
        if depth == self._title_depth:
            self._title_text = _WS.sub(" ", _clean("".join(self._title or ()), False)).strip()
            self._title_depth = -1
            return
        for b in self._active:
            b.end(tag, depth)
        if opened:
            for b in opened:
                b.finish()
                self._active.remove(b)

    def data(self, text: str) -> None:
        if self._skip is not None:
            return
        if self._title_depth >= 0 and self._title is not None:
            self._title.append(text)
            return
        for b in self._active:
            b.text(text)

    def root_done(self) -> bool:
        """Whether the root being looked for was found and has ended."""
        return self._only in self._builders and self._builders[self._only] not in self._active

    def close(self) -> None:
        while self._stack:
            self.end(self._stack[-1][0])

    def result(self) -> ExtractedPage:
        self.close()
        for kind in _ROOTS:
            if kind in self._builders:
                b = self._builders[kind]
                return ExtractedPage(b.first_h1 or _strip_site_name(self._title_text), b.sections)
        return ExtractedPage(_strip_site_name(self._title_text), [])


def _strip_site_name(title: str) -> str:
    """``Page - Site`` → ``Page``, when the title has exactly one separator."""
    for sep in (" - ", " | ", " — ", " – ", " · "):
        if title.count(sep) == 1:
            head = title.split(sep)[0].strip()
            if head:
                return head
    return title


class _Builder:
    """Turns the events inside one content root into sections of text."""

    def __init__(self, root_depth: int, kind: str) -> None:
        self.root_depth = root_depth
        self.local_chrome = _BODY_CHROME if kind == "body" else frozenset()
        self.sections = [Section(0, "", "")]
        self.first_h1: str | None = None
        self._skip: int | None = None
        self._pre = 0
        self._lines: list[list[list[str]]] = [[[]]]
        self._heading: tuple[int, str, int, list[str]] | None = None

    def start(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        if self._skip is not None:
            return
        if depth > self.root_depth and (tag in self.local_chrome or "data-md-component" in attrs):
            self._skip = depth
            return
        if self._heading is not None:
            if tag in _PARAGRAPH or tag in _LINE or tag in _CELL:
                self._heading[3].append(" ")
            return
        if tag in _HEADINGS:
            self._flush()
            self._heading = (_HEADINGS[tag], attrs.get("id", "").strip(), depth, [])
        elif tag in _PARAGRAPH:
            self._flush()
            if tag == "pre":
                self._pre += 1
        elif tag == "br":
            self._lines.append([[]])

    def end(self, tag: str, depth: int) -> None:
        if self._skip is not None:
            if self._skip == depth:
                self._skip = None
            return
        heading = self._heading
        if heading is not None:
            if depth == heading[2]:
                self._heading = None
                self._add_heading(heading[0], heading[1], _WS.sub(" ", _clean("".join(heading[3]), False)).strip())
            return
        if tag in _PARAGRAPH:
            self._flush()
            if tag == "pre":
                self._pre -= 1
        elif tag in _LINE:
            self._lines.append([[]])
        elif tag in _CELL:
            self._lines[-1].append([])

    def text(self, text: str) -> None:
        if self._skip is not None:
            return
        if self._heading is not None:
            self._heading[3].append(text)
        elif self._pre > 0:
            first, *rest = _clean(text, True).split("\n")
            self._lines[-1][-1].append(first)
            for line in rest:
                self._lines.append([[line]])
        else:
            self._lines[-1][-1].append(text)

    def finish(self) -> None:
        self._flush()
        self.sections = [s for s in self.sections if s.paragraphs or s.level]

    def _add_heading(self, level: int, anchor: str, text: str) -> None:
        if level == 1 and self.first_h1 is None:
            self.first_h1 = text
            if not anchor:
                return  # the title; it leads every heading path already
        if anchor:
            self.sections.append(Section(level, anchor, text))
        elif text:
            self.sections[-1].paragraphs.append(text)

    def _flush(self) -> None:
        """End the current block: lines of cells → one paragraph of text."""
        keep = self._pre > 0
        lines = []
        for line in self._lines:
            cells = []
            for cell in line:
                if cell:
                    text = _WS.sub(" ", _clean("".join(cell), keep)).strip()
                    if text:
                        cells.append(text)
            if cells:
                lines.append(" | ".join(cells))
        if lines:
            self.sections[-1].paragraphs.append("\n".join(lines))
        self._lines = [[[]]]
