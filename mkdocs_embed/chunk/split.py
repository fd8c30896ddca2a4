"""Cut an over-long section into pieces that fit the token budget.

Cuts prefer the largest natural boundary that works: paragraphs, then lines,
then sentences, then token bounds. Consecutive pieces overlap, so a passage
that straddles a cut is still whole in one of them.

Counts are added up rather than re-measured: whitespace between units adds
no tokens for the whitespace-split tokenizers of sentence-embedding models,
and ``chunk_page`` re-counts every final chunk to hold the budget anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .tokens import TokenCounter

_TAIL_CHARS_PER_TOKEN = 24
"""The overlap is taken from this many characters per token at the end of a
piece, so that taking it does not re-tokenise whole pieces."""

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|(?<=[。！？；：])")

HUGE_CHARS = 20_000
"""Texts longer than this are not worth counting whole: they are far over any
budget, so they go straight to being cut (which counts the parts)."""

# (text, joiner before it, token count with special tokens, or None: huge)
_Unit = tuple[str, str, "int | None"]


def measure(texts: list[str], tokens: TokenCounter) -> list[int | None]:
    """Token counts of texts, ``None`` for huge ones (see ``HUGE_CHARS``)."""
    counts = iter(tokens.count_many([t for t in texts if len(t) <= HUGE_CHARS]))
    return [next(counts) if len(t) <= HUGE_CHARS else None for t in texts]


def split_section(
    paragraphs: list[tuple[str, int | None]], budget: int, overlap: int, tokens: TokenCounter
) -> list[tuple[str, int]]:
    """Pieces of a section, given as (paragraph, token count) pairs, each
    piece counting at most ``budget`` tokens (special tokens included), each
    after the first starting with the last ``overlap`` tokens or so of the
    piece before it. Returns (piece, token count) pairs."""
    overlap = max(0, min(overlap, (budget - tokens.specials) // 2))
    room = budget - overlap
    units = _units([(p, "\n\n", n) for p, n in paragraphs if p], room, tokens)
    groups = _pack(units, room, tokens.specials)
    tails = tokens.tails([g[-_TAIL_CHARS_PER_TOKEN * overlap :] for g, _ in groups[:-1]], overlap)
    pieces = [groups[0]]
    for (group, n), (tail, t) in zip(groups[1:], tails):
        pieces.append((tail + " " + group, n + t) if tail else (group, n))
    return pieces


def _units(units: list[_Unit], room: int, tokens: TokenCounter) -> list[tuple[str, str, int]]:
    """Break units down, level by level, until each fits ``room``; in text order."""
    levels: tuple[Callable[[str], list[tuple[str, str]]], ...] = (_lines, _sentences)
    out: list[tuple[str, str, int]] = []
    work = [(text, joiner, n, 0) for text, joiner, n in reversed(units)]  # pop() keeps order
    while work:
        text, joiner, n, level = work.pop()
        if n is not None and n <= room:
            out.append((text, joiner, n))
        elif level == len(levels):
            pieces = tokens.split_counted(text, room, 0)
            out.extend((p, " " if k else joiner, c) for k, (p, c) in enumerate(pieces))
        else:
            parts = levels[level](text)
            if len(parts) <= 1:
                work.append((text, joiner, n, level + 1))  # same text: its count is known
                continue
            counts = measure([p for p, _ in parts], tokens)
            pieces = [(p, j if k else joiner, c, level + 1) for k, ((p, j), c) in enumerate(zip(parts, counts))]
            work.extend(reversed(pieces))
    return out


def _lines(text: str) -> list[tuple[str, str]]:
    return [(line, "\n") for line in text.split("\n") if line.strip()]


def _sentences(text: str) -> list[tuple[str, str]]:
    return [(s, " ") for s in _SENTENCE_END.split(text) if s.strip()]


def _pack(units: list[tuple[str, str, int]], room: int, specials: int) -> list[tuple[str, int]]:
    """Greedily join consecutive units while their tokens fit ``room``."""
    groups: list[tuple[str, int]] = []
    parts: list[str] = []
    used = 0
    for text, joiner, n in units:
        content = n - specials
        if parts and used + content > room - specials:
            groups.append(("".join(parts), used + specials))
            parts, used = [], 0
        parts.append(joiner + text if parts else text)
        used += content
    if parts:
        groups.append(("".join(parts), used + specials))
    return groups
