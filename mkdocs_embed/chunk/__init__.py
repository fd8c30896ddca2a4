"""Chunk: rendered pages → heading-scoped pieces of text that fit the model."""

from .page import chunk_page
from .tokens import TokenCounter
from .types import Chunk

__all__ = ["Chunk", "TokenCounter", "chunk_page"]
