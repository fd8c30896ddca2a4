"""Run a sentence-embedding ONNX model: tokenise, infer, pool, normalise."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from ..errors import EmbedError
from ..model.spec import ModelSpec
from .batches import equal_length_batches

Progress = Callable[[int], None]
"""Called with the number of texts just embedded."""


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
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if provider == "cuda" else ["CPUExecutionProvider"]
        if provider == "cuda" and "CUDAExecutionProvider" not in ort.get_available_providers():
            raise EmbedError("provider 'cuda' needs onnxruntime-gpu and a CUDA device; use provider: cpu")
        model_file = str(onnx_path or spec.onnx_path)
        try:
            self._session = ort.InferenceSession(model_file, sess_options=options, providers=providers)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EmbedError(f"cannot load model {model_file}: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts after truncation, special tokens included."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts))]

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Vectors for chunk texts, with the model's passage prefix."""
        return self._embed([self.spec.passage_prefix + t for t in texts], progress)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for search queries, with the model's query prefix."""
        return self._embed([self.spec.query_prefix + t for t in texts], None)

    def _embed(self, texts: list[str], progress: Progress | None) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        out: np.ndarray | None = None
        for batch in equal_length_batches([len(e.ids) for e in encodings]):
            ids = np.array([encodings[i].ids for i in batch], dtype=np.int64)
            vectors = self._run(ids)
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[batch] = vectors
            if progress:
                progress(len(batch))
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


@lru_cache(maxsize=2)
def shared_encoder(spec: ModelSpec, threads: int = 0, provider: str = "cpu") -> Encoder:
    """One loaded session per model, kept across the rebuilds of ``mkdocs serve``."""
    return Encoder(spec, threads=threads, provider=provider)
