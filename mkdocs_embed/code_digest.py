"""The code that shapes the index files: what every cached result depends on besides its inputs.

One digest for both caches of a build: :mod:`.last_build` (is the last
build's index still the one this code would write?) and
:mod:`.store.derived` (is a derived file still what this code would make?).
It imports no library, so that a rebuild with nothing to do stays cheap.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

from . import __version__
from .filehash import stat_signature

LIBRARIES = ("numpy", "zstandard", "hnswlib", "snowballstemmer", "tokenizers", "lxml")
"""Libraries that shape the index files besides this package."""


@functools.lru_cache(maxsize=1)
def code_digest(package: Path = Path(__file__).parent) -> str:
    """This package's sources, by content (2 ms), and each library's installed version, once per process.

    By content and version rather than by stat: a fresh checkout or
    reinstall of the same code (a CI run that restores the cache folder)
    keeps every cached result.
    """
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        digest.update(f"{name}={_installed(name)}\0".encode())
    return digest.hexdigest()


def _installed(name: str) -> str:
    """The library's dist-info folder name (it holds the version), found without importing it or
    scanning every installed package (importlib.metadata takes 40 ms for these six); else its file's stat."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return "absent"
    origin = Path(spec.origin)
    site = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    prefix = name.lower() + "-"
    infos = sorted(entry for entry in _listing(site) if entry.lower().startswith(prefix) and entry.endswith(".dist-info"))
    return ",".join(infos) if infos else repr(stat_signature(origin))


@functools.lru_cache(maxsize=8)
def _listing(folder: Path) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()
