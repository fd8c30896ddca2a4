"""The ``lexical`` head and its ``postings`` files (docs/reference/ranking.md, "Lexical file layout").

A head file (parameters, chunk lengths, and the names of the postings files)
and postings files, each holding the terms whose hash falls on it. A reader
loads the head, then only the postings files of the query's terms, and
decodes only those terms' lists: at 10k chunks this is what keeps the first
keystroke's results fast in the browser. Mirrored by ``js/src/core/format/lexical.ts``.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import FileKind, FormatError, is_file_name, is_strings, json_bytes, parse_json

LEXICAL = FileKind("lexical", "bin.zst")
POSTINGS = FileKind("postings", "bin.zst")
"""Named by the ``lexical`` head, in order."""
LEXICAL_VERSION = 3
SHARD_BYTES = 32 << 10
"""Postings bytes per postings file, roughly: one file is what a query term costs to load."""
_U32 = np.dtype("<u4")
_U16 = np.dtype("<u2")
MAX_LENGTH = 0xFFFF
"""Chunk lengths are stored in 16 bits, capped here: chunks are cut to a model's few hundred tokens, so
the cap is never met in practice, and half the bytes are half the first keystroke's decoding."""


def shard_of(term: str, shards: int) -> int:
    """The postings file of ``term``: 32-bit FNV-1a over its UTF-16 code units, modulo the number of files.

    UTF-16 code units are what a JavaScript string is made of, so the browser
    hashes exactly these values, lone surrogates included.
    """
    h = 0x811C9DC5
    for unit in memoryview(term.encode("utf-16-le", "surrogatepass")).cast("H"):
        h = ((h ^ unit) * 0x01000193) & 0xFFFFFFFF
    return h % shards


@dataclass(frozen=True)
class LexicalBuild:
    """What the builder made: the head's fields and the raw postings files, in file order."""

    header: dict[str, Any]
    lengths: list[int]
    shards: list[bytes]

    def head(self, shard_names: Sequence[str]) -> bytes:
        """The head file, naming the postings files as stored."""
        lengths = np.minimum(np.asarray(self.lengths, np.int64), MAX_LENGTH).astype(_U16)
        padding = np.zeros(len(lengths) % 2, _U16)  # keeps the file a whole number of 32-bit words
        return _with_header({**self.header, "version": LEXICAL_VERSION, "postings": list(shard_names)}, [
            np.array([len(lengths)], _U32), lengths, padding,
        ])


def build_file(
    header: dict[str, Any], lengths: Sequence[int], postings: dict[str, Sequence[int]], shard_bytes: int | None = None,
) -> LexicalBuild:
    """Split ``postings`` (term → flat doc-gap, tf pairs) into postings files of about ``shard_bytes`` (SHARD_BYTES)."""
    encoded = {term: _leb128(np.asarray(flat, np.uint64))[0] for term, flat in postings.items()}
    count = max(1, math.ceil(sum(len(b) for b in encoded.values()) / (shard_bytes or SHARD_BYTES)))
    groups: list[list[str]] = [[] for _ in range(count)]
    for term in sorted(encoded):
        groups[shard_of(term, count)].append(term)
    shards = [
        encode_shard(terms, [len(postings[t]) // 2 for t in terms], [encoded[t] for t in terms]) for terms in groups
    ]
    return LexicalBuild(header, list(lengths), shards)


def encode_shard(terms: Sequence[str], df: Sequence[int], lists: Sequence[bytes]) -> bytes:
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in lists], dtype=np.int64)])
    tables = [np.array([len(terms)], _U32), np.asarray(df, _U32), offsets.astype(_U32)]
    return _with_header({"terms": list(terms)}, tables) + b"".join(lists)


def _with_header(header: dict[str, Any], tables: list[np.ndarray]) -> bytes:
    head = json_bytes(header)
    head += b" " * (-len(head) % 4)  # JSON ignores trailing spaces; they align the tables
    return struct.pack("<I", len(head)) + head + b"".join(t.tobytes() for t in tables)


def _read_header(data: bytes, what: str) -> tuple[dict[str, Any], int]:
    if len(data) < 8:
        raise FormatError(f"{what} is truncated")
    (size,) = struct.unpack_from("<I", data)
    if size % 4 or 4 + size + 4 > len(data):
        raise FormatError(f"{what} header is damaged")
    header = parse_json(data[4 : 4 + size], f"{what} header")
    if not isinstance(header, dict):
        raise FormatError(f"{what} header is not a JSON object")
    return header, 4 + size


@dataclass(frozen=True)
class LexicalHead:
    language: str
    stopwords: list[str]
    k1: float
    b: float
    lengths: np.ndarray
    postings: list[str]
    """Names of the postings files, in order: term t lives in ``postings[shard_of(t, len(postings))]``."""


