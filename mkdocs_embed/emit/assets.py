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
from ..index_format import ASSET_DIR, FORMAT_VERSION, MANIFEST, hashed_name
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
    packed: dict[str, tuple[str, bytes]],
    ship_model: bool,
) -> dict[str, Any]:
    """Write ``packed`` (kind → (extension, zstd-compressed bytes)), then the manifest."""
    out = asset_dir(site_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for kind, (ext, data) in packed.items():
        name = hashed_name(kind, ext + ".zst", data)
        if not (out / name).exists():
            write_atomic(out / name, data)
        files[kind], sizes[kind] = name, len(data)
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
        "files": files,
        "bytes": sizes,
    }
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=1).encode())
    _remove_stale(out, kinds=(*packed, "model", "tokenizer"), live={*files.values(), model.get("onnx"), model.get("tokenizer")})
    return manifest


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
