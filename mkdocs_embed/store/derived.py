"""Files that are pure functions of their inputs and of the code, kept in the cache folder between builds.

Building the graph and the lexical index, and zstd at level 19, are most of
a no-change rebuild of a large site. Each result is kept under a name
holding the digest of its inputs and of :func:`.code_digest.code_digest`,
so any change to either makes it anew; a damaged file is made anew too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from ..atomic import remove_stale, write_atomic
from ..code_digest import code_digest

FOLDER = "derived"
"""In the cache folder."""
_CHECK = 32


class DerivedFiles:
    """Lists of byte strings, made by ``make`` once for each (kind, inputs, code); ``folder`` None keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, kind: str, inputs: Iterable[bytes], make: Callable[[], list[bytes]]) -> list[bytes]:
        """``make()``, or what it made last time for the same ``inputs`` and code; one file per kind is kept."""
        if self.folder is None:
            return make()
        digest = hashlib.sha256(code_digest().encode())
        for part in inputs:
            digest.update(hashlib.sha256(part).digest())
        path = self.folder / f"{kind}-{digest.hexdigest()[:24]}.bin"
        kept = _read(path)
        if kept is not None:
            return kept
        parts = make()
        write_atomic(path, _pack(parts))
        remove_stale(self.folder, lambda name: name.startswith(f"{kind}-") and name.endswith(".bin"), keep={path.name})
        return parts


def _pack(parts: list[bytes]) -> bytes:
    """Each part after its length (8 bytes), then the SHA-256 of all of that."""
    body = b"".join(len(part).to_bytes(8, "little") + part for part in parts)
    return body + hashlib.sha256(body).digest()


def _read(path: Path) -> list[bytes] | None:
    """The parts of a kept file; None where it is missing or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body = data[:-_CHECK]
    if len(data) < _CHECK or hashlib.sha256(body).digest() != data[-_CHECK:]:
        return None
    parts, pos = [], 0
    while pos < len(body):
        size = int.from_bytes(body[pos : pos + 8], "little")
        parts.append(body[pos + 8 : pos + 8 + size])
        pos += 8 + size
    return parts if pos == len(body) else None
