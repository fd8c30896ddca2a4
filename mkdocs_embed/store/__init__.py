"""What survives between builds: the vector cache and the last build's manifest."""

from .cache import KEY_BYTES, VectorCache, chunk_key
from .manifest import BuildManifest

__all__ = ["KEY_BYTES", "BuildManifest", "VectorCache", "chunk_key"]
