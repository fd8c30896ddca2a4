"""A progress bar on long runs in a terminal, and silence elsewhere (CI logs)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

MIN_ITEMS = 64
"""Fewer items than this finish too fast for a bar to help."""


@contextlib.contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; draws a tqdm bar only when stderr is a terminal."""
    if total < MIN_ITEMS or not sys.stderr.isatty():
        yield lambda n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="chunk", leave=False, dynamic_ncols=True) as bar:
        yield bar.update
