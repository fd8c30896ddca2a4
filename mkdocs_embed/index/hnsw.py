"""Build an HNSW graph with hnswlib and read its links back out.

hnswlib has no API for the links themselves, so the graph is read from the
file its ``save_index`` writes (layout from hnswalg.h, ``saveIndex``).
"""

from __future__ import annotations

import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

M = 16
EF_CONSTRUCTION = 200
EF_SEARCH = 64
SEED = 100


@dataclass(frozen=True)
class Graph:
    """Links per level; ``links[l][i]`` are the neighbours of ``nodes[l][i]``."""

    entry: int
    levels: np.ndarray
    """Top level of each node, uint32."""
    nodes: list[np.ndarray]
    links: list[list[np.ndarray]]

    @property
    def max_level(self) -> int:
        return len(self.nodes) - 1


def build_graph(vectors: np.ndarray, m: int = M, ef_construction: int = EF_CONSTRUCTION) -> Graph:
    """An inner-product HNSW graph over normalised vectors, deterministic for a given input."""
    import hnswlib

    n, dims = vectors.shape
    index = hnswlib.Index(space="ip", dim=dims)
    index.init_index(max_elements=max(n, 1), M=m, ef_construction=ef_construction, random_seed=SEED)
    index.add_items(vectors, np.arange(n), num_threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.bin"
        index.save_index(str(path))
        return _parse(path.read_bytes())


_HEAD = struct.Struct("<QQQQQQiIQQQdQ")


def _parse(data: bytes) -> Graph:
    (_off0, _max_el, count, per_element, label_offset, _off_data, max_level, entry,
     max_m, max_m0, _m, _mult, _efc) = _HEAD.unpack_from(data)
    pos = _HEAD.size
    level0 = np.frombuffer(data, dtype=np.uint8, count=count * per_element, offset=pos).reshape(count, per_element)
    pos += count * per_element
    labels = level0[:, label_offset : label_offset + 8].copy().view("<u8").ravel()
    link_words = level0[:, : 4 * (max_m0 + 1)].copy().view("<u4")
    n_links0 = link_words[:, 0] & 0xFFFF

    levels = np.zeros(count, dtype=np.uint32)
    upper: dict[int, list[np.ndarray]] = {}
    per_level_bytes = 4 * (max_m + 1)
    for internal in range(count):
        (size,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if size:
            words = np.frombuffer(data, dtype="<u4", count=size // 4, offset=pos).reshape(-1, max_m + 1)
            levels[internal] = size // per_level_bytes
            upper[internal] = [row[1 : 1 + (row[0] & 0xFFFF)] for row in words]
            pos += size

    order = np.argsort(labels, kind="stable")  # internal ids sorted by label
    to_label = labels.astype(np.uint32)
    node_levels = levels[order]
    nodes = [np.arange(count, dtype=np.uint32)]
    links = [[to_label[link_words[i, 1 : 1 + n_links0[i]]] for i in order]]
    for level in range(1, max_level + 1):
        members = [i for i in order if levels[i] >= level]
        nodes.append(to_label[members].astype(np.uint32) if members else np.zeros(0, np.uint32))
        links.append([to_label[upper[i][level - 1]] for i in members])
    return Graph(entry=int(to_label[entry]), levels=node_levels, nodes=nodes, links=links)


def empty_graph() -> Graph:
    """The graph of an index with no chunks."""
    return Graph(entry=0, levels=np.zeros(0, np.uint32), nodes=[np.zeros(0, np.uint32)], links=[[]])
