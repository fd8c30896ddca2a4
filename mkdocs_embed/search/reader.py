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
    decode_chunks,
    decode_excerpts,
    decode_graph,
    decode_vectors,
    decompress,
    has_vectors,
    parse_json,
)
from ..model.spec import ModelSpec


@dataclass(frozen=True)
class LoadedIndex:
    """Everything in one site's index, decoded."""

    folder: Path
    manifest: dict[str, Any]
    chunks: dict[str, Any]
    """The chunks file, with every chunk's excerpt added as the ``chunks.text`` column."""
    scales: np.ndarray
    vectors: np.ndarray
    graph: Graph
    lexical: bytes
    """The decompressed lexical file."""

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
    chunks = decode_chunks(_read(folder, files["chunks"]), n)
    per_file = int(manifest["excerpts_per_file"])
    chunks["chunks"]["text"] = [
        text
        for i, name in enumerate(files["excerpts"])
        for text in decode_excerpts(_read(folder, name), min(per_file, n - i * per_file), name)
    ]
    return LoadedIndex(
        folder=folder,
        manifest=manifest,
        chunks=chunks,
        scales=scales,
        vectors=vectors,
        graph=graph,
        lexical=_read(folder, files["lexical"]),
    )


def _read(folder: Path, name: str) -> bytes:
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"index file {path} is missing or unreadable ({exc.strerror})") from exc
    return decompress(data, str(path))
