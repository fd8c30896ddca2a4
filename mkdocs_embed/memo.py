"""Work kept from this process's previous build, for `mkdocs serve`.

Each live reload writes every page again, but only the edited ones changed:
what a build computes per page or per chunk is looked up here first. Only the
entries the latest build used are kept, so memory follows the site's size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RebuildMemo(Generic[K, V]):
    """A cache that lives from one build to the next, and forgets what a build did not ask for."""

    def __init__(self) -> None:
        self._previous: dict[K, V] = {}
        self._current: dict[K, V] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        if key in self._current:
            return self._current[key]
        value = self._previous[key] if key in self._previous else make()
        self._current[key] = value
        return value

    def seed(self, entries: dict[K, V]) -> None:
        """Start a fresh process from entries a previous process saved."""
        if not self._previous and not self._current:
            self._previous = dict(entries)

    def end_build(self) -> dict[K, V]:
        """Keep what this build used, for the next one; returns it."""
        self._previous, self._current = self._current, {}
        return self._previous
