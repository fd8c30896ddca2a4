"""The widget on a Material site as its users set it up: a dark (slate) palette with a toggle and an amber
accent, `navigation.instant`, and `mike` versions (the site served under /1.2/ and /latest/).

One build serves every test here, from a mike-like folder: versions.json beside the version folders."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .colors import RESOLVE, luminance, rgba, same_hue
from .helpers import OPTION, search, serious_violations

PALETTE = [
    {"scheme": "slate", "primary": "indigo", "accent": "amber", "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"}},
    {"scheme": "default", "primary": "indigo", "accent": "amber", "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"}},
]
VERSIONS = ["1.2", "latest"]


@pytest.fixture(scope="module")
def versions_root(build_site, tmp_path_factory):
    """A folder as `mike deploy` leaves it: one copy of the site per version, and versions.json."""
    site = build_site(
        "material",
        theme_options={"palette": PALETTE, "features": ["navigation.instant"]},
        extra_config={"site_url": "https://docs.example.com/", "extra": {"version": {"provider": "mike"}}},  # instant needs site_url
    )
    root = tmp_path_factory.mktemp("mike")
    for version in VERSIONS:
        (root / version).mkdir()
        for entry in site.iterdir():
            if entry.name == "sitemap.xml":  # each version's own, see _sitemap_for
                shutil.copy(entry, root / version / entry.name)
            else:
                os.symlink(entry, root / version / entry.name)
    (root / "versions.json").write_text(json.dumps([{"version": v, "title": v, "aliases": []} for v in VERSIONS]))
    return root


@pytest.fixture
def base(versions_root, serve) -> str:
    """The URL of version 1.2."""
    return serve(versions_root) + "1.2/"


def _sitemap_for(versions_root, base: str) -> None:
    """Material's instant navigation only swaps pages listed in sitemap.xml, whose URLs must match the page's
    (it rewrites their scheme and host, but not port and path): list them under the served URL."""
    path = versions_root / "1.2" / "sitemap.xml"
    path.write_text(path.read_text("utf-8").replace("https://docs.example.com/", base), "utf-8")


def _colors(page) -> dict[str, str]:
    return page.evaluate("""() => {
      const css = (selector, prop) => getComputedStyle(document.querySelector(selector))[prop];
      return {
        page: css("body", "backgroundColor"),
        dialog: css(".mkdocs-embed__dialog", "backgroundColor"),
        pageFont: css("body", "fontFamily"),
        dialogFont: css(".mkdocs-embed__dialog", "fontFamily"),
        focus: css(".mkdocs-embed__input", "borderTopColor"),
        selected: css(".mkdocs-embed__option[aria-selected=true]", "backgroundColor"),
        mark: css(".mkdocs-embed__results mark", "backgroundColor"),
      };
    }""")


def test_dialog_takes_the_live_palette_and_follows_the_toggle(base, browser_page):
    w = browser_page()
    page = w.page
    page.goto(base)
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.keyboard.press("/")
    search(page, "exclude a page", mode="lexical")
    dark = _colors(page)
    accent = page.evaluate(RESOLVE, "var(--md-accent-fg-color)")
    assert rgba(accent)[:3] == (255, 170, 0), "Material's amber"
    assert abs(luminance(dark["dialog"]) - luminance(dark["page"])) <= 0.1, dark
    assert luminance(dark["dialog"]) < 0.1, "a dark dialog on a dark page"
    assert dark["dialogFont"] == dark["pageFont"]
    assert same_hue(dark["focus"], accent), "focus ring in the site's accent"
    assert same_hue(dark["selected"], accent) and rgba(dark["selected"])[3] < 0.5, "selected result tinted with the accent"
    assert same_hue(dark["mark"], accent), "highlights in the accent"
    assert serious_violations(page) == [], "dark and amber pass axe-core too"
    # The reader flips the palette toggle while the dialog is open (Material's toggle is a label for a radio).
    page.evaluate("document.querySelector('label[for=__palette_1]').click()")
    page.locator("body[data-md-color-scheme=default]").wait_for(state="attached")
    light = _colors(page)
    assert luminance(light["dialog"]) > 0.9 and abs(luminance(light["dialog"]) - luminance(light["page"])) <= 0.1, light
    assert page.is_visible(".mkdocs-embed__dialog")
    assert serious_violations(page) == []
    assert w.errors() == []


def test_instant_navigation_three_pages_then_search_lands_on_the_anchor(base, versions_root, browser_page):
    _sitemap_for(versions_root, base)
    w = browser_page()
    page = w.page
    page.goto(base)
    page.wait_for_load_state("networkidle")  # Material has read the sitemap
    page.evaluate("window.__notReloaded = true")
    for path in ("configuration/", "how-it-works/", "faq/"):
        page.click(f".md-nav--primary a.md-nav__link[href$='{path}']")
        page.wait_for_url(base + path)
        assert page.evaluate("window.__notReloaded === true"), f"{path} was swapped in, not loaded"
    assert page.locator("[data-mkdocs-embed-trigger]").count() == 1, "the search box is back in the swapped header"
    page.click("[data-mkdocs-embed-trigger]")
    hrefs = search(page, "what policy header lets the widget run wasm")
    expected = base + "guides/security/#script-src-wasm-unsafe-eval"
    assert expected in hrefs[:3], hrefs
    page.click(f"{OPTION}[href='{expected}']")
    page.wait_for_url(expected)
    assert page.locator("[id='script-src-wasm-unsafe-eval']").count() == 1
    assert not page.is_visible(".mkdocs-embed__dialog")
    assert w.errors() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_versioned_site_searches_its_own_index(version, versions_root, serve, browser_page):
    root = serve(versions_root)
    w = browser_page()
    page = w.page
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{root}{version}/guides/material/")
    page.locator(".md-version").wait_for()  # mike's version selector: Material read versions.json
    page.keyboard.press("/")
    hrefs = search(page, "index docs generated by sphinx", mode="lexical")
    assert f"{root}{version}/guides/standalone/#sphinx" in hrefs[:3], hrefs
    assert all(h.startswith(f"{root}{version}/") for h in hrefs)
    index_requests = [u for u in requested if "/assets/mkdocs-embed/" in u]
    assert index_requests and all(u.startswith(f"{root}{version}/assets/mkdocs-embed/") for u in index_requests)
    assert w.errors() == []
