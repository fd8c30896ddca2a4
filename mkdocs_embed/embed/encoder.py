"""Run a sentence-embedding ONNX model: tokenise, infer, pool, normalise."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import EmbedError
from ..model.spec import ModelSpec
from .batches import equal_length_batches, run_in_order

MAX_BATCH_TOKENS = 2048
"""Tokens per onnxruntime call. Attention memory grows with batch × length²: at
8192 a 10k-chunk build peaked at 2.3 GB; 2048 keeps the GEMMs large enough."""
TOKENIZE_SLICE = 512


@dataclass(frozen=True)
class EmbeddedBatch:
    """Vectors of ``indices`` (positions in the input), and the tokens that cost."""

    indices: list[int]
    vectors: np.ndarray
    tokens: int


class Encoder:
    """Embeds passages and queries exactly as the browser's query encoder does."""

    def __init__(self, spec: ModelSpec, threads: int = 0, provider: str = "cpu", onnx_path: os.PathLike | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.spec = spec
        try:
            self._tokenizer = Tokenizer.from_file(str(spec.tokenizer_path))
        except Exception as exc:  # tokenizers raises bare Exception on bad JSON
            raise EmbedError(f"cannot load tokenizer {spec.tokenizer_path}: {exc}") from exc
        # The shipped tokenizer.json may pad and truncate at its own length; the
        # model's real limit is set here and texts are never padded.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=spec.max_tokens)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.inter_op_num_threads = 1
        # On CPU, batches run side by side, one core each, rather than one
        # batch at a time on all cores: the batches are small (equal lengths),
        # so onnxruntime's threads spent much of each of the model's ~100
        # operators waiting for each other; 2 one-thread runs measured 1.2-1.5×
        # the chunks/s of one 2-thread run (bench/embed_bench.py).
        self._workers = 1 if provider == "cuda" else (threads or _usable_cores())
        options.intra_op_num_threads = threads if provider == "cuda" else 1
        # Idle threads sleep instead of spinning: on a busy machine (CI, a shared
        # runner, a laptop running `mkdocs serve` and a browser) spinning
        # threads steal each other's cores; measured with bench/embed_bench.py
        # under load, 2 spinning threads ran at 0.6× the speed of 2 sleeping ones.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if provider == "cuda" else ["CPUExecutionProvider"]
        if provider == "cuda" and "CUDAExecutionProvider" not in ort.get_available_providers():
            raise EmbedError("provider 'cuda' needs onnxruntime-gpu and a CUDA device; use provider: cpu")
        model_file = str(onnx_path or spec.onnx_path)
        try:
            self._session = ort.InferenceSession(
                model_file, sess_options=options, providers=providers, disabled_optimizers=_SLOWER_FUSIONS,
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EmbedError(f"cannot load model {model_file}: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts after truncation, special tokens included."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts))]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for chunk texts, with the model's passage prefix."""
        return self._collect(self.iter_passages(texts), len(texts))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for search queries, with the model's query prefix."""
        return self._collect(self._iter([self.spec.query_prefix + t for t in texts]), len(texts))

    def iter_passages(self, texts: Sequence[str]) -> Iterator[EmbeddedBatch]:
        """Embed chunk texts batch by batch, longest first, so a caller can checkpoint as it goes."""
        return self._iter([self.spec.passage_prefix + t for t in texts])

    def _iter(self, texts: list[str]) -> Iterator[EmbeddedBatch]:
        # One tokeniser call for all texts (Rust, parallel, a few % of the
        # embedding time): the lengths of every text are then known, so equal
        # lengths anywhere in the input share a batch.
        # Tokenizer objects are large; keep only their ids, a slice at a time.
        ids: list[np.ndarray] = []
        for start in range(0, len(texts), TOKENIZE_SLICE):
            ids += [np.array(e.ids, np.int64) for e in self._tokenizer.encode_batch(texts[start : start + TOKENIZE_SLICE])]
        batches = equal_length_batches([len(i) for i in ids], MAX_BATCH_TOKENS)
        if self._workers == 1 or len(batches) == 1:
            yield from (self._embed(batch, ids) for batch in batches)
            return
        yield from run_in_order(lambda batch: self._embed(batch, ids), batches, self._workers, "embed")

    def _embed(self, batch: list[int], ids: list[np.ndarray]) -> EmbeddedBatch:
        tokens = np.stack([ids[i] for i in batch])
        return EmbeddedBatch(batch, self._run(tokens), tokens.size)

    @staticmethod
    def _collect(batches: Iterator[EmbeddedBatch], count: int) -> np.ndarray:
        out: np.ndarray | None = None
        for done in batches:
            if out is None:
                out = np.empty((count, done.vectors.shape[1]), dtype=np.float32)
            out[done.indices] = done.vectors
        return out if out is not None else np.empty((0, 0), dtype=np.float32)

    def _run(self, ids: np.ndarray) -> np.ndarray:
        mask = np.ones_like(ids)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        if hidden.ndim == 2:  # the model pools for us
            pooled = hidden
        elif self.spec.pooling == "cls":
            pooled = hidden[:, 0, :]
        else:  # no padding, so the mean over the attention mask is a plain mean
            pooled = hidden.mean(axis=1)
        pooled = pooled.astype(np.float32)
        if self.spec.normalize:
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            pooled = pooled / np.maximum(norms, 1e-12)
        return pooled


_SLOWER_FUSIONS = ["SkipLayerNormFusion"]
"""onnxruntime fusions that slow the model down: on an AVX2 CPU, onnxruntime
1.32's SkipLayerNormalization took 6 ns per element against 1.7 for the Add,
Add and LayerNormalization it replaces (10% of the model's time against 3%)."""


def _usable_cores() -> int:
    """Cores this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=2)
def shared_encoder(spec: ModelSpec, threads: int = 0, provider: str = "cpu", onnx_path: Path | None = None) -> Encoder:
    """One loaded session per model file, kept across the rebuilds of ``mkdocs serve``."""
    return Encoder(spec, threads=threads, provider=provider, onnx_path=onnx_path)
