"""The per-user cache folder: files that depend on the installed model and plugin, not on the docs.

The prepared build model (embed/optimize.py) and the copies that sites link
the model and the WebAssembly runtime to (emit/shipped.py) are the same for
every project on a machine, and are most of a cache's bytes; kept here, once
per user, the project's ``cache_dir`` holds only what its pages decide and
stays small enough to restore in CI on every run. The folder follows the
platform's convention (``~/.cache/mkdocs-embed`` on Linux, where
``XDG_CACHE_HOME`` moves it; ``~/Library/Caches/mkdocs-embed`` on macOS;
``%LOCALAPPDATA%\\mkdocs-embed\\Cache`` on Windows), and ``MKDOCS_EMBED_USER_CACHE``
overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV = "MKDOCS_EMBED_USER_CACHE"


def user_cache_dir() -> Path:
    """The per-user cache folder; not created here, but by whoever writes into it first."""
    override = os.environ.get(ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir("mkdocs-embed", appauthor=False))
