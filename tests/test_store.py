"""The vector cache survives kills and damage, and says so when it can't."""

from __future__ import annotations

import numpy as np
import pytest

from mkdocs_embed.atomic import write_atomic
from mkdocs_embed.errors import EmbedError
from mkdocs_embed.store import BuildManifest, VectorCache, chunk_key
from mkdocs_embed.store.cache import decode_pack, encode_pack


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 8)).astype(np.float32)


def _keys(n: int, tag: str = "") -> list[bytes]:
    return [chunk_key("model", "chunker", f"{tag}text {i}") for i in range(n)]


def test_key_changes_with_model_chunker_and_text():
    base = chunk_key("m1", "c1", "text")
    assert len({base, chunk_key("m2", "c1", "text"), chunk_key("m1", "c2", "text"), chunk_key("m1", "c1", "text!")}) == 4
    assert chunk_key("m1", "c1", "text") == base


def test_pack_round_trip_is_byte_identical():
    keys, vectors = _keys(5), _vectors(5)
    got_keys, got = decode_pack(encode_pack(keys, vectors))
    assert got_keys == keys and got.tobytes() == vectors.tobytes()


@pytest.mark.parametrize("damage", [lambda b: b[:-1], lambda b: b[:10], lambda b: b[:40] + bytes([b[40] ^ 1]) + b[41:]])
def test_damaged_pack_is_detected(damage):
    with pytest.raises(ValueError):
        decode_pack(damage(encode_pack(_keys(3), _vectors(3))))


def test_checkpoints_survive_a_build_that_never_compacts(tmp_path):
    cache = VectorCache(tmp_path)
    cache.add(_keys(4), _vectors(4))
    cache.checkpoint()  # the build is killed after this
    reopened = VectorCache(tmp_path)
    assert len(reopened) == 4
    assert reopened.get(_keys(4)[2]).tobytes() == _vectors(4)[2].tobytes()


def test_compact_keeps_live_keys_and_drops_the_rest(tmp_path):
    cache = VectorCache(tmp_path)
    cache.add(_keys(6), _vectors(6))
    cache.checkpoint()
    assert cache.compact(_keys(6)[:2]) == 4
    assert not list((tmp_path / "segments").glob("*.bin"))
    assert len(VectorCache(tmp_path)) == 2


def test_corrupt_cache_is_set_aside_with_a_warning(tmp_path, caplog):
    cache = VectorCache(tmp_path)
    cache.add(_keys(3), _vectors(3))
    cache.compact(_keys(3))
    (tmp_path / "vectors.bin").write_bytes(b"garbage" * 10)
    reopened = VectorCache(tmp_path)
    assert len(reopened) == 0
    assert "unreadable" in caplog.text
    assert (tmp_path / "vectors.corrupt").exists()


def test_damaged_segment_loses_only_itself(tmp_path):
    cache = VectorCache(tmp_path)
    cache.add(_keys(2, "a"), _vectors(2))
    cache.checkpoint()
    cache.add(_keys(2, "b"), _vectors(2, 1))
    cache.checkpoint()
    first = sorted((tmp_path / "segments").glob("*.bin"))[0]
    first.write_bytes(first.read_bytes()[:-5])
    assert len(VectorCache(tmp_path)) == 2


def test_manifest_round_trip_and_damage(tmp_path, caplog):
    path = tmp_path / "manifest.json"
    BuildManifest("fp", "model", "chunks", {"a/": ["k1", "k2"]}).save(path)
    loaded = BuildManifest.load(path)
    assert loaded is not None and loaded.keys() == {"k1", "k2"}
    path.write_text("{not json")
    assert BuildManifest.load(path) is None
    assert "ignoring unreadable build manifest" in caplog.text


def test_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(EmbedError, match="cannot write"):
        write_atomic(blocker / "vectors.bin", b"data")


def test_chunk_cache_round_trip_and_damage(tmp_path, caplog):
    from mkdocs_embed.chunk import Chunk
    from mkdocs_embed.store.chunks import load_chunks, save_chunks

    pages = {b"\x02" * 32: b"\x01" * 32}
    chunks = {b"\x01" * 32: [Chunk("a/", "x", "A", ("A", "X"), "text ✓")]}
    save_chunks(tmp_path / "chunks.json", pages, chunks)
    assert load_chunks(tmp_path / "chunks.json") == (pages, chunks)
    (tmp_path / "chunks.json").write_text('{"format": 2, "pages": {"zz": 3}, "chunks": {}}')
    assert load_chunks(tmp_path / "chunks.json") == ({}, {})
    assert "ignoring unreadable chunk cache" in caplog.text
