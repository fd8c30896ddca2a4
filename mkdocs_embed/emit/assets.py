"""Write the index files into ``site/assets/mkdocs-embed/``.

Data files get content-hashed names and are written first; ``manifest.json``,
the only fixed name, is replaced last. A reader therefore sees either the old
index or the new one, and files of older builds are removed only after.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_atomic
from ..index_format import ASSET_DIR, DATA_KINDS, FORMAT_VERSION, MANIFEST, data_files, hashed_name
from ..model.spec import ModelSpec, file_sha256


def asset_dir(site_dir: Path) -> Path:
    return site_dir / ASSET_DIR


def write_index(
    site_dir: Path,
    spec: ModelSpec,
    dims: int,
    counts: dict[str, int],
    ef_search: int,
    m: int,
    excerpts_per_file: int,
    packed: dict[str, tuple[str, bytes | list[bytes]]],
    ship_model: bool,
) -> dict[str, Any]:
    """Write ``packed`` (kind → (extension, zstd-compressed bytes, or a list of them)), then the manifest."""
    out = asset_dir(site_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for kind, (ext, data) in packed.items():
        names = [_write_hashed(out, kind, ext, part) for part in (data if isinstance(data, list) else [data])]
        lengths = [len(part) for part in (data if isinstance(data, list) else [data])]
        files[kind], sizes[kind] = (names, lengths) if isinstance(data, list) else (names[0], lengths[0])
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
        model["onnx"] = _copy_hashed(spec.onnx_path, "model", "onnx", out)
        model["tokenizer"] = _copy_hashed(spec.tokenizer_path, "tokenizer", "json", out)
    manifest = {
        "format": FORMAT_VERSION,
        "generator": f"mkdocs-embed {__version__}",
        "model": model,
        "counts": counts,
        "hnsw": {"m": m, "ef_search": ef_search},
        "excerpts_per_file": excerpts_per_file,
        "files": files,
        "bytes": sizes,
    }
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=1).encode())
    live = {*data_files(manifest), model.get("onnx"), model.get("tokenizer")}
    # every kind this version writes, so a build without vectors also removes the last build's
    _remove_stale(out, kinds=(*DATA_KINDS, "model", "tokenizer"), live=live)
    return manifest


def _write_hashed(out: Path, kind: str, ext: str, data: bytes) -> str:
    name = hashed_name(kind, ext + ".zst", data)
    if not (out / name).exists():
        write_atomic(out / name, data)
    return name


def _remove_stale(out: Path, kinds: tuple[str, ...], live: set[str | None]) -> None:
    """Delete index files of earlier builds; the widget's files in the same folder stay."""
    for path in out.iterdir():
        if path.is_file() and path.name.split(".", 1)[0] in kinds and path.name not in live:
            path.unlink(missing_ok=True)


def _copy_hashed(source: Path, kind: str, ext: str, out: Path) -> str:
    name = f"{kind}.{file_sha256(source)[:12]}.{ext}"
    target = out / name
    if not target.exists():
        tmp = out / f".{name}.tmp"
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    return name
