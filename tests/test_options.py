"""Every option of `- embed` is checked as configuration.md describes, and means what it says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed.config import EmbedConfig
from mkdocs_embed.emit.widget import RUNTIME_FILE
from mkdocs_embed.layout import ASSET_DIR
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.search.fusion import Ranking


def errors(**options) -> dict[str, str]:
    config = EmbedConfig()
    config.load_dict(options)
    failed, warnings = config.validate()
    assert not warnings, warnings
    return {name: str(error) for name, error in failed}


def test_the_defaults_are_valid():
    assert errors() == {}


@pytest.mark.parametrize("options,option,message", [
    ({"modle": "default"}, "modle", "unknown option"),
    ({"max_tokens": 16}, "max_tokens", "at least 32"),
    ({"max_tokens": 64, "overlap_tokens": 64}, "overlap_tokens", "smaller than max_tokens"),
    ({"overlap_tokens": -1}, "overlap_tokens", "0 or more"),
    ({"min_tokens": -5}, "min_tokens", "0 or more"),
    ({"excerpt_chars": -1}, "excerpt_chars", "0 or more"),
    ({"threads": -2}, "threads", "0 or more"),
    ({"price_per_million": -0.5}, "price_per_million", "0 or more"),
    ({"shortcut": "ab"}, "shortcut", "single character"),
    ({"shortcut": ""}, "shortcut", "single character"),
    ({"shortcut": " "}, "shortcut", "single character"),
    ({"cache_dir": " "}, "cache_dir", "must not be empty"),
    ({"previous_deploy": "example.org/docs"}, "previous_deploy", "http:// or https://"),
    ({"pooling": "max"}, "pooling", "max"),
    ({"provider": "rocm"}, "provider", "rocm"),
    ({"enabled": "yes"}, "enabled", "bool"),
    ({"widget": "no"}, "widget", "bool"),
    ({"exclude": "blog/*"}, "exclude", "list"),
    ({"language": "klingon"}, "language", "no Snowball stemmer for 'klingon'"),
    ({"strings": {"no_result": "None"}}, "strings", "unknown key 'no_result'"),
    ({"strings": {"placeholder": 3}}, "strings", "must be a string"),
    ({"strings": "Suchen"}, "strings", "dict"),
    ({"ranking": {"lexical_weight": 1.5}}, "ranking", "ranking.lexical_weight must be a number from 0 to 1"),
    ({"ranking": {"candidates": 0}}, "ranking", "ranking.candidates"),
    ({"ranking": {"boost": 1}}, "ranking", "keys lexical_weight, heading_weight, candidates"),
    ({"ranking": [0.3]}, "ranking", "dict"),
])
def test_a_bad_value_is_an_error_naming_the_option(options, option, message):
    found = errors(**options)
    assert option in found and message in found[option], found


@pytest.mark.parametrize("options", [
    {"shortcut": "s"}, {"overlap_tokens": 0}, {"max_tokens": 32, "overlap_tokens": 31},
    {"previous_deploy": "https://example.org/docs/"}, {"enabled": False}, {"min_tokens": 0},
    {"language": "german"}, {"language": "none"}, {"language": "dutch_porter"},
    {"strings": {"placeholder": "Ask the docs", "no_results": "Nothing about {query}"}}, {"placeholder": "Suchen"},
    {"ranking": {"lexical_weight": 0.5}}, {"ranking": {"heading_weight": 0, "candidates": 100}},
])
def test_documented_values_are_accepted(options):
    assert errors(**options) == {}


# -- real builds of a tiny site ------------------------------------------------

PAGE = "# Lighthouses\n\nA lighthouse keeper trims the lamp every evening and logs the weather at dawn.\n"


def build(tmp_path: Path, options: str, pages: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    project = tmp_path / "project"
    for name, text in (pages if pages is not None else {"index.md": PAGE}).items():
        (project / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "docs" / name).write_text(text)
    (project / "docs").mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(f"site_name: options\nplugins:\n  - embed:{options}\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml")],
                            capture_output=True, text=True, timeout=600)
    return result, project / "site" / ASSET_DIR


def test_an_unknown_option_stops_the_build(tmp_path):
    result, _ = build(tmp_path, "\n      modle: default")
    assert result.returncode == 1
    assert "Plugin 'embed' option 'modle': unknown option" in result.stderr
    assert "Traceback" not in result.stderr


def test_enabled_false_skips_the_plugin(tmp_path):
    result, assets = build(tmp_path, "\n      enabled: false")
    assert result.returncode == 0, result.stderr
    assert "disabled by `enabled: false`" in result.stderr
    assert not assets.exists()
    assert "mkdocs-embed" not in (assets.parent.parent / "index.html").read_text()


@pytest.mark.parametrize("language", ["german", "french"])
def test_a_site_in_another_language_passes_strict_and_ships_its_stemmer_alone(tmp_path, language):
    result, assets = build(tmp_path, f"\n      language: {language}")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    assert sorted(p.name.split(".", 1)[0] for p in assets.glob("stem-*.js")) == [f"stem-{language}"]


def test_widget_false_writes_the_index_without_model_or_runtime(tmp_path):
    result, assets = build(tmp_path, "\n      widget: false")
    assert result.returncode == 0, result.stderr
    names = {p.name.split(".", 1)[0] for p in assets.iterdir()}
    assert "manifest" in names and "vectors" in names
    assert not names & {"model", "tokenizer", "widget", RUNTIME_FILE.split(".", 1)[0]}, names


def test_ranking_knobs_reach_the_manifest_and_the_query_engine(tmp_path):
    result, assets = build(tmp_path, "\n      ranking:\n        lexical_weight: 0.6")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((assets / "manifest.json").read_text())
    assert manifest["ranking"] == {"lexical_weight": 0.6, "heading_weight": 0.1, "candidates": 50}
    assert SearchEngine.open(assets.parent.parent).ranking == Ranking(lexical_weight=0.6)


def test_a_site_with_nothing_to_index_ships_no_model_and_warns_once(tmp_path):
    result, assets = build(tmp_path, "\n      exclude: ['*']")
    assert result.returncode == 1  # --strict: the warning counts
    assert result.stderr.count("no page has text to index") == 1, result.stderr
    names = {p.name.split(".", 1)[0] for p in assets.iterdir()}
    assert "manifest" in names
    assert not names & {"model", "tokenizer", RUNTIME_FILE.split(".", 1)[0]}, names


@pytest.mark.parametrize("argv", [["-v", "index"], ["index", "-v"], ["index", "--verbose"]])
def test_cli_verbose_before_or_after_the_command(tmp_path, argv, caplog):
    from mkdocs_embed.cli import main

    assert main([*argv, str(tmp_path / "absent")]) == 1  # the command ran (2 would be a rejected command line)


def test_cli_index_stems_in_the_language_it_is_given(tmp_path):
    from mkdocs_embed.cli import main
    from mkdocs_embed.search.engine import SearchEngine

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<!doctype html><html lang=de><head><title>Häuser</title></head><body><main><h1>Häuser</h1>"
        "<p>Die Häuser der Stadt stehen am Fluss, und jedes Haus hat einen Garten mit alten Bäumen.</p></main></body></html>",
        encoding="utf-8",
    )
    assert main(["index", str(site), "--cache-dir", str(tmp_path / "cache"), "--stemmer", "german"]) == 0
    assert [p.name.split(".", 1)[0] for p in (site / ASSET_DIR).glob("stem-*.js")] == ["stem-german"]
    assert SearchEngine.open(site).lexical.analyzer.query_terms("Häusern") == ["haus"]
    assert main(["index", str(site), "--stemmer", "klingon"]) == 1


def test_each_language_folder_gets_its_own_index_in_its_language(tmp_path):
    import json

    from mkdocs_embed.search.engine import SearchEngine

    pages = {
        "index.md": PAGE,
        "de/index.md": "# Leuchttürme\n\nDer Leuchtturmwärter putzt jeden Abend die Lampen und notiert morgens das Wetter.\n",
        "fr/index.md": "# Phares\n\nLe gardien de phare nettoie les lampes chaque soir et note le temps au matin.\n",
    }
    result, assets = build(tmp_path, "\n      languages: {de: german, fr: french}", pages)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    site = assets.parent.parent
    for folder, language, word in (("", "english", "lighthouse"), ("de", "german", "Lampe"), ("fr", "french", "lampe")):
        index = SearchEngine.open(site / folder)
        assert index.lexical.analyzer.language == language
        hits = index.search(word, 5, mode="lexical")
        assert [h.href.partition("#")[0] for h in hits] == [""], (folder, [h.href for h in hits])  # its home page alone
    de_page = (site / "de" / "index.html").read_text()
    config = json.loads(de_page.split('id="mkdocs-embed-config">')[1].split("</script>")[0])
    assert config["assets"] == "assets/mkdocs-embed/" and config["root"] == "./"  # de/'s own index
    assert [p.name.split(".", 1)[0] for p in (site / "de" / ASSET_DIR).glob("stem-*.js")] == ["stem-german"]
    assert "(de/, german)" in result.stderr


@pytest.mark.parametrize("languages,message", [("{de: klingon}", "no Snowball stemmer for 'klingon'"),
                                               ("{'de/docs': german}", "must be the name of one folder")])
def test_a_bad_language_folder_is_an_error(tmp_path, languages, message):
    result, _ = build(tmp_path, f"\n      languages: {languages}")
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_a_mkdocs_static_i18n_site_gets_an_index_per_language_and_passes_strict(tmp_path):
    """mkdocs-static-i18n builds each language in a round of its own; each round indexes what it wrote."""
    project = tmp_path / "project"
    for folder, text in (("en", PAGE), ("fr", "# Phares\n\nLe gardien de phare nettoie les lampes chaque soir.\n")):
        (project / "docs" / folder).mkdir(parents=True)
        (project / "docs" / folder / "index.md").write_text(text)
    (project / "mkdocs.yml").write_text(
        "site_name: i18n\nplugins:\n  - i18n:\n      docs_structure: folder\n      languages:\n"
        "        - {locale: en, default: true, name: English, build: true}\n"
        "        - {locale: fr, name: Français, build: true}\n"
        "  - embed:\n      languages: {fr: french}\n"
    )
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    from mkdocs_embed.search.engine import SearchEngine

    french = SearchEngine.open(project / "site" / "fr")
    assert french.lexical.analyzer.language == "french"
    assert [h.href for h in french.search("lampe", 5, mode="lexical")][0].startswith("#phares")
    assert not SearchEngine.open(project / "site").search("gardien", 5, mode="lexical")  # the English index: no French page
