"""Load an emitted index from a site folder, checking every file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..format.base import FormatError, decompress, parse_json
from ..format.graph import decode_graph
from ..format.manifest import check_manifest, has_vectors
from ..format.pages import decode_fragment, decode_pages, page_chunks
from ..format.vectors import decode_vectors
from ..index.hnsw import Graph, empty_graph
from ..layout import ASSET_DIR, MANIFEST
from ..model.spec import ModelSpec
from .lexical import LexicalIndex

T = TypeVar("T")


@dataclass(frozen=True)
class LoadedIndex:
    """Everything in one site's index, decoded."""

    folder: Path
    manifest: dict[str, Any]
    chunks: dict[str, Any]
    """``pages`` (url, title) and ``chunks`` (page, anchor, path, text), column-wise: paths from the pages file, the rest from fragments."""
    scales: np.ndarray
    vectors: np.ndarray
    graph: Graph
    lexical: LexicalIndex
    files: tuple[str, ...]
    """Every data file the index consists of: those the manifest names, and the fragment and postings files."""

    def model_spec(self) -> ModelSpec | None:
        """The query encoder the site ships, as the browser would load it."""
        model = self.manifest["model"]
        if "onnx" not in model or "tokenizer" not in model:
            return None
        return ModelSpec(
            name=model["name"],
            onnx_path=self.folder / model["onnx"],
            tokenizer_path=self.folder / model["tokenizer"],
            pooling=model["pooling"],
            normalize=bool(model["normalize"]),
            query_prefix=model.get("query_prefix", ""),
            max_tokens=int(model["max_tokens"]),
        )


def load_index(site_dir: Path) -> LoadedIndex:
    """Read ``site_dir/assets/mkdocs-embed``; raises FormatError with a clear message."""
    folder = site_dir / ASSET_DIR
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise FormatError(f"{site_dir} has no mkdocs-embed index (no {ASSET_DIR}/{MANIFEST}); build it first")
    try:
        data = manifest_path.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read {manifest_path}: {exc}") from exc
    manifest = check_manifest(parse_json(data, MANIFEST))
    n = int(manifest["counts"]["chunks"])
    files, sizes = manifest["files"], manifest.get("bytes", {})

    def read(kind: str) -> bytes:
        return _read(folder, files[kind], sizes.get(kind))

    if has_vectors(manifest):
        scales, vectors = _named(files["vectors"], decode_vectors, read("vectors"), n, int(manifest["model"]["dims"]))
        graph = _named(files["graph"], decode_graph, read("graph"), n)
    else:  # text-only (``serve: false``): only lexical search can answer
        scales, vectors, graph = np.zeros(0, np.float32), np.zeros((0, 0), np.int8), empty_graph()
    pages = _named(files["pages"], decode_pages, read("pages"), n)
    postings: list[str] = []

    def read_postings(name: str) -> bytes:
        postings.append(name)
        return _read(folder, name)

    lexical = _named(files["lexical"], LexicalIndex.from_files, read("lexical"), read_postings, n)
    return LoadedIndex(
        folder=folder,
        manifest=manifest,
        chunks=_chunk_table(folder, pages, n),
        scales=scales,
        vectors=vectors,
        graph=graph,
        lexical=lexical,
        files=(*files.values(), *pages["fragments"], *postings),
    )


def _named(name: str, decode: Callable[..., T], *args: Any) -> T:
    """``decode(*args)``, its FormatError naming the file: the one line the CLI prints."""
    try:
        return decode(*args)
    except FormatError as exc:
        raise FormatError(str(exc) if name in str(exc) else f"{name}: {exc}") from exc


def _chunk_table(folder: Path, pages: dict[str, list[Any]], n: int) -> dict[str, Any]:
    """Every page's fragment, joined into one column-wise table of chunks."""
    chunks: dict[str, list[Any]] = {"page": [], "anchor": [], "path": pages["path"], "text": []}
    for page, name in enumerate(pages["fragments"]):
        ids = page_chunks(pages["first"], page, n)
        fragment = decode_fragment(_read(folder, name), len(ids), name)
        chunks["page"] += [page] * len(ids)
        chunks["anchor"] += fragment["anchor"]
        chunks["text"] += fragment["text"]
    return {"pages": {"url": pages["url"], "title": pages["title"]}, "chunks": chunks}


def _read(folder: Path, name: str, size: int | None = None) -> bytes:
    """A data file, decompressed; its stored size must be the manifest's, where the manifest gives one."""
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"{name}: missing or unreadable ({exc.strerror})") from exc
    if size is not None and len(data) != size:
        raise FormatError(f"{name}: has {len(data)} bytes, the manifest says {size}: truncated or from another build")
    return decompress(data, name)
