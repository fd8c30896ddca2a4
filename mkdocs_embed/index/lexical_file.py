"""The binary layout of ``lexical.*.bin.zst`` (docs/reference/ranking.md, "The lexical file").

A JSON header (parameters, stopwords, terms), then fixed-width uint32 tables
and LEB128 posting lists. Readers index straight into the tables and decode
only the posting lists a query needs, so loading costs no parse of the
postings: at 10k chunks this is what keeps the first keystroke's results fast.
"""

from __future__ import annotations

import itertools
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..index_format import FormatError

LEXICAL_VERSION = 2
_U32 = np.dtype("<u4")


@dataclass(frozen=True)
class LexicalFile:
    """A decoded, checked lexical file; ``postings`` stays LEB128 until a query asks."""

    header: dict[str, Any]
    lengths: np.ndarray
    df: np.ndarray
    offsets: np.ndarray
    postings: bytes

    def pairs(self, term: int) -> list[int]:
        """Term ``term``'s posting list, flat: doc delta, tf, doc delta, tf, …"""
        return varints(self.postings[int(self.offsets[term]) : int(self.offsets[term + 1])]).tolist()


def encode_lexical(header: dict[str, Any], lengths: Sequence[int], postings: Sequence[Sequence[int]]) -> bytes:
    """The file's bytes; ``postings[t]`` is term t's flat list of (doc delta, tf) pairs."""
    head = json.dumps({**header, "version": LEXICAL_VERSION}, ensure_ascii=False, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 4)  # JSON ignores trailing spaces; they align the tables
    counts = [len(p) for p in postings]
    values = np.fromiter(itertools.chain.from_iterable(postings), np.uint64, sum(counts))
    packed, width = _leb128(values)
    byte_ends = np.concatenate([[0], np.cumsum(width)])
    offsets = byte_ends[np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])]
    tables = [
        np.array([len(lengths), len(postings)], _U32),
        np.asarray(lengths, _U32),
        np.array([len(p) // 2 for p in postings], _U32),
        offsets.astype(_U32),
    ]
    return struct.pack("<I", len(head)) + head + b"".join(t.tobytes() for t in tables) + packed


def decode_lexical(data: bytes) -> LexicalFile:
    """Check every table and posting list, so that damage fails here and not in a search."""
    if len(data) < 4:
        raise FormatError("lexical index is truncated")
    (size,) = struct.unpack_from("<I", data)
    if size % 4 or 4 + size + 8 > len(data):
        raise FormatError("lexical index header is damaged")
    try:
        header = json.loads(data[4 : 4 + size].decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise FormatError(f"lexical index header is not valid JSON ({str(exc)[:100]})") from None
    if not isinstance(header, dict):
        raise FormatError("lexical index header is not a JSON object")
    if header.get("version") != LEXICAL_VERSION:
        raise FormatError(
            f"lexical index version {header.get('version')!r} is not supported "
            f"(this reader knows {LEXICAL_VERSION}); rebuild the site"
        )
    pos = 4 + size
    n, t = (int(x) for x in np.frombuffer(data, _U32, 2, pos))
    pos += 8
    need = pos + 4 * (n + t + t + 1)
    if need > len(data):
        raise FormatError("lexical index tables are truncated")
    lengths = np.frombuffer(data, _U32, n, pos)
    df = np.frombuffer(data, _U32, t, pos + 4 * n)
    offsets = np.frombuffer(data, _U32, t + 1, pos + 4 * (n + t))
    postings = data[need:]
    terms = header.get("terms")
    if not isinstance(terms, list) or len(terms) != t:
        raise FormatError("lexical index terms and tables differ in length")
    if offsets[0] != 0 or int(offsets[-1]) != len(postings) or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise FormatError("lexical index posting offsets are damaged")
    _check_postings(postings, offsets, df, n)
    return LexicalFile(header, lengths, df, offsets, postings)


def _check_postings(postings: bytes, offsets: np.ndarray, df: np.ndarray, n: int) -> None:
    """Each list: exactly 2·df varints, inside its byte range, pointing at docs below ``n``, tf ≥ 1."""
    buf = np.frombuffer(postings, np.uint8)
    ends = np.flatnonzero(buf < 0x80)  # the last byte of each varint
    if len(buf) and (not len(ends) or ends[-1] != len(buf) - 1):
        raise FormatError("lexical index postings end inside a number")
    starts = offsets[:-1].astype(np.int64)
    if np.any(buf[starts[starts > 0] - 1] >= 0x80):
        raise FormatError("lexical index posting lists do not start on a number")
    per_term = np.searchsorted(ends, offsets[1:]) - np.searchsorted(ends, starts)
    if np.any(per_term != 2 * df.astype(np.int64)) or np.any(df == 0):
        raise FormatError("lexical index posting lists do not match their counts")
    values = varints(postings)
    deltas, tfs = values[0::2], values[1::2]
    first = np.zeros(len(deltas), bool)
    first[np.cumsum(df.astype(np.int64))[:-1]] = True
    if len(deltas):
        first[0] = True
    if np.any(tfs == 0) or np.any((deltas == 0) & ~first):
        raise FormatError("lexical index has an empty or repeated posting")
    group = np.repeat(np.arange(len(df)), df.astype(np.int64))
    last = np.zeros(len(df), np.int64)
    np.add.at(last, group, deltas)
    if np.any(last >= n):
        raise FormatError("lexical index has a posting past the last chunk")


def _leb128(v: np.ndarray) -> tuple[bytes, np.ndarray]:
    """LEB128 of uint32s (seven bits a byte, least significant first, high bit on all but the last), and each one's width."""
    if v.size and int(v.max()) >= 1 << 32:
        raise ValueError("varints hold uint32 values")
    width = 1 + sum((v >= (1 << (7 * k))).astype(np.int64) for k in range(1, 5))
    out = np.zeros(int(width.sum()), np.uint8)
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
