"""The open dialog on a phone (375×667, touch) and under axe-core, in the mkdocs and Material themes."""

from __future__ import annotations

import pytest

from .helpers import OPTION, search, serious_violations

PHONE = {"viewport": {"width": 375, "height": 667}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_on_a_phone_the_dialog_fills_the_screen_and_results_answer_taps(theme, build_site, serve, chromium):
    base = serve(build_site(theme)) + "getting-started/install/"  # the mkdocs theme lets wide tables widen the page
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base)
        if theme == "mkdocs":
            page.tap(".navbar-toggler")  # the theme folds its menu, search link included, behind this button
        page.tap("[data-mkdocs-embed-trigger]")
        box = page.locator(".mkdocs-embed__dialog").bounding_box()
        assert page.inner_text(".mkdocs-embed__close") == "Close search", "a touch screen has no Esc key"
        assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
        hrefs = search(page, "configuration options of the plugin", mode="lexical")
        assert len(hrefs) >= 5
        heights = page.eval_on_selector_all(OPTION, "els => els.map(e => e.getBoundingClientRect().height)")
        assert min(heights) >= 44, "rows are tap-sized"
        results = page.locator(".mkdocs-embed__results")
        assert results.evaluate("e => e.scrollHeight > e.clientHeight"), "more results than fit: the list scrolls"
        last = page.locator(OPTION).last
        target = last.get_attribute("href")
        last.tap()  # scrolls the list to it, then taps
        page.wait_for_url(target)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_axe_finds_no_serious_violations_in_the_open_dialog(theme, build_site, serve, browser_page):
    w = browser_page()
    page = w.page
    page.goto(serve(build_site(theme)))
    page.keyboard.press("/")
    search(page, "hide a page from the search index")
    page.keyboard.press("ArrowDown")
    assert serious_violations(page) == []
    assert w.errors() == []


def test_mkdocs_theme_keeps_its_look_in_light_and_dark_mode(build_site, serve, browser_page):
    """The mkdocs theme's colour modes (Bootstrap's data-bs-theme, which its toggle flips)."""
    from .colors import luminance

    w = browser_page()
    page = w.page
    page.goto(serve(build_site("mkdocs")))
    page.keyboard.press("/")
    background = "() => [document.body, document.querySelector('.mkdocs-embed__dialog')].map(e => getComputedStyle(e).backgroundColor)"
    body, dialog = page.evaluate(background)
    assert body == dialog == "rgb(255, 255, 255)"
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    body, dialog = page.evaluate(background)
    assert dialog == body and luminance(dialog) < 0.1
    search(page, "hide a page from the search index", mode="lexical")
    assert serious_violations(page) == [], "dark mode passes axe-core too"
    assert w.errors() == []


def test_readthedocs_theme_keeps_the_neutral_look(build_site, serve, browser_page):
    site = build_site("mkdocs", theme_options={"name": "readthedocs"})
    w = browser_page()
    page = w.page
    page.goto(serve(site))
    page.click("[data-mkdocs-embed-trigger]")  # the floating button: the theme has no search slot the widget knows
    search(page, "hide a page from the search index", mode="lexical")
    colors = page.evaluate("() => ['backgroundColor', 'color'].map(p => getComputedStyle(document.querySelector('.mkdocs-embed__dialog'))[p])")
    assert colors == ["rgb(255, 255, 255)", "rgb(31, 35, 40)"]
    assert serious_violations(page) == []
    assert w.errors() == []
