"""Shared set-up of the real-browser tests: a built example site, a static
server on 127.0.0.1, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import functools
import os
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.needs import missing

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SITE = REPO / "example-site"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium; the variable names another (and lets a test show what happens without one)."""
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
THEMES = {
    "mkdocs": {"name": "mkdocs", "highlightjs": False},  # highlight.js would come from a CDN
    "material": {"name": "material", "font": False},  # so would Google Fonts
}


def _need_bundle() -> None:
    if not (REPO / "mkdocs_embed" / "assets" / "bundle.json").is_file():
        missing("widget bundle not built: run `make js`")


def chromium_path() -> str:
    """The browser the tests drive; a skip without one, a failure in CI."""
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def build_site(tmp_path_factory) -> Callable[..., Path]:
    """``build_site(theme, extra_docs={path: text}, theme_options={}, extra_config={}, embed={})`` → a site
    built by a real ``mkdocs build``; ``theme_options`` go under ``theme:``, ``extra_config`` at the top level,
    ``embed`` under the plugin.

    Builds share one embedding cache, so only the first one embeds everything.
    """
    _need_bundle()
    cache = tmp_path_factory.mktemp("embed-cache")
    built: dict[tuple, Path] = {}

    def build(
        theme: str = "mkdocs", extra_docs: dict[str, str] | None = None, theme_options: dict | None = None,
        extra_config: dict | None = None, embed: dict | None = None,
    ) -> Path:
        key = (theme, tuple(sorted((extra_docs or {}).items())), yaml.safe_dump([theme_options, extra_config, embed]))
        if key in built:
            return built[key]
        root = tmp_path_factory.mktemp(f"site-{theme}")
        shutil.copytree(EXAMPLE_SITE / "docs", root / "docs")
        for rel, text in (extra_docs or {}).items():
            (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / "docs" / rel).write_text(text, "utf-8")
        config = yaml.safe_load((EXAMPLE_SITE / "mkdocs.yml").read_text("utf-8"))
        config["theme"] = {**THEMES[theme], **(theme_options or {})}
        config["plugins"] = [{"embed": {"cache_dir": str(cache), **(embed or {})}}]
        config.update(extra_config or {})
        if extra_docs:
            config.pop("nav", None)
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config), "utf-8")
        mkdocs = Path(sys.executable).with_name("mkdocs")
        run = subprocess.run([str(mkdocs), "build", "-q", "-f", str(root / "mkdocs.yml")], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        built[key] = root / "site"
        return built[key]

    return build


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".mjs": "text/javascript"}
    extra_headers: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet test output
        pass


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """``serve(site_dir, headers={})`` → base URL of a threading static server on a free port."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(site_dir: Path, headers: dict[str, str] | None = None) -> str:
        handler = type("Handler", (_Handler,), {"extra_headers": headers or {}})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass
class Watched:
    """A page and the errors it reported: uncaught exceptions and console errors."""

    page: object
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def errors(self, allow: tuple[str, ...] = ()) -> list[str]:
        return self.page_errors + [e for e in self.console_errors if not any(a in e for a in allow)]


@pytest.fixture
def browser_page(chromium) -> Iterator[Callable[[], Watched]]:
    """``browser_page()`` → a fresh page (own context, so own HTTP cache) with its errors recorded."""
    contexts = []

    def open_page() -> Watched:
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page)
        page.on("pageerror", lambda exc: watched.page_errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and watched.console_errors.append(msg.text))
        return watched

    yield open_page
    for context in contexts:
        context.close()
