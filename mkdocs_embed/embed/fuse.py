"""Rewrite self-attention subgraphs into onnxruntime's fused ``Attention`` op.

onnxruntime's transformer optimiser recognises the attention of the legacy
torch exporter only. The torch-dynamo export of the default model spells it
differently (scale split over Q and K, a "safe" softmax with IsNaN/Where, a
mask built with GatherND), so there it fuses nothing and each layer runs some
thirty small nodes. This module finds every attention by its structure,
anchored on its Softmax:

    x → MatMul+Add (Q) ─┐
    x → MatMul+Add (K) ─┴→ MatMul → [scale, mask] → Softmax → [NaN guard] → MatMul → Transpose → Reshape
    x → MatMul+Add (V) ────────────────────────────────────────────────────────┘

and replaces it with one ``com.microsoft.Attention`` node holding the Q, K and
V weights side by side, so the three projections become one matrix product
(which the quantizer then turns into int8 ``QAttention``). Anything that
doesn't match is left alone; the caller compares outputs before trusting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = "com.microsoft"
_PASS_THROUGH = ("Transpose", "Reshape")
_GUARDS = ("IsNaN", "Where", "Cast", "Not")
"""Nodes between the Softmax and the context product: the exporter's guard against all-masked rows."""
TOLERANCE = 1e-3
"""Largest difference in any hidden state the fused graph may show (fp32 reordering gives ~1e-6)."""


@dataclass(frozen=True)
class _Projection:
    source: str
    weight: np.ndarray
    bias: np.ndarray
    scale: float


@dataclass(frozen=True)
class _Match:
    query: _Projection
    key: _Projection
    value: _Projection
    scale: float
    output: str
    """The (batch, sequence, hidden) context tensor the subgraph ends in."""


class _Graph:
    """Lookups over a graph: who produces a tensor, who reads it, constant values."""

    def __init__(self, graph: onnx.GraphProto):
        self.producer = {out: node for node in graph.node for out in node.output}
        self.consumers: dict[str, list[onnx.NodeProto]] = {}
        for node in graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.constants = {init.name: init for init in graph.initializer}

    def constant(self, name: str) -> np.ndarray | None:
        found = self.constants.get(name)
        return None if found is None else numpy_helper.to_array(found)

    def scalar(self, name: str) -> float | None:
        value = self.constant(name)
        return float(value.reshape(())) if value is not None and value.size == 1 else None


def fuse_attention_file(source: Path, target: Path) -> int:
    """Write ``source`` with its attention fused to ``target``; the number of layers fused.

    The fused graph must compute what the original does, padding included;
    if it doesn't, or nothing matched, ``target`` is the original unchanged.
    """
    model = onnx.load(str(source))
    feeds = _probe_feeds(model)
    fused = 0
    if any(node.op_type == "Softmax" for node in model.graph.node):
        fused = _fuse_attention(model, _attention_heads(model, feeds))
    if fused:
        difference = _largest_difference(source, model.SerializeToString(), feeds)
        if not difference <= TOLERANCE:
            model, fused = onnx.load(str(source)), 0
    onnx.save(model, str(target))
    return fused


