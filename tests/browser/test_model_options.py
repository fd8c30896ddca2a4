"""The model options that multilingual models need (query and passage prefixes, pooling), with a small local model.

The model is the default one in a local folder; the options turn it into an
e5-style asymmetric, CLS-pooled model. The browser must embed a query exactly
as Python does under those options, and the options must change the vectors.
"""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.model.default import default_files

OPTIONS = {"query_prefix": "query: ", "passage_prefix": "passage: ", "pooling": "cls"}
QUERIES = ["how do I install it", "GitHub Actions cache", "e5 query prefix", "Ünïcödé façade"]


@pytest.fixture(scope="module")
def site(build_site, tmp_path_factory):
    model = tmp_path_factory.mktemp("local-model")
    onnx, tokenizer = default_files()
    shutil.copy(onnx, model / "model.onnx")
    shutil.copy(tokenizer, model / "tokenizer.json")
    (model / "mkdocs-embed.json").write_text('{"max_tokens": 256}')
    return build_site("mkdocs", embed={"model": str(model), **OPTIONS})


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_the_manifest_carries_the_options_to_the_browser(site):
    model = json.loads((site / ASSET_DIR / MANIFEST).read_text())["model"]
    assert (model["query_prefix"], model["pooling"]) == ("query: ", "cls")


def test_the_browser_embeds_queries_as_python_does_under_prefix_and_pooling(site, serve, browser_page):
    from mkdocs_embed.embed import Encoder
    from mkdocs_embed.search.engine import SearchEngine

    engine = SearchEngine.open(site)
    spec = engine._spec
    plain = Encoder(dataclasses.replace(spec, query_prefix="", pooling="mean"))
    w = browser_page()
    w.page.goto(serve(site))
    for query in QUERIES:
        browser = np.array(w.page.evaluate("q => window.mkdocsEmbed.encode(q)", query), dtype=np.float64)
        python = engine.embed_query(query).astype(np.float64)
        assert cosine(browser, python) >= 0.9999, query
        assert cosine(python, plain.embed_queries([query])[0].astype(np.float64)) < 0.99, f"{query!r}: options had no effect"
    assert w.errors() == []
