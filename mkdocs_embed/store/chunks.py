"""Chunks of each page as the last build cut them, keyed on the page's content.

Two keys lead to a page's chunks. The hash of the page's whole HTML skips
everything for a page that did not change at all. Otherwise the page's text
is extracted (cheap: the content root only) and hashed: when that is
unchanged the stored chunks are used. Adding or renaming one page changes the
navigation, so the HTML, of every page, yet only that page is cut again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from ..atomic import write_atomic
from ..chunk import Chunk
from ..chunk.extract import ExtractedPage, extract
from ..collect.pages import Page, page_content
from ..errors import EmbedError
from ..log import log
from ..memo import RebuildMemo
from ..report import BuildReport

FORMAT = 2
FILE = "chunks.json"

Cut = Callable[[Page, ExtractedPage], list[Chunk]]
"""A page and its extracted text → its chunks."""

_MEMOS: dict[Path | None, tuple[RebuildMemo[bytes, bytes], RebuildMemo[bytes, list[Chunk]]]] = {}
"""(page hash → content hash, content hash → chunks) of each records folder, one per site and language index:
kept across the rebuilds of `mkdocs serve`, and seeded from that folder."""


def chunk_pages(
    pages: Sequence[Page], salt: bytes, cut: Cut, report: BuildReport, folder: Path | None,
) -> list[Chunk]:
    """Every page's chunks, cut afresh only where its content changed; remembered in ``folder``.

    ``salt`` names everything else that the chunks depend on (model and chunker settings).
    """
    path = folder / FILE if folder is not None else None
    content_of_page, chunks_of_content = _MEMOS.setdefault(folder, (RebuildMemo(), RebuildMemo()))
    if path is not None:
        stored_pages, stored_chunks = load_chunks(path)
        content_of_page.seed(stored_pages)
        chunks_of_content.seed(stored_chunks)
    chunks: list[Chunk] = []
    for page in pages:
        page_key = hashlib.sha256(salt + page.url.encode() + b"\0" + page_content(page.html.encode("utf-8", "surrogatepass"))).digest()
        extracted: list[ExtractedPage] = []

        def key_of_content(page: Page = page) -> bytes:
            extracted.append(extract(page.html))
            return content_key(salt, page.url, extracted[0])

        def fresh(page: Page = page) -> list[Chunk]:
            report.chunked_pages += 1
            return cut(page, extracted[0] if extracted else extract(page.html))

        try:
            chunks.extend(chunks_of_content.get(content_of_page.get(page_key, key_of_content), fresh))
        except EmbedError:  # the tokenizer cannot be read: no page could be chunked
            raise
        except Exception as exc:  # one broken page must not stop the build
            log.warning("embed: skipping %s: %s", page.path, exc)
            report.skipped_pages += 1
    by_page, by_content = content_of_page.end_build(), chunks_of_content.end_build()
    if path is not None and (report.chunked_pages or by_page != stored_pages or not path.exists()):
        save_chunks(path, by_page, by_content)
    report.pages = len(pages) - report.skipped_pages
    return chunks


def content_key(salt: bytes, url: str, page: ExtractedPage) -> bytes:
    """The hash of what a page's chunks are made from: its URL and extracted text."""
    sections = [[s.level, s.anchor, s.heading, s.paragraphs] for s in page.sections]
    blob = json.dumps([url, page.title, sections], ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(salt + blob).digest()


def forget() -> None:
    """Drop what this process remembers of its previous builds (benchmarks of a cold build)."""
    _MEMOS.clear()


def load_chunks(path: Path) -> tuple[dict[bytes, bytes], dict[bytes, list[Chunk]]]:
    """The stored (page hash → content hash, content hash → chunks); empty when none or damaged."""
    if not path.exists():
        return {}, {}
    try:
        raw = json.loads(path.read_bytes())
        if isinstance(raw, dict) and isinstance(raw.get("format"), int) and raw["format"] != FORMAT:
            # written by another version: expected after an upgrade, so not a warning (`--strict` would fail)
            log.info("embed: the chunk cache is from another version of mkdocs-embed; pages will be chunked again")
            return {}, {}
        pages = {bytes.fromhex(page): bytes.fromhex(content) for page, content in raw["pages"].items()}
        chunks = {
            bytes.fromhex(key): [Chunk(url, anchor, title, tuple(heads), text) for url, anchor, title, heads, text in rows]
            for key, rows in raw["chunks"].items()
        }
        return pages, chunks
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("embed: ignoring unreadable chunk cache %s (%s); pages will be chunked again", path, exc)
        return {}, {}


def save_chunks(path: Path, pages: dict[bytes, bytes], chunks: dict[bytes, list[Chunk]]) -> None:
    rows = {key.hex(): [[c.url, c.anchor, c.title, list(c.path), c.text] for c in cs] for key, cs in chunks.items()}
    blob = {"format": FORMAT, "pages": {p.hex(): c.hex() for p, c in pages.items()}, "chunks": rows}
    write_atomic(path, json.dumps(blob, ensure_ascii=False).encode("utf-8"))
