"""Write the index files into ``site/assets/mkdocs-embed/``.

Data files get content-hashed names and are written first; ``manifest.json``,
the only fixed name, is replaced last. A reader therefore sees either the old
index or the new one, and files of older builds are removed only after.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_atomic
from ..format.manifest import ALL_KINDS, MANIFEST, encode_manifest
from ..layout import ASSET_DIR
from ..model.spec import ModelSpec, file_sha256
from .query_model import query_model
from .shipped import place

INDEX_KINDS = (*(k.kind for k in ALL_KINDS), "model", "tokenizer")
"""The first part of every index file's name; with the manifest, all that :func:`write_index` leaves in the folder."""


def asset_dir(site_dir: Path) -> Path:
    return site_dir / ASSET_DIR


def write_index(
    site_dir: Path,
    spec: ModelSpec,
    dims: int,
    counts: dict[str, int],
    ef_search: int,
    m: int,
    files: dict[str, tuple[str, bytes]],
    shards: list[tuple[str, bytes]],
    ship_model: bool,
    cache_dir: Path | None = None,
    ranking: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``shards`` and ``files`` (kind → (name, stored bytes)), then the manifest naming ``files``.

    The model is the browser's compact query model (:mod:`.query_model`); it and the tokenizer are hard
    links to copies in ``cache_dir`` where it is given (see :mod:`.shipped`).
    """
    out = asset_dir(site_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in shards:  # first: the files that name them come after them
        if not _has(out / name, len(data)):
            write_atomic(out / name, data, sync=False)  # many and small; a later build rewrites one cut short
    for name, data in files.values():
        if not _has(out / name, len(data)):
            write_atomic(out / name, data)
    model: dict[str, Any] = {
        "name": spec.name,
        "fingerprint": spec.fingerprint,
        "dims": dims,
        "pooling": spec.pooling,
        "normalize": spec.normalize,
        "query_prefix": spec.query_prefix,
        "max_tokens": spec.max_tokens,
    }
    if ship_model:
        model["onnx"] = _copy_hashed(query_model(spec, cache_dir), "model", "onnx", out, cache_dir)
        model["tokenizer"] = _copy_hashed(spec.tokenizer_path, "tokenizer", "json", out, cache_dir)
    data = encode_manifest(f"mkdocs-embed {__version__}", model, counts, {"m": m, "ef_search": ef_search}, files, ranking)
    write_atomic(out / MANIFEST, data)
    manifest = json.loads(data)
    live = {*manifest["files"].values(), *(name for name, _ in shards), model.get("onnx"), model.get("tokenizer")}
    # every kind this version writes, so a build without vectors also removes the last build's
    _remove_stale(out, kinds=(*INDEX_KINDS, "chunks"), live=live)  # chunks: format 1
    return manifest


def _has(path: Path, size: int) -> bool:
    """A content-named file already there, whole: a file cut short by a crash has another size."""
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _remove_stale(out: Path, kinds: tuple[str, ...], live: set[str | None]) -> None:
    """Delete index files of earlier builds; the widget's files in the same folder stay."""
    for path in out.iterdir():
        if path.is_file() and path.name.split(".", 1)[0] in kinds and path.name not in live:
            path.unlink(missing_ok=True)


def _copy_hashed(source: Path, kind: str, ext: str, out: Path, cache_dir: Path | None) -> str:
    name = f"{kind}.{file_sha256(source)[:12]}.{ext}"
    if not (out / name).exists():
        place(source, out / name, cache_dir)
    return name
