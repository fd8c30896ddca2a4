"""A resolved model: files on disk plus the settings that shape its vectors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..filehash import file_sha256

__all__ = ["POOLINGS", "ModelSpec", "file_sha256"]

POOLINGS = ("mean", "cls")


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to reproduce a model's vectors, in Python or in the browser."""

    name: str
    onnx_path: Path
    tokenizer_path: Path
    pooling: str = "mean"
    normalize: bool = True
    query_prefix: str = ""
    passage_prefix: str = ""
    max_tokens: int = 256
    """The model's real input limit, special tokens included."""

    @cached_property
    def fingerprint(self) -> str:
        """Hash of weights, tokenizer and settings: vectors compare only under the same one."""
        digest = hashlib.sha256()
        for path in (self.onnx_path, self.tokenizer_path):
            digest.update(file_sha256(path).encode())
        settings = {
            "pooling": self.pooling,
            "normalize": self.normalize,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "max_tokens": self.max_tokens,
        }
        digest.update(json.dumps(settings, sort_keys=True).encode())
        return digest.hexdigest()[:16]
