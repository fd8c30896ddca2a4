"""One page → its chunks: sections by heading, long ones split, tiny ones merged.

Merging: a section whose body has fewer than ``min_tokens`` tokens joins the
section that follows it when that one is its child or sibling (the merged
chunk keeps the *first* section's anchor and path, and the later heading
becomes a line of its text), otherwise the chunk before it; it stays alone
only when neither fits the budget. Sections with no body text vanish; their
headings live on in their children's paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..log import log
from .extract import ExtractedPage, Section, extract
from .split import measure, split_section
from .tokens import TokenCounter
from .types import Chunk, embed_text

if TYPE_CHECKING:
    from ..collect.pages import Page
    from ..settings import ChunkSettings

MAX_PAGE_CHARS = 1_000_000
"""Text indexed per page. More is a log dump or generated junk, not prose a reader
searches, and embedding it would cost minutes; the rest is left out with a warning."""


@dataclass(frozen=True)
class _Piece:
    anchor: str
    path: tuple[str, ...]
    level: int
    heading: str
    """This section's own heading, or ``""`` if the path already ends above it."""
    text: str
    whole: bool
    """The entire section (not one piece of a split one): may merge."""
    tokens: int
    """Tokens of ``text``, special tokens included."""
    heading_tokens: int
    path_tokens: int
    """Tokens of the heading path line, special tokens included."""


