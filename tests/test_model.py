"""Model resolution: the default model, local folders, the hub, and damaged files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mkdocs_embed
from mkdocs_embed.embed import Encoder
from mkdocs_embed.errors import EmbedError
from mkdocs_embed.model import resolve_model
from mkdocs_embed.model.default import default_files
from mkdocs_embed.settings import ModelSettings
from tests.hub_server import serve_hub


def _hub_layout(folder: Path, pooling: str = "mean") -> Path:
    """The default model's files laid out as a sentence-transformers repo."""
    onnx, tokenizer = default_files()
    (folder / "onnx").mkdir(parents=True)
    (folder / "1_Pooling").mkdir()
    shutil.copy(onnx, folder / "onnx" / "model.onnx")
    shutil.copy(tokenizer, folder / "tokenizer.json")
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({
        "pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_cls_token": pooling == "cls",
    }))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "type": "sentence_transformers.models.Normalize"},
    ]))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 256}))
    return folder


def test_default_model_is_minilm_with_its_real_limit():
    spec = resolve_model(ModelSettings())
    assert spec.pooling == "mean" and spec.normalize and spec.max_tokens == 256
    texts = ["How do I install the plugin?", "Install it with pip.", "The weather is nice today."]
    vectors = Encoder(spec).embed_passages(texts)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.3


def test_long_text_is_not_cut_at_the_tokenizer_files_128(tmp_path):
    encoder = Encoder(resolve_model(ModelSettings()))
    assert encoder.count_tokens(["word " * 400]) == [256]


def test_local_directory_reads_sentence_transformers_metadata(tmp_path):
    folder = _hub_layout(tmp_path / "model", pooling="cls")
    spec = resolve_model(ModelSettings(name=str(folder), query_prefix="query: "))
    assert (spec.pooling, spec.normalize, spec.max_tokens, spec.query_prefix) == ("cls", True, 256, "query: ")
    assert spec.fingerprint != resolve_model(ModelSettings()).fingerprint


def test_same_files_and_settings_give_the_same_fingerprint(tmp_path):
    folder = _hub_layout(tmp_path / "model")
    assert resolve_model(ModelSettings(name=str(folder))).fingerprint == resolve_model(ModelSettings()).fingerprint


@pytest.mark.parametrize("name", ["./no/such/dir", "not a model"])
def test_missing_model_is_a_clear_error(name):
    with pytest.raises(EmbedError, match="neither 'default', an existing directory"):
        resolve_model(ModelSettings(name=name))


def test_directory_without_onnx_is_a_clear_error(tmp_path):
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(EmbedError, match="no .onnx file"):
        resolve_model(ModelSettings(name=str(tmp_path)))


def test_corrupt_model_file_is_a_clear_error(tmp_path):
    folder = _hub_layout(tmp_path / "model")
    (folder / "onnx" / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(EmbedError, match="cannot load model"):
        Encoder(resolve_model(ModelSettings(name=str(folder))))


def _resolve_in_subprocess(repo_id: str, env: dict[str, str], without_hub: bool = False) -> subprocess.CompletedProcess:
    """huggingface_hub reads HF_ENDPOINT at import time, so each case gets a fresh interpreter."""
    code = (
        ("import sys; sys.modules['huggingface_hub'] = None\n" if without_hub else "")
        + "import sys; from mkdocs_embed.model import resolve_model; from mkdocs_embed.settings import ModelSettings\n"
        "from mkdocs_embed.errors import EmbedError\n"
        f"try:\n  s = resolve_model(ModelSettings(name={repo_id!r})); print(s.pooling, s.max_tokens, s.fingerprint, s.onnx_path)\n"
        "except EmbedError as e:\n  print('ERROR', e); sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


def test_hub_repo_id_downloads_through_hf_endpoint_then_works_offline(tmp_path):
    layout = _hub_layout(tmp_path / "repo")
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_DISABLE_TELEMETRY": "1"}
    with serve_hub("acme/minilm", layout) as endpoint:
        online = _resolve_in_subprocess("acme/minilm", {**env, "HF_ENDPOINT": endpoint})
    assert online.returncode == 0, online.stdout + online.stderr
    pooling, limit, fingerprint, onnx = online.stdout.split()
    assert (pooling, limit) == ("mean", "256")
    assert fingerprint == resolve_model(ModelSettings()).fingerprint
    assert str(tmp_path / "hf") in onnx

    offline = _resolve_in_subprocess("acme/minilm", {**env, "HF_HUB_OFFLINE": "1"})
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert offline.stdout.split()[2] == fingerprint


def test_hub_repo_missing_offline_is_a_clear_error(tmp_path):
    result = _resolve_in_subprocess("acme/absent", {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 1
    assert "ERROR model 'acme/absent' is not in the Hugging Face cache" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_hub_id_without_the_hub_extra_names_the_extra(tmp_path):
    result = _resolve_in_subprocess("acme/minilm", {"HF_HOME": str(tmp_path / "hf")}, without_hub=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pip install 'mkdocs-embed[hub]'" in result.stdout, result.stdout


def test_the_default_tokenizer_ships_in_this_package():
    _, tokenizer = default_files()
    assert tokenizer.is_relative_to(Path(mkdocs_embed.__file__).parent)
    assert (tokenizer.parent / "NOTICE").is_file()
