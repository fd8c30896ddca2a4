"""Attention fusion: the rewritten graph computes what the original does, or is left alone."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from mkdocs_embed.embed.fuse import fuse_attention_file
from mkdocs_embed.embed.optimize import _fold_constants
from mkdocs_embed.model import resolve_model
from mkdocs_embed.settings import ModelSettings


@pytest.fixture(scope="module")
def folded(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fuse") / "folded.onnx"
    _fold_constants(resolve_model(ModelSettings()).onnx_path, target)
    return target


def _run(path: Path, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]


def test_every_layer_of_the_default_model_becomes_one_attention_node(folded, tmp_path):
    fused = tmp_path / "fused.onnx"
    assert fuse_attention_file(folded, fused) == 6
    ops = Counter(node.op_type for node in onnx.load(str(fused)).graph.node)
    assert ops["Attention"] == 6 and not ops["Softmax"] and not ops["IsNaN"] and not ops["Transpose"]


def test_fused_attention_matches_the_original_on_real_ids_with_padding(folded, tmp_path):
    fused = tmp_path / "fused.onnx"
    fuse_attention_file(folded, fused)
    rng = np.random.default_rng(7)
    ids = rng.integers(1000, 30000, (3, 57))
    ids[:, 0] = 101
    mask = np.ones_like(ids)
    mask[1, 30:] = 0
    mask[2, 5:] = 0
    before, after = _run(folded, ids, mask), _run(fused, ids, mask)
    valid = mask.astype(bool)
    assert np.abs(before - after)[valid].max() < 1e-4


def test_a_graph_without_attention_is_written_unchanged(tmp_path):
    weight = numpy_helper.from_array(np.eye(4, dtype=np.float32), "weight")
    graph = helper.make_graph(
        [helper.make_node("Gather", ["weight", "input_ids"], ["hidden"])], "plain",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "s"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["b", "s", 4])],
        [weight],
    )
    source, target = tmp_path / "plain.onnx", tmp_path / "out.onnx"
    onnx.save(helper.make_model(graph), str(source))
    assert fuse_attention_file(source, target) == 0
    assert onnx.load(str(target)).graph == onnx.load(str(source)).graph
