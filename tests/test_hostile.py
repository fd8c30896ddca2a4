"""Hostile pages in a built site: the real indexer keeps going, within bounded time and memory.

The site is written as HTML files (the indexer works on any built site) and
indexed once by ``mkdocs-embed index`` in a subprocess with the real model;
the tests below check that one run. Escaping excerpts is the widget's job
(tests/browser/): here the hostile text must be stored as text, unchanged.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from mkdocs_embed.search.engine import SearchEngine

TIME_LIMIT_S = 600
RSS_LIMIT_BYTES = 2 << 30
HUGE_BYTES = 10 << 20

SCRIPT_TEXT = '<script>alert("xss")</script>'
IMG_TEXT = '"><img src=x onerror=alert(1)>'


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><h1 id=\"top\">{title}</h1>{body}</main></body></html>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _huge_page() -> str:
    """10 MB on one line, as a minifier writes it: a few sections of text amid inline SVG and long attributes."""
    rng = random.Random(3)
    words = "lighthouse harbour beacon tide keeper lantern rock fog signal coast".split()
    text = "".join(
        f'<h2 id="part-{i}">Part {i}</h2><p data-state="{"x" * 2000}">'
        + " ".join(rng.choice(words) for _ in range(120))
        + "</p>"
        for i in range(6)
    )
    head = _page("Lighthouse keeping", text + "<svg viewBox='0 0 9 9'>")
    fill = "<path d='M0 0L9 9'/>"
    svg = fill * ((HUGE_BYTES - len(head)) // len(fill))
    html = head.replace("<svg viewBox='0 0 9 9'>", "<svg viewBox='0 0 9 9'>" + svg + "</svg>")
    assert "\n" not in html and len(html) >= HUGE_BYTES * 0.99
    return html


def write_hostile_site(site: Path) -> None:
    site.mkdir(parents=True)
    pages = {
        "index.html": _page("Install", "<h2 id=\"pip\">Install with pip</h2><p>Run pip install mkdocs-embed in your "
                            "virtual environment, then add the plugin to mkdocs.yml.</p>"),
        "script.html": _page("Injected", f"<h2 id=\"payload\">Payloads as text</h2><p>Authors wrote {_escape(SCRIPT_TEXT)} "
                             f"and {_escape(IMG_TEXT)} into a paragraph about the sanitiser.</p>"),
        "unicode.html": _page("Bidirectional", "<h2 id=\"rtl\">Right to left</h2><p>שלום עולם مرحبا بالعالم "
                              "\u202eevil.exe\u202c con\u200bfigu\u200bration zero\u2060width\ufeffjoiner "
                              "\u200c\u200d\u200e\u200f marks.</p>"),
        "deep.html": _page("Deep", "<div>" * 5000 + "<p>The abyssal anglerfish glows at the bottom.</p>" + "</div>" * 5000),
        "malformed.html": "<html><head><title>Broken</title><body><main><h1 id=x>Broken <p <p>unclosed paragraph "
                          "about walruses</div></span><![CDATA[ odd ]]><table><td>walrus tusks<tr></b></i><!-- never closed",
        "empty.html": "",
        "huge.html": _huge_page(),
    }
    for name, html in pages.items():
        (site / name).write_text(html, encoding="utf-8")
    rng = random.Random(5)
    (site / "binary.html").write_bytes(bytes(rng.randrange(256) for _ in range(50_000)))
    (site / "controls.html").write_bytes(bytes(rng.randrange(32) for _ in range(5_000)))
    (site / "latin1.html").write_bytes(_page("Café", "<p>Crème brûlée à la carte.</p>").encode("latin-1"))


@dataclass
class Run:
    site: Path
    output: str
    returncode: int
    seconds: float
    peak_rss_bytes: int


def run_measured(args: list[str], log: Path, timeout: float) -> tuple[int, float, int]:
    """Run ``args``; returns exit code, wall seconds and that child's own peak RSS (wait4's rusage)."""
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.perf_counter() - started, usage.ru_maxrss * 1024


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    write_hostile_site(site)
    log = root / "index.log"
    code, seconds, rss = run_measured(
        [sys.executable, "-m", "mkdocs_embed.cli", "index", str(site), "--cache-dir", str(root / "cache")], log, TIME_LIMIT_S,
    )
    run = Run(site, log.read_text(errors="replace"), code, seconds, rss)
    print(f"\nhostile build: {seconds:.1f} s, peak RSS {rss / 2**20:.0f} MiB")
    return run


def test_build_succeeds_and_warns_about_unreadable_pages(hostile):
    assert hostile.returncode == 0, hostile.output
    assert "Traceback" not in hostile.output
    for name in ("binary.html", "latin1.html"):
        assert any("WARNING" in line and name in line for line in hostile.output.splitlines()), hostile.output


def test_build_stays_within_time_and_memory(hostile, record_property):
    record_property("hostile_build_seconds", round(hostile.seconds, 1))
    record_property("hostile_build_peak_rss_mib", hostile.peak_rss_bytes >> 20)
    assert hostile.seconds < TIME_LIMIT_S
    assert hostile.peak_rss_bytes < RSS_LIMIT_BYTES, f"peak RSS {hostile.peak_rss_bytes >> 20} MiB"


def test_hostile_text_is_stored_as_text(engine):
    texts = engine.index.chunks["chunks"]["text"]
    payload = [t for t in texts if "sanitiser" in t]
    assert payload and SCRIPT_TEXT in payload[0] and IMG_TEXT in payload[0]
    rtl = next(t for t in texts if "שלום" in t)
    assert "مرحبا" in rtl and "\u202eevil.exe" in rtl and "configuration" in rtl


@pytest.fixture(scope="module")
def engine(hostile) -> SearchEngine:
    return SearchEngine.open(hostile.site)


@pytest.mark.parametrize("query, page", [
    ("what glows at the bottom of the sea", "deep.html"),
    ("lighthouse keeper lantern in the fog", "huge.html"),
    ("walrus tusks", "malformed.html"),
])
def test_queries_still_find_their_pages(engine, query, page):
    assert engine.search(query, k=3)[0].url == page


def test_query_command_answers(hostile):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_embed.cli", "query", str(hostile.site), "how do I install the plugin with pip"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines()[0].split()[1] == "#pip", result.stdout


def test_zero_width_characters_do_not_split_words(engine):
    hits = engine.search("configuration", k=3, mode="lexical")
    assert hits and hits[0].url == "unicode.html"
