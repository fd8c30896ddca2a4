"""The ``vectors`` file (int8, one scale per vector) and the ``keys`` file (cache keys, for later builds).

Mirrored by ``js/src/core/format/vectors.ts``, which reads no keys.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

from .base import FileKind, FormatError

VECTORS = FileKind("vectors", "i8.zst")
KEYS = FileKind("keys", "bin.zst")
KEY_BYTES = 16
"""Bytes of a chunk's cache key, kept per chunk in the ``keys`` file for reuse by later builds."""


def encode_vectors(scales: np.ndarray, q: np.ndarray) -> bytes:
    n, dims = q.shape
    return struct.pack("<II", n, dims) + scales.astype("<f4").tobytes() + q.astype(np.int8).tobytes()


def decode_vectors(data: bytes, n_expected: int, dims_expected: int) -> tuple[np.ndarray, np.ndarray]:
    """Scales and int8 rows, checked against the manifest's counts and dims."""
    if len(data) < 8:
        raise FormatError("vectors file is truncated")
    n, dims = struct.unpack_from("<II", data)
    if n != n_expected or dims != dims_expected:
        raise FormatError(f"vectors file holds {n}×{dims} vectors, the manifest says {n_expected}×{dims_expected}")
    if len(data) != 8 + 4 * n + n * dims:
        raise FormatError(f"vectors file has {len(data)} bytes, expected {8 + 4 * n + n * dims} for {n}×{dims}")
    scales = np.frombuffer(data, "<f4", n, 8)
    if not np.all(np.isfinite(scales)):
        raise FormatError("vectors file has non-finite scales")
    return scales, np.frombuffer(data, np.int8, n * dims, 8 + 4 * n).reshape(n, dims)


def encode_keys(keys: Sequence[bytes]) -> bytes:
    """Each chunk's cache key, back to back."""
    return b"".join(keys)


def decode_keys(data: bytes, n_expected: int) -> list[bytes]:
    if len(data) != n_expected * KEY_BYTES:
        raise FormatError(f"keys file has {len(data)} bytes, expected {n_expected * KEY_BYTES}")
    return [data[i : i + KEY_BYTES] for i in range(0, len(data), KEY_BYTES)]
