"""A content-addressed vector cache that a killed build cannot corrupt.

Vectors live in one compacted pack (``vectors.bin``) plus journal segments
(``segments/*.bin``) written while embedding, so a build killed half-way
keeps what it finished. Every file carries a checksum and is written
atomically; a damaged file is set aside with a warning and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..atomic import write_atomic
from ..format.vectors import KEY_BYTES
from ..log import log

_MAGIC = b"MKEMBV1\0"
_HEADER = struct.Struct("<8sII")


def chunk_key(model_fingerprint: str, chunk_fingerprint: str, embed_text: str) -> bytes:
    """The cache key of one chunk: its vector changes only when one of these does."""
    digest = hashlib.sha256()
    for part in (model_fingerprint, chunk_fingerprint, embed_text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.digest()[:KEY_BYTES]


def encode_pack(keys: list[bytes], vectors: np.ndarray) -> bytes:
    """Serialise keys and float32 vectors, with a trailing SHA-256."""
    dims = vectors.shape[1] if len(keys) else 0
    body = _HEADER.pack(_MAGIC, dims, len(keys)) + b"".join(keys) + np.ascontiguousarray(vectors, "<f4").tobytes()
    return body + hashlib.sha256(body).digest()


def decode_pack(data: bytes) -> tuple[list[bytes], np.ndarray]:
    """Inverse of :func:`encode_pack`; raises ValueError on any damage."""
    if len(data) < _HEADER.size + 32:
        raise ValueError("file too short")
    body, checksum = data[:-32], data[-32:]
    if hashlib.sha256(body).digest() != checksum:
        raise ValueError("checksum mismatch")
    magic, dims, count = _HEADER.unpack_from(body)
    if magic != _MAGIC:
        raise ValueError("not a mkdocs-embed vector file")
    keys_end = _HEADER.size + count * KEY_BYTES
    if len(body) != keys_end + count * dims * 4:
        raise ValueError("size does not match header")
    keys = [body[i : i + KEY_BYTES] for i in range(_HEADER.size, keys_end, KEY_BYTES)]
    vectors = np.frombuffer(body, dtype="<f4", offset=keys_end).reshape(count, dims)
    return keys, vectors


class VectorCache:
    """Maps chunk keys to float32 vectors, persisted under ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._vectors: dict[bytes, np.ndarray] = {}
        self._pending: dict[bytes, np.ndarray] = {}
        self._segments: list[Path] = []
        self._load()

    @property
    def _pack(self) -> Path:
        return self.folder / "vectors.bin"

    def _load(self, tries: int = 3) -> None:
        self._pack_stamp = _stamp(self._pack)
        segment_dir = self.folder / "segments"
        self._segments = sorted(segment_dir.glob("*.bin")) if segment_dir.is_dir() else []
        for path in [self._pack, *self._segments]:
            try:
                keys, vectors = decode_pack(path.read_bytes())
            except FileNotFoundError:
                if path != self._pack and tries > 1:  # another build compacted it into the pack meanwhile
                    return self._load(tries - 1)
                continue
            except (OSError, ValueError) as exc:
                self._set_aside(path, exc)
                continue
            self._vectors.update(zip(keys, vectors))

    def _catch_up(self) -> None:
        """Read the pack and segments that other processes wrote since :meth:`_load`."""
        segment_dir = self.folder / "segments"
        on_disk = set(segment_dir.glob("*.bin")) if segment_dir.is_dir() else set()
        if self._pack_stamp == _stamp(self._pack) and on_disk <= set(self._segments):
            return
        mine = dict(self._vectors)
        self._load()
        self._vectors.update(mine)  # a vector's key is its content's hash: either copy is right

    def _set_aside(self, path: Path, exc: Exception) -> None:
        """Keep a damaged file for inspection, out of the way of the rebuild."""
        log.warning("embed: cache file %s is unreadable (%s); its vectors will be embedded again", path, exc)
        try:
            os.replace(path, path.with_suffix(".corrupt"))
        except OSError:
            pass
        if path in self._segments:
            self._segments.remove(path)

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, key: bytes) -> np.ndarray | None:
        """The cached vector for ``key``, if any."""
        return self._vectors.get(key)

    def add(self, keys: Iterable[bytes], vectors: np.ndarray) -> None:
        """Remember new vectors; they reach disk at the next checkpoint."""
        for key, vector in zip(keys, vectors):
            self._vectors[key] = vector
            self._pending[key] = vector

    def checkpoint(self) -> None:
        """Write the vectors added since the last checkpoint as one journal segment."""
        if not self._pending:
            return
        keys = list(self._pending)
        # Unique across processes (and machines sharing the folder): builds of other sites may write meanwhile.
        path = self.folder / "segments" / f"{len(self._segments):06d}-{os.getpid()}-{secrets.token_hex(4)}.bin"
        write_atomic(path, encode_pack(keys, np.stack([self._pending[k] for k in keys])))
        self._segments.append(path)
        self._pending.clear()

    def compact(self, live: Iterable[bytes]) -> int:
        """Rewrite the pack with only ``live`` keys and drop the segments; returns how many were dropped.

        Call it holding the folder's lock: what other builds wrote since this cache was read is read first.
        """
        self._catch_up()
        live_keys = [k for k in dict.fromkeys(live) if k in self._vectors]
        dropped = len(self._vectors) - len(live_keys)
        if not self._pending and not self._segments and live_keys == list(self._vectors) and self._pack.exists():
            return 0  # the pack holds exactly these vectors in this order: a no-change rebuild rewrites nothing
        self._pending.clear()
        vectors = np.stack([self._vectors[k] for k in live_keys]) if live_keys else np.empty((0, 0), "<f4")
        write_atomic(self._pack, encode_pack(live_keys, vectors))
        for path in self._segments:
            try:
                path.unlink()
            except OSError:
                pass
        self._segments = []
        self._vectors = {k: self._vectors[k] for k in live_keys}
        self._pack_stamp = _stamp(self._pack)
        return dropped


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of a file's current version: a rewrite by another build changes it."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns
