"""Write the index files into ``site/assets/mkdocs-embed/``: encode, compress, name, write, then the manifest.

Data files get content-hashed names and are written first; ``manifest.json``,
the only fixed name, is replaced last. A reader therefore sees either the old
index or the new one, and files of older builds are removed only after.
What is slow to make (the graph, the lexical index, zstd at level 19) comes
from :class:`.store.derived.DerivedFiles` while its inputs are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..atomic import remove_stale, write_atomic
from ..chunk import Chunk
from ..format.base import FileKind, compress, content_hash
from ..format.graph import encode_graph
from ..format.lexical import POSTINGS, LexicalBuild
from ..format.manifest import ALL_KINDS, MANIFEST, NAMED_KINDS, encode_manifest
from ..format.pages import FRAGMENTS, encode_fragment, encode_pages, excerpt
from ..format.vectors import encode_keys, encode_vectors
from ..index import hnsw
from ..index.hnsw import Graph
from ..index.lexical import build_lexical
from ..index.quantize import quantize
from ..layout import ASSET_DIR
from ..model.spec import ModelSpec, file_sha256
from ..settings import BuildSettings
from ..store.derived import DerivedFiles
from ..user_cache import user_cache_dir
from .query_model import query_model
from .shipped import place

INDEX_KINDS = (*(k.kind for k in ALL_KINDS), "model", "tokenizer")
"""The first part of every index file's name; with the manifest, all that :func:`emit_index` leaves in the folder."""
SERVE_ZSTD_LEVEL = 3
"""zstd level on `mkdocs serve` reloads: a fraction of level 19's time, for files never deployed."""
_KINDS = {k.kind: k for k in NAMED_KINDS}


@dataclass(frozen=True)
class Dense:
    """The semantic half of an index: each chunk's vector and cache key."""

    vectors: np.ndarray
    keys: Sequence[bytes]


def asset_dir(site_dir: Path) -> Path:
    return site_dir / ASSET_DIR


def emit_index(settings: BuildSettings, spec: ModelSpec, chunks: Sequence[Chunk], dense: Dense | None, derived: DerivedFiles) -> int:
    """Write the index of ``chunks``, text-only where ``dense`` is None; returns the bytes written.

    The lexical index and the graph are built here, where the derived files
    can spare that: both are pure functions of what is written.
    """
    level = SERVE_ZSTD_LEVEL if settings.serving else 19

    def stored(kind: str, raw: list[bytes]) -> list[bytes]:
        return derived.get(f"zst{level}-{kind}", raw, lambda: [compress(part, level) for part in raw])

    urls, titles, first, fragments = _pages(chunks, settings.chunk.excerpt_chars)
    shards = {"fragments": stored("fragments", [encode_fragment(rows) for rows in fragments])}
    digests = [content_hash(data) for data in shards["fragments"]]
    names = {"fragments": [FRAGMENTS.named(digest) for digest in digests]}
    inputs = [settings.language.encode(), *(f"{c.path}\0{c.text}".encode() for c in chunks)]
    head, *shards["postings"] = derived.get(f"zst{level}-lexical", inputs, lambda: _lexical_files(build_lexical(chunks, settings.language), level))
    names["postings"] = [POSTINGS.name(data) for data in shards["postings"]]
    pages = encode_pages(urls, titles, first, [chunk.path[1:] for chunk in chunks], digests)  # paths start with the title
    files = {"pages": stored("pages", [pages])[0], "lexical": head}
    dims = 0
    if dense is not None:
        vectors = dense.vectors
        dims = vectors.shape[1] if len(vectors) else 0
        scales, q = quantize(vectors) if len(vectors) else (np.zeros(0, np.float32), np.zeros((0, 0), np.int8))
        graph = derived.get("graph", [vectors.tobytes()], lambda: [encode_graph(_graph(vectors))])
        for kind, raw in (("vectors", encode_vectors(scales, q)), ("keys", encode_keys(dense.keys)), ("graph", graph[0])):
            files[kind] = stored(kind, [raw])[0]
    manifest = _write(
        settings, spec, dims, {"pages": len(urls), "chunks": len(chunks)},
        files={kind: (_KINDS[kind].name(data), data) for kind, data in files.items()},
        shards=[(name, data) for kind in shards for name, data in zip(names[kind], shards[kind])],
        ship_model=settings.ship_model and dense is not None and len(chunks) > 0,  # an empty site needs no model
        cache_dir=user_cache_dir() if dense is not None else None,
    )
    return sum(manifest["bytes"].values()) + sum(len(data) for parts in shards.values() for data in parts)


def _pages(chunks: Sequence[Chunk], excerpt_chars: int) -> tuple[list[str], list[str], list[int], list[list[dict]]]:
    """Each page's URL, title and first chunk id, and the rows of its fragment; a page's chunks are consecutive."""
    urls: list[str] = []
    titles: list[str] = []
    first: list[int] = []
    fragments: list[list[dict]] = []
    for i, chunk in enumerate(chunks):
        if not urls or chunk.url != urls[-1]:
            urls.append(chunk.url)
            titles.append(chunk.title)
            first.append(i)
            fragments.append([])
        fragments[-1].append({"anchor": chunk.anchor, "text": excerpt(chunk.text, excerpt_chars)})
    return urls, titles, first, fragments


def _graph(vectors: np.ndarray) -> Graph:
    return hnsw.build_graph(vectors) if len(vectors) else hnsw.empty_graph()


def _lexical_files(build: LexicalBuild, level: int) -> list[bytes]:
    """The lexical head and its postings files, as stored: the head names the postings files by their hash."""
    postings = [compress(shard, level) for shard in build.shards]
    return [compress(build.head([POSTINGS.name(data) for data in postings]), level), *postings]


def _write(
    settings: BuildSettings, spec: ModelSpec, dims: int, counts: dict[str, int],
    files: dict[str, tuple[str, bytes]], shards: list[tuple[str, bytes]], ship_model: bool, cache_dir: Path | None,
) -> dict[str, Any]:
    """Write ``shards`` and ``files`` (kind → (name, stored bytes)), then the manifest naming ``files``.

    The model is the browser's compact query model (:mod:`.query_model`); it and the tokenizer are hard
    links to copies in ``cache_dir`` where it is given (see :mod:`.shipped`).
    """
    out = asset_dir(settings.site_dir)
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
        model["onnx"] = _copy_hashed(query_model(spec, cache_dir), FileKind("model", "onnx"), out, cache_dir)
        model["tokenizer"] = _copy_hashed(spec.tokenizer_path, FileKind("tokenizer", "json"), out, cache_dir)
    hnsw_params = {"m": hnsw.M, "ef_search": hnsw.EF_SEARCH}
    data = encode_manifest(f"mkdocs-embed {__version__}", model, counts, hnsw_params, files, settings.ranking.as_dict())
    write_atomic(out / MANIFEST, data)
    manifest = json.loads(data)
    live = {*manifest["files"].values(), *(name for name, _ in shards), model.get("onnx"), model.get("tokenizer")}
    # every kind this version writes, so a build without vectors also removes the last build's; chunks: format 1
    remove_stale(out, lambda name: name.split(".", 1)[0] in (*INDEX_KINDS, "chunks"), keep=live)
    return manifest


def _has(path: Path, size: int) -> bool:
    """A content-named file already there, whole: a file cut short by a crash has another size."""
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _copy_hashed(source: Path, kind: FileKind, out: Path, cache_dir: Path | None) -> str:
    name = kind.named(file_sha256(source)[:12])
    if not (out / name).exists():
        place(source, out / name, cache_dir)
    return name
