"""The ``graph`` file: the HNSW graph level by level, every field a uint32.

Mirrored by ``js/src/core/format/graph.ts``; both refuse exactly the graphs
the spec rules out, so a search never reads out of bounds.
"""

from __future__ import annotations

import numpy as np

from ..index.hnsw import Graph
from .base import FileKind, FormatError

GRAPH = FileKind("graph", "bin.zst")
MAX_LEVEL = 64
"""Deeper than any real graph (hnswlib's levels grow with log n); a larger header value is damage."""


def encode_graph(graph: Graph) -> bytes:
    words: list[np.ndarray] = [
        np.array([len(graph.levels), graph.max_level, graph.entry], dtype="<u4"),
        graph.levels.astype("<u4"),
    ]
    for level, (nodes, links) in enumerate(zip(graph.nodes, graph.links)):
        words.append(np.array([len(nodes)], dtype="<u4"))
        if level:
            words.append(nodes.astype("<u4"))
        words.append(np.concatenate([[0], np.cumsum([len(x) for x in links])]).astype("<u4"))
        words.append(np.concatenate(links).astype("<u4") if links else np.zeros(0, "<u4"))
    return b"".join(w.tobytes() for w in words)


def decode_graph(data: bytes, n_expected: int) -> Graph:
    """The graph, checked: level ``l`` lists exactly the nodes whose top level is ``l`` or more, ascending."""
    if len(data) % 4:
        raise FormatError("graph file is truncated")
    reader = _Words(np.frombuffer(data, "<u4"))
    n, max_level, entry = (int(x) for x in reader.take(3))
    if n != n_expected:
        raise FormatError(f"graph has {n} nodes but the index has {n_expected} chunks")
    if max_level > MAX_LEVEL or (n and entry >= n):
        raise FormatError("graph header is damaged")
    levels = reader.take(n)
    if n and (int(levels.max()) > max_level or int(levels[entry]) != max_level):
        raise FormatError("graph levels are damaged: a node above the top level, or an entry point below it")
    nodes: list[np.ndarray] = []
    links: list[list[np.ndarray]] = []
    for level in range(max_level + 1):
        count = int(reader.take(1)[0])
        if count != int(np.count_nonzero(levels >= level)):
            raise FormatError(f"graph level {level} does not list the nodes that reach it")
        ids = np.arange(n, dtype=np.uint32) if level == 0 else reader.take(count)
        if level and (np.any(np.diff(ids.astype(np.int64)) <= 0) or (count and int(ids.max()) >= n) or np.any(levels[ids] < level)):
            raise FormatError(f"graph level {level} lists nodes that are not ascending ids on that level")
        offsets = reader.take(count + 1)
        if offsets[0] != 0 or np.any(np.diff(offsets.astype(np.int64)) < 0):
            raise FormatError("graph offsets are damaged")
        flat = reader.take(int(offsets[-1]))
        if len(flat) and int(flat.max()) >= n:
            raise FormatError("graph links point past the last node")
        nodes.append(ids)
        links.append([flat[offsets[i] : offsets[i + 1]] for i in range(count)])
    if not reader.done():
        raise FormatError("graph file has trailing bytes")
    return Graph(entry=entry, levels=levels, nodes=nodes, links=links)


class _Words:
    def __init__(self, words: np.ndarray):
        self.words, self.pos = words, 0

    def take(self, count: int) -> np.ndarray:
        if count < 0 or self.pos + count > len(self.words):
            raise FormatError("graph file is truncated")
        out = self.words[self.pos : self.pos + count]
        self.pos += count
        return out

    def done(self) -> bool:
        return self.pos == len(self.words)
