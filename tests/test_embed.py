"""The encoder's batching, and what the build does with the optimised model and derived files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from mkdocs_embed.embed import Encoder
from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.model import resolve_model
from mkdocs_embed.pipeline import build_index
from mkdocs_embed.settings import BuildSettings, ModelSettings

TEXTS = [
    "Install the plugin with pip.",
    "Install the plugin with pip.",
    "The cache keeps vectors between builds, keyed by the text and the model.",
    "A much longer passage about how the HNSW graph is built: every chunk is a node, "
    "linked to its nearest neighbours on each level, with the entry point on the top level. " * 3,
    "Short.",
    "word " * 400,
]


@pytest.fixture(scope="module")
def encoder():
    return Encoder(resolve_model(ModelSettings()))


def test_streamed_batches_cover_every_text_once_and_count_its_tokens(encoder):
    batches = list(encoder.iter_passages(TEXTS))
    indices = sorted(i for b in batches for i in b.indices)
    assert indices == list(range(len(TEXTS)))
    assert sum(b.tokens for b in batches) == sum(encoder.count_tokens(TEXTS))
    assert [len(b.indices) for b in batches if b.tokens == 256] == [1]  # the long text, truncated
    streamed = np.empty((len(TEXTS), 384), np.float32)
    for b in batches:
        streamed[b.indices] = b.vectors
    assert np.array_equal(streamed, encoder.embed_passages(TEXTS))


def test_a_texts_vector_does_not_depend_on_its_batch(encoder):
    together = encoder.embed_passages(TEXTS)
    for i, text in enumerate(TEXTS):
        assert np.allclose(encoder.embed_passages([text])[0], together[i], atol=1e-5)


def test_batches_run_side_by_side_come_back_in_order_and_equal_one_cores():
    spec = resolve_model(ModelSettings())
    texts = [f"Section {i}: " + "the cache keeps vectors between builds. " * (i % 9 + 1) for i in range(60)]
    one, two = Encoder(spec, threads=1), Encoder(spec, threads=2)
    streamed_one, streamed_two = list(one.iter_passages(texts)), list(two.iter_passages(texts))
    assert [b.indices for b in streamed_two] == [b.indices for b in streamed_one]  # checkpoints follow one order
    for a, b in zip(streamed_one, streamed_two):
        assert np.allclose(a.vectors, b.vectors, atol=1e-6)


def test_a_caller_that_stops_early_leaves_no_work_running():
    encoder = Encoder(resolve_model(ModelSettings()), threads=2)
    texts = [f"Passage {i} " + "word " * i for i in range(200)]
    batches = encoder.iter_passages(texts)
    first = next(batches)
    batches.close()  # cancels the batches not started, waits for the few in flight
    assert len(first.indices) >= 1
    assert not [t for t in threading.enumerate() if t.name.startswith("embed")]


def _site(root: Path, body: str) -> Path:
    pages = {
        "index.html": ("Home", "<h2 id='start'>Getting started</h2><p>Install the plugin with pip and add it to mkdocs.yml. " * 3),
        "guide/index.html": ("Guide", f"<h2 id='cache'>The cache</h2><p>{body}</p><h2 id='graph'>The graph</h2>"
                                      "<p>Every chunk is a node of an HNSW graph, linked to its nearest neighbours. " * 3),
    }
    for rel, (title, html) in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><head><title>{title}</title></head><body><div role='main'><h1>{title}</h1>"
                        f"{html}</div></body></html>", encoding="utf-8")
    return root


def _assets(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (site / ASSET_DIR).iterdir() if p.is_file()}


def test_switching_optimize_embeds_again_and_the_browser_keeps_the_shipped_model(tmp_path):
    site = _site(tmp_path / "site", "Vectors are cached between builds, keyed by text and model. " * 4)
    spec = resolve_model(ModelSettings())
    runs = []
    for optimize in (True, False, True):
        settings = BuildSettings(site_dir=site, cache_dir=tmp_path / "cache", model=ModelSettings(optimize=optimize))
        runs.append(build_index(settings))
        manifest = json.loads((site / ASSET_DIR / MANIFEST).read_text())
        assert manifest["model"]["fingerprint"] == spec.fingerprint
    assert runs[0].embedded > 0  # every distinct chunk (the pages repeat sections word for word)
    assert runs[1].embedded == runs[0].embedded  # the shipped model's vectors are cached apart
    assert runs[2].embedded == runs[0].embedded  # compact() kept only the last build's keys
    assert runs[0].tokens_embedded == runs[1].tokens_embedded > 0


DERIVED = ["graph", "zst19-fragments", "zst19-graph", "zst19-keys", "zst19-lexical", "zst19-pages", "zst19-vectors"]
"""Kinds kept in cache/derived: the graph, and each kind of file as stored (the lexical head with its postings files)."""


def _derived_kinds(cache) -> list[str]:
    return sorted(p.name.rsplit("-", 1)[0] for p in (cache / "derived").iterdir())


def test_no_change_rebuild_writes_the_same_index_and_an_edit_changes_it(tmp_path):
    site = _site(tmp_path / "site", "Vectors are cached between builds, keyed by text and model. " * 4)
    settings = BuildSettings(site_dir=site, cache_dir=tmp_path / "cache")
    build_index(settings)
    first = _assets(site)
    again = build_index(settings)
    assert again.embedded == 0 and _assets(site) == first
    assert _derived_kinds(tmp_path / "cache") == DERIVED  # nothing stale

    _site(site, "A damaged cache file is set aside and its vectors are embedded again. " * 4)
    edited = build_index(settings)
    assert edited.embedded >= 1 and edited.reused >= 1  # the untouched page is reused
    changed = {name.split(".")[0] for name in set(_assets(site)) ^ set(first)}
    assert {"fragments", "vectors", "postings", "lexical", "pages"} <= changed  # a 4-node graph may keep its links
    assert _derived_kinds(tmp_path / "cache") == DERIVED


def test_an_index_file_cut_short_in_place_is_written_again(tmp_path):
    """Fragment and postings files skip fsync; one a power cut left short has the wrong size and is rewritten."""
    site = _site(tmp_path / "site", "Vectors are cached between builds, keyed by text and model. " * 4)
    settings = BuildSettings(site_dir=site, cache_dir=tmp_path / "cache")
    build_index(settings)
    first = _assets(site)
    for name in first:
        if name.startswith(("fragments.", "postings.", "pages.")):
            (site / ASSET_DIR / name).write_bytes(first[name][: len(first[name]) // 2])
    build_index(settings)  # `mkdocs-embed index` on a folder MkDocs did not clean
    assert _assets(site) == first


def test_damaged_derived_file_is_rebuilt(tmp_path):
    site = _site(tmp_path / "site", "Vectors are cached between builds, keyed by text and model. " * 4)
    settings = BuildSettings(site_dir=site, cache_dir=tmp_path / "cache")
    build_index(settings)
    first = _assets(site)
    for derived in (tmp_path / "cache" / "derived").iterdir():
        derived.write_bytes(derived.read_bytes()[:-5] + b"xxxxx")
    build_index(settings)
    assert _assets(site) == first