def _fuse_attention(model: onnx.ModelProto, heads: int) -> int:
    """Fuse every attention subgraph of ``model`` in place; the number fused.

    ``heads`` can't be read reliably from a graph that computes its reshape
    targets at run time, so it is measured (see ``_attention_heads``).
    """
    graph = _Graph(model.graph)
    matches = [m for node in model.graph.node if node.op_type == "Softmax" if (m := _match(graph, node))]
    if not matches:
        return 0
    mask = _mask_input(model)
    replaced = {m.output for m in matches}
    kept = [node for node in model.graph.node if not set(node.output) & replaced]
    for index, match in enumerate(matches):
        prefix = f"fused_attention_{index}"
        # Q and K scaling goes into the op's scale; V's can only go into its weights.
        parts = ((match.query, 1.0), (match.key, 1.0), (match.value, match.value.scale))
        weight = np.concatenate([p.weight * s for p, s in parts], axis=1).astype(np.float32)
        bias = np.concatenate([p.bias * s for p, s in parts]).astype(np.float32)
        model.graph.initializer.extend([
            numpy_helper.from_array(weight, f"{prefix}_weight"),
            numpy_helper.from_array(bias, f"{prefix}_bias"),
        ])
        inputs = [match.query.source, f"{prefix}_weight", f"{prefix}_bias"] + ([mask] if mask else [])
        kept.append(helper.make_node(
            "Attention", inputs, [match.output], name=prefix, domain=MS_DOMAIN,
            num_heads=heads, scale=match.scale,
        ))
    del model.graph.node[:]
    model.graph.node.extend(_live(model.graph, kept))
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return len(matches)


