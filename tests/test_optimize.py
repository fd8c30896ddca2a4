"""The optimised build model: agrees with the shipped one, is cached, and falls back cleanly."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from pathlib import Path

import numpy as np
import pytest

from mkdocs_embed.embed import Encoder
from mkdocs_embed.embed.optimize import VARIANT, build_model
from mkdocs_embed.model import resolve_model
from mkdocs_embed.settings import ModelSettings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def spec():
    return resolve_model(ModelSettings())


@pytest.fixture(scope="module")
def prepared(spec, tmp_path_factory):
    return build_model(spec, tmp_path_factory.mktemp("cache"), optimize=True)


def _real_passages() -> list[str]:
    """Paragraphs of the example site's docs: real documentation text of every length."""
    found = []
    for page in sorted((ROOT / "example-site" / "docs").rglob("*.md")):
        for block in re.split(r"\n\s*\n", page.read_text(encoding="utf-8")):
            if len(block) > 80 and not block.startswith(("```", "|", "<")):
                found.append(block)
    return found


def _real_queries() -> list[str]:
    lines = (ROOT / "tests" / "eval" / "example-site.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()]


def test_the_build_model_is_a_prepared_variant_with_its_own_key(spec, prepared):
    assert prepared.variant == VARIANT
    assert prepared.onnx_path.is_file() and prepared.onnx_path != spec.onnx_path
    assert prepared.key_fingerprint != spec.fingerprint


def test_the_build_model_computes_attention_and_matrix_products_in_int8(prepared):
    import onnx

    ops = {node.op_type for node in onnx.load(str(prepared.onnx_path)).graph.node}
    assert {"QAttention", "MatMulInteger"} <= ops
    assert not ops & {"Softmax", "MatMul"}, "every attention fused, every product quantized"


def test_optimised_vectors_agree_with_the_shipped_models_on_real_text(spec, prepared):
    """The browser embeds queries with the shipped model; the build's chunk vectors must match it."""
    shipped, optimised = Encoder(spec), Encoder(spec, onnx_path=prepared.onnx_path)
    passages, queries = _real_passages(), _real_queries()
    assert len(passages) > 200 and len(queries) > 20
    for name, original, variant in (
        ("passages", shipped.embed_passages(passages), optimised.embed_passages(passages)),
        ("queries", shipped.embed_queries(queries), optimised.embed_queries(queries)),
    ):
        cosine = np.sum(original * variant, axis=1)
        assert cosine.mean() >= 0.99, f"{name}: mean cosine {cosine.mean():.4f}"
        assert cosine.min() >= 0.95, f"{name}: min cosine {cosine.min():.4f}"


def test_optimised_search_ranks_like_the_shipped_model(spec, prepared):
    """Queries from the shipped model (as in the browser) find the same top passage among optimised vectors."""
    passages, queries = _real_passages(), _real_queries()
    shipped, optimised = Encoder(spec), Encoder(spec, onnx_path=prepared.onnx_path)
    q = shipped.embed_queries(queries)
    top_shipped = np.argmax(q @ shipped.embed_passages(passages).T, axis=1)
    top3_optimised = np.argsort(-(q @ optimised.embed_passages(passages).T), axis=1)[:, :3]
    # Near-duplicate paragraphs can swap places; the best one must stay near the top.
    assert np.mean(top3_optimised[:, 0] == top_shipped) >= 0.85
    assert np.mean([t in row for t, row in zip(top_shipped, top3_optimised)]) >= 0.97


def test_a_prepared_model_is_reused_not_rebuilt(spec, prepared):
    cache_dir = prepared.onnx_path.parent.parent
    before = prepared.onnx_path.stat().st_mtime_ns
    again = build_model(spec, cache_dir, optimize=True)
    assert again == prepared and prepared.onnx_path.stat().st_mtime_ns == before


def test_optimize_off_runs_the_shipped_model_under_its_own_fingerprint(spec, tmp_path):
    plain = build_model(spec, tmp_path, optimize=False)
    assert (plain.onnx_path, plain.key_fingerprint, plain.variant) == (spec.onnx_path, spec.fingerprint, "")
    assert not (tmp_path / "models").exists()


def test_a_model_that_cannot_be_optimised_warns_once_and_runs_as_is(spec, tmp_path, caplog):
    broken = tmp_path / "not-a-model.onnx"
    broken.write_bytes(b"this is no ONNX file")
    odd = dataclasses.replace(spec, onnx_path=broken)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.embed"):
        first = build_model(odd, tmp_path / "cache", optimize=True)
        second = build_model(odd, tmp_path / "cache", optimize=True)
    assert first == second and first.onnx_path == broken and first.key_fingerprint == odd.fingerprint
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("embed: cannot prepare the optimised build model")
