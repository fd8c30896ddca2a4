"""The compact query model the browser downloads: smaller, embeds queries as the build's model does, falls back cleanly."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from mkdocs_embed.embed import Encoder
from mkdocs_embed.embed.optimize import build_model
from mkdocs_embed.emit.query_model import query_model
from mkdocs_embed.model import resolve_model
from mkdocs_embed.settings import ModelSettings

ROOT = Path(__file__).resolve().parents[1]
# Queries with words the example site never uses, which a table cut to the site's word pieces would lose.
FOREIGN = ["automobile insurance claim", "why is the sky blue", "symptoms of influenza", "Bundesliga results", "naïve café résumé"]


@pytest.fixture(scope="module")
def spec():
    return resolve_model(ModelSettings())


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def compact(spec, cache):
    return query_model(spec, cache)


def _queries() -> list[str]:
    lines = (ROOT / "tests" / "eval" / "example-site.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()] + FOREIGN


def test_the_query_model_stores_its_word_table_in_four_bits_and_is_a_fifth_smaller(spec, compact):
    import onnx

    assert compact != spec.onnx_path
    ops = [node.op_type for node in onnx.load(str(compact)).graph.node]
    assert ops.count("GatherBlockQuantized") == 1
    assert compact.stat().st_size < 0.82 * spec.onnx_path.stat().st_size


def test_its_query_vectors_agree_with_the_model_it_replaces_and_the_builds(spec, compact, cache):
    queries = _queries()
    mine = Encoder(dataclasses.replace(spec, onnx_path=compact)).embed_queries(queries)
    original = Encoder(spec).embed_queries(queries)
    build = Encoder(spec, onnx_path=build_model(spec, cache, optimize=True).onnx_path).embed_queries(queries)
    to_original, to_build = np.sum(mine * original, axis=1), np.sum(mine * build, axis=1)
    assert to_original.min() >= 0.995, f"min cosine {to_original.min():.4f} to the shipped model"
    # The build's int8 variant is itself at a mean cosine of 0.995 to the shipped model (test_optimize.py):
    # the compact model may add to that distance no more than the 4-bit rounding does on RHDH's queries.
    was = np.sum(original * build, axis=1)
    assert to_build.mean() >= 0.99 and to_build.mean() >= was.mean() - 0.003
    assert np.all(to_build >= was - 0.01), f"worst query lost {np.max(was - to_build):.4f}"


def test_a_query_model_is_reused_not_rebuilt(spec, compact, cache):
    before = compact.stat().st_mtime_ns
    assert query_model(spec, cache) == compact and compact.stat().st_mtime_ns == before


def test_a_model_without_a_word_table_ships_as_it_is_with_one_warning(spec, tmp_path, caplog):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["input_ids"], ["out"])], "plain",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, None])],
        [helper.make_tensor_value_info("out", TensorProto.INT64, [1, None])],
    )
    plain = tmp_path / "plain.onnx"
    onnx.save(helper.make_model(graph), str(plain))
    odd = dataclasses.replace(spec, onnx_path=plain)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.embed"):
        assert query_model(odd, tmp_path / "cache") == plain
        assert query_model(odd, tmp_path / "cache") == plain
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no Gather reads the model input 'input_ids'" in warnings[0], warnings


def test_a_missing_library_is_not_remembered_as_a_bad_model(spec, tmp_path, monkeypatch, caplog):
    """The per-user cache is shared by every environment: one without onnx-ir must not turn the copy off for all."""
    from mkdocs_embed.emit import query_model as module

    def missing(_path):
        raise ImportError("No module named 'onnx_ir'")

    monkeypatch.setattr(module, "compact", missing)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.embed"):
        assert query_model(spec, tmp_path) == spec.onnx_path
    assert "until that is installed" in caplog.text
    monkeypatch.undo()
    made = query_model(spec, tmp_path)
    assert made != spec.onnx_path and made.is_file()
