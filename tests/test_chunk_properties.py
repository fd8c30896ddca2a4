"""Property tests: chunk_page on arbitrary nested HTML.

``HYPOTHESIS_PROFILE=long`` runs 10,000 examples (profiles in conftest.py).
"""

from __future__ import annotations

import html as htmllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_embed.chunk import TokenCounter, chunk_page
from mkdocs_embed.chunk.extract import extract
from mkdocs_embed.collect import Page
from mkdocs_embed.settings import ChunkSettings

LETTERS = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789"
EXOTIC = "日本語中文한국어עבריתالعربية🎉👍🏽é\u200b\u200d\u200c\u00a0.,!?;:'\"<>&"
CHARS = LETTERS * 3 + EXOTIC + "   \n\t"

words = st.text(alphabet=CHARS, min_size=0, max_size=40)
ids = st.text(alphabet=LETTERS + "日本-_", min_size=1, max_size=6)
BLOCKS = ["div", "p", "ul", "li", "pre", "code", "section", "blockquote", "table", "tr", "td", "b", "span", "em"]

leaf = st.one_of(
    st.tuples(st.just("text"), words),
    st.tuples(st.just("heading"), st.integers(1, 6), st.one_of(st.none(), ids), words),
)
tree = st.recursive(
    leaf, lambda kids: st.tuples(st.just("el"), st.sampled_from(BLOCKS), st.lists(kids, max_size=6)), max_leaves=40
)
CONFIGS = [ChunkSettings(), ChunkSettings(max_tokens=40, overlap_tokens=8, min_tokens=10)]


def render(node, text_out: list[str], ids_out: set[str]) -> str:
    """HTML for a node; collects the paragraph text and the heading ids."""
    stack, out = [node], []
    while stack:  # iterative, like the code under test
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif item[0] == "text":
            text_out.append(item[1])
            out.append(htmllib.escape(item[1]))
        elif item[0] == "heading":
            _, level, hid, text = item
            if hid:
                ids_out.add(hid)
            attr = f' id="{htmllib.escape(hid)}"' if hid else ""
            out.append(f"<h{level}{attr}>{htmllib.escape(text)}</h{level}>")
        else:
            _, tag, kids = item
            stack.append(f"</{tag}>")
            stack.extend(reversed(kids))
            out.append(f"<{tag}>")
    return "".join(out)


@pytest.fixture(scope="module")
def tokens(tokenizer) -> TokenCounter:
    return TokenCounter(tokenizer)


def _words(text: str) -> list[str]:
    return text.translate({0x200B: None, 0x00AD: None, 0x2060: None, 0xFEFF: None}).split()


@given(body=st.lists(tree, max_size=8), config=st.sampled_from(CONFIGS))
def test_any_page_chunks_within_budget_and_covers_its_text(tokens, body, config):
    texts: list[str] = []
    anchors: set[str] = set()
    html = "<html><head><title>T</title></head><body><main>" + "".join(render(n, texts, anchors) for n in body)
    html += "</main></body></html>"

    chunks = chunk_page(Page("p/", Path("p.html"), html), config, tokens)

    counts = tokens.count_many([c.embed_text for c in chunks])
    assert all(n <= config.max_tokens for n in counts)
    assert all(c.anchor == "" or c.anchor in anchors for c in chunks)
    assert all(c.text.strip() for c in chunks)
    everything = "\n".join(c.embed_text for c in chunks)
    for word in (w for t in texts for w in _words(t)):
        assert _covered(word, everything), word


def _covered(word: str, text: str) -> bool:
    """Whether ``word`` is in ``text``, whole or in consecutive parts (a word
    longer than a piece is cut between tokens)."""
    i = 0
    while i < len(word):
        j = next((j for j in range(len(word), i, -1) if word[i:j] in text), i)
        if j == i:
            return False
        i = j
    return True


@given(body=st.lists(tree, max_size=8))
def test_with_the_defaults_every_heading_with_text_keeps_its_anchor(tokens, body):
    html = "<html><head><title>T</title></head><body><main>" + "".join(render(n, [], set()) for n in body)
    html += "</main></body></html>"
    with_text = {s.anchor for s in extract(html).sections if s.anchor and any(_words(p) for p in s.paragraphs)}

    chunks = chunk_page(Page("p/", Path("p.html"), html), ChunkSettings(), tokens)

    assert with_text <= {c.anchor for c in chunks}, "a search could never land on these headings"
