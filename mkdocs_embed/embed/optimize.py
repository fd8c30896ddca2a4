"""Prepare the build-time model: fused graph and int8 matrix products, cached by fingerprint.

The shipped default model stores int8 *weights* that onnxruntime expands to
fp32 when it loads them, so it computes in fp32. For the build we derive a
variant that really computes in int8: fold the weights to fp32, fuse each
attention into one ``Attention`` node (fuse.py: the optimiser doesn't
recognise the dynamo export's attention), fuse GELU (as its tanh
approximation) with onnxruntime's transformer optimiser, then quantize the
MatMuls and Attentions dynamically, per channel. Its vectors differ slightly from the
shipped model's (cosine ≥ 0.99, checked in tests/test_optimize.py), so the
variant is part of every cache key; the browser keeps the shipped model.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..log import log
from ..model.derived import derive_once
from ..model.spec import ModelSpec

VARIANT = "int8pc-attn-v4"
"""Names the recipe below; change it whenever the recipe changes, so vectors are re-embedded."""
MIN_COSINE = 0.99
CHECK_TEXTS = [
    "Install the plugin with pip and add it to the plugins list of mkdocs.yml.",
    "The build embeds every section once and caches vectors by content hash, so a typo fix re-embeds one chunk.",
    "Set threads to the number of cores onnxruntime may use; zero lets it choose.",
    "How do I exclude a page from search results?",
    "HNSW graph links are stored per level, with the entry point first.",
    "Troubleshooting: the model file is damaged; reinstall the package that ships it.",
]
"""Passages the prepared variant must embed like the original (mean cosine ≥ MIN_COSINE)."""


@dataclass(frozen=True)
class BuildModel:
    """The ONNX file the build runs, and the fingerprint its vectors are cached under."""

    onnx_path: Path
    key_fingerprint: str
    variant: str = ""


def build_model(spec: ModelSpec, cache_dir: Path, optimize: bool) -> BuildModel:
    """The model to embed with: the prepared variant when possible, else the shipped file.

    A variant is prepared once per user (seconds) and reused from ``cache_dir/models``,
    where ``cache_dir`` is the per-user cache (:mod:`..user_cache`) in a build.
    A model that cannot be prepared is remembered, so the warning and the
    wasted work happen once.
    """
    plain = BuildModel(spec.onnx_path, spec.fingerprint)
    if not optimize:
        return plain
    target = cache_dir / "models" / f"{spec.fingerprint}-{VARIANT}.onnx"
    if not derive_checked(spec, target, prepare, "the optimised build model"):
        return plain
    key = hashlib.sha256(f"{spec.fingerprint}\0{VARIANT}".encode()).hexdigest()[:16]
    return BuildModel(target, key, VARIANT)


def prepare(onnx_path: Path) -> bytes:
    """The optimised, int8-compute model derived from ``onnx_path``, serialised."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    from .fuse import fuse_attention_file

    with tempfile.TemporaryDirectory(prefix="mkdocs-embed-") as tmp:
        folded, attention, fused, quantized = (
            Path(tmp) / name for name in ("folded.onnx", "attention.onnx", "fused.onnx", "int8.onnx")
        )
        _fold_constants(onnx_path, folded)
        fuse_attention_file(folded, attention)
        with quiet("onnxruntime.transformers", ""):  # both chat on the root and their own loggers
            # heads and hidden size 0: the optimiser reads them from the graph
            fused_model = optimizer.optimize_model(
                str(attention), model_type="bert", num_heads=0, hidden_size=0, opt_level=0, use_gpu=False,
                optimization_options=_fusions(),
            )
            fused_model.save_model_to_file(str(fused))
            # Attention becomes QAttention: its Q, K and V projections are one int8 product.
            quantize_dynamic(
                fused, quantized, per_channel=True, reduce_range=False,
                weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Attention"],
            )
        return quantized.read_bytes()


def _fusions():
    """The optimiser's fusions, tuned for CPU speed.

    No SkipLayerNormalization: slower than what it replaces (encoder._SLOWER_FUSIONS).
    GELU as its tanh approximation (FastGelu): 1.1 ns per element against 1.6
    for the exact erf form, 3-5% of the model's time; its error (~1e-3) is
    small beside int8 rounding, and the vectors' cosine to fp32 is unchanged.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions

    options = FusionOptions("bert")
    options.enable_skip_layer_norm = False
    options.enable_gelu_approximation = True
    return options


@contextlib.contextmanager
def quiet(*names: str) -> Iterator[None]:
    """Hold these loggers at ERROR: the optimiser's advice is noise in a build log."""
    loggers = [logging.getLogger(name or None) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def derive_checked(spec: ModelSpec, target: Path, transform: Callable[[Path], bytes], what: str) -> bool:
    """Make ``target`` from the model's ONNX file once, kept only if its vectors agree with the model's
    (build and browser models must embed alike); False, with one warning, when it can't be."""

    def make() -> bytes:
        log.info("embed: preparing %s for %s (once per model)", what, spec.name)
        made = transform(spec.onnx_path)
        check_agreement(spec, made)
        return made

    return derive_once(target, make, f"prepare {what} for {spec.name}")


def check_agreement(spec: ModelSpec, prepared: bytes) -> None:
    """Refuse a variant whose vectors stray from the original's: build and browser models must embed alike."""
    import numpy as np

    from .encoder import Encoder

    with tempfile.TemporaryDirectory(prefix="mkdocs-embed-") as tmp:
        path = Path(tmp) / "prepared.onnx"
        path.write_bytes(prepared)
        original = Encoder(spec).embed_passages(CHECK_TEXTS)
        variant = Encoder(spec, onnx_path=path).embed_passages(CHECK_TEXTS)
    cosine = float(np.mean(np.sum(original * variant, axis=1)))
    if not cosine >= MIN_COSINE:
        raise ValueError(f"its vectors agree with the original's at cosine {cosine:.3f} only, below {MIN_COSINE}")


def _fold_constants(source: Path, target: Path) -> None:
    """Expand weight-only int8 (Cast → Mul by scale) into plain fp32 initialisers.

    onnxruntime's basic level is exactly constant folding plus standard ONNX
    rewrites, and it saves the result as a portable ONNX file.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
