"""Damaged index files: the reader either loads them or says what is wrong, and never crashes later.

Real assets (hnswlib graph, quantized vectors, pages and fragment JSON,
keys, lexical head and postings, zstd-compressed as the emitter writes them) are truncated, bit-flipped or
spliced, at the stored (compressed) level and at the decoded level (then
recompressed, so the damage reaches the decoders behind zstd). Each damaged
site goes through ``load_index`` and then the searches the CLI runs. The
only acceptable failure is an :class:`EmbedError` (``FormatError`` is one).

``HYPOTHESIS_PROFILE=long`` runs 10,000 examples per test instead of 200.
"""

from __future__ import annotations

import json
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mkdocs_embed.errors import EmbedError
from mkdocs_embed.index.hnsw import build_graph
from mkdocs_embed.index.lexical import build_lexical
from mkdocs_embed.index.quantize import quantize
from mkdocs_embed.format.base import FileKind, FormatError, compress
from mkdocs_embed.format.graph import GRAPH, encode_graph
from mkdocs_embed.format.lexical import LEXICAL, POSTINGS
from mkdocs_embed.format.manifest import FORMAT_VERSION
from mkdocs_embed.format.pages import FRAGMENTS, PAGES, encode_fragment, encode_pages
from mkdocs_embed.format.vectors import KEYS, VECTORS, encode_keys, encode_vectors
from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.search.reader import load_index

N, DIMS = 60, 16
DEADLINE_S = 10
"""Per example: far above the few milliseconds a load and search take, far below a hang."""
QUERIES = ("install with pip", "cache folder", "", "ζ 安装 <script>")
N_PAGES = 5


@dataclass(frozen=True)
class _Chunk:
    path: tuple[str, ...]
    text: str


def _raw_assets() -> tuple[dict[str, bytes], dict[str, bytes], dict[str, str]]:
    """Every data file of a small real index: raw and stored bytes by file name, and the manifest's names by kind."""
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((N, DIMS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scales, q = quantize(vectors)
    words = "install pip cache folder model vectors graph search query build deploy theme".split()
    per_page = N // N_PAGES
    chunks = [
        _Chunk((f"Page {i // per_page}", f"Section {i}"), " ".join(words[(i * 7 + j) % len(words)] for j in range(9 + i % 5)))
        for i in range(N)
    ]
    raw: dict[str, bytes] = {}

    def add(kind: FileKind, data: bytes) -> str:
        name = kind.name(compress(data))
        raw[name] = data
        return name

    fragments = [
        add(FRAGMENTS, encode_fragment([
            {"anchor": f"section-{i}", "text": chunks[i].text} for i in range(p * per_page, (p + 1) * per_page)
        ]))
        for p in range(N_PAGES)
    ]
    lexical = build_lexical(chunks, shard_bytes=256)  # several postings files
    postings = [add(POSTINGS, shard) for shard in lexical.shards]
    pages = encode_pages([f"page-{p}/" for p in range(N_PAGES)], [f"Page {p}" for p in range(N_PAGES)],
                         [p * per_page for p in range(N_PAGES)], [c.path[1:] for c in chunks], [name.split(".")[1] for name in fragments])
    named = {
        "pages": add(PAGES, pages),
        "lexical": add(LEXICAL, lexical.head(postings)),
        "vectors": add(VECTORS, encode_vectors(scales, q)),
        "keys": add(KEYS, encode_keys([i.to_bytes(16, "little") for i in range(N)])),
        "graph": add(GRAPH, encode_graph(build_graph(vectors))),
    }
    return raw, {name: compress(data) for name, data in raw.items()}, named


RAW, STORED, NAMED = _raw_assets()
QUERY_VECTORS = np.random.default_rng(8).standard_normal((3, DIMS)).astype(np.float32)


def _manifest(stored: dict[str, bytes]) -> dict:
    return {
        "format": FORMAT_VERSION,
        "generator": "test",
        "model": {"name": "test", "fingerprint": "0" * 16, "dims": DIMS, "pooling": "mean",
                  "normalize": True, "query_prefix": "", "max_tokens": 256},
        "counts": {"pages": N_PAGES, "chunks": N},
        "hnsw": {"m": 16, "ef_search": 64},
        "files": dict(NAMED),
        "bytes": {kind: len(stored[name]) for kind, name in NAMED.items()},
    }


# -- damage ------------------------------------------------------------------

@st.composite
def _damaged_bytes(draw, data: bytes) -> bytes:
    """``data`` truncated, with bits flipped, or with random bytes spliced in."""
    how = draw(st.sampled_from(["truncate", "flip", "splice", "flip+truncate"]))
    out = bytearray(data)
    if how in ("flip", "flip+truncate"):
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(out) - 1))
            out[pos] ^= 1 << draw(st.integers(0, 7))
    if how == "splice":
        start = draw(st.integers(0, len(out)))
        end = draw(st.integers(start, min(len(out), start + 64)))
        out[start:end] = draw(st.binary(max_size=64))
    if how in ("truncate", "flip+truncate"):
        del out[draw(st.integers(0, max(len(out) - 1, 0))):]
    return bytes(out)


_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=True),
    st.text(max_size=8), st.sampled_from([-1, 0, 1, N, N + 1, 2**32]),
)
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


