"""What keeps a no-change rebuild cheap: remembered file hashes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed import filehash


@pytest.fixture(autouse=True)
def _fresh_hash_memo(monkeypatch):
    """Each test starts as a fresh process would, and leaves no folder behind for the next."""
    monkeypatch.setattr(filehash, "_known", {})
    monkeypatch.setattr(filehash, "_folder", None)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digest_in_fresh_process(path: Path, folder: Path) -> str:
    code = (
        "import sys; from pathlib import Path; from mkdocs_embed import filehash\n"
        "filehash.remember_in(Path(sys.argv[2])); print(filehash.file_sha256(sys.argv[1]))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path), str(folder)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_a_digest_is_kept_for_the_next_process_while_size_mtime_and_inode_stay(tmp_path):
    data = tmp_path / "model.onnx"
    data.write_bytes(b"A" * 4096)
    filehash.remember_in(tmp_path / "cache")
    first = filehash.file_sha256(data)
    assert first == _sha(data)
    # Rewrite the bytes in place and put the mtime back: only a remembered digest can still say "A"s.
    stat = data.stat()
    with open(data, "r+b") as fh:
        fh.write(b"B" * 4096)
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _digest_in_fresh_process(data, tmp_path / "cache") == first


def test_a_changed_file_is_hashed_again(tmp_path):
    data = tmp_path / "model.onnx"
    data.write_bytes(b"first")
    filehash.remember_in(tmp_path / "cache")
    filehash.file_sha256(data)
    data.write_bytes(b"second version")
    assert filehash.file_sha256(data) == _sha(data)
    assert _digest_in_fresh_process(data, tmp_path / "cache") == _sha(data)


def test_a_damaged_hash_file_is_ignored_with_a_warning(tmp_path, caplog):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / filehash.FILE).write_text('{"format": 1, "files": {"x": [[1, 2], "zz"]}}')
    data = tmp_path / "tokenizer.json"
    data.write_text("{}")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.embed"):
        filehash.remember_in(cache)
        assert filehash.file_sha256(data) == _sha(data)
    assert "ignoring unreadable file hashes" in caplog.text
    assert json.loads((cache / filehash.FILE).read_text())["format"] == 1  # rewritten whole
