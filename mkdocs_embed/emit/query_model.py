"""The query encoder the browser downloads: the configured model, its word-embedding table in 4 bits.

The browser only embeds queries of a few tokens, so its model can be smaller
than the build's. Of the levers measured (example-site/docs/guides/models.md,
"The model the browser downloads"), one keeps the query vectors where they
were: the word-embedding table, half of the default model's bytes, becomes
onnxruntime's ``GatherBlockQuantized`` with 4-bit asymmetric blocks of 32
along each row, quantized by onnxruntime's own ``MatMulNBitsQuantizer``.
A query reads a few rows of that table, so the rounding barely moves its
vector. Every other weight stays as the model has it: 4-bit matrix products
moved query vectors to a cosine of 0.94-0.97.
"""

from __future__ import annotations

from pathlib import Path

from ..embed.optimize import derive_checked, quiet
from ..model.spec import ModelSpec

RECIPE = "emb4b32-v1"
"""Names the recipe below; change it whenever the recipe changes."""
BLOCK = 32
"""Values per scale: blocks of 16 kept 0.001 more cosine for 1.6 MB more; 64 lost 0.002 more."""
TOKEN_INPUT = "input_ids"


def query_model(spec: ModelSpec, cache_dir: Path | None) -> Path:
    """The ONNX file to ship for the browser: the compact variant when it can be made, else the model itself.

    Made once per model (seconds) into ``cache_dir/models``.
    """
    if cache_dir is None:
        return spec.onnx_path
    target = cache_dir / "models" / f"{spec.fingerprint}-query-{RECIPE}.onnx"
    return target if derive_checked(spec, target, compact, "the browser's query model") else spec.onnx_path


def compact(onnx_path: Path) -> bytes:
    """``onnx_path`` with its word-embedding table quantized to 4-bit blocks, serialised."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    model = onnx.load(str(onnx_path))
    gather = _word_embeddings(model.graph)
    config = DefaultWeightOnlyQuantConfig(
        block_size=BLOCK, is_symmetric=False, op_types_to_quantize=("Gather",), quant_axes=(("Gather", 1),),
    )
    with quiet("onnxruntime.quantization.matmul_nbits_quantizer"):  # it warns that it raises the opset to 21
        others = [node.name for node in model.graph.node if node is not gather]  # the position and type tables
        quantizer = MatMulNBitsQuantizer(model, nodes_to_exclude=others, algo_config=config)
        quantizer.process()
    if not any(node.op_type == "GatherBlockQuantized" for node in quantizer.model.model.graph.node):
        raise ValueError("onnxruntime's quantizer left the word-embedding table as it was")
    return quantizer.model.model.SerializeToString()


def _word_embeddings(graph):  # onnx.GraphProto -> onnx.NodeProto
    """The Gather that looks the input ids up, with its table made a plain fp32 weight (the quantizer's input)."""
    from onnx import numpy_helper

    gather = next((n for n in graph.node if n.op_type == "Gather" and n.input[1] == TOKEN_INPUT), None)
    if gather is None:
        raise ValueError(f"no Gather reads the model input '{TOKEN_INPUT}'")
    gather.name = gather.name or "word_embeddings"
    weights = {init.name: init for init in graph.initializer}
    if gather.input[0] in weights:
        return gather
    # Weight-only int8, as the default model stores it: Mul(Cast(int8 table), per-row scale).
    producers = {out: node for node in graph.node for out in node.output}
    mul = producers.get(gather.input[0])
    cast = next((producers[i] for i in (mul.input if mul is not None and mul.op_type == "Mul" else []) if i in producers), None)
    if mul is None or cast is None or cast.op_type != "Cast" or cast.input[0] not in weights:
        raise ValueError("the word-embedding table is neither a weight nor int8 weights times a scale")
    scale = next(i for i in mul.input if i != cast.output[0])
    if scale not in weights or any(gather.input[0] in n.input for n in graph.node if n is not gather):
        raise ValueError("the word-embedding table is shared with other operators")
    table = numpy_helper.to_array(weights[cast.input[0]]).astype("float32") * numpy_helper.to_array(weights[scale])
    for node in (cast, mul):
        graph.node.remove(node)
    for name in (cast.input[0], scale):
        if not any(name in n.input for n in graph.node):
            graph.initializer.remove(weights[name])
    graph.initializer.append(numpy_helper.from_array(table, gather.input[0]))
    return gather
