"""collect → chunk → embed → store → index → emit, over a built site folder.

This is the whole product minus the browser: the MkDocs plugin and the
``mkdocs-embed index`` command both call :func:`build_index`, through
:func:`.last_build.build_or_reuse`, which skips it when nothing changed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .atomic import locked, write_atomic
from .chunk import Chunk, TokenCounter, chunk_page
from .collect.pages import Page, collect_pages
from .embed import Encoder, shared_encoder
from .embed.optimize import BuildModel, build_model
from .emit.assets import write_index
from .errors import EmbedError
from .index import hnsw
from .index.lexical import build_lexical
from .index.quantize import quantize
from .format.base import compress, content_hash
from .format.graph import encode_graph
from .format.lexical import POSTINGS, LexicalBuild
from .format.manifest import NAMED_KINDS
from .format.pages import FRAGMENTS, encode_fragment, encode_pages, excerpt
from .format.vectors import encode_keys, encode_vectors
from .log import log
from .model import ModelSpec, resolve_model
from .progress import progress_bar
from .report import BuildReport
from .settings import BuildSettings, ChunkSettings
from .store import BuildManifest, VectorCache, chunk_key
from .store.chunks import chunk_pages
from .user_cache import user_cache_dir

if TYPE_CHECKING:
    from .embed.remote import RemoteEncoder

CHECKPOINT_S = 10.0
"""Seconds of embedding between cache checkpoints: the most a killed build loses."""
SERVE_ZSTD_LEVEL = 3
"""zstd level on `mkdocs serve` reloads: a fraction of level 19's time, for files never deployed."""


def build_index(settings: BuildSettings, embed: bool = True) -> BuildReport:
    """Index ``settings.site_dir`` in place, reusing every vector the cache holds.

    ``embed=False`` (``serve: false``) writes a text-only index, chunks and the
    lexical index without vectors, and touches neither the model nor the cache.
    """
    started = time.perf_counter()
    report = BuildReport()
    spec = resolve_model(settings.model)
    tokens = _token_counter(spec.tokenizer_path)
    chunk_settings = _effective_chunk_settings(settings.chunk, spec, tokens)
    pages = collect_pages(settings.site_dir, settings.exclude)
    chunks = _chunk_pages(pages, chunk_settings, spec, tokens, report, settings.cache_dir if embed else None)
    chunk_fp = chunk_settings.fingerprint()
    optimize = embed and settings.model.optimize and settings.model.provider == "cpu" and settings.backend is None
    model = build_model(spec, user_cache_dir(), optimize)
    keys = [chunk_key(_key_fingerprint(spec, settings, model), chunk_fp, c.embed_text) for c in chunks]
    if not embed:
        report.chunks, report.text_only = len(chunks), True
        report.index_bytes = _emit(settings, spec, chunks, keys, None)
        report.seconds = time.perf_counter() - started
        return report

    with locked(settings.cache_dir):
        previous = BuildManifest.load(settings.cache_dir / "manifest.json")
        _explain_invalidation(previous, spec, chunk_fp)
        cache = VectorCache(settings.cache_dir)
        _embed_missing(cache, chunks, keys, spec, model, settings, report)
        vectors = np.stack([cache.get(k) for k in keys]) if keys else np.zeros((0, 0), np.float32)
        current = BuildManifest(spec.fingerprint, spec.name, chunk_fp, _keys_by_page(chunks, keys))
        cache.compact(keys)
        report.dropped = len(previous.keys() - current.keys()) if previous else 0
        current.save(settings.cache_dir / "manifest.json")

    report.chunks, report.reused = len(chunks), len(chunks) - report.embedded
    report.index_bytes = _emit(settings, spec, chunks, keys, vectors)
    report.seconds = time.perf_counter() - started
    return report


@functools.lru_cache(maxsize=2)
def _token_counter(tokenizer_path: Path) -> TokenCounter:
    """One counter per tokenizer, kept across the rebuilds of `mkdocs serve`."""
    return TokenCounter.from_file(tokenizer_path)


