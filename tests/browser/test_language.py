"""The widget speaks the site's language (`theme.language`), and the site's own `strings` win."""

from __future__ import annotations

from .helpers import STATUS, search


def test_a_german_material_site_gets_german_strings_and_its_own_override(build_site, serve, browser_page):
    site = build_site("material", theme_options={"language": "de"}, embed={"strings": {"no_results": "Nichts gefunden zu „{query}“"}})
    w = browser_page()
    page = w.page
    held = []
    page.route("**/*.onnx", lambda route: held.append(route))  # keep the model loading, to read its status line
    page.goto(serve(site))
    assert page.get_attribute("[data-mkdocs-embed-trigger]", "aria-label") == "Dokumentation durchsuchen"
    page.keyboard.press("/")
    assert page.get_attribute(".mkdocs-embed__input", "placeholder") == "Dokumentation durchsuchen"
    assert page.get_attribute(".mkdocs-embed__close", "aria-label") == "Suche schließen, Esc"
    assert page.inner_text(".mkdocs-embed__close") == "Esc", "the key hint, with a mouse"
    assert page.get_attribute(".mkdocs-embed__results", "aria-label") == "Suchergebnisse"
    search(page, "qqqzzxx", mode="lexical")
    assert page.inner_text(".mkdocs-embed__empty") == "Nichts gefunden zu „qqqzzxx“"
    page.locator(STATUS).filter(has_text="Sprachmodell wird geladen").wait_for()
    for route in held:
        route.continue_()
    assert w.errors() == []
