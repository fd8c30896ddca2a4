"""The MkDocs plugin: hooks only; the work happens in :mod:`mkdocs_embed.pipeline`.

Nothing here imports the pipeline itself: a rebuild with nothing to do
(:mod:`.last_build`) then never loads numpy and the rest.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from . import filehash
from .collect.pages import EXCLUDE_META, html_files
from .config import EmbedConfig
from .emit import widget
from .emit.strings import translation
from .errors import EmbedError
from .last_build import build_or_reuse
from .layout import ASSET_DIR
from .log import log
from .settings import BuildSettings
from .user_cache import user_cache_dir

_SEARCH_EXCLUDE = re.compile(r"(?<![\w-])data-search-exclude\b")


class EmbedPlugin(BasePlugin[EmbedConfig]):
    """``- embed`` under ``plugins:`` in mkdocs.yml."""

    def __init__(self) -> None:
        self.command = "build"
        self.excluded: set[str] = set()
        self.widget_files: dict[str, dict[str, str]] = {}
        self.site_language: str | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this object across `mkdocs serve` rebuilds,
        # so `excluded` remembers pages that `--dirty` does not re-read.
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled:
            log.info("embed: disabled by `enabled: false`; the site gets no semantic search")
            return config
        self.site_language = _theme_language(config)
        if self.config.widget and self.site_language not in (None, "en") and translation(self.site_language) is None:
            log.info(
                "embed: the search widget has no translation for language '%s' and shows English; "
                "set `strings` to translate it", self.site_language,
            )
        return config

    def on_env(self, env, *, config: MkDocsConfig, files):
        if not self.config.enabled:
            return env
        cache_dir = self._settings(config).cache_dir if self._embeds() else None  # text-only builds leave it alone
        if cache_dir is not None:
            filehash.remember_in(cache_dir)
        if self.config.widget:
            try:
                self.widget_files = {
                    folder: widget.install_widget(
                        Path(index.site_dir) / ASSET_DIR, include_runtime=self.config.runtime_url is None,
                        cache_dir=user_cache_dir() if cache_dir is not None else None, stemmer=index.language,
                    )
                    for folder, index in self._indexes(config).items()
                }
            except EmbedError as exc:
                raise PluginError(f"embed: {exc}") from exc
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files) -> str:
        if not self.config.enabled:
            return markdown
        if _excluded_by_front_matter(page.meta):
            self.excluded.add(page.url)
        else:
            self.excluded.discard(page.url)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files) -> str:
        # Material's search plugin strips every data-search-* attribute from the
        # page before it is written; a twin it leaves alone keeps the exclusion.
        if not self.config.enabled or "data-search-exclude" not in html:  # the regex alone scans every page at about 1 ms per 10 kB
            return html
        return _SEARCH_EXCLUDE.sub(r"data-embed-exclude \g<0>", html)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled:
            return output
        tags = EXCLUDE_META if page.url in self.excluded else ""
        if self.widget_files:
            folder = self._folder_of(page.url)  # a page searches its language's index, found from its own folder
            url = page.url[len(folder) + 1:] if folder else page.url
            tags += widget.head_tags(url, self.widget_files[folder], self._widget_options())
        return widget.inject(output, tags) if tags else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        for folder, settings in self._indexes(config).items():
            if folder and not any(not rel.startswith(ASSET_DIR + "/") for rel in html_files(settings.site_dir)):
                # mkdocs-static-i18n writes each language's pages in a later round of the build
                log.debug("embed: no pages in %s/ yet; its index waits for the round that writes them", folder)
                continue
            try:
                report = build_or_reuse(settings, embed=self._embeds())
            except EmbedError as exc:
                raise PluginError(f"embed: {exc}") from exc
            where = f" ({folder}/, {settings.language})" if folder else ""
            files = self.widget_files.get(folder, {})
            if not report.chunks:
                log.warning("embed: no page%s has text to index; it gets no search model and no WebAssembly runtime", where)
                if widget.RUNTIME_FILE in files:
                    (settings.site_dir / ASSET_DIR / files[widget.RUNTIME_FILE]).unlink(missing_ok=True)
            log.info(report.summary() + where)
            if not report.text_only:
                log.info(report.cost_line(settings.price_per_million))

    def _settings(self, config: MkDocsConfig) -> BuildSettings:
        settings = self.config.build_settings(config.site_dir, config.config_file_path, self.command == "serve")
        return dataclasses.replace(settings, site_id=config.site_name)  # sites sharing a cache keep apart

    def _indexes(self, config: MkDocsConfig) -> dict[str, BuildSettings]:
        return self.config.indexes(self._settings(config))

    def _folder_of(self, url: str) -> str:
        """The language folder (of `languages:`) that holds the page at ``url``; "" for the root's pages."""
        return next((folder for folder in self.config.languages if url.startswith(folder + "/")), "")

    def _embeds(self) -> bool:
        """Whether this build embeds; `serve: false` reloads write a text-only index."""
        return self.command != "serve" or self.config.serve

    def _widget_options(self) -> widget.WidgetOptions:
        return widget.WidgetOptions(
            placeholder=self.config.placeholder,
            language=self.site_language,
            strings=self.config.strings,
            shortcut=self.config.shortcut,
            runtime_url=self.config.runtime_url,
            model_url=self.config.model_url,
        )


def _theme_language(config: MkDocsConfig) -> str | None:
    """The site's language tag: Material's ``theme.language``, else the mkdocs and readthedocs themes' ``locale``."""
    for key in ("language", "locale"):
        value = config.theme.get(key)
        if value:
            return str(value)
    return None


def _excluded_by_front_matter(meta: dict) -> bool:
    """``search: {exclude: true}`` (Material's convention) or ``embed: {exclude: true}``."""
    return any(isinstance(meta.get(key), dict) and meta[key].get("exclude") is True for key in ("search", "embed"))
