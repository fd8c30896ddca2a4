"""collect → chunk → embed → store → index → emit, over a built site folder.

This is the whole product minus the browser: the MkDocs plugin and the
``mkdocs-embed index`` command both call :func:`build_index`, through
:func:`.last_build.build_or_reuse`, which skips it when nothing changed.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .atomic import locked
from .chunk import Chunk, TokenCounter, chunk_page
from .collect.pages import Page, collect_pages
from .embed import Encoder, shared_encoder
from .embed.optimize import BuildModel, build_model
from .emit.assets import Dense, emit_index
from .errors import EmbedError
from .log import log
from .model import ModelSpec, resolve_model
from .progress import progress_bar
from .report import BuildReport
from .settings import BuildSettings, ChunkSettings
from .store import BuildManifest, VectorCache, chunk_key
from .store.sites import MANIFEST_FILE, other_sites_keys, site_folder
from .store.chunks import chunk_pages
from .store.derived import FOLDER as DERIVED
from .store.derived import DerivedFiles
from .user_cache import user_cache_dir

if TYPE_CHECKING:
    from .embed.remote import RemoteEncoder

CHECKPOINT_S = 10.0
"""Seconds of embedding between cache checkpoints: the most a killed build loses."""


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
    own = site_folder(settings.cache_dir, settings.site_id)
    chunks = _chunk_pages(pages, chunk_settings, spec, tokens, report, own if embed else None)
    chunk_fp = chunk_settings.fingerprint()
    optimize = embed and settings.model.optimize and settings.model.provider == "cpu" and settings.backend is None
    model = build_model(spec, user_cache_dir(), optimize)
    model_fp = _key_fingerprint(spec, settings, model)
    keys = [chunk_key(model_fp, chunk_fp, c.embed_text) for c in chunks]
    if not embed:
        report.chunks, report.text_only = len(chunks), True
        report.index_bytes = emit_index(settings, spec, chunks, None, DerivedFiles(None))  # leaves the cache folder alone
        report.seconds = time.perf_counter() - started
        return report

    # Builds of other sites may share the cache folder and run meanwhile: each embeds into segments of its own,
    # and only compaction, which must keep every site's vectors, holds the lock.
    previous = BuildManifest.load(own / MANIFEST_FILE)
    _explain_invalidation(previous, spec, chunk_fp)
    cache = VectorCache(settings.cache_dir)
    _embed_missing(cache, chunks, keys, spec, model, settings, report)
    vectors = np.stack([cache.get(k) for k in keys]) if keys else np.zeros((0, 0), np.float32)
    current = BuildManifest(spec.fingerprint, spec.name, chunk_fp, _keys_by_page(chunks, keys))
    with locked(settings.cache_dir):
        cache.compact([*keys, *other_sites_keys(settings.cache_dir, own)])
        current.save(own / MANIFEST_FILE)
    report.dropped = len(previous.keys() - current.keys()) if previous else 0

    report.chunks, report.reused = len(chunks), len(chunks) - report.embedded
    report.index_bytes = emit_index(settings, spec, chunks, Dense(vectors, keys), DerivedFiles(settings.cache_dir / DERIVED))
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
    folder: Path | None,
) -> list[Chunk]:
    """Every page's chunks, from this process's last build or ``folder`` where the page's content is unchanged."""
    salt = f"{spec.fingerprint}\0{settings.fingerprint()}\0".encode()
    return chunk_pages(pages, salt, lambda page, text: chunk_page(page, settings, tokens, text), report, folder)


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
