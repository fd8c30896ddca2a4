"""The project's cache folder holds only what its pages decide; the model's files live once per user."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs

from mkdocs_embed.emit import shipped
from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.user_cache import ENV, user_cache_dir


def folder_bytes(folder: Path) -> int:
    """Bytes a cache action would archive: every file, hard links counted once."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        if path.is_file() and (path.stat().st_ino, path.stat().st_dev) not in seen:
            seen.add((path.stat().st_ino, path.stat().st_dev))
            total += path.stat().st_size
    return total


def test_the_cache_folder_holds_no_model_and_no_runtime(example_project):
    names = [p.relative_to(example_project.cache).as_posix() for p in example_project.cache.rglob("*") if p.is_file()]
    assert not [n for n in names if n.endswith((".onnx", ".wasm")) or "tokenizer" in n], names
    assert not (example_project.cache / "models").exists() and not (example_project.cache / shipped.STORE).exists()
    # the target, 5 MB for 1,000 chunks (vectors, chunks, derived index files, the last build's index)
    chunks = json.loads((example_project.site / ASSET_DIR / MANIFEST).read_text())["counts"]["chunks"]
    assert folder_bytes(example_project.cache) < 5_000 * chunks


def test_the_model_files_are_prepared_and_kept_once_per_user(example_project):
    models = list((user_cache_dir() / "models").glob("*-int8pc-attn-*.onnx"))
    assert models, "the optimised build model is prepared in the per-user cache"
    assert {p.suffix for p in (user_cache_dir() / shipped.STORE).iterdir()} >= {".onnx", ".wasm"}


def test_the_user_cache_follows_the_platform_and_the_override(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV, raising=False)
    assert user_cache_dir() == Path(platformdirs.user_cache_dir("mkdocs-embed", appauthor=False))
    monkeypatch.setenv(ENV, str(tmp_path / "elsewhere"))
    assert user_cache_dir() == tmp_path / "elsewhere"


def test_a_missing_library_is_not_remembered_as_a_model_that_cannot_be_derived(tmp_path, caplog):
    from mkdocs_embed.model.derived import derive_once

    target = tmp_path / "models" / "abc-variant.onnx"

    def missing() -> bytes:
        raise ImportError("No module named 'onnx_ir'")

    def broken() -> bytes:
        raise ValueError("the graph has no attention")

    assert derive_once(target, missing, "prepare abc") is False
    assert not list((tmp_path / "models").glob("*.failed")) if (tmp_path / "models").exists() else True
    assert derive_once(target, lambda: b"model", "prepare abc") is True and target.read_bytes() == b"model"
    other = tmp_path / "models" / "def-variant.onnx"
    assert derive_once(other, broken, "prepare def") is False
    assert other.with_name(other.name + ".failed").exists()  # a real failure is remembered
    assert "onnx_ir" in caplog.text and "no attention" in caplog.text
