"""Text to search terms, the same at build time and at query time.

The rules are specified in docs/reference/ranking.md and mirrored line for
line by js/src/core/analyze.ts; a fixture test checks that both agree.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from mkdocs_embed.errors import EmbedError

# Han, Hiragana and Katakana: no spaces between words, so they are indexed as
# overlapping character bigrams (the classic CJK analyzer) instead of words.
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)

# A short, conservative English list: words that carry no meaning in a docs
# query ("how do I ...") yet would post in nearly every chunk.
ENGLISH_STOPWORDS = (
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does",
    "for", "from", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of",
    "on", "or", "s", "so", "t", "that", "the", "their", "then", "there",
    "these", "this", "to", "was", "we", "what", "when", "where", "which",
    "why", "will", "with", "you", "your",
)

STOPWORDS: dict[str, tuple[str, ...]] = {"english": ENGLISH_STOPWORDS}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[._\-]+")


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    """Python's ``re`` has no ``\\p{L}``: build the class from unicodedata once."""
    cjk = [False] * (sys.maxunicode + 1)
    for lo, hi in _CJK_RANGES:
        for cp in range(lo, hi + 1):
            cjk[cp] = True
    ranges: list[tuple[int, int]] = []
    start = -1
    for cp in range(sys.maxunicode + 2):
        word = (
            cp <= sys.maxunicode
            and not cjk[cp]
            and (cp == 0x5F or unicodedata.category(chr(cp))[0] in "LNM")
        )
        if word and start < 0:
            start = cp
        elif not word and start >= 0:
            ranges.append((start, cp - 1))
            start = -1
    w = _char_class(ranges)
    c = _char_class(_CJK_RANGES)
    return re.compile(f"([{c}]+)|[{w}]+(?:[.\\-][{w}]+)*")


PREFIX_MIN = 3
"""Shortest word being typed that is matched as a prefix."""

_STEMS: dict[str, dict[str, str]] = {}
"""Word → stem, per language, for the life of the process (a site has a few thousand
distinct words in tens of thousands; `mkdocs serve` analyses them again on each reload)."""


class Analyzer:
    """Splits, lowercases, drops stopwords and stems, for one language."""

    def __init__(self, language: str = "english", stopwords: Sequence[str] | None = None) -> None:
        self.language = language
        if language == "none":
            self._stem = None
        else:
            import snowballstemmer  # 25 ms: it loads every language, and a rebuild with a cached lexical index needs none

            try:
                self._stem = snowballstemmer.stemmer(language)
            except KeyError:
                raise EmbedError(
                    f"no stemmer for language '{language}'; use one of "
                    f"{', '.join(snowballstemmer.algorithms())} or 'none'"
                ) from None
        self.stopwords = frozenset(STOPWORDS.get(language, ()) if stopwords is None else stopwords)
        self._stems = _STEMS.setdefault(language, {})

    def terms(self, text: str) -> list[str]:
        """All terms of ``text`` in order, repeats kept (they are term frequencies)."""
        out: list[str] = []
        for m in _token_pattern().finditer(unicodedata.normalize("NFKC", text)):
            if m.group(1) is not None:
                chars = m.group(1)
                if len(chars) == 1:
                    out.append(chars)
                else:
                    out.extend(chars[i : i + 2] for i in range(len(chars) - 1))
                continue
            compound = m.group(0)
            parts = [
                p.lower()
                for piece in _SEPARATORS.split(compound)
                for p in _CAMEL.split(piece)
                if p
            ]
            for part in parts:
                if part not in self.stopwords:
                    out.append(self._stemmed(part))
            if len(parts) > 1:
                out.append(compound.lower())
        return out

    def query_terms(self, text: str) -> list[str]:
        """Distinct terms of a query, in order of first appearance."""
        return list(dict.fromkeys(self.terms(text)))

    def typed_prefix(self, text: str) -> str | None:
        """The word being typed: the text's last word, lower-cased and unstemmed, when the text ends
        inside it, it is a plain word (not CJK, not a compound such as ``cache_dir``, which is typed
        out as a name) and it has at least ``PREFIX_MIN`` characters (all in the BMP, so that both
        readers count and compare it alike); None otherwise."""
        normalized = unicodedata.normalize("NFKC", text)
        last = None
        for last in _token_pattern().finditer(normalized):
            pass
        if last is None or last.group(1) is not None or last.end() != len(normalized):
            return None
        word = last.group(0)
        if len(word) < PREFIX_MIN or max(word) > "\uffff" or _SEPARATORS.search(word) or _CAMEL.search(word):
            return None
        return word.lower()

    def _stemmed(self, part: str) -> str:
        # Astral characters are one index in Python but two in JS strings;
        # leaving such words unstemmed keeps both sides identical.
        if self._stem is None or max(part) > "\uffff":
            return part
        stem = self._stems.get(part)
        if stem is None:
            stem = self._stems[part] = self._stem.stemWord(part)
        return stem
