"""The widget's own words, in the site's language.

They are resolved at build time and written into each page's boot config,
so the browser bundle carries no translation table. ``{query}`` and
``{reason}`` are filled in by the widget.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH: dict[str, str] = {
    "placeholder": "Search the docs",
    "results": "Search results",
    "close": "Close search",
    "close_key": "Esc",
    "no_results": "No results for “{query}”",
    "loading_index": "Loading the search index…",
    "loading_model": "Loading the language model; showing text matches for now…",
    "unavailable": "Search is unavailable: {reason}",
    "partly_unavailable": "Part of the search index is unavailable: {reason}",
    "semantic_unavailable": "Semantic search is unavailable ({reason}); showing text matches.",
}

# The languages MkDocs sites are most often written in, by `theme.language` (Material) or `theme.locale`.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "de": {
        "placeholder": "Dokumentation durchsuchen",
        "results": "Suchergebnisse",
        "close": "Suche schließen",
        "no_results": "Keine Ergebnisse für „{query}“",
        "loading_index": "Suchindex wird geladen…",
        "loading_model": "Sprachmodell wird geladen; bis dahin Treffer im Text…",
        "unavailable": "Die Suche ist nicht verfügbar: {reason}",
        "partly_unavailable": "Ein Teil des Suchindex ist nicht verfügbar: {reason}",
        "semantic_unavailable": "Die semantische Suche ist nicht verfügbar ({reason}); es werden Treffer im Text angezeigt.",
    },
    "es": {
        "placeholder": "Buscar en la documentación",
        "results": "Resultados de búsqueda",
        "close": "Cerrar la búsqueda",
        "no_results": "No hay resultados para «{query}»",
        "loading_index": "Cargando el índice de búsqueda…",
        "loading_model": "Cargando el modelo de lenguaje; mientras tanto, coincidencias de texto…",
        "unavailable": "La búsqueda no está disponible: {reason}",
        "partly_unavailable": "Parte del índice de búsqueda no está disponible: {reason}",
        "semantic_unavailable": "La búsqueda semántica no está disponible ({reason}); se muestran coincidencias de texto.",
    },
    "fr": {
        "placeholder": "Rechercher dans la documentation",
        "results": "Résultats de recherche",
        "close": "Fermer la recherche",
        "no_results": "Aucun résultat pour « {query} »",
        "loading_index": "Chargement de l’index de recherche…",
        "loading_model": "Chargement du modèle de langue ; résultats textuels en attendant…",
        "unavailable": "La recherche est indisponible : {reason}",
        "partly_unavailable": "Une partie de l’index de recherche est indisponible : {reason}",
        "semantic_unavailable": "La recherche sémantique est indisponible ({reason}) ; résultats textuels affichés.",
    },
    "it": {
        "placeholder": "Cerca nella documentazione",
        "results": "Risultati della ricerca",
        "close": "Chiudi la ricerca",
        "no_results": "Nessun risultato per «{query}»",
        "loading_index": "Caricamento dell’indice di ricerca…",
        "loading_model": "Caricamento del modello linguistico; intanto, corrispondenze testuali…",
        "unavailable": "La ricerca non è disponibile: {reason}",
        "partly_unavailable": "Parte dell’indice di ricerca non è disponibile: {reason}",
        "semantic_unavailable": "La ricerca semantica non è disponibile ({reason}); vengono mostrate corrispondenze testuali.",
    },
    "ja": {
        "placeholder": "ドキュメントを検索",
        "results": "検索結果",
        "close": "検索を閉じる",
        "no_results": "「{query}」に一致する結果はありません",
        "loading_index": "検索インデックスを読み込んでいます…",
        "loading_model": "言語モデルを読み込んでいます。それまではテキスト一致の結果を表示します…",
        "unavailable": "検索を利用できません: {reason}",
        "partly_unavailable": "検索インデックスの一部を利用できません: {reason}",
        "semantic_unavailable": "セマンティック検索を利用できません（{reason}）。テキスト一致の結果を表示しています。",
    },
    "ko": {
        "placeholder": "문서 검색",
        "results": "검색 결과",
        "close": "검색 닫기",
        "no_results": "“{query}”에 대한 결과가 없습니다",
        "loading_index": "검색 색인을 불러오는 중…",
        "loading_model": "언어 모델을 불러오는 중입니다. 그동안 텍스트 일치 결과를 표시합니다…",
        "unavailable": "검색을 사용할 수 없습니다: {reason}",
        "partly_unavailable": "검색 색인 일부를 사용할 수 없습니다: {reason}",
        "semantic_unavailable": "의미 검색을 사용할 수 없습니다({reason}). 텍스트 일치 결과를 표시합니다.",
    },
    "nl": {
        "placeholder": "Doorzoek de documentatie",
        "results": "Zoekresultaten",
        "close": "Zoeken sluiten",
        "no_results": "Geen resultaten voor ‘{query}’",
        "loading_index": "Zoekindex wordt geladen…",
        "loading_model": "Taalmodel wordt geladen; voorlopig tekstovereenkomsten…",
        "unavailable": "Zoeken is niet beschikbaar: {reason}",
        "partly_unavailable": "Een deel van de zoekindex is niet beschikbaar: {reason}",
        "semantic_unavailable": "Semantisch zoeken is niet beschikbaar ({reason}); tekstovereenkomsten worden getoond.",
    },
    "pl": {
        "placeholder": "Przeszukaj dokumentację",
        "results": "Wyniki wyszukiwania",
        "close": "Zamknij wyszukiwanie",
        "no_results": "Brak wyników dla „{query}”",
        "loading_index": "Wczytywanie indeksu wyszukiwania…",
        "loading_model": "Wczytywanie modelu językowego; na razie dopasowania w tekście…",
        "unavailable": "Wyszukiwanie jest niedostępne: {reason}",
        "partly_unavailable": "Część indeksu wyszukiwania jest niedostępna: {reason}",
        "semantic_unavailable": "Wyszukiwanie semantyczne jest niedostępne ({reason}); pokazywane są dopasowania w tekście.",
    },
    "pt": {
        "placeholder": "Pesquisar na documentação",
        "results": "Resultados da pesquisa",
        "close": "Fechar a pesquisa",
        "no_results": "Nenhum resultado para “{query}”",
        "loading_index": "Carregando o índice de pesquisa…",
        "loading_model": "Carregando o modelo de linguagem; por enquanto, correspondências de texto…",
        "unavailable": "A pesquisa não está disponível: {reason}",
        "partly_unavailable": "Parte do índice de pesquisa não está disponível: {reason}",
        "semantic_unavailable": "A pesquisa semântica não está disponível ({reason}); mostrando correspondências de texto.",
    },
    "ru": {
        "placeholder": "Поиск по документации",
        "results": "Результаты поиска",
        "close": "Закрыть поиск",
        "no_results": "По запросу «{query}» ничего не найдено",
        "loading_index": "Загрузка поискового индекса…",
        "loading_model": "Загрузка языковой модели; пока показаны совпадения по тексту…",
        "unavailable": "Поиск недоступен: {reason}",
        "partly_unavailable": "Часть поискового индекса недоступна: {reason}",
        "semantic_unavailable": "Семантический поиск недоступен ({reason}); показаны совпадения по тексту.",
    },
    "zh": {
        "placeholder": "搜索文档",
        "results": "搜索结果",
        "close": "关闭搜索",
        "no_results": "没有与“{query}”相关的结果",
        "loading_index": "正在加载搜索索引…",
        "loading_model": "正在加载语言模型，暂时显示文本匹配结果…",
        "unavailable": "搜索不可用：{reason}",
        "partly_unavailable": "部分搜索索引不可用：{reason}",
        "semantic_unavailable": "语义搜索不可用（{reason}），显示文本匹配结果。",
    },
    "zh-tw": {
        "placeholder": "搜尋文件",
        "results": "搜尋結果",
        "close": "關閉搜尋",
        "no_results": "找不到與「{query}」相關的結果",
        "loading_index": "正在載入搜尋索引…",
        "loading_model": "正在載入語言模型，暫時顯示文字比對結果…",
        "unavailable": "無法使用搜尋：{reason}",
        "partly_unavailable": "部分搜尋索引無法使用：{reason}",
        "semantic_unavailable": "無法使用語意搜尋（{reason}），顯示文字比對結果。",
    },
}
# Other spellings of the same languages.
ALIASES = {"zh-hant": "zh-tw", "zh-hk": "zh-tw", "zh-hans": "zh", "zh-cn": "zh", "pt-br": "pt", "pt-pt": "pt"}


def translation(language: str | None) -> dict[str, str] | None:
    """The table for a language tag (``de``, ``pt_BR``, ``zh-Hant``), or None when there is none (English)."""
    if not language:
        return None
    tag = language.strip().lower().replace("_", "-")
    for candidate in (tag, ALIASES.get(tag, ""), tag.split("-")[0]):
        if candidate in TRANSLATIONS:
            return TRANSLATIONS[candidate]
    return None


def unknown_keys(overrides: Mapping[str, str]) -> list[str]:
    return sorted(set(overrides) - set(ENGLISH))


def widget_strings(language: str | None, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every string of the widget: English, then the language's translation, then the site's own."""
    return {**ENGLISH, **(translation(language) or {}), **(overrides or {})}
