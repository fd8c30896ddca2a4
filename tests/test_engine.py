"""The search engine behind `mkdocs-embed query`, on full and text-only indexes."""

from __future__ import annotations

import pytest

from mkdocs_embed.errors import EmbedError
from mkdocs_embed.pipeline import build_index
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.settings import BuildSettings

PAGES = {
    "index.html": "<title>Harbour</title><main><h1 id='harbour'>Harbour</h1><h2 id='tides'>Tides</h2>"
    "<p>High tide comes twice a day; moor the boats with slack in the lines so they rise with the water.</p></main>",
    "beacon/index.html": "<title>Beacon</title><main><h1 id='beacon'>Beacon</h1><h2 id='lamp'>Lamp</h2>"
    "<p>The beacon lamp burns paraffin and is trimmed at dusk by the keeper on duty.</p></main>",
}


@pytest.fixture
def site(tmp_path):
    for rel, html in PAGES.items():
        (tmp_path / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / rel).write_text(html)
    return tmp_path


def test_text_only_index_answers_lexically_and_says_why_dense_cannot(site):
    settings = BuildSettings(site_dir=site / "site", cache_dir=site / "cache")
    build_index(settings, embed=False)
    engine = SearchEngine.open(site / "site")
    assert [r.href for r in engine.search("paraffin lamp", k=1)] == ["beacon/#lamp"]
    with pytest.raises(EmbedError, match="text-only"):
        engine.search("paraffin lamp", mode="dense")


def test_full_index_answers_in_every_mode(site):
    build_index(BuildSettings(site_dir=site / "site", cache_dir=site / "cache"))
    engine = SearchEngine.open(site / "site")
    for mode in ("hybrid", "dense"):
        assert engine.search("when is the water high", k=1, mode=mode)[0].href == "#tides"
        assert engine.search("who looks after the light", k=1, mode=mode)[0].href == "beacon/#lamp"
    assert engine.search("tide", k=1, mode="lexical")[0].href == "#tides"
