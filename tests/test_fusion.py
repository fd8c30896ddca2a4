"""Fusion: RRF arithmetic, heading boosts, grouping, and the fixture the JS side is checked against."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_embed.search.analyze import Analyzer
from mkdocs_embed.search.fusion import fuse, heading_boost, hybrid

FIXTURE = Path(__file__).parent / "fixtures" / "lexical"


def test_rrf_sums_reciprocal_ranks():
    fused = dict(fuse([1, 2, 3], [3, 1], k=60))
    assert fused[1] == 1 / 61 + 1 / 62
    assert fused[3] == 1 / 63 + 1 / 61
    assert fused[2] == 1 / 62


def test_order_is_score_then_id_and_k_matters():
    assert [i for i, _ in fuse([5, 7], [7, 5])] == [5, 7]  # equal scores: lower id first
    # A small k lets first places dominate; a large one rewards agreement.
    assert fuse([1, 5, 6, 2], [7, 8, 9, 2], k=1)[0][0] == 1
    assert fuse([1, 5, 6, 2], [7, 8, 9, 2], k=60)[0][0] == 2


def test_repeated_ids_keep_their_first_rank():
    assert dict(fuse([4, 4, 9], []))[4] == 1 / 61


def test_empty_lists_fuse_to_nothing():
    assert fuse([], []) == []


def test_boost_is_counted_like_extra_first_places():
    assert dict(fuse([1], [], boosts={1: 0.5}))[1] == 1 / 61 + 0.5 / 61


def test_heading_boost_counts_query_terms_in_heading_and_title():
    a = Analyzer("english")
    terms = a.query_terms("install plugin")
    assert heading_boost(terms, ["Install", "With pip"], a) == 0.25 * 1 / 2
    assert heading_boost(terms, ["Guide", "Installing the plugin"], a) == 0.5
    assert heading_boost(terms, ["Install"], a) == 0.5 * 1 / 2 + 0.25 * 1 / 2
    assert heading_boost([], ["Install"], a) == 0.0


def test_hybrid_lifts_the_section_named_like_the_query():
    a = Analyzer("english")
    paths = [["Guide", "Overview"], ["Guide", "Offline builds"], ["Guide", "Caching"]]
    # Both lists put chunk 0 first, but chunk 1's heading is the query.
    fused = hybrid("offline builds", [0, 1, 2], [0, 2, 1], paths, a)
    assert fused[0][0] == 1


@pytest.mark.parametrize("case", json.loads((FIXTURE / "fusion.json").read_text("utf-8")), ids=lambda c: c["query"])
def test_fixture_fusion_is_what_hybrid_returns_today(case):
    paths = [c["path"] for c in json.loads((FIXTURE / "chunks.json").read_text("utf-8"))]
    fused = hybrid(case["query"], case["dense"], case["lexical"], paths, Analyzer("english"))
    assert [[i, s] for i, s in fused] == case["fused"]
