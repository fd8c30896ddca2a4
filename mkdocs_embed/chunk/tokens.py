"""Token counts and token-bound cuts, with the embedding model's own tokenizer.

Budgets are only real if they are counted the way the model will count them,
special tokens included. Counting is the chunker's main cost, so callers
batch it (``count_many``, ``tails``) and carry counts along instead of
re-counting text they have already measured.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from ..errors import EmbedError

if TYPE_CHECKING:
    from tokenizers import Encoding, Tokenizer


class TokenCounter:
    """Counts and cuts text in tokens of one tokenizer."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        # A copy, so that turning truncation and padding off (the model's
        # tokenizer.json may have both) does not change the caller's tokenizer.
        from tokenizers import Tokenizer

        copy = Tokenizer.from_str(tokenizer.to_str())
        self._load: Callable[[], Tokenizer] = lambda: copy

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> TokenCounter:
        """A counter over a ``tokenizer.json`` that nobody else holds, so no copy is made.

        The file is read at the first count: a rebuild whose pages are all
        chunked already never needs it, and reading it is tens of ms.
        """
        counter = cls.__new__(cls)
        counter._load = lambda: _read(path)
        return counter

    @cached_property
    def _tok(self) -> Tokenizer:
        tokenizer = self._load()
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def specials(self) -> int:
        """Tokens the tokenizer adds to every text ([CLS] and [SEP] for BERT)."""
        return len(self._tok.encode("").ids)

    def count(self, text: str) -> int:
        """Tokens of ``text``, special tokens included."""
        return len(self._tok.encode(text).ids)

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """``count`` of each text, in one batch call."""
        if not texts:
            return []
        return [len(e.ids) for e in self._tok.encode_batch(list(texts))]

    def split(self, text: str, max_tokens: int, overlap: int) -> list[str]:
        """Cut ``text`` into pieces of at most ``max_tokens`` tokens each
        (special tokens included), consecutive pieces sharing about ``overlap``
        tokens. Cuts fall between words unless a word is longer than half a
        piece; pieces are substrings of ``text``."""
        return [piece for piece, _ in self.split_counted(text, max_tokens, overlap)]

    def split_counted(self, text: str, max_tokens: int, overlap: int) -> list[tuple[str, int]]:
        """``split``, with each piece's token count."""
        window = max(1, max_tokens - self.specials)
        overlap = max(0, min(overlap, window // 2))
        enc = self._tok.encode(text, add_special_tokens=False)
        n = len(enc.ids)
        if n <= window:
            return [(text, n + self.specials)] if text.strip() else []
        starts = _word_starts(enc)
        offsets = enc.offsets
        pieces, suspect, begin = [], [], 0
        while begin < n:
            end = min(n, begin + window)
            if end < n and not starts[end]:
                back = end
                while back > begin and not starts[back]:
                    back -= 1
                if back - begin > window // 2:
                    end = back
            # From the text's start and up to the next token, not between token offsets: characters the
            # tokenizer drops (zero-width joiners, control characters) must stay in some piece.
            first = 0 if begin == 0 else offsets[begin][0]
            last = len(text) if end == n else offsets[end][0]
            pieces.append((text[first:last].rstrip(), end - begin + self.specials))
            # A piece cut inside a word may tokenise differently on its own.
            suspect.append(not starts[begin] or (end < n and not starts[end]))
            if end == n:
                break
            nxt = max(end - overlap, begin + 1)
            while begin + 1 < nxt < end and not starts[nxt] and end - nxt < 2 * overlap:
                nxt -= 1
            begin = nxt
        return self._fit(pieces, suspect, max_tokens)

    def tails(self, texts: Sequence[str], tokens: int) -> list[tuple[str, int]]:
        """The end of each text holding at most ``tokens`` tokens (special
        tokens not counted), starting at a word; with its token count."""
        if tokens <= 0 or not texts:
            return [("", 0) for _ in texts]
        out = []
        for text, enc in zip(texts, self._tok.encode_batch(list(texts), add_special_tokens=False)):
            n = len(enc.ids)
            if n <= tokens:
                out.append((text, n))
                continue
            starts = _word_starts(enc)
            first = n - tokens
            while first < n and not starts[first]:
                first += 1
            out.append((text[enc.offsets[first][0] :], n - first) if first < n else ("", 0))
        return out

    def _fit(self, pieces: list[tuple[str, int]], suspect: list[bool], max_tokens: int) -> list[tuple[str, int]]:
        """Re-count the pieces cut inside a word and cut again any now over
        budget: by tokens while the budget allows, else by characters."""
        recount = [p for (p, _), s in zip(pieces, suspect) if s]
        fresh = iter(self.count_many(recount))
        out = []
        for (piece, n), s in zip(pieces, suspect):
            if s:
                n = next(fresh)
            if n <= max_tokens or len(piece) <= 1:
                out.append((piece, n))
            elif max_tokens - (n - max_tokens) > self.specials:
                out.extend(self.split_counted(piece, max_tokens - (n - max_tokens), 0))
            else:
                half = len(piece) // 2
                halves = [piece[:half], piece[half:]]
                out.extend(self._fit(list(zip(halves, self.count_many(halves))), [False, False], max_tokens))
        return [(p, n) for p, n in out if p.strip()]


def _word_starts(enc: Encoding) -> list[bool]:
    """For each token, whether it begins a word (so a cut before it is clean)."""
    words = enc.word_ids
    return [i == 0 or w is None or w != words[i - 1] for i, w in enumerate(words)]


def _read(path: str | os.PathLike) -> Tokenizer:
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust side raises plain Exception for a missing or damaged file
        raise EmbedError(f"cannot read the tokenizer {path}: {exc}") from exc
