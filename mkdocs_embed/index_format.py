"""Encoders and decoders of the index format, the contract with the browser.

The format is specified in one place, ``example-site/docs/reference/index-format.md``;
this module is its Python side. Decoders check every size and id, so a
truncated or damaged file raises :class:`FormatError` instead of crashing or
hanging a search.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import zstandard

from .errors import EmbedError
from .index.hnsw import Graph
from .layout import ASSET_DIR, MANIFEST  # noqa: F401  (re-exported: readers import them from here)

FORMAT_VERSION = 3
KEY_BYTES = 16
"""Bytes of a chunk's cache key, kept per chunk in the ``keys`` file for reuse by later builds."""
DATA_KINDS = ("pages", "lexical", "vectors", "graph", "keys")
"""The data files the manifest names; a text-only index has the first two."""
SHARD_KINDS = ("fragments", "postings")
"""Files named by other files (pages, lexical) rather than by the manifest."""
MAX_DECOMPRESSED = 1 << 31
_FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_HASH = re.compile(r"[0-9a-f]{12}")
"""A data file's name in the manifest: inside the index folder, as the widget requires too."""


class FormatError(EmbedError):
    """An index file is damaged, truncated, or of an unknown version."""


def compress(data: bytes, level: int = 19) -> bytes:
    """zstd at ``level``: 19 for deployed sites (small), lower for live reloads (fast)."""
    return zstandard.ZstdCompressor(level=level).compress(data)


def decompress(data: bytes, what: str) -> bytes:
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


def hashed_name(kind: str, ext: str, data: bytes) -> str:
    """``kind.<content hash>.ext``."""
    return f"{kind}.{content_hash(data)}.{ext}"


def fragment_name(digest: str) -> str:
    """A fragment file's name; the pages file lists only the hashes, a third of its size at 1,000 pages."""
    return f"fragments.{digest}.json.zst"


# -- vectors -----------------------------------------------------------------

def encode_vectors(scales: np.ndarray, q: np.ndarray) -> bytes:
    n, dims = q.shape
    return struct.pack("<II", n, dims) + scales.astype("<f4").tobytes() + q.astype(np.int8).tobytes()