def chunk_page(
    page: Page, settings: ChunkSettings, tokens: TokenCounter, extracted: ExtractedPage | None = None,
) -> list[Chunk]:
    """The chunks of one page; every ``embed_text`` counts at most ``settings.max_tokens`` tokens.

    ``extracted`` is the page's text when the caller has extracted it already.
    """
    extracted = extracted if extracted is not None else extract(page.html)
    title = extracted.title or page.url.rstrip("/") or "Home"
    sections = _capped(extracted.sections, page)
    paths = _heading_paths(title, sections)
    path_tokens = _fit_paths(set(paths), settings.max_tokens // 2, tokens)
    paths = [path_tokens[p][0] for p in paths]
    pieces = _pieces(sections, paths, {fit: n for fit, n in path_tokens.values()}, settings, tokens)
    pieces = _merge_tiny(pieces, settings, tokens.specials)
    chunks = [Chunk(page.url, p.anchor, title, p.path, p.text) for p in pieces]
    return _enforce_budget(chunks, settings, tokens)


def _capped(sections: list[Section], page: Page) -> list[Section]:
    """The sections holding the page's first :data:`MAX_PAGE_CHARS` characters of text."""
    room = MAX_PAGE_CHARS
    kept: list[Section] = []
    for section in sections:
        paragraphs = []
        for paragraph in section.paragraphs:
            if room <= 0:
                break
            paragraphs.append(paragraph[:room])
            room -= len(paragraph)
        kept.append(replace(section, paragraphs=paragraphs))
        if room <= 0:
            total = sum(len(p) for s in sections for p in s.paragraphs)
            log.warning(
                "embed: %s has %.1f MB of text; indexing its first %.1f MB",
                page.path, total / 1e6, MAX_PAGE_CHARS / 1e6,
            )
            break
    return kept


def _heading_paths(title: str, sections: list[Section]) -> list[tuple[str, ...]]:
    """Title, then each enclosing heading; an h1 equal to the title is not repeated."""
    stack: list[tuple[int, str]] = []
    paths = []
    for s in sections:
        while stack and stack[-1][0] >= s.level:
            stack.pop()
        if _own_heading(s, title):
            stack.append((s.level, s.heading))
        paths.append((title, *(h for _, h in stack)))
    return paths


def _own_heading(section: Section, title: str) -> bool:
    return bool(section.level and section.heading and not (section.level == 1 and section.heading == title))


def _fit_paths(
    paths: set[tuple[str, ...]], limit: int, tokens: TokenCounter
) -> dict[tuple[str, ...], tuple[tuple[str, ...], int]]:
    """Each path → (the path with absurdly long headings shortened so that it
    takes at most ``limit`` tokens, its token count)."""
    unique = sorted(paths)
    fitted = {}
    for original, n in zip(unique, tokens.count_many([embed_text(p, "") for p in unique])):
        path = original
        while n > limit:
            longest = max(range(len(path)), key=lambda i: len(path[i]))
            head = path[longest]
            if len(head) <= 1:
                break
            cut = tokens.split(head, max(tokens.specials + 1, tokens.count(head) // 2 + 1), 0)[0]
            if len(cut) >= len(head):
                cut = head[: len(head) // 2]
            path = (*path[:longest], cut, *path[longest + 1 :])
            n = tokens.count(embed_text(path, ""))
        fitted[original] = (path, n)
    return fitted


def _pieces(
    sections: list[Section],
    paths: list[tuple[str, ...]],
    path_tokens: dict[tuple[str, ...], int],
    settings: ChunkSettings,
    tokens: TokenCounter,
) -> list[_Piece]:
    """Sections with text, the ones over budget split into pieces."""
    kept = [(s, p) for s, p in zip(sections, paths) if s.paragraphs]
    headings = [p[-1] if _own_heading(s, p[0]) else "" for s, p in kept]
    counts = iter(measure([t for s, _ in kept for t in s.paragraphs], tokens))
    paragraphs = [[(t, next(counts)) for t in s.paragraphs] for s, _ in kept]
    sp = tokens.specials
    out = []
    heading_counts = tokens.count_many(headings)
    for (s, path), paras, heading, heading_n in zip(kept, paragraphs, headings, heading_counts):
        common = dict(anchor=s.anchor, path=path, level=s.level, heading=heading, heading_tokens=heading_n, path_tokens=path_tokens[path])
        budget = settings.max_tokens - path_tokens[path] + sp
        n = None if any(c is None for _, c in paras) else sp + sum(c - sp for _, c in paras)
        if n is not None and n <= budget:
            out.append(_Piece(text="\n\n".join(t for t, _ in paras), whole=True, tokens=n, **common))
        else:
            for part, m in split_section(paras, budget, settings.overlap_tokens, tokens):
                out.append(_Piece(text=part, whole=False, tokens=m, **common))
    return out


def _merge_tiny(pieces: list[_Piece], settings: ChunkSettings, specials: int) -> list[_Piece]:
    def tiny(p: _Piece) -> bool:
        return p.whole and p.tokens - specials < settings.min_tokens

    def fits(p: _Piece) -> bool:
        return p.path_tokens + p.tokens - specials <= settings.max_tokens

    def joined(first: _Piece, second: _Piece) -> _Piece:
        text = "\n\n".join(t for t in (first.text, second.heading, second.text) if t)
        n = first.tokens + second.heading_tokens + second.tokens - (3 if second.heading else 2) * specials + specials
        return replace(first, text=text, whole=first.whole and second.whole, tokens=n)

    out: list[_Piece] = []
    pending: _Piece | None = None
    for piece in pieces:
        if pending is not None:
            ahead = joined(pending, piece)
            if piece.level >= pending.level and fits(ahead):
                piece = replace(ahead, whole=True)
            else:
                _place_behind(pending, out, fits, joined)
            pending = None
        if tiny(piece):
            pending = piece
        else:
            out.append(piece)
    if pending is not None:
        _place_behind(pending, out, fits, joined)
    return out


def _place_behind(
    piece: _Piece, out: list[_Piece], fits: Callable[[_Piece], bool], joined: Callable[[_Piece, _Piece], _Piece]
) -> None:
    """Append a tiny piece to the chunk before it if that fits, else keep it alone."""
    if out:
        behind = joined(out[-1], piece)
        if fits(behind):
            out[-1] = behind
            return
    out.append(piece)


def _enforce_budget(chunks: list[Chunk], settings: ChunkSettings, tokens: TokenCounter) -> list[Chunk]:
    """The hard invariant: re-cut any chunk that a tokenizer quirk left over budget."""
    out = []
    counts = tokens.count_many([c.embed_text for c in chunks])
    for chunk, n in zip(chunks, counts):
        if n <= settings.max_tokens:
            out.append(chunk)
            continue
        budget = settings.max_tokens - tokens.count(embed_text(chunk.path, "")) + tokens.specials
        fixed = [chunk]
        while n > settings.max_tokens and budget > tokens.specials:
            budget -= n - settings.max_tokens
            fixed = [replace(chunk, text=p) for p in tokens.split(chunk.text, budget, 0)]
            n = max(tokens.count_many([c.embed_text for c in fixed]), default=0)
        out.extend(fixed)
    return out
