"""The ``pages`` file (what ranking and grouping need, decoded before the first results) and the per-page ``fragments``.

Mirrored by ``js/src/core/format/pages.ts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import FileKind, FormatError, check_column, is_hash, is_str, is_strings, is_uint, json_bytes, parse_json

PAGES = FileKind("pages", "json.zst")
FRAGMENTS = FileKind("fragments", "json.zst")
"""Named by the ``pages`` file, by hash alone: a third of its size at 1,000 pages."""


def excerpt(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters on a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def encode_pages(
    urls: Sequence[str], titles: Sequence[str], first: Sequence[int], paths: Sequence[Sequence[str]],
    fragments: Sequence[str],
) -> bytes:
    """Each page's URL, title, first chunk id and fragment hash; each chunk's heading path below its page's title.

    Ranking reads titles and heading paths (the fusion's heading boost), so
    they are here rather than in the fragments: hybrid results wait for no
    fragment.
    """
    return json_bytes({
        "url": list(urls), "title": list(titles), "first": list(first),
        "path": [list(p) for p in paths], "fragments": list(fragments),
    })


def decode_pages(data: bytes, n_chunks: int) -> dict[str, list[Any]]:
    """The pages file, checked: every chunk belongs to exactly one page, fragment hashes are hashes.

    ``fragments`` comes back as file names, ``path`` whole (the title first).
    """
    raw = parse_json(data, "pages file")
    try:
        if not isinstance(raw, dict):
            raise TypeError("not a JSON object")
        n_pages = len(raw["url"]) if isinstance(raw.get("url"), list) else -1
        check_column(raw, "url", n_pages, is_str)
        check_column(raw, "title", n_pages, is_str)
        first = [int(f) for f in check_column(raw, "first", n_pages, is_uint)]
        if n_pages and first[0] != 0:
            raise ValueError("the first page does not start at chunk 0")
        if any(b <= a for a, b in zip(first, first[1:])) or (n_pages and first[-1] >= n_chunks) or (n_chunks and not n_pages):
            raise ValueError("page starts are not increasing chunk ids")
        check_column(raw, "path", n_chunks, is_strings)
        check_column(raw, "fragments", n_pages, is_hash)
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"pages file is damaged ({exc})") from exc
    page_of = [p for p in range(n_pages) for _ in page_chunks(first, p, n_chunks)]
    return {
        "url": raw["url"], "title": raw["title"], "first": first,
        "path": [[raw["title"][p], *path] for p, path in zip(page_of, raw["path"])],
        "fragments": [FRAGMENTS.named(digest) for digest in raw["fragments"]],
    }


def page_chunks(first: Sequence[int], page: int, n_chunks: int) -> range:
    """The ids of page ``page``'s chunks, ``first`` being the pages file's column."""
    return range(first[page], first[page + 1] if page + 1 < len(first) else n_chunks)


def encode_fragment(chunks: Sequence[dict[str, Any]]) -> bytes:
    """One page's chunks as columns: anchor and excerpt, what results show beyond the pages file."""
    return json_bytes({col: [c[col] for c in chunks] for col in ("anchor", "text")})


def decode_fragment(data: bytes, rows: int, what: str) -> dict[str, list[str]]:
    """A fragment file of a page of ``rows`` chunks, checked."""
    raw = parse_json(data, what)
    try:
        if not isinstance(raw, dict):
            raise TypeError("not a JSON object")
        check_column(raw, "anchor", rows, is_str)
        check_column(raw, "text", rows, is_str)
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{what} is damaged ({exc})") from exc
    return {"anchor": raw["anchor"], "text": raw["text"]}
