"""The summary and the cost line of a real `mkdocs build` log say what happened."""

from __future__ import annotations

import json
import re

from mkdocs_embed.layout import ASSET_DIR, MANIFEST

SUMMARY = re.compile(r"INFO    -  embed: embedded ([\d,]+) chunks, reused ([\d,]+), dropped ([\d,]+) \(([\d.]+) s\)")
COST = re.compile(
    r"INFO    -  embed: ([\d,]+) tokens embedded in ([\d.]+) s; "
    r"on a hosted API at \$([\d.]+) per million tokens that would cost \$([\d.]+)"
)


def parse(log: str) -> tuple[tuple[int, ...], tuple[int, float, float, float]]:
    summary, cost = SUMMARY.search(log), COST.search(log)
    assert summary and cost, log
    embedded, reused, dropped = (int(g.replace(",", "")) for g in summary.groups()[:3])
    tokens = int(cost.group(1).replace(",", ""))
    return (embedded, reused, dropped), (tokens, float(cost.group(2)), float(cost.group(3)), float(cost.group(4)))


def chunk_count(site) -> int:
    return json.loads((site / ASSET_DIR / MANIFEST).read_text())["counts"]["chunks"]


def test_the_first_build_embeds_everything_and_prices_it(example_project):
    (embedded, reused, dropped), (tokens, seconds, price, cost) = parse(example_project.build_log)
    assert reused == dropped == 0 and 0 < embedded <= chunk_count(example_project.site)
    assert tokens >= 20 * embedded and seconds > 0
    assert price == 0.02 and cost == round(tokens / 1e6 * 0.02, 5)


def test_a_rebuild_after_one_edit_embeds_one_chunk_at_the_configured_price(tmp_path, example_project):
    project = example_project.copy(tmp_path / "priced")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - embed\n", "  - embed:\n      price_per_million: 0.13\n"))
    page = project.root / "docs" / "faq.md"
    text = page.read_text()
    paragraph = re.search(r"\n\n([A-Z][^\n#|`!]{40,})\n", text).group(1)
    page.write_text(text.replace(paragraph, "Otters proofread this page. " + paragraph, 1))
    (embedded, reused, dropped), (tokens, seconds, price, cost) = parse(project.build())
    assert (embedded, dropped) == (1, 1) and reused == chunk_count(project.site) - 1
    assert 10 <= tokens <= 256 and price == 0.13 and cost == round(tokens / 1e6 * 0.13, 5)


def test_a_rebuild_without_changes_embeds_nothing_and_costs_nothing(tmp_path, example_project):
    project = example_project.copy(tmp_path / "same")
    (embedded, reused, dropped), (tokens, seconds, price, cost) = parse(project.build())
    assert (embedded, dropped, tokens, cost) == (0, 0, 0, 0.0) and reused == chunk_count(project.site)