def decode_head(data: bytes, n_chunks: int | None = None) -> LexicalHead:
    """The head file, checked; it must hold ``n_chunks`` chunk lengths where that is given (the manifest's count)."""
    header, pos = _read_header(data, "lexical index")
    if header.get("version") != LEXICAL_VERSION:
        raise FormatError(
            f"lexical index version {header.get('version')!r} is not supported "
            f"(this reader knows {LEXICAL_VERSION}); rebuild the site"
        )
    language, stopwords, k1, b, names = (header.get(key) for key in ("language", "stopwords", "k1", "b", "postings"))
    if not isinstance(language, str) or not is_strings(stopwords):
        raise FormatError("lexical index header lacks a language or stopwords")
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in (k1, b)):
        raise FormatError("lexical index header lacks finite k1 and b")
    if not isinstance(names, list) or not names or not all(is_file_name(x) for x in names):
        raise FormatError("lexical index lists no postings files, or a name outside the index folder")
    (n,) = struct.unpack_from("<I", data, pos)
    if len(data) != pos + 4 + 2 * (n + n % 2):
        raise FormatError("lexical index lengths are truncated")
    if n_chunks is not None and n != n_chunks:
        raise FormatError(f"lexical index holds {n} chunks, the manifest says {n_chunks}; rebuild the site")
    return LexicalHead(language, stopwords, float(k1), float(b), np.frombuffer(data, _U16, n, pos + 4), names)


@dataclass(frozen=True)
class Shard:
    """A decoded, checked postings file; its lists stay LEB128 until a query asks."""

    terms: dict[str, int]
    df: np.ndarray
    offsets: np.ndarray
    postings: bytes

    def pairs(self, term: int) -> list[int]:
        """Term ``term``'s posting list, flat: doc gap, tf, doc gap, tf, …"""
        return varints(self.postings[int(self.offsets[term]) : int(self.offsets[term + 1])]).tolist()


def decode_shard(data: bytes, n_chunks: int, index: int, shards: int, what: str) -> Shard:
    """Check every list, and that each term belongs in file ``index`` of ``shards``, so damage fails here."""
    header, pos = _read_header(data, what)
    (t,) = struct.unpack_from("<I", data, pos)
    pos += 4
    need = pos + 4 * (2 * t + 1)
    if need > len(data):
        raise FormatError(f"{what} tables are truncated")
    terms = header.get("terms")
    if not isinstance(terms, list) or len(terms) != t or not all(isinstance(x, str) for x in terms):
        raise FormatError(f"{what} terms and tables differ")
    if any(shard_of(term, shards) != index for term in terms):
        raise FormatError(f"{what} holds a term of another postings file")
    df = np.frombuffer(data, _U32, t, pos)
    offsets = np.frombuffer(data, _U32, t + 1, pos + 4 * t)
    postings = data[need:]
    if offsets[0] != 0 or int(offsets[-1]) != len(postings) or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise FormatError(f"{what} posting offsets are damaged")
    _check_postings(postings, offsets, df, n_chunks, what)
    return Shard({term: i for i, term in enumerate(terms)}, df, offsets, postings)


def _check_postings(postings: bytes, offsets: np.ndarray, df: np.ndarray, n: int, what: str) -> None:
    """Each list: exactly 2·df varints, inside its byte range, pointing at docs below ``n``, tf ≥ 1."""
    buf = np.frombuffer(postings, np.uint8)
    ends = np.flatnonzero(buf < 0x80)  # the last byte of each varint
    if len(buf) and (not len(ends) or ends[-1] != len(buf) - 1):
        raise FormatError(f"{what} ends inside a number")
    starts = offsets[:-1].astype(np.int64)
    if np.any(buf[starts[starts > 0] - 1] >= 0x80):
        raise FormatError(f"{what} posting lists do not start on a number")
    per_term = np.searchsorted(ends, offsets[1:]) - np.searchsorted(ends, starts)
    if np.any(per_term != 2 * df.astype(np.int64)) or np.any(df == 0):
        raise FormatError(f"{what} posting lists do not match their counts")
    values = varints(postings)
    gaps, tfs = values[0::2], values[1::2]
    first = np.zeros(len(gaps), bool)
    first[np.cumsum(df.astype(np.int64))[:-1]] = True
    if len(gaps):
        first[0] = True
    if np.any(tfs == 0) or np.any((gaps == 0) & ~first):
        raise FormatError(f"{what} has an empty or repeated posting")
    last = np.zeros(len(df), np.int64)
    np.add.at(last, np.repeat(np.arange(len(df)), df.astype(np.int64)), gaps)
    if np.any(last >= n):
        raise FormatError(f"{what} has a posting past the last chunk")


def _leb128(v: np.ndarray) -> tuple[bytes, np.ndarray]:
    """LEB128 of uint32s (seven bits a byte, least significant first, high bit on all but the last), and each one's width."""
    if v.size and int(v.max()) >= 1 << 32:
        raise ValueError("varints hold uint32 values")
    width = 1 + sum((v >= (1 << (7 * k))).astype(np.int64) for k in range(1, 5))
    out = np.zeros(int(np.sum(width)), np.uint8)
    start = np.cumsum(width) - width
    for k in range(5):
        has = width > k
        more = (width[has] > k + 1).astype(np.uint64) << np.uint64(7)
        out[start[has] + k] = ((v[has] >> np.uint64(7 * k)) & np.uint64(0x7F)) | more
    return out.tobytes(), width


def varints(data: bytes) -> np.ndarray:
    """Decode LEB128 uint32s; bytes after the last complete number are ignored (callers check)."""
    buf = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(buf < 0x80)
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    width = ends - starts + 1
    if np.any(width > 5):
        raise FormatError("lexical index holds a number longer than 32 bits")
    out = np.zeros(len(ends), np.uint64)
    for k in range(5):
        has = width > k
        out[has] |= (buf[starts[has] + k].astype(np.uint64) & np.uint64(0x7F)) << np.uint64(7 * k)
    if out.size and int(out.max()) >= 1 << 32:
        raise FormatError("lexical index holds a number longer than 32 bits")
    return out.astype(np.int64)
