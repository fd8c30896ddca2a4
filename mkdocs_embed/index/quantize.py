"""int8 quantization with one scale per vector (see the index format)."""

from __future__ import annotations

import numpy as np


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row ``scale = max|v| / 127`` and ``q = floor(v / scale + 0.5)``, in float64 math."""
    v = vectors.astype(np.float64)
    peak = np.abs(v).max(axis=1) if len(v) else np.zeros(0)
    scales = (peak / 127.0).astype(np.float32)
    safe = np.where(scales > 0, scales.astype(np.float64), 1.0)[:, None]
    q = np.clip(np.floor(v / safe + 0.5), -127, 127).astype(np.int8)
    return scales, q


def dequantize(scales: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Approximate float32 vectors back from their int8 form."""
    return (q.astype(np.float32) * scales[:, None]).astype(np.float32)
