"""SHA-256 of large files, remembered by their stat so that a rebuild does not read them again.

A no-change rebuild would otherwise hash the 23 MB model and the 14 MB
onnxruntime wasm on every run. A digest is trusted while the file's size,
mtime, inode and device are those it was computed under, as git trusts its
index. (Not the ctime: adding or removing a hard link changes it, and the
site's links to the cache's copies come and go with every build.) Digests
are kept in memory, and for the next process in the folder that
:func:`remember_in` names, the build's cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from .atomic import write_atomic
from .errors import EmbedError
from .log import log

FILE = "file-hashes.json"
_FORMAT = 1
_MAX_ENTRIES = 64
"""A handful of files are hashed per build; older entries go first."""
_HEX = re.compile(r"[0-9a-f]{64}")

_known: dict[str, tuple[list[int], str]] = {}
_folder: Path | None = None


def remember_in(folder: Path) -> None:
    """Keep digests in ``folder`` too, and start from those an earlier process kept there."""
    global _folder
    if folder == _folder:
        return
    _folder = folder
    for path, entry in _load(folder / FILE).items():
        _known.setdefault(path, entry)


def stat_signature(path: os.PathLike | str) -> list[int]:
    """What a file is trusted by while it is unchanged: size, mtime, inode and device (not the ctime, see above)."""
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev]


def file_sha256(path: os.PathLike | str) -> str:
    """SHA-256 of a file, read only when it is new or its stat changed since it was last hashed."""
    key = os.path.abspath(path)
    signature = stat_signature(key)  # before reading: a write during the read then shows as a changed stat next time
    known = _known.get(key)
    if known is not None and known[0] == signature:
        return known[1]
    digest = hashlib.sha256()
    with open(key, "rb") as fh:  # in blocks, so large weights don't sit in memory twice
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    _known.pop(key, None)
    _known[key] = (signature, digest.hexdigest())
    if _folder is not None:
        _save(_folder / FILE)
    return _known[key][1]


def _load(path: Path) -> dict[str, tuple[list[int], str]]:
    try:
        raw = json.loads(path.read_bytes())
        if raw.get("format") != _FORMAT:
            raise ValueError(f"format {raw.get('format')!r}")
        entries = {}
        for name, (signature, digest) in raw["files"].items():
            if not (isinstance(signature, list) and len(signature) == 4 and all(type(v) is int for v in signature)
                    and isinstance(digest, str) and _HEX.fullmatch(digest)):
                raise ValueError(f"bad entry for {name}")
            entries[name] = (signature, digest)
        return entries
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("embed: ignoring unreadable file hashes %s (%s); the files will be hashed again", path, exc)
        return {}


def _save(path: Path) -> None:
    """Best effort: a cache folder that cannot be written costs re-hashing, not the build."""
    while len(_known) > _MAX_ENTRIES:
        del _known[next(iter(_known))]
    data = {"format": _FORMAT, "files": {name: [sig, digest] for name, (sig, digest) in _known.items()}}
    try:
        write_atomic(path, json.dumps(data).encode())
    except EmbedError as exc:
        log.debug("embed: not keeping file hashes: %s", exc)