def decode_vectors(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    if len(data) < 8:
        raise FormatError("vectors file is truncated")
    n, dims = struct.unpack_from("<II", data)
    if len(data) != 8 + 4 * n + n * dims:
        raise FormatError(f"vectors file has {len(data)} bytes, expected {8 + 4 * n + n * dims} for {n}×{dims}")
    scales = np.frombuffer(data, "<f4", n, 8)
    if not np.all(np.isfinite(scales)):
        raise FormatError("vectors file has non-finite scales")
    return scales, np.frombuffer(data, np.int8, n * dims, 8 + 4 * n).reshape(n, dims)


# -- graph -------------------------------------------------------------------

def encode_graph(graph: Graph) -> bytes:
    words: list[np.ndarray] = [
        np.array([len(graph.levels), graph.max_level, graph.entry], dtype="<u4"),
        graph.levels.astype("<u4"),
    ]
    for level, (nodes, links) in enumerate(zip(graph.nodes, graph.links)):
        words.append(np.array([len(nodes)], dtype="<u4"))
        if level:
            words.append(nodes.astype("<u4"))
        words.append(np.concatenate([[0], np.cumsum([len(x) for x in links])]).astype("<u4"))
        words.append(np.concatenate(links).astype("<u4") if links else np.zeros(0, "<u4"))
    return b"".join(w.tobytes() for w in words)


def decode_graph(data: bytes, n_expected: int) -> Graph:
    if len(data) % 4:
        raise FormatError("graph file is truncated")
    words = np.frombuffer(data, "<u4")
    reader = _Words(words)
    n, max_level, entry = (int(x) for x in reader.take(3))
    if n != n_expected:
        raise FormatError(f"graph has {n} nodes but the index has {n_expected} chunks")
    if n and entry >= n or max_level > 64:
        raise FormatError("graph header is damaged")
    levels = reader.take(n)
    nodes: list[np.ndarray] = []
    links: list[list[np.ndarray]] = []
    for level in range(max_level + 1):
        count = int(reader.take(1)[0])
        ids = np.arange(n, dtype=np.uint32) if level == 0 else reader.take(count)
        if level == 0 and count != n:
            raise FormatError("graph level 0 does not hold every node")
        offsets = reader.take(count + 1)
        if offsets[0] != 0 or np.any(np.diff(offsets.astype(np.int64)) < 0):
            raise FormatError("graph offsets are damaged")
        flat = reader.take(int(offsets[-1]))
        if len(flat) and int(flat.max()) >= n or len(ids) and int(ids.max()) >= n:
            raise FormatError("graph links point past the last node")
        nodes.append(ids)
        links.append([flat[offsets[i] : offsets[i + 1]] for i in range(count)])
    if not reader.done():
        raise FormatError("graph file has trailing bytes")
    return Graph(entry=entry, levels=levels, nodes=nodes, links=links)


class _Words:
    def __init__(self, words: np.ndarray):
        self.words, self.pos = words, 0

    def take(self, count: int) -> np.ndarray:
        if count < 0 or self.pos + count > len(self.words):
            raise FormatError("graph file is truncated")
        out = self.words[self.pos : self.pos + count]
        self.pos += count
        return out

    def done(self) -> bool:
        return self.pos == len(self.words)


# -- chunks ------------------------------------------------------------------

def excerpt(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters on a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def encode_pages(urls: Sequence[str], first: Sequence[int], fragments: Sequence[str]) -> bytes:
    """Each page's URL, the id of its first chunk, and the content hash of its fragment file.

    This is what the browser decodes before the first results, so it holds
    only what ranking and grouping need; titles are in the fragments.
    """
    return _json_bytes({"url": list(urls), "first": list(first), "fragments": list(fragments)})


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_json(data: bytes, what: str) -> Any:
    """JSON from UTF-8 bytes; any damage, nesting too deep for the parser included, is a FormatError."""
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise FormatError(f"{what} is not valid UTF-8 JSON ({str(exc)[:200]})") from None


def decode_pages(data: bytes, n_chunks: int) -> dict[str, list[Any]]:
    """The pages file, checked: every chunk belongs to exactly one page, and fragment hashes are hashes.

    ``fragments`` comes back as file names.
    """
    raw = parse_json(data, "pages file")
    try:
        if not isinstance(raw, dict):
            raise TypeError("not a JSON object")
        n_pages = len(raw["url"])
        for col, kind in (("url", str), ("first", int), ("fragments", str)):
            _check_column(raw, col, n_pages, kind)
        first = raw["first"]
        if n_pages and (first[0] != 0 or any(isinstance(f, bool) for f in first)):
            raise ValueError("the first page does not start at chunk 0")
        if any(b <= a for a, b in zip(first, first[1:])) or (n_pages and first[-1] >= n_chunks) or (n_chunks and not n_pages):
            raise ValueError("page starts are not increasing chunk ids")
        if not all(_HASH.fullmatch(digest) for digest in raw["fragments"]):
            raise ValueError("a fragment hash is not 12 hex digits")
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"pages file is damaged ({exc})") from exc
    return {**raw, "fragments": [fragment_name(digest) for digest in raw["fragments"]]}


def page_chunks(pages: dict[str, list[Any]], page: int, n_chunks: int) -> range:
    """The ids of page ``page``'s chunks."""
    first = pages["first"]
    return range(first[page], first[page + 1] if page + 1 < len(first) else n_chunks)


def encode_fragment(title: str, chunks: Sequence[dict[str, Any]]) -> bytes:
    """One page: its title, and its chunks as columns: anchor, headings below the title, excerpt."""
    columns = {col: [c[col] for c in chunks] for col in ("anchor", "path", "text")}
    columns["path"] = [path[1:] for path in columns["path"]]  # every heading path starts with the title
    return _json_bytes({"title": title, **columns})


def decode_fragment(data: bytes, rows: int, what: str) -> dict[str, Any]:
    """A fragment file, checked; ``path`` comes back whole, the title first."""
    raw = parse_json(data, what)
    try:
        if not isinstance(raw, dict):
            raise TypeError("not a JSON object")
        if not isinstance(raw.get("title"), str):
            raise TypeError("the title is not a string")
        _check_column(raw, "anchor", rows, str)
        _check_column(raw, "text", rows, str)
        _check_column(raw, "path", rows, list)
        if any(not isinstance(s, str) for p in raw["path"] for s in p):
            raise ValueError("a heading path holds a non-string")
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{what} is damaged ({exc})") from exc
    return {**raw, "path": [[raw["title"], *path] for path in raw["path"]]}


def encode_keys(keys: Sequence[bytes]) -> bytes:
    """Each chunk's cache key, back to back."""
    return b"".join(keys)


def decode_keys(data: bytes, n_expected: int) -> list[bytes]:
    if len(data) != n_expected * KEY_BYTES:
        raise FormatError(f"keys file has {len(data)} bytes, expected {n_expected * KEY_BYTES}")
    return [data[i : i + KEY_BYTES] for i in range(0, len(data), KEY_BYTES)]


def _check_column(table: dict[str, Any], col: str, rows: int, kind: type) -> None:
    values = table[col]
    if not isinstance(values, list) or len(values) != rows:
        raise ValueError(f"column {col} is not a list of {rows} rows")
    if any(not isinstance(v, kind) for v in values):
        raise ValueError(f"column {col} holds a value that is not a {kind.__name__}")


def check_manifest(raw: Any) -> dict[str, Any]:
    """Validate the parts of a manifest that readers rely on."""
    if not isinstance(raw, dict):
        raise FormatError("manifest.json is not a JSON object")
    if raw.get("format") != FORMAT_VERSION:
        raise FormatError(
            f"index format {raw.get('format')!r} is not supported by this version of mkdocs-embed "
            f"(it reads format {FORMAT_VERSION}); rebuild the site or upgrade mkdocs-embed"
        )
    try:
        for key in DATA_KINDS if has_vectors(raw) else DATA_KINDS[:2]:
            if key not in raw["files"]:
                raise KeyError(f"files.{key}")
        for key, name in raw["files"].items():
            if not isinstance(name, str) or not _FILE_NAME.fullmatch(name):
                raise KeyError(f"files.{key}")
        for section, key in (("counts", "chunks"), ("model", "dims"), ("hnsw", "ef_search")):
            value = raw[section][key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
                raise KeyError(f"{section}.{key}")
    except (KeyError, TypeError, AttributeError) as exc:
        raise FormatError(f"manifest.json lacks a valid {exc}") from exc
    if not has_vectors(raw) and ("graph" in raw["files"] or int(raw["model"]["dims"]) != 0):
        raise FormatError("manifest.json has no vectors file, yet a graph or non-zero model.dims")
    return raw


def has_vectors(manifest: dict[str, Any]) -> bool:
    """False for a text-only index (``serve: false``): no vectors or graph file, ``model.dims`` 0."""
    return isinstance(manifest.get("files"), dict) and "vectors" in manifest["files"]
