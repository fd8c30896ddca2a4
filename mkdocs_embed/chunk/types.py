"""The chunk: one searchable piece of a page."""

from __future__ import annotations

from dataclasses import dataclass

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Chunk:
    url: str
    anchor: str
    """Id of the section's heading; ``""`` for text before the first heading with an id."""
    title: str
    """The page title."""
    path: tuple[str, ...]
    """Heading path: the page title, then each heading down to this section."""
    text: str
    """Body text of this piece, without the heading path."""

    @property
    def embed_text(self) -> str:
        """What gets embedded: the heading path gives the text its context.
        (A model's passage prefix is the embedder's business.)"""
        return embed_text(self.path, self.text)


def embed_text(path: tuple[str, ...], text: str) -> str:
    return PATH_SEPARATOR.join(path) + "\n" + text
