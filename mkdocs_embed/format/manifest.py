"""``manifest.json``: the one file with a fixed name, naming every other file of the index.

Mirrored by ``js/src/core/format/manifest.ts``: both refuse the same
manifests (tests/fixtures/conformance). Keys a reader does not know are
ignored; file names it does not know are still checked, since a reader joins
every name to the index folder.
"""

from __future__ import annotations

import json
from typing import Any

from ..layout import MANIFEST
from .base import FileKind, FormatError, is_file_name, is_uint
from .graph import GRAPH
from .lexical import LEXICAL, POSTINGS
from .pages import FRAGMENTS, PAGES
from .vectors import KEYS, VECTORS

FORMAT_VERSION = 4
NAMED_KINDS: tuple[FileKind, ...] = (PAGES, LEXICAL, VECTORS, GRAPH, KEYS)
"""The kinds whose file ``files`` names; a text-only index has the first two."""
ALL_KINDS: tuple[FileKind, ...] = (*NAMED_KINDS, FRAGMENTS, POSTINGS)
"""Every data file kind: FRAGMENTS are named by the pages file, POSTINGS by the lexical head."""
POOLINGS = ("mean", "cls")

__all__ = ["ALL_KINDS", "FORMAT_VERSION", "MANIFEST", "NAMED_KINDS", "check_manifest", "encode_manifest", "has_vectors"]


def encode_manifest(
    generator: str, model: dict[str, Any], counts: dict[str, int], hnsw: dict[str, int], files: dict[str, tuple[str, bytes]],
    ranking: dict[str, Any] | None = None,
) -> bytes:
    """The manifest naming ``files`` (kind → (name, stored bytes)), with each one's stored size, and the fusion's
    knobs (checked by the search engine that uses them, mkdocs_embed/search/fusion.py)."""
    return json.dumps({
        "format": FORMAT_VERSION,
        "generator": generator,
        "model": model,
        "counts": counts,
        "hnsw": hnsw,
        "ranking": ranking or {},
        "files": {kind: name for kind, (name, _) in files.items()},
        "bytes": {kind: len(data) for kind, (_, data) in files.items()},
    }, indent=1).encode()


def check_manifest(raw: Any) -> dict[str, Any]:
    """The manifest, checked for everything a reader relies on; FormatError naming the first fault."""
    if not isinstance(raw, dict):
        raise FormatError(f"{MANIFEST} is not a JSON object")
    if raw.get("format") != FORMAT_VERSION:
        raise FormatError(
            f"{MANIFEST}: index format {raw.get('format')!r} is not supported by this version of mkdocs-embed "
            f"(it reads format {FORMAT_VERSION}); rebuild the site or upgrade mkdocs-embed"
        )
    model, counts, hnsw, files = (raw.get(key) for key in ("model", "counts", "hnsw", "files"))
    _need(isinstance(model, dict), "model is not an object")
    for key in ("name", "fingerprint", "query_prefix"):
        _need(isinstance(model.get(key), str), f"model.{key} is not a string")
    _need(is_uint(model.get("dims")), "model.dims is not an integer ≥ 0")
    _need(model.get("pooling") in POOLINGS, f"model.pooling is not one of {', '.join(POOLINGS)}")
    _need(isinstance(model.get("normalize"), bool), "model.normalize is not a boolean")
    _need(is_uint(model.get("max_tokens")) and model["max_tokens"] >= 2, "model.max_tokens is not an integer ≥ 2")
    for key in ("onnx", "tokenizer"):
        _need(key not in model or is_file_name(model[key]), f"model.{key} is not a file name in the index folder")
    _need(isinstance(counts, dict) and is_uint(counts.get("pages")) and is_uint(counts.get("chunks")), "counts.pages or counts.chunks is not an integer ≥ 0")
    _need(isinstance(hnsw, dict) and is_uint(hnsw.get("ef_search")) and hnsw["ef_search"] > 0, "hnsw.ef_search is not an integer ≥ 1")
    _need(isinstance(files, dict) and "pages" in files and "lexical" in files, "files lacks pages or lexical")
    for kind, name in files.items():
        _need(is_file_name(name), f"files.{kind} is not a file name in the index folder")
    if "vectors" in files:  # spec: "Text-only indexes" have neither vectors nor graph, and dims 0
        _need("graph" in files and model["dims"] > 0, "files.vectors without files.graph or a positive model.dims")
    else:
        _need("graph" not in files and model["dims"] == 0, "no files.vectors, yet files.graph or a non-zero model.dims")
    sizes = raw.get("bytes", {})
    _need(isinstance(sizes, dict) and all(is_uint(v, 1 << 53) for v in sizes.values()), "bytes is not an object of sizes")
    return raw


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise FormatError(f"{MANIFEST}: {what}")


def has_vectors(manifest: dict[str, Any]) -> bool:
    """False for a text-only index (``serve: false``): no vectors or graph file, ``model.dims`` 0."""
    return isinstance(manifest.get("files"), dict) and "vectors" in manifest["files"]
