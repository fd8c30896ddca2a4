"""The widget's own strings: translations, the site's overrides, and their contract with js/src/ui."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mkdocs_embed.emit.site_widget import add_widget_to_site
from mkdocs_embed.emit.strings import ENGLISH, TRANSLATIONS, translation, widget_strings
from mkdocs_embed.emit.widget import WidgetOptions

UI = Path(__file__).resolve().parent.parent / "js" / "src" / "ui"
TOP_TEN = ("zh", "ja", "de", "fr", "es", "pt", "ru", "ko", "it", "zh-tw")


def test_the_most_used_languages_are_translated_whole():
    for language in TOP_TEN:
        assert language in TRANSLATIONS
    for language, table in TRANSLATIONS.items():
        assert set(table) == set(ENGLISH) - {"close_key"}, language
        for key, text in table.items():
            # The same blanks to fill in, and a real translation rather than the English.
            assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", ENGLISH[key]), (language, key)
            assert text != ENGLISH[key], (language, key)


@pytest.mark.parametrize(("tag", "placeholder"), [
    ("de", "Dokumentation durchsuchen"), ("pt_BR", "Pesquisar na documentação"), ("pt-BR", "Pesquisar na documentação"),
    ("zh-Hant", "搜尋文件"), ("zh_TW", "搜尋文件"), ("zh-CN", "搜索文档"), ("fr-CA", "Rechercher dans la documentation"),
    ("en", "Search the docs"), ("xx", "Search the docs"), (None, "Search the docs"), ("", "Search the docs"),
])
def test_language_tags_pick_their_translation(tag, placeholder):
    assert widget_strings(tag)["placeholder"] == placeholder
    assert (translation(tag) is None) == (placeholder == "Search the docs")


def test_the_sites_own_words_win():
    strings = widget_strings("de", {"no_results": "Nichts zu {query}"})
    assert strings["no_results"] == "Nichts zu {query}" and strings["results"] == "Suchergebnisse"


def test_the_widget_says_exactly_the_keys_python_writes():
    """`say("key"` in js/src/ui and the keys of ENGLISH: the two sides of the boot config's `strings`."""
    said = set(re.findall(r"""say\(\s*"(\w+)\"""", "".join(p.read_text("utf-8") for p in UI.glob("*.ts"))))
    assert said == set(ENGLISH)


def test_index_gives_each_page_the_strings_of_its_html_lang(tmp_path, monkeypatch):
    site = tmp_path / "site"
    for rel, lang in (("index.html", "ja"), ("de/index.html", "de"), ("plain.html", None)):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        attr = f' lang="{lang}"' if lang else ""
        (site / rel).write_text(f"<!doctype html><html{attr}><head><title>t</title></head><body>x</body></html>")
    monkeypatch.setattr("mkdocs_embed.emit.site_widget.install_widget", lambda *a, **k: {"widget.js": "w.js", "widget.css": "w.css"})

    def placeholder(rel: str) -> str:
        html = (site / rel).read_text("utf-8")
        return json.loads(re.search(r'id="mkdocs-embed-config">(.*?)</script>', html).group(1))["strings"]["placeholder"]

    add_widget_to_site(site, WidgetOptions())
    assert [placeholder(r) for r in ("index.html", "de/index.html", "plain.html")] == [
        "ドキュメントを検索", "Dokumentation durchsuchen", "Search the docs",
    ]
    add_widget_to_site(site, WidgetOptions(language="fr", placeholder="Chercher"))
    assert {placeholder(r) for r in ("index.html", "de/index.html", "plain.html")} == {"Chercher"}


def test_the_theme_names_the_language(tmp_path):
    """Material's `theme.language`; the mkdocs and readthedocs themes' `theme.locale`."""
    from mkdocs.config import load_config

    from mkdocs_embed.plugin import _theme_language

    (tmp_path / "docs").mkdir()
    for theme, expected in (({"name": "material", "language": "de"}, "de"), ({"name": "mkdocs", "locale": "pt_BR"}, "pt_BR"),
                            ({"name": "readthedocs", "locale": "ja"}, "ja")):
        (tmp_path / "mkdocs.yml").write_text(json.dumps({"site_name": "x", "theme": theme}))
        assert _theme_language(load_config(str(tmp_path / "mkdocs.yml"))) == expected
