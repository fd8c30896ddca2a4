"""What keeps a no-change rebuild cheap: remembered file hashes, hard-linked big files, a lazy tokenizer."""

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
from mkdocs_embed.chunk import TokenCounter
from mkdocs_embed.emit import shipped, widget
from mkdocs_embed.errors import EmbedError
from mkdocs_embed.layout import ASSET_DIR
from mkdocs_embed.user_cache import user_cache_dir


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


def test_a_placed_file_is_a_link_to_the_caches_copy_not_to_the_source(tmp_path):
    source = tmp_path / "pkg" / "runtime.wasm"
    source.parent.mkdir()
    source.write_bytes(os.urandom(1 << 16))
    target = tmp_path / "site" / "runtime.abc.wasm"
    shipped.place(source, target, tmp_path / "cache")
    (copy,) = (tmp_path / "cache" / shipped.STORE).iterdir()
    assert target.read_bytes() == source.read_bytes()
    assert target.stat().st_ino == copy.stat().st_ino != source.stat().st_ino


def test_a_write_through_a_site_link_spares_the_source_and_the_next_build(tmp_path):
    source = tmp_path / "pkg" / "model.onnx"
    source.parent.mkdir()
    original = os.urandom(1 << 16)
    source.write_bytes(original)
    cache = tmp_path / "cache"
    first = tmp_path / "site1" / "model.onnx"
    shipped.place(source, first, cache)
    with open(first, "r+b") as fh:  # a post-processor rewriting a site file in place
        fh.write(b"minified!")
    second = tmp_path / "site2" / "model.onnx"
    shipped.place(source, second, cache)
    assert source.read_bytes() == original
    assert second.read_bytes() == original
    assert len(list((cache / shipped.STORE).iterdir())) == 1


def test_a_placed_file_is_copied_where_links_cannot_reach(tmp_path):
    other = Path("/dev/shm")
    if not other.is_dir() or other.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs a second filesystem (/dev/shm)")
    source = tmp_path / "runtime.wasm"
    source.write_bytes(b"wasm bytes")
    site = other / f"mkdocs-embed-test-{os.getpid()}"
    try:
        shipped.place(source, site / "runtime.wasm", tmp_path / "cache")
        assert (site / "runtime.wasm").read_bytes() == b"wasm bytes"
        assert (site / "runtime.wasm").stat().st_nlink == 1
    finally:
        for child in site.glob("*"):
            child.unlink()
        site.rmdir()


def test_the_widget_gets_the_same_names_linked_or_copied(tmp_path):
    copied = widget.install_widget(tmp_path / "a")
    linked = widget.install_widget(tmp_path / "b", cache_dir=tmp_path / "cache")
    assert copied == linked
    for name in linked.values():
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
        assert (tmp_path / "b" / name).stat().st_nlink == 2


def test_a_built_site_links_the_runtime_and_the_model_from_the_cache(example_project):
    store = {p.stat().st_ino for p in (user_cache_dir() / shipped.STORE).iterdir()}
    big = [p for p in (example_project.site / ASSET_DIR).iterdir() if p.suffix in (".wasm", ".onnx")]
    assert len(big) == 2 and all(p.stat().st_ino in store for p in big)


def test_a_no_change_rebuild_rewrites_neither_chunks_nor_vectors(example_project, tmp_path):
    """The home page's build-date comment (MkDocs' own theme) does not count as a change."""
    project = example_project.copy(tmp_path / "site")
    project.build()
    from mkdocs_embed.store.sites import site_folder  # the plugin files its records under the site_name

    files = [site_folder(project.cache, "mkdocs-embed") / "chunks.json", project.cache / "vectors.bin"]
    written = {path: path.stat().st_mtime_ns for path in files}
    project.build()
    assert {path: path.stat().st_mtime_ns for path in files} == written


def test_the_tokenizer_is_read_at_the_first_count(tmp_path):
    damaged = tmp_path / "tokenizer.json"
    damaged.write_text("{not json")
    counter = TokenCounter.from_file(damaged)  # a rebuild that chunks nothing never reads it
    with pytest.raises(EmbedError, match="cannot read the tokenizer"):
        counter.count("hello")
