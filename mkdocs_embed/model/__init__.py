"""Which model embeds: where its files are, and how its output is pooled."""

from .resolve import resolve_model
from .spec import ModelSpec

__all__ = ["ModelSpec", "resolve_model"]
