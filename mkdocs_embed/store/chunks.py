"""Chunks of each page as the last build cut them, keyed by a hash of the page.

Chunking is most of a no-change rebuild's cost; a page whose HTML, model and
chunker settings are the same gives the same chunks, so they are read back.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import write_atomic
from ..chunk import Chunk
from ..log import log

FORMAT = 1


def load_chunks(path: Path) -> dict[bytes, list[Chunk]]:
    """The stored chunks by page hash; {} when there are none or the file is damaged."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_bytes())
        if raw.get("format") != FORMAT:
            raise ValueError(f"format {raw.get('format')!r}")
        return {
            bytes.fromhex(key): [Chunk(url, anchor, title, tuple(heads), text) for url, anchor, title, heads, text in rows]
            for key, rows in raw["pages"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("embed: ignoring unreadable chunk cache %s (%s); pages will be chunked again", path, exc)
        return {}


def save_chunks(path: Path, pages: dict[bytes, list[Chunk]]) -> None:
    rows = {
        key.hex(): [[c.url, c.anchor, c.title, list(c.path), c.text] for c in chunks] for key, chunks in pages.items()
    }
    write_atomic(path, json.dumps({"format": FORMAT, "pages": rows}, ensure_ascii=False).encode("utf-8"))
