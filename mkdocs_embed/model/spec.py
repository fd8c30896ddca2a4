"""A resolved model: files on disk plus the settings that shape its vectors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

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


def file_sha256(path: Path) -> str:
    """SHA-256 of a file; remembered while its size and mtime stay, as loading a model needs it several times."""
    stat = Path(path).stat()
    return _sha256(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _sha256(path: str, _size: int, _mtime_ns: int) -> str:
    """Read in blocks so large weights don't sit in memory twice."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
