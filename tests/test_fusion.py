"""Fusion: the convex combination, heading boosts, one result per section, the knobs, and the
fixture the JS side is checked against."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_embed.errors import EmbedError
from mkdocs_embed.search.analyze import Analyzer
from mkdocs_embed.search.fusion import Ranking, fuse, heading_boost, hybrid, one_per_section

FIXTURE = Path(__file__).parent / "fixtures" / "lexical"


ALONE = int  # every chunk its own section


def test_scores_are_weighted_shares_of_each_halfs_best():
    fused = dict(fuse([(1, 0.8), (2, 0.4)], [(2, 10.0), (3, 5.0)], ALONE, lexical_weight=0.3))
    assert fused[1] == 0.7 * (0.8 / 0.8)
    assert fused[2] == 0.7 * (0.4 / 0.8) + 0.3 * (10.0 / 10.0)
    assert fused[3] == 0.3 * (5.0 / 10.0)


def test_the_weight_moves_the_balance_between_the_halves():
    dense, lexical = [(1, 0.9), (2, 0.5)], [(2, 7.0), (1, 1.0)]
    assert fuse(dense, lexical, ALONE, 0.2)[0][0] == 1
    assert fuse(dense, lexical, ALONE, 0.8)[0][0] == 2
    assert [i for i, _ in fuse(dense, lexical, ALONE, 0.0)] == [1, 2]
    assert [i for i, _ in fuse(dense, lexical, ALONE, 1.0)] == [2, 1]


def test_order_is_score_then_id_and_a_half_without_a_positive_best_adds_nothing():
    assert [i for i, _ in fuse([(7, 0.5), (5, 0.5)], [], ALONE, 0.3)] == [5, 7]
    assert dict(fuse([(1, -0.2)], [(1, 3.0)], ALONE, 0.3)) == {1: 0.3}
    assert fuse([], [], ALONE, 0.3) == []


def test_a_repeated_id_keeps_its_first_score_and_boosts_add_as_they_are():
    assert dict(fuse([(4, 0.5), (4, 0.1)], [], ALONE, 0.5)) == {4: 0.5}
    assert dict(fuse([(1, 0.5)], [], ALONE, 0.3, boost_of=lambda i: 0.1))[1] == 0.7 + 0.1


def test_a_section_takes_each_halfs_best_chunk_and_is_shown_by_its_best_member():
    section = {1: "s", 2: "s", 3: "t"}.__getitem__
    # chunk 1 is the section's best cosine, chunk 2 its best BM25: the section gets both.
    fused = fuse([(1, 0.9), (3, 0.8), (2, 0.2)], [(2, 4.0), (3, 3.0)], section, 0.5)
    assert fused == [(2, 0.5 * (0.9 / 0.9) + 0.5 * (4.0 / 4.0)), (3, 0.5 * (0.8 / 0.9) + 0.5 * (3.0 / 4.0))]
    assert fuse([(1, 0.9), (2, 0.2)], [(2, 4.0)], section, 0.1)[0][0] == 1, "the member that scores best"


def test_heading_boost_is_the_share_of_query_terms_in_the_own_heading():
    a = Analyzer("english")
    terms = a.query_terms("install plugin")
    assert heading_boost(terms, ["Install", "With pip"], a, 0.1) == 0.0
    assert heading_boost(terms, ["Guide", "Installing the plugin"], a, 0.1) == 0.1
    assert heading_boost(terms, ["Install"], a, 0.5) == 0.25
    assert heading_boost([], ["Install"], a, 0.1) == 0.0


def test_hybrid_lifts_the_section_named_like_the_query():
    a = Analyzer("english")
    paths = [["Guide", "Overview"], ["Guide", "Offline builds"], ["Guide", "Caching"]]
    dense, lexical = [(0, 0.8), (1, 0.79), (2, 0.7)], [(0, 4.0), (2, 3.0), (1, 2.9)]
    assert hybrid("offline builds", dense, lexical, paths, ALONE, a, Ranking())[0][0] == 1
    assert hybrid("offline builds", dense, lexical, paths, ALONE, a, Ranking(heading_weight=0))[0][0] == 0


def test_one_per_section_keeps_each_sections_best_chunk_up_to_k():
    hits = [(3, 0.9), (4, 0.8), (1, 0.7), (5, 0.6), (0, 0.5)]
    section = {0: "a", 1: "a", 3: "b", 4: "b", 5: "c"}
    assert one_per_section(hits, section.__getitem__, 10) == [(3, 0.9), (1, 0.7), (5, 0.6)]
    assert one_per_section(hits, section.__getitem__, 2) == [(3, 0.9), (1, 0.7)]


def test_ranking_knobs_are_checked_and_read_from_the_manifest():
    assert Ranking.from_dict(None) == Ranking()
    assert Ranking.from_dict({"lexical_weight": 0.5}) == Ranking(lexical_weight=0.5)
    for bad in ({"lexical_weight": 1.5}, {"heading_weight": "0.1"}, {"candidates": 0}, {"candidates": True}, {"boost": 1}, []):
        with pytest.raises(EmbedError, match="ranking"):
            Ranking.from_dict(bad)


@pytest.mark.parametrize("case", json.loads((FIXTURE / "fusion.json").read_text("utf-8")), ids=lambda c: c["query"])
def test_fixture_fusion_is_what_hybrid_returns_today(case):
    paths = [c["path"] for c in json.loads((FIXTURE / "chunks.json").read_text("utf-8"))]
    dense = [(i, s) for i, s in case["dense"]]
    lexical = [(i, s) for i, s in case["lexical"]]
    section = [tuple(p) for p in paths].__getitem__
    fused = hybrid(case["query"], dense, lexical, paths, section, Analyzer("english"), Ranking(**case["ranking"]))
    assert [[i, s] for i, s in fused] == case["fused"]
