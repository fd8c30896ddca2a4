"""The widget on sites built by other generators: a real `properdocs build` of its mkdocs theme with the
plugin, and a real `zensical build` indexed by `mkdocs-embed index`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.needs import module

from .helpers import search

DOCS = {
    "index.md": """\
        # Lanterns

        | lantern | wick |
        |---|---|
        | storm | long |

        ## Lighting

        Light each lantern at dusk with a long match and trim the wick so the flame stays low.
        """,
    "harbour.md": """\
        # Harbour

        ## Beacon

        The harbour beacon is wound by hand every evening before the fishing boats come back.
        """,
}


def _project(root: Path, config: dict) -> Path:
    for rel, text in DOCS.items():
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(textwrap.dedent(text), "utf-8")
    (root / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "Lanterns", **config}), "utf-8")
    return root


def _run(*args: str, cwd: Path) -> None:
    run = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory) -> Path:
    """ProperDocs' mkdocs theme, with `search` removed (only `embed`)."""
    module("properdocs")
    root = _project(tmp_path_factory.mktemp("properdocs"), {
        "theme": {"name": "mkdocs", "highlightjs": False},
        "plugins": [{"embed": {"cache_dir": str(tmp_path_factory.getbasetemp() / "generators-cache")}}],
    })
    _run(_tool("properdocs"), "build", cwd=root)
    return root / "site"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    module("zensical")
    root = _project(tmp_path_factory.mktemp("zensical"), {
        "site_url": "https://docs.example.com/",  # instant navigation needs it (see the test)
        "theme": {"font": False, "features": ["navigation.instant"]},
    })
    _run(_tool("zensical"), "build", cwd=root)
    _run(_tool("mkdocs-embed"), "index", "site", "--cache-dir", str(tmp_path_factory.getbasetemp() / "generators-cache"), cwd=root)
    return root / "site"


def test_properdocs_without_search_runs_its_theme_script_to_the_end(properdocs_site, serve, browser_page):
    w = browser_page()
    page = w.page
    base = serve(properdocs_site)
    page.goto(base)
    assert page.locator("#properdocs_search_modal").count() == 1, "the stand-in for the modal the theme expects"
    # The last things the theme's start-up script does: style the tables, set the scroll padding.
    assert page.locator("table").count() >= 2 and page.locator("table:not(.table-striped)").count() == 0
    assert page.evaluate("document.documentElement.style.scrollPaddingTop") != ""
    # Its search shortcut (`s`) now opens the widget.
    page.keyboard.press("s")
    assert page.is_visible(".mkdocs-embed__dialog")
    hrefs = search(page, "who winds the beacon in the evening")
    assert hrefs[0] == base + "harbour/#beacon"
    assert w.errors() == []


def test_zensical_search_button_opens_the_widget_and_zensical_stays_closed(zensical_site, serve, browser_page):
    w = browser_page()
    page = w.page
    base = serve(zensical_site)
    # Instant navigation swaps only pages whose sitemap URL matches the page's, port included.
    sitemap = zensical_site / "sitemap.xml"
    sitemap.write_text(sitemap.read_text("utf-8").replace("https://docs.example.com/", base), "utf-8")
    page.goto(base)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__notReloaded = true")
    for path in ("harbour/", ""):
        page.click(f".md-nav--primary a.md-nav__link[href='{base}{path}']")
        page.wait_for_url(base + path)
    assert page.evaluate("window.__notReloaded === true"), "Zensical swapped the pages in"
    zensical_dialog_open = "() => [...document.body.children].some(e => e.shadowRoot?.querySelector('dialog[open]'))"
    page.click(".md-search__button")
    assert page.is_visible(".mkdocs-embed__dialog")
    hrefs = search(page, "who winds the beacon in the evening")
    assert hrefs[0] == base + "harbour/#beacon"
    page.wait_for_timeout(300)  # Zensical's dialog would have opened by now
    assert not page.evaluate(zensical_dialog_open)
    page.keyboard.press("Escape")
    # On a phone the header shows Zensical's search icon (a label for its `__search` toggle) instead.
    page.set_viewport_size({"width": 375, "height": 667})
    page.click("label[for=__search]")
    assert page.is_visible(".mkdocs-embed__dialog")
    page.wait_for_timeout(300)
    assert not page.evaluate(zensical_dialog_open)
    assert not page.is_checked("#__search")
    assert w.errors() == []
