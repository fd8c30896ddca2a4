"""What every index file shares: naming, zstd, JSON, and the error a damaged file raises.

The index format is specified in one place,
``example-site/docs/reference/index-format.md``; this package is its Python
side, one module per file kind (manifest, pages, vectors, graph, lexical),
mirrored by ``js/src/core/format/`` module for module. Decoders check every
size and id, so that a truncated or damaged file raises :class:`FormatError`
instead of crashing or hanging a search.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import zstandard

from ..errors import EmbedError

MAX_DECOMPRESSED = 1 << 31
_HASH = re.compile(r"[0-9a-f]{12}")
_FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


class FormatError(EmbedError):
    """An index file is damaged, truncated, or of an unknown version."""


@dataclass(frozen=True)
class FileKind:
    """One kind of data file: named ``<kind>.<hash>.<ext>``, the hash that of its bytes as stored."""

    kind: str
    ext: str

    def name(self, stored: bytes) -> str:
        return self.named(content_hash(stored))

    def named(self, digest: str) -> str:
        """The file of this kind whose stored bytes hash to ``digest`` (12 hex digits, checked by the caller)."""
        return f"{self.kind}.{digest}.{self.ext}"


def is_hash(text: Any) -> bool:
    """12 lowercase hex digits: how one file names another."""
    return isinstance(text, str) and _HASH.fullmatch(text) is not None


def is_file_name(name: Any) -> bool:
    """A name that, joined to the index folder's path or URL, stays inside it."""
    return isinstance(name, str) and _FILE_NAME.fullmatch(name) is not None


def is_uint(value: Any, below: int = 1 << 32) -> bool:
    """An integer in ``[0, below)`` as JSON holds it: ``3.0`` is one (JavaScript cannot tell it from 3), ``true`` is not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return (isinstance(value, int) or value.is_integer()) and 0 <= value < below


def compress(data: bytes, level: int = 19) -> bytes:
    """zstd at ``level``: 19 for deployed sites (small), lower for live reloads (fast)."""
    return zstandard.ZstdCompressor(level=level).compress(data)


def decompress(data: bytes, what: str) -> bytes:
    """One zstd frame, refused when damaged or when its header claims more than 2 GiB."""
    try:
        # zstd allocates what the frame header claims; a damaged header can claim exabytes.
        claimed = zstandard.frame_content_size(data)
        if claimed > MAX_DECOMPRESSED:
            raise FormatError(f"{what} is damaged: its header claims {claimed:,} bytes")
        return zstandard.ZstdDecompressor().decompress(data, max_output_size=MAX_DECOMPRESSED)
    except zstandard.ZstdError as exc:
        raise FormatError(f"{what} is not a valid zstd file ({exc})") from exc


def content_hash(data: bytes) -> str:
    """12 hex digits of sha256: what a file's name holds so that it changes whenever the bytes do."""
    return hashlib.sha256(data).hexdigest()[:12]


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON, as every JSON index file is written."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(data: bytes, what: str) -> Any:
    """JSON from UTF-8 bytes, exactly as JSON.parse takes it: NaN, a byte-order mark or nesting too deep are damage."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise FormatError(f"{what} is not valid UTF-8 JSON ({str(exc)[:200]})") from None


def check_column(table: dict[str, Any], col: str, rows: int, ok: Any) -> list[Any]:
    """``table[col]``: a list of ``rows`` values each passing ``ok``; else ValueError."""
    values = table[col]
    if not isinstance(values, list) or len(values) != rows:
        raise ValueError(f"column {col} is not a list of {rows} rows")
    if not all(ok(v) for v in values):
        raise ValueError(f"column {col} holds a value of the wrong type")
    return values


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)
