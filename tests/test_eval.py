"""`mkdocs-embed eval`: metric arithmetic, the query file, and a real run over a small built site."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed.cli import main as cli
from mkdocs_embed.errors import EmbedError
from mkdocs_embed.evaluate import Case, evaluate, load_cases, ranks, report, run_eval, score_ranking


def test_perfect_ranking_scores_one():
    assert score_ranking(["a/#x", "b/"], ["a/#x", "b/"]) == (1.0, 1.0, 1.0)


def test_page_url_matches_any_section_and_is_credited_once():
    ndcg, recall, rr = score_ranking(["x/", "a/#one", "a/#two"], ["a/"])
    assert rr == 0.5 and recall == 1.0
    assert ndcg == pytest.approx((1 / math.log2(3)) / 1.0)


def test_anchor_must_match_exactly():
    assert score_ranking(["a/#two", "a/"], ["a/#one"]) == (0.0, 0.0, 0.0)


def test_hits_past_ten_do_not_count():
    assert score_ranking([f"p{i}/" for i in range(10)] + ["a/"], ["a/"]) == (0.0, 0.0, 0.0)


def test_query_file_is_read_and_normalized(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"query": "install", "relevant": ["/install/", "faq/#why"]}\n\n{"query": "x", "relevant": "b/"}\n')
    cases = load_cases(f)
    assert [c.relevant for c in cases] == [("install/", "faq/#why"), ("b/",)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"query": "a"}\n', r"q.jsonl:1: expected"),
        ('{"query": "a", "relevant": ["x/"]}\nnot json\n', r"q.jsonl:2: expected"),
        ('{"query": " ", "relevant": ["x/"]}\n', r"q.jsonl:1: needs a non-empty query"),
        ('{"query": "a", "relevant": []}\n', r"q.jsonl:1: needs a non-empty query"),
        ("\n", r"holds no queries"),
    ],
)
def test_bad_query_files_name_the_line(tmp_path, content, message):
    f = tmp_path / "q.jsonl"
    f.write_text(content)
    with pytest.raises(EmbedError, match=message):
        load_cases(f)


PAGES = {
    "index.md": "# Home\n\nWelcome to the tea handbook.\n",
    "brewing.md": "# Brewing\n\n## Water temperature\n\nGreen tea wants water at 80 degrees, black tea boiling water.\n\n"
    "## Steeping time\n\nSteep green tea for two minutes and black tea for four.\n",
    "storage.md": "# Storage\n\n## Keeping leaves fresh\n\nStore leaves in an airtight tin away from light.\n\n"
    "## The tea_cache setting\n\nSet `tea_cache` to keep a stock of leaves in the pantry.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tea")
    (root / "docs").mkdir()
    for name, text in PAGES.items():
        (root / "docs" / name).write_text(text)
    (root / "mkdocs.yml").write_text("site_name: Tea\nmarkdown_extensions:\n  - toc\n")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")], check=True)
    assert cli(["index", str(root / "site"), "--no-widget", "--cache-dir", str(root / "cache")]) == 0
    return root / "site"


def test_eval_prints_all_modes_and_guards_a_threshold(site, tmp_path, capsys):
    q = tmp_path / "q.jsonl"
    q.write_text(
        '{"query": "how hot should the water be", "relevant": ["brewing/#water-temperature"]}\n'
        '{"query": "tea_cache", "relevant": ["storage/#the-tea_cache-setting"]}\n'
        '{"query": "airtight tin", "relevant": ["storage/"]}\n'
    )
    assert run_eval(q, site, min_ndcg=0.5) == 0
    out = capsys.readouterr().out
    for mode in ("lexical", "dense", "hybrid"):
        assert mode in out
    assert "OK: hybrid nDCG@10" in out
    assert run_eval(q, site, min_ndcg=1.01) == 1
    assert "FAIL: hybrid nDCG@10" in capsys.readouterr().out


def test_report_lists_missed_queries_and_hit_rates():
    cases = [Case("steeping time", ("brewing/#steeping-time",)), Case("tin", ("storage/",))]
    got = {"steeping time": ["storage/", "brewing/#water-temperature"], "tin": ["brewing/", "storage/#keeping-leaves-fresh"]}
    results = evaluate(cases, lambda q, k, mode: got[q] if mode == "hybrid" else got[q][:1], modes=("lexical", "hybrid"))
    out = report(cases, results)
    assert out.splitlines()[1].split() == ["nDCG", "Recall", "MRR", "hit@1", "hit@3", "hit@10"]
    assert out.splitlines()[3].split()[4:] == ["0.000", "0.500", "0.500"]  # hybrid: 'tin' at rank 2
    assert "missed by hybrid: 1" in out and "'steeping time'" in out and "wanted brewing/#steeping-time" in out


def test_ranks_credit_each_relevant_url_once():
    assert ranks(["a/#x", "a/#y", "b/"], ["a/", "b/", "c/"]) == [1, 3, None]


def test_eval_refuses_relevant_urls_not_in_the_index(site, tmp_path, caplog, capsys):
    q = tmp_path / "q.jsonl"
    q.write_text(
        '{"query": "steeping time", "relevant": ["nowhere/", "brewing/#steeping-time"]}\n'
        '{"query": "tin", "relevant": ["storage/#no-such-heading"]}\n'
    )
    assert run_eval(q, site, min_ndcg=None) == 2
    assert "2 relevant URL(s)" in caplog.text
    listed = [line.strip() for line in caplog.text.splitlines() if line.startswith("  ")]
    assert listed == ["nowhere/", "storage/#no-such-heading"]
    assert capsys.readouterr().out == ""


def test_eval_json_has_each_querys_ranks_and_top_ten(site, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text('{"query": "tea_cache", "relevant": ["storage/#the-tea_cache-setting", "storage/"]}\n')
    out = tmp_path / "eval.json"
    assert run_eval(q, site, min_ndcg=None, json_path=out) == 0
    data = json.loads(out.read_text())
    assert set(data["modes"]) == {"lexical", "dense", "hybrid"} and set(data["modes"]["hybrid"]) >= {"ndcg", "hit@1", "hit@10"}
    (entry,) = data["queries"]
    lexical = entry["modes"]["lexical"]
    assert lexical["top"][0] == "storage/#the-tea_cache-setting" and lexical["ranks"][0] == 1
    assert len(lexical["top"]) == len(set(lexical["top"])) <= 10, "one result per section"


def test_eval_without_an_index_is_a_clear_error(tmp_path, caplog):
    q = tmp_path / "q.jsonl"
    q.write_text('{"query": "a", "relevant": ["x/"]}\n')
    assert run_eval(q, tmp_path, min_ndcg=None) == 2
    assert "no mkdocs-embed index" in caplog.text