def _probe_feeds(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    """Two sequences, the second padded: enough to see head counts and to test the mask."""
    ids = np.arange(1000, 1048).reshape(2, 24)
    mask = np.ones_like(ids)
    mask[1, 16:] = 0
    values = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    feeds = {}
    for given in model.graph.input:
        if given.name not in values:
            raise ValueError(f"unexpected model input {given.name!r}")
        dtype = onnx.helper.tensor_dtype_to_np_dtype(given.type.tensor_type.elem_type)
        feeds[given.name] = values[given.name].astype(dtype)
    return feeds


def _session(model: bytes | str):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _largest_difference(source: Path, fused: bytes, feeds: dict[str, np.ndarray]) -> float:
    """Largest difference between the two models' first outputs at unpadded positions."""
    before, after = (_session(m).run(None, feeds)[0] for m in (str(source), fused))
    if before.shape != after.shape:
        return float("inf")
    if before.ndim == 3 and "attention_mask" in feeds:
        before, after = (v[feeds["attention_mask"].astype(bool)] for v in (before, after))
    return float(np.max(np.abs(before - after)))


def _attention_heads(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> int:
    """Heads of the first attention, from the shape of its Softmax input on a real run."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    scores = next(node.input[0] for node in probe.graph.node if node.op_type == "Softmax")
    probe.graph.output.append(helper.make_tensor_value_info(scores, onnx.TensorProto.FLOAT, None))
    shape = _session(probe.SerializeToString()).run([scores], feeds)[0].shape
    if len(shape) != 4:
        raise ValueError(f"attention scores of shape {shape}, expected (batch, heads, query, key)")
    return int(shape[1])


def _match(graph: _Graph, softmax: onnx.NodeProto) -> _Match | None:
    scores, scale = _scores_product(graph, softmax.input[0])
    context = _context_product(graph, softmax.output[0])
    if scores is None or context is None:
        return None
    query, key = (_projection(graph, name) for name in scores.input)
    value = _projection(graph, context.input[1])
    output = _merged_heads(graph, context.output[0])
    if not (query and key and value and output):
        return None
    if not query.source == key.source == value.source:
        return None  # cross-attention: not what Attention computes
    return _Match(query, key, value, scale * query.scale * key.scale, output)


def _scores_product(graph: _Graph, name: str, depth: int = 4) -> tuple[onnx.NodeProto | None, float]:
    """The Q·Kᵀ MatMul feeding a Softmax through scaling and mask additions, and that scaling."""
    node = graph.producer.get(name)
    if node is None or depth == 0:
        return None, 1.0
    if node.op_type == "MatMul" and not any(i in graph.constants for i in node.input):
        return node, 1.0
    if node.op_type in ("Mul", "Div"):
        for data, factor in ((node.input[0], node.input[1]), (node.input[1], node.input[0])):
            value = graph.scalar(factor)
            if value is not None and (node.op_type == "Mul" or data == node.input[0]):
                found, scale = _scores_product(graph, data, depth - 1)
                return found, scale * (value if node.op_type == "Mul" else 1.0 / value)
    if node.op_type == "Add":  # the mask: the branch that leads to the product is the scores
        for data in node.input:
            found, scale = _scores_product(graph, data, depth - 1)
            if found is not None:
                return found, scale
    return None, 1.0


def _context_product(graph: _Graph, probabilities: str) -> onnx.NodeProto | None:
    """The MatMul that weighs V by the Softmax output, past any NaN guard."""
    frontier, seen, found = [probabilities], set(), []
    while frontier:
        name = frontier.pop()
        for node in graph.consumers.get(name, []):
            if node.op_type == "MatMul" and node.input[0] == name:
                found.append(node)
            elif node.op_type in _GUARDS and id(node) not in seen:
                seen.add(id(node))
                frontier.extend(node.output)
    return found[0] if len(found) == 1 else None


def _projection(graph: _Graph, name: str) -> _Projection | None:
    """Walk back from a head-split Q, K or V to ``x @ W + b``, collecting constant scaling."""
    scale = 1.0
    for _ in range(8):
        node = graph.producer.get(name)
        if node is None:
            return None
        if node.op_type in _PASS_THROUGH:
            name = node.input[0]
        elif node.op_type in ("Mul", "Div") and (value := graph.scalar(node.input[1])) is not None:
            scale *= value if node.op_type == "Mul" else 1.0 / value
            name = node.input[0]
        elif node.op_type == "Mul" and (value := graph.scalar(node.input[0])) is not None:
            scale *= value
            name = node.input[1]
        elif node.op_type == "Add":
            return _linear(graph, node, scale)
        else:
            return None
    return None


def _linear(graph: _Graph, add: onnx.NodeProto, scale: float) -> _Projection | None:
    for data, bias_name in ((add.input[0], add.input[1]), (add.input[1], add.input[0])):
        bias, matmul = graph.constant(bias_name), graph.producer.get(data)
        if bias is None or bias.ndim != 1 or matmul is None or matmul.op_type != "MatMul":
            continue
        weight = graph.constant(matmul.input[1])
        if weight is not None and weight.ndim == 2 and weight.shape[1] == bias.shape[0]:
            return _Projection(matmul.input[0], weight, bias, scale)
    return None


def _merged_heads(graph: _Graph, context: str) -> str | None:
    """The (batch, sequence, hidden) tensor: context → Transpose(0, 2, 1, 3) → Reshape."""
    readers = graph.consumers.get(context, [])
    if len(readers) != 1 or readers[0].op_type != "Transpose":
        return None
    perm = next((list(a.ints) for a in readers[0].attribute if a.name == "perm"), None)
    after = graph.consumers.get(readers[0].output[0], [])
    if perm != [0, 2, 1, 3] or len(after) != 1 or after[0].op_type != "Reshape":
        return None
    return after[0].output[0]


def _mask_input(model: onnx.ModelProto) -> str | None:
    """``attention_mask`` as the int32 (batch, sequence) mask Attention reads, if the model takes one."""
    if not any(i.name == "attention_mask" for i in model.graph.input):
        return None
    model.graph.node.append(helper.make_node(
        "Cast", ["attention_mask"], ["attention_mask_int32"], name="attention_mask_int32", to=onnx.TensorProto.INT32,
    ))
    return "attention_mask_int32"


def _live(graph: onnx.GraphProto, nodes: list[onnx.NodeProto]) -> list[onnx.NodeProto]:
    """``nodes`` without those whose outputs nobody reads, in topological order."""
    wanted = {o.name for o in graph.output}
    producer = {out: node for node in nodes for out in node.output}
    order: list[onnx.NodeProto] = []
    done: set[int] = set()
    stack = [(producer[name], False) for name in wanted if name in producer]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((producer[i], False) for i in node.input if i in producer and id(producer[i]) not in done)
    used = {i for node in order for i in node.input}
    kept_constants = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept_constants)
    return order
