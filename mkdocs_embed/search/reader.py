"""Load an emitted index from a site folder, checking every file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..index.hnsw import Graph, empty_graph
from ..index_format import (
    ASSET_DIR,
    MANIFEST,
    FormatError,
    check_manifest,
    decode_fragment,
    decode_graph,
    decode_pages,
    decode_vectors,
    decompress,
    has_vectors,
    page_chunks,
    parse_json,
)
from ..model.spec import ModelSpec
from .lexical import LexicalIndex


@dataclass(frozen=True)
class LoadedIndex:
    """Everything in one site's index, decoded."""

    folder: Path
    manifest: dict[str, Any]
    chunks: dict[str, Any]
    """``pages`` (url, title) and ``chunks`` (page, anchor, path, text), column-wise, from the pages and fragment files."""
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
    manifest = check_manifest(parse_json(data, str(manifest_path)))
    n = int(manifest["counts"]["chunks"])
    files = manifest["files"]
    if has_vectors(manifest):
        scales, vectors = decode_vectors(_read(folder, files["vectors"]))
        if len(scales) != n or vectors.shape[1] != int(manifest["model"]["dims"]):
            raise FormatError("vectors file does not match the manifest's counts or dims")
        graph = decode_graph(_read(folder, files["graph"]), n)
    else:  # text-only (``serve: false``): only lexical search can answer
        scales, vectors, graph = np.zeros(0, np.float32), np.zeros((0, 0), np.int8), empty_graph()
    pages = decode_pages(_read(folder, files["pages"]), n)
    postings: list[str] = []

    def read_postings(name: str) -> bytes:
        postings.append(name)
        return _read(folder, name)

    lexical = LexicalIndex.from_files(_read(folder, files["lexical"]), read_postings)
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


def _chunk_table(folder: Path, pages: dict[str, list[Any]], n: int) -> dict[str, Any]:
    """Every page's fragment, joined into one column-wise table of chunks."""
    chunks: dict[str, list[Any]] = {"page": [], "anchor": [], "path": [], "text": []}
    titles = []
    for page, name in enumerate(pages["fragments"]):
        ids = page_chunks(pages, page, n)
        fragment = decode_fragment(_read(folder, name), len(ids), name)
        titles.append(fragment["title"])
        chunks["page"] += [page] * len(ids)
        for col in ("anchor", "path", "text"):
            chunks[col] += fragment[col]
    return {"pages": {"url": pages["url"], "title": titles}, "chunks": chunks}


def _read(folder: Path, name: str) -> bytes:
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"index file {path} is missing or unreadable ({exc.strerror})") from exc
    return decompress(data, str(path))
