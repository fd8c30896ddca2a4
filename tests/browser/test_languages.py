"""Sites in German and French: the widget stems as `mkdocs-embed query` does, so both rank text matches alike."""

from __future__ import annotations

import pytest

from mkdocs_embed.layout import ASSET_DIR

from .helpers import search

GERMAN = {
    "de/installation.md": """# Installation

## Voraussetzungen

Die Erweiterung benötigt Python und MkDocs. Installieren Sie beide Pakete in einer virtuellen Umgebung,
damit die installierten Versionen nicht mit anderen Projekten kollidieren.

## Installieren mit pip

Ein einziger Befehl installiert das Paket und alle Abhängigkeiten. Nach der Installation tragen Sie das
Plugin in die Konfigurationsdatei ein und bauen die Dokumentation neu.

## Häufige Fehler bei der Installation

Wenn die Installation scheitert, fehlen meistens Berechtigungen. Prüfen Sie die Fehlermeldungen der
Paketverwaltung und wiederholen Sie den Vorgang in einer frischen Umgebung.
""",
    "de/konfiguration.md": """# Konfiguration

## Die Konfigurationsdatei

Alle Einstellungen stehen in der Datei mkdocs.yml. Jede Einstellung hat einen sinnvollen Standardwert, den
Sie nur ändern, wenn Ihre Dokumentation es verlangt.

## Suchergebnisse anpassen

Die Suche zeigt die besten Ergebnisse zuerst. Längere Abschnitte werden in kleinere Teile zerlegt, damit
jedes Ergebnis auf die passende Stelle der Seite verweist.

## Seiten von der Suche ausschließen

Einzelne Seiten lassen sich ausschließen, indem man im Kopf der Seite eine Markierung setzt. Ausgeschlossene
Seiten erscheinen in keinem Suchergebnis.
""",
    "de/betrieb.md": """# Betrieb

## Zwischenspeicher in der Pipeline

Der Zwischenspeicher bewahrt berechnete Vektoren zwischen zwei Läufen auf. Ein wiederholter Lauf berechnet
nur geänderte Abschnitte neu und ist daher deutlich schneller.

## Häuser, Bäume und Wörter

Der Stemmer führt gebeugte Wörter auf ihren Stamm zurück: Häuser und Hauses finden das Haus, Bäume den
Baum, und gesuchte Wörter finden das gesuchte Wort.
""",
}

FRENCH = {
    "fr/installation.md": """# Installation

## Prérequis

L'extension nécessite Python et MkDocs. Installez les deux paquets dans un environnement virtuel afin que
les versions installées n'entrent pas en conflit avec d'autres projets.

## Installer avec pip

Une seule commande installe le paquet et toutes ses dépendances. Après l'installation, ajoutez le plugin
au fichier de configuration et reconstruisez la documentation.

## Erreurs fréquentes lors de l'installation

Quand l'installation échoue, il manque souvent des autorisations. Vérifiez les messages d'erreur du
gestionnaire de paquets et recommencez dans un environnement propre.
""",
    "fr/configuration.md": """# Configuration

## Le fichier de configuration

Tous les réglages se trouvent dans le fichier mkdocs.yml. Chaque réglage possède une valeur par défaut
raisonnable, que vous ne modifiez que si votre documentation l'exige.

## Ajuster les résultats de recherche

La recherche affiche d'abord les meilleurs résultats. Les sections longues sont découpées en parties plus
petites, afin que chaque résultat pointe vers le bon endroit de la page.

## Exclure des pages de la recherche

On peut exclure des pages en ajoutant une marque dans leur en-tête. Les pages exclues n'apparaissent dans
aucun résultat de recherche.
""",
    "fr/exploitation.md": """# Exploitation

## Le cache dans l'intégration continue

Le cache conserve les vecteurs calculés entre deux exécutions. Une nouvelle exécution ne recalcule que les
sections modifiées et s'avère donc bien plus rapide.

## Chevaux, travaux et mots

Le racinisateur ramène les mots fléchis à leur racine : les chevaux trouvent le cheval, les travaux le
travail, et les mots recherchés trouvent le mot recherché.
""",
}

QUERIES = {
    "german": ["installieren", "Installation des Pakets", "Konfigurationsdateien", "Suchergebnisse ausschließen",
               "Haus", "Bäumen", "gesucht Wörter", "zwischengespeichert Vektor", "Fehler", "Seite"],
    "french": ["installer", "installations du paquet", "configurations", "exclure les résultats", "cheval",
               "travaux", "recherches", "vecteur calculé", "erreurs", "pages"],
}


@pytest.mark.parametrize("language,docs", [("german", GERMAN), ("french", FRENCH)])
def test_the_widget_ranks_text_matches_as_the_cli_does(build_site, serve, browser_page, language, docs):
    from mkdocs_embed.search.engine import SearchEngine

    site = build_site("mkdocs", extra_docs=docs, embed={"language": language})
    shipped = sorted(p.name.split(".", 1)[0] for p in (site / ASSET_DIR).glob("stem-*.js"))
    assert shipped == [f"stem-{language}"]  # only the site's own language
    engine = SearchEngine.open(site)
    w = browser_page()
    w.page.goto(serve(site))
    for query in QUERIES[language]:
        python = [i for i, _ in engine.lexical.search(query, 10)]
        browser = w.page.evaluate("([q, k]) => window.mkdocsEmbed.lexicalSearch(q, k)", [query, 10])
        assert python, f"{query!r} matches nothing: the test query needs rewording"
        assert browser == python, query
    stemmed = engine.lexical.analyzer.query_terms("Häuser chevaux")
    assert stemmed != ["häuser", "chevaux"]  # the language's stemmer did run
    assert w.errors() == []


def test_a_multilingual_site_searches_the_readers_language(build_site, serve, browser_page):
    """With `languages:`, each language folder has its own index, and a page searches its own folder's."""
    from mkdocs_embed.search.engine import SearchEngine

    site = build_site("mkdocs", extra_docs={**GERMAN, **FRENCH}, embed={"languages": {"de": "german", "fr": "french"}})
    base = serve(site)
    for folder, language in (("de", "german"), ("fr", "french")):
        engine = SearchEngine.open(site / folder)
        assert engine.lexical.analyzer.language == language
        w = browser_page()
        w.page.goto(f"{base}{folder}/installation/")
        for query in QUERIES[language][:4]:
            python = [i for i, _ in engine.lexical.search(query, 10)]
            assert w.page.evaluate("([q, k]) => window.mkdocsEmbed.lexicalSearch(q, k)", [query, 10]) == python, query
        w.page.keyboard.press("/")
        hrefs = search(w.page, QUERIES[language][0], mode="lexical", excerpts=False)
        assert hrefs and all(h.startswith(f"{base}{folder}/") for h in hrefs), hrefs
        assert w.errors() == []