@st.composite
def _damaged_json(draw, data: bytes) -> bytes:
    """Valid JSON of the wrong shape: one value somewhere replaced, deleted, or a container emptied."""
    doc = json.loads(data)
    node, key = None, None
    cur = doc
    for _ in range(draw(st.integers(0, 4))):  # walk down a random path
        if isinstance(cur, dict) and cur:
            node, key = cur, draw(st.sampled_from(sorted(cur)))
        elif isinstance(cur, list) and cur:
            node, key = cur, draw(st.integers(0, len(cur) - 1))
        else:
            break
        cur = node[key]
    if node is None:
        return json.dumps(draw(_JSON_VALUES)).encode()
    if draw(st.booleans()):
        node[key] = draw(_JSON_VALUES)
    elif isinstance(node, dict):
        del node[key]
    else:
        node.pop(key)
    return json.dumps(doc, ensure_ascii=False).encode()


class Site:
    """A site's stored index files and manifest bytes."""

    def __init__(self, stored: dict[str, bytes], manifest: bytes):
        self.stored, self.manifest = stored, manifest

    def __repr__(self) -> str:  # short enough to read in a failure report
        changed = {k: v[:80] for k, v in self.stored.items() if v != STORED[k]}
        return f"Site(changed={changed!r}, manifest={self.manifest[:400]!r})"


@st.composite
def _damaged_sites(draw) -> Site:
    """One file of the index damaged under its own name, at the stored or the decoded level, or the manifest."""
    target = draw(st.sampled_from(["manifest", *sorted(STORED)]))
    stored = dict(STORED)
    manifest = _manifest(stored)
    if target == "manifest":
        raw = json.dumps(manifest).encode()
        damaged = draw(_damaged_json(raw) if draw(st.booleans()) else _damaged_bytes(raw))
        return Site(stored, damaged)
    json_kind = target.startswith(("pages.", "fragments."))
    level = draw(st.sampled_from(["stored", "decoded", "json"] if json_kind else ["stored", "decoded"]))
    if level == "stored":
        stored[target] = draw(_damaged_bytes(STORED[target]))
    elif level == "decoded":
        stored[target] = compress(draw(_damaged_bytes(RAW[target])))
    else:
        stored[target] = compress(draw(_damaged_json(RAW[target])))
    return Site(stored, json.dumps(_manifest(stored) if draw(st.booleans()) else manifest).encode())


# -- the check -----------------------------------------------------------------

class _Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Hang(f"a load or search ran past {DEADLINE_S} s")


def _write(site_dir: Path, site: Site) -> None:
    folder = site_dir / ASSET_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        path.unlink()
    for name, data in site.stored.items():
        (folder / name).write_bytes(data)
    (folder / MANIFEST).write_bytes(site.manifest)


def _load_and_search(site_dir: Path) -> None:
    """What ``mkdocs-embed query`` does, minus the query encoder: dense, lexical, hybrid, results."""
    engine = SearchEngine(load_index(site_dir))
    n = int(engine.index.manifest["counts"]["chunks"])
    for vector in QUERY_VECTORS:
        dense = engine.graph.search(vector, 10)
        assert all(0 <= i < n for i, _ in dense)
        for i, score in dense:
            engine._result(i, score)
    for query in QUERIES:
        for result in engine.search(query, k=10, mode="lexical"):
            assert 0 <= result.chunk_id < n
        for result in engine.search(query, k=10, vector=QUERY_VECTORS[0]):
            assert 0 <= result.chunk_id < n


def _check(site: Site, refused: bool = False) -> None:
    """Load and search ``site``: it must work or fail with an EmbedError that says why; with ``refused``, fail."""
    with tempfile.TemporaryDirectory() as tmp:
        site_dir = Path(tmp)
        _write(site_dir, site)
        alarm = hasattr(signal, "SIGALRM")  # POSIX: elsewhere a hang shows as the CI job's timeout
        previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
        if alarm:
            signal.alarm(DEADLINE_S)
        try:
            _load_and_search(site_dir)
        except EmbedError as exc:
            assert str(exc).strip(), "an error without a message"
            assert isinstance(exc, FormatError) or not refused, f"refused, but not as a format error: {exc!r}"
            return
        finally:
            if alarm:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
        assert not refused, "a damaged index loaded without a FormatError"


def test_undamaged_index_loads_and_searches(tmp_path):
    _write(tmp_path, Site(dict(STORED), json.dumps(_manifest(STORED)).encode()))
    engine = SearchEngine(load_index(tmp_path))
    assert len(engine.graph.search(QUERY_VECTORS[0], 10)) == 10
    assert engine.search("install pip", mode="lexical")


@given(_damaged_sites())
@example(Site(dict(STORED), b"[" * 100_000))
@example(Site({**STORED, NAMED["pages"]: compress(b"[" * 100_000)}, json.dumps(_manifest(STORED)).encode()))
@example(Site({**STORED, NAMED["lexical"]: compress(b"\x00\x00\x01\x00" + b"[" * 100_000)}, json.dumps(_manifest(STORED)).encode()))
def test_damaged_index_loads_or_fails_clearly(site):
    _check(site)


@pytest.mark.parametrize("patch", [
    {"hnsw": {"m": 16, "ef_search": float("inf")}},
    {"counts": {"pages": 5, "chunks": float("nan")}},
    {"files": {**_manifest(STORED)["files"], "lexical": "lexical\u0000.json.zst"}},
    {"files": {**_manifest(STORED)["files"], "lexical": 7}},
    {"files": {**_manifest(STORED)["files"], "lexical": "../../../etc/passwd"}},
    {"model": {**_manifest(STORED)["model"], "dims": 2**70}},
])
def test_manifest_values_of_the_wrong_kind_are_format_errors(patch):
    _check(Site(dict(STORED), json.dumps({**_manifest(STORED), **patch}).encode()), refused=True)