def _effective_chunk_settings(chunk: ChunkSettings, spec: ModelSpec, tokens: TokenCounter) -> ChunkSettings:
    """The chunk budget, shrunk to the model's limit and what its passage prefix takes."""
    prefix_tokens = tokens.count(spec.passage_prefix) - tokens.count("") if spec.passage_prefix else 0
    budget = min(chunk.max_tokens, spec.max_tokens) - prefix_tokens
    if budget < 32:
        raise EmbedError(f"a token budget of {budget} is too small to chunk with; raise max_tokens")
    return dataclasses.replace(chunk, max_tokens=budget, overlap_tokens=min(chunk.overlap_tokens, budget // 4))


def _chunk_pages(
    pages: Sequence[Page], settings: ChunkSettings, spec: ModelSpec, tokens: TokenCounter, report: BuildReport,
    cache_dir: Path | None,
) -> list[Chunk]:
    """Every page's chunks, from this process's last build or ``cache_dir`` where the page's content is unchanged."""
    salt = f"{spec.fingerprint}\0{settings.fingerprint()}\0".encode()
    return chunk_pages(pages, salt, lambda page, text: chunk_page(page, settings, tokens, text), report, cache_dir)


def _explain_invalidation(previous: BuildManifest | None, spec: ModelSpec, chunk_fp: str) -> None:
    if previous is None:
        return
    if previous.model_fingerprint != spec.fingerprint:
        log.info(
            "embed: the model changed since the last build (%s %s → %s %s): embedding every chunk again",
            previous.model_name, previous.model_fingerprint[:8], spec.name, spec.fingerprint[:8],
        )
    elif previous.chunk_fingerprint != chunk_fp:
        log.info("embed: chunker settings changed since the last build: embedding every chunk again")


def _embed_missing(
    cache: VectorCache, chunks: Sequence[Chunk], keys: Sequence[bytes], spec: ModelSpec, model: BuildModel,
    settings: BuildSettings, report: BuildReport,
) -> None:
    """Embed the chunks the cache lacks, checkpointing so a killed build keeps its work."""
    todo: dict[bytes, str] = {}
    for key, chunk in zip(keys, chunks):
        if cache.get(key) is None:
            todo.setdefault(key, chunk.embed_text)
    if todo and settings.previous_deploy:
        from .store.previous import fetch_vectors as fetch_deployed_vectors  # urllib and ssl: 30 ms of every build

        deployed = fetch_deployed_vectors(settings.previous_deploy, spec.fingerprint, todo.keys())
        cache.add(deployed.keys(), deployed.values())
        cache.checkpoint()
        for key in deployed:
            del todo[key]
        report.from_previous = len(deployed)
    if not todo:
        return
    started = time.perf_counter()
    encoder = _passage_encoder(spec, settings, model)
    todo_keys, texts = list(todo), list(todo.values())
    last_checkpoint = time.perf_counter()
    try:
        with progress_bar(len(texts), "embed") as advance:
            for batch in encoder.iter_passages(texts):
                cache.add([todo_keys[i] for i in batch.indices], batch.vectors)
                report.tokens_embedded += batch.tokens
                advance(len(batch.indices))
                if time.perf_counter() - last_checkpoint > CHECKPOINT_S:
                    cache.checkpoint()
                    last_checkpoint = time.perf_counter()
    finally:  # a build stopped by an error keeps every vector it finished
        cache.checkpoint()
    report.embedded = len(todo)
    report.embed_seconds = time.perf_counter() - started


def _key_fingerprint(spec: ModelSpec, settings: BuildSettings, model: BuildModel) -> str:
    """The model part of every chunk key: the build model, or the remote model's name."""
    if settings.backend is None:
        return model.key_fingerprint
    from .embed.remote import key_fingerprint  # urllib and ssl: only for builds that use a server

    return key_fingerprint(spec, settings.backend)


def _passage_encoder(spec: ModelSpec, settings: BuildSettings, model: BuildModel) -> Encoder | RemoteEncoder:
    """The local encoder, or the remote one once it is proven to match the browser's model."""
    local = shared_encoder(spec, settings.model.threads, settings.model.provider, model.onnx_path)
    if settings.backend is None:
        return local
    from .embed.remote import RemoteEncoder, check_same_model

    remote = RemoteEncoder(spec, settings.backend, local.count_tokens)
    worst = check_same_model(remote, local)
    log.info("embed: embedding on %s (model %s, lowest probe cosine to the browser's model %.4f)",
             settings.backend.url, settings.backend.model, worst)
    return remote


def _keys_by_page(chunks: Sequence[Chunk], keys: Sequence[bytes]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for chunk, key in zip(chunks, keys):
        pages.setdefault(chunk.url, []).append(key.hex())
    return pages


def _emit(
    settings: BuildSettings, spec: ModelSpec, chunks: Sequence[Chunk], keys: Sequence[bytes], vectors: np.ndarray | None,
) -> int:
    """Write the site's index files, without vectors and graph when ``vectors`` is None; returns their total size."""
    urls: list[str] = []
    titles: list[str] = []
    first: list[int] = []
    fragments: list[list[dict]] = []
    for i, chunk in enumerate(chunks):
        if not urls or chunk.url != urls[-1]:  # a page's chunks are consecutive
            urls.append(chunk.url)
            titles.append(chunk.title)
            first.append(i)
            fragments.append([])
        fragments[-1].append({"anchor": chunk.anchor, "text": excerpt(chunk.text, settings.chunk.excerpt_chars)})
    paths = [chunk.path[1:] for chunk in chunks]  # every heading path starts with its page's title
    level = SERVE_ZSTD_LEVEL if settings.serving else 19

    def pack(kind: str, parts: list[bytes]) -> list[bytes]:
        if vectors is None:  # text-only builds leave the cache folder alone
            return [compress(part, level) for part in parts]
        # zstd at level 19 is most of a no-change rebuild of a large site
        return _unframe(_derived(settings, f"zst{level}-{kind}", parts, lambda: _frame([compress(p, level) for p in parts])))

    encoded = [encode_fragment(rows) for rows in fragments]
    shards: dict[str, list[bytes]] = {"fragments": pack("fragments", encoded)}
    lexical = _lexical(settings, chunks, cached=vectors is not None)
    shards["postings"] = pack("postings", lexical.shards)
    digests = [content_hash(data) for data in shards["fragments"]]
    names = {"fragments": [FRAGMENTS.named(d) for d in digests], "postings": [POSTINGS.name(data) for data in shards["postings"]]}
    data = {
        "pages": encode_pages(urls, titles, first, paths, digests),
        "lexical": lexical.head(names["postings"]),
    }
    dims = vectors.shape[1] if vectors is not None and len(vectors) else 0
    if vectors is not None:
        scales, q = quantize(vectors) if len(vectors) else (np.zeros(0, np.float32), np.zeros((0, dims), np.int8))
        data["vectors"] = encode_vectors(scales, q)
        data["keys"] = encode_keys(keys)
        data["graph"] = _derived(
            settings, "graph", [vectors.tobytes()],
            lambda: encode_graph(hnsw.build_graph(vectors) if len(vectors) else hnsw.empty_graph()),
        )
    manifest = write_index(
        settings.site_dir,
        spec,
        dims=dims,
        counts={"pages": len(urls), "chunks": len(chunks)},
        ef_search=hnsw.EF_SEARCH,
        m=hnsw.M,
        files={kind: (KINDS[kind].name(stored), stored) for kind, raw in data.items() for stored in pack(kind, [raw])},
        shards=[(name, stored) for kind in shards for name, stored in zip(names[kind], shards[kind])],
        ship_model=settings.ship_model and vectors is not None and len(chunks) > 0,  # an empty site needs no model
        cache_dir=user_cache_dir() if vectors is not None else None,
    )
    return sum(manifest["bytes"].values()) + sum(len(stored) for parts in shards.values() for stored in parts)


KINDS = {k.kind: k for k in NAMED_KINDS}


def _lexical(settings: BuildSettings, chunks: Sequence[Chunk], cached: bool) -> LexicalBuild:
    """The lexical index of ``chunks``; from the cache folder while the chunks' text is unchanged."""
    if not cached:
        return build_lexical(chunks, settings.language)
    inputs = [settings.language.encode(), *(f"{c.path}\0{c.text}".encode() for c in chunks)]

    def make() -> bytes:
        build = build_lexical(chunks, settings.language)
        return _frame([json.dumps(build.header).encode(), np.asarray(build.lengths, "<u4").tobytes(), *build.shards])

    header, lengths, *postings = _unframe(_derived(settings, "lexical", inputs, make))
    return LexicalBuild(json.loads(header), np.frombuffer(lengths, "<u4").tolist(), postings)


def _frame(parts: Sequence[bytes]) -> bytes:
    """Several byte strings as one, for a derived file that holds a list."""
    return b"".join(len(p).to_bytes(4, "little") + p for p in parts)


def _unframe(data: bytes) -> list[bytes]:
    parts, pos = [], 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "little")
        parts.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return parts


def _derived(settings: BuildSettings, kind: str, inputs: Sequence[bytes], make: Callable[[], bytes]) -> bytes:
    """An index file's raw bytes, reused from the cache folder while its inputs and the code are unchanged.

    Building the graph and the lexical index is most of a no-change rebuild;
    both are pure functions of their inputs and of the code that makes them.
    """
    digest = hashlib.sha256(_code_digest())
    for part in inputs:
        digest.update(hashlib.sha256(part).digest())
    path = settings.cache_dir / "derived" / f"{kind}-{digest.hexdigest()[:24]}.bin"
    try:
        stored = path.read_bytes()
        if hashlib.sha256(stored[:-32]).digest() == stored[-32:]:
            return stored[:-32]
    except OSError:
        pass
    data = make()
    write_atomic(path, data + hashlib.sha256(data).digest())
    for stale in path.parent.glob(f"{kind}-*.bin"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return data


@functools.lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """This package's sources and the libraries' versions: what derived files also depend on."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for name in ("hnswlib", "snowballstemmer", "numpy", "zstandard"):
        digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
    return digest.digest()
