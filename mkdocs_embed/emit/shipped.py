"""Put large files that never change (onnxruntime's wasm, the model) into a site by hard link.

MkDocs empties the site folder before every build, so these tens of MB
would be copied again on each rebuild; a link costs nothing. Links are made
to a copy that the per-user cache folder (:mod:`..user_cache`) owns, once for
every project on the machine, never to the installed package's
file: a tool that rewrites a site file in place writes through the link,
and would otherwise damage the installation. A copy damaged that way shows
a changed stat, is hashed again, and is replaced.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..atomic import copy_atomic, link_or_copy, remove_stale
from ..errors import EmbedError
from ..filehash import file_sha256
from ..log import log

STORE = "site-files"
"""Folder in the per-user cache folder that holds the copies sites link to."""


def place(source: Path, target: Path, cache_dir: Path | None) -> None:
    """Make ``target`` a file with ``source``'s bytes: a link to the cache's copy where possible, else a copy."""
    if cache_dir is not None:
        try:
            link_or_copy(owned_copy(source, cache_dir / STORE), target)
            return
        except EmbedError as exc:  # a read-only cache folder, or a copy another build just replaced: copy instead
            log.debug("embed: copying %s: %s", source.name, exc)
    link_or_copy(source, target)


def owned_copy(source: Path, store: Path) -> Path:
    """A copy of ``source`` in ``store``, named by its content, made once and re-made when damaged."""
    digest = file_sha256(source)
    copy = store / f"{digest[:16]}.{source.name}"
    try:
        if file_sha256(copy) == digest:
            return copy
    except OSError:
        pass  # not there yet
    copy_atomic(source, copy)
    earlier = re.compile(r"[0-9a-f]{16}\." + re.escape(source.name))

    def unlinked_earlier(name: str) -> bool:
        """A copy of an earlier version that nothing links to: the store is shared by every project of
        the user, and another project's site or last build may still link a copy of the same name."""
        try:
            return bool(earlier.fullmatch(name)) and (store / name).stat().st_nlink == 1
        except OSError:
            return False

    remove_stale(store, unlinked_earlier, keep={copy.name})
    return copy
