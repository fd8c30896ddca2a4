"""The index format's Python side: round trips, damage, and the query algorithm."""

from __future__ import annotations

import numpy as np
import pytest

from mkdocs_embed.index.hnsw import build_graph
from mkdocs_embed.index.quantize import dequantize, quantize
from mkdocs_embed.format.base import FormatError
from mkdocs_embed.format.graph import decode_graph, encode_graph
from mkdocs_embed.format.manifest import FORMAT_VERSION, check_manifest
from mkdocs_embed.format.pages import decode_fragment, decode_pages, encode_fragment, encode_pages, excerpt, page_chunks
from mkdocs_embed.format.vectors import KEY_BYTES, decode_keys, decode_vectors, encode_keys, encode_vectors
from mkdocs_embed.search.hnsw import GraphSearch


def _clustered(n: int, dims: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((20, dims))
    v = (centres[rng.integers(0, 20, n)] + 0.5 * rng.standard_normal((n, dims))).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_quantization_keeps_vectors_close():
    v = _clustered(200)
    scales, q = quantize(v)
    back = dequantize(scales, q)
    cos = np.sum(back * v, axis=1) / np.linalg.norm(back, axis=1)
    assert cos.min() > 0.999


def test_vectors_and_graph_round_trip():
    v = _clustered(500)
    scales, q = quantize(v)
    s2, q2 = decode_vectors(encode_vectors(scales, q), 500, 64)
    assert s2.tobytes() == scales.tobytes() and q2.tobytes() == q.tobytes()
    graph = build_graph(v)
    back = decode_graph(encode_graph(graph), 500)
    assert back.entry == graph.entry and back.max_level == graph.max_level
    for level in range(graph.max_level + 1):
        assert [x.tolist() for x in back.links[level]] == [x.tolist() for x in graph.links[level]]


def test_graph_search_finds_true_neighbours():
    v = _clustered(2000)
    scales, q = quantize(v)
    search = GraphSearch(build_graph(v), scales, q, ef_search=64)
    rng = np.random.default_rng(1)
    recalls = []
    for i in range(40):
        query = v[i] + 0.2 * rng.standard_normal(v.shape[1]).astype(np.float32)
        query /= np.linalg.norm(query)
        got = [cid for cid, _ in search.search(query, 10)]
        exact = np.argsort(-(dequantize(scales, q) @ query))[:10]
        recalls.append(len(set(got) & set(exact.tolist())) / 10)
    assert np.mean(recalls) > 0.95


def test_scores_are_cosines_and_sorted():
    v = _clustered(300)
    scales, q = quantize(v)
    hits = GraphSearch(build_graph(v), scales, q, 64).search(v[7], 5)
    assert hits[0][0] == 7 and hits[0][1] == pytest.approx(1.0, abs=0.01)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_zero_query_and_empty_index_give_nothing():
    v = _clustered(50)
    scales, q = quantize(v)
    assert GraphSearch(build_graph(v), scales, q, 64).search(np.zeros(64, np.float32), 5) == []


@pytest.mark.parametrize("cut", [1, 4, 9, 100])
def test_truncated_vectors_and_graph_are_format_errors(cut):
    v = _clustered(100)
    scales, q = quantize(v)
    with pytest.raises(FormatError):
        decode_vectors(encode_vectors(scales, q)[:-cut], 100, 64)
    with pytest.raises(FormatError):
        decode_graph(encode_graph(build_graph(v))[:-cut * 4], 100)


def test_graph_with_links_past_the_end_is_rejected():
    data = bytearray(encode_graph(build_graph(_clustered(100))))
    data[-4:] = (10_000).to_bytes(4, "little")
    with pytest.raises(FormatError, match="past the last node"):
        decode_graph(bytes(data), 100)


def test_graph_outside_the_spec_is_rejected():
    """Each rule of the spec's graph section, broken once on a real graph."""
    graph = build_graph(_clustered(300))
    assert graph.max_level >= 1
    top = [int(x) for x in graph.nodes[1]]
    words = np.frombuffer(encode_graph(graph), "<u4").copy()
    n = 300
    level1 = 3 + n + 1 + (n + 1) + sum(len(x) for x in graph.links[0])  # where level 1's count is
    assert words[level1] == len(top)

    def refused(change, match):
        damaged = words.copy()
        change(damaged)
        with pytest.raises(FormatError, match=match):
            decode_graph(damaged.tobytes(), n)

    def swap_first_two(w):
        w[level1 + 1], w[level1 + 2] = w[level1 + 2], w[level1 + 1]

    refused(swap_first_two, "not ascending ids")
    low = next(i for i in range(n) if graph.levels[i] == 0)
    refused(lambda w: w.__setitem__(3 + top[0], 0), "does not list the nodes that reach it")  # listed above its top level
    refused(lambda w: w.__setitem__(3 + low, 1), "does not list the nodes that reach it")  # reaches level 1, not listed
    refused(lambda w: w.__setitem__(3 + low, graph.max_level + 1), "above the top level")
    other = next(i for i in range(n) if graph.levels[i] < graph.max_level)
    refused(lambda w: w.__setitem__(2, other), "entry point below it")


def test_pages_round_trip_and_damage():
    urls, titles, hashes = ["", "install/"], ["Home", "Install"], ["0123456789ab", "ba9876543210"]
    paths = [[], ["Why"], ["With pip"]]
    data = encode_pages(urls, titles, [0, 2], paths, hashes)
    assert data.count(b"Install") == 1, "the title is stored once, not in every heading path"
    raw = decode_pages(data, 3)
    assert raw["url"] == ["", "install/"] and list(page_chunks(raw["first"], 1, 3)) == [2]
    assert list(page_chunks(raw["first"], 0, 3)) == [0, 1]
    assert raw["path"] == [["Home"], ["Home", "Why"], ["Install", "With pip"]]
    assert raw["fragments"] == ["fragments.0123456789ab.json.zst", "fragments.ba9876543210.json.zst"]
    for first, n in (([0, 2], 2), ([1, 2], 3), ([0, 0], 3)):
        with pytest.raises(FormatError, match="pages file is damaged"):
            decode_pages(encode_pages(urls, titles, first, paths[:n], hashes), n)
    for hostile in ("../secret/../x", "0123456789AB", "0123456789a"):
        with pytest.raises(FormatError, match="column fragments"):
            decode_pages(encode_pages(urls, titles, [0, 2], paths, [hostile, "ba9876543210"]), 3)
    with pytest.raises(FormatError, match="column path"):
        decode_pages(encode_pages(urls, titles, [0, 2], paths[:2], hashes), 3)
    with pytest.raises(FormatError):
        decode_pages(b'{"url": 1}', 1)


def test_fragments_hold_what_results_show():
    data = encode_fragment([{"anchor": "pip", "text": "pip install"}, {"anchor": "", "text": "x"}])
    raw = decode_fragment(data, 2, "f")
    assert raw == {"anchor": ["pip", ""], "text": ["pip install", "x"]}
    with pytest.raises(FormatError, match="f is damaged"):
        decode_fragment(data, 3, "f")
    with pytest.raises(FormatError, match="f is damaged"):
        decode_fragment(b'{"anchor": []}', 0, "f")
    with pytest.raises(FormatError, match="not valid UTF-8 JSON"):
        decode_fragment(data[:-1], 2, "f")


def test_unknown_format_version_is_refused_clearly():
    for old_or_new in (FORMAT_VERSION - 1, FORMAT_VERSION + 1):
        with pytest.raises(FormatError, match=f"index format {old_or_new} is not supported.*reads format {FORMAT_VERSION}"):
            check_manifest({"format": old_or_new})


def test_keys_round_trip_and_refuse_a_short_file():
    keys = [bytes([i]) * KEY_BYTES for i in range(3)]
    assert decode_keys(encode_keys(keys), 3) == keys
    with pytest.raises(FormatError, match="keys file has 47 bytes"):
        decode_keys(encode_keys(keys)[:-1], 3)


def test_excerpt_cuts_on_a_word_boundary():
    assert excerpt("short", 10) == "short"
    cut = excerpt("alpha beta gamma delta epsilon", 18)
    assert cut == "alpha beta gamma…"
