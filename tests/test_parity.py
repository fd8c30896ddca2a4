"""The Python reader replays the shared fixture that js/test/hnsw.test.ts replays too.

Both readers must return these exact ids from the same query vectors; the
fixture is regenerated with ``python -m tests.fixtures.make_index``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mkdocs_embed.embed import Encoder
from mkdocs_embed.model import resolve_model
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.search.hnsw import GraphSearch
from mkdocs_embed.search.reader import load_index
from mkdocs_embed.settings import ModelSettings

FIXTURE = Path(__file__).parent / "fixtures" / "index"
CASES = json.loads((FIXTURE / "queries.json").read_text())


@pytest.fixture(scope="module")
def index():
    return load_index(FIXTURE)


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_dense_lexical_and_hybrid_ids_match_the_fixture(index, case):
    graph = GraphSearch(index.graph, index.scales, index.vectors, int(index.manifest["hnsw"]["ef_search"]))
    lexical = index.lexical
    vector = np.array(case["vector"], dtype=np.float32)
    dense = graph.search(vector, 10)
    lex = lexical.search(case["query"], 10)
    assert [i for i, _ in dense] == case["dense"]
    assert [s for _, s in dense] == case["dense_scores"]
    assert [i for i, _ in lex] == case["lexical"]
    engine = SearchEngine(index)
    assert [r.chunk_id for r in engine.search(case["query"], 10, mode="lexical")] == case["lexical_results"]
    assert [r.chunk_id for r in engine.search(case["query"], 10, vector=vector)] == case["hybrid"]


def test_query_vectors_are_what_the_encoder_makes():
    vectors = Encoder(resolve_model(ModelSettings())).embed_queries([c["query"] for c in CASES])
    expected = np.array([c["vector"] for c in CASES], dtype=np.float32)
    assert np.min(np.sum(vectors * expected, axis=1)) > 0.9999
