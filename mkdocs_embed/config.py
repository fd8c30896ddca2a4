"""The plugin's options in ``mkdocs.yml``, typed, and their mapping to core settings."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from .emit.strings import ENGLISH, unknown_keys
from .errors import EmbedError
from .search.fusion import Ranking
from .settings import BuildSettings, ChunkSettings, ModelSettings, RemoteSettings


class BackendConfig(base.Config):
    """``backend:``, an OpenAI-compatible embedding server (documented in example-site/docs/guides/remote-backend.md)."""

    url = c.Type(str)
    model = c.Type(str)
    api_key_env = c.Optional(c.Type(str))
    batch_size = c.Type(int, default=64)
    concurrency = c.Type(int, default=4)
    timeout = c.Type((int, float), default=60)

    def validate(self):
        failed, warnings = super().validate()
        failed += [(name, base.ValidationError(f"unknown option; the options are {', '.join(sorted(self._schema_keys))}"))
                   for name, message in warnings if message.startswith("Unrecognised configuration name")]
        warnings = [(name, message) for name, message in warnings if not message.startswith("Unrecognised")]
        if not failed:
            if not self.url.startswith(("http://", "https://")):
                failed.append(("url", base.ValidationError(f"must be an http:// or https:// URL, not {self.url!r}")))
            for name in ("batch_size", "concurrency", "timeout"):
                if self[name] <= 0:
                    failed.append((name, base.ValidationError(f"must be more than 0, not {self[name]}")))
        return failed, warnings

    def settings(self) -> RemoteSettings:
        return RemoteSettings(self.url, self.model, self.api_key_env, self.batch_size, self.concurrency,
                              float(self.timeout))


_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _unknown_stemmer(language: object) -> str | None:
    """Why ``language`` is not a stemmer the index and the widget can use; None when it is."""
    if language in ("english", "none"):
        return None
    import snowballstemmer  # 25 ms: only for sites in another language

    if language not in snowballstemmer.algorithms():
        return f"no Snowball stemmer for {language!r}; use one of {', '.join(snowballstemmer.algorithms())} or 'none'"
    return None


def _without_default(option: c.SubConfig) -> c.SubConfig:
    """MkDocs 1.6's Optional refuses SubConfig's ``{}`` default; a section left out then means None."""
    option.default = None
    return option


class EmbedConfig(base.Config):
    """Options of ``- embed`` (documented in example-site/docs/configuration.md)."""

    enabled = c.Type(bool, default=True)
    model = c.Type(str, default="default")
    pooling = c.Optional(c.Choice(("mean", "cls")))
    normalize = c.Optional(c.Type(bool))
    query_prefix = c.Optional(c.Type(str))
    passage_prefix = c.Optional(c.Type(str))
    max_tokens = c.Type(int, default=192)
    overlap_tokens = c.Type(int, default=32)
    min_tokens = c.Type(int, default=0)
    excerpt_chars = c.Type(int, default=360)
    exclude = c.ListOfItems(c.Type(str), default=[])
    cache_dir = c.Type(str, default=".cache/mkdocs-embed")
    threads = c.Type(int, default=0)
    provider = c.Choice(("cpu", "cuda"), default="cpu")
    optimize = c.Type(bool, default=True)
    widget = c.Type(bool, default=True)
    placeholder = c.Optional(c.Type(str))
    strings = c.Type(dict, default={})
    shortcut = c.Type(str, default="/")
    runtime_url = c.Optional(c.Type(str))
    model_url = c.Optional(c.Type(str))
    previous_deploy = c.Optional(c.Type(str))
    serve = c.Type(bool, default=True)
    price_per_million = c.Type((int, float), default=0.02)
    language = c.Type(str, default="english")
    languages = c.Type(dict, default={})
    """Folder of the site → Snowball language: one index per language folder (mkdocs-static-i18n's ``fr/``, ...)."""
    ranking = c.Type(dict, default={})
    backend = c.Optional(_without_default(c.SubConfig(BackendConfig)))

    def validate(self):
        failed, warnings = super().validate()
        # MkDocs only warns about an unknown option; a typo such as `modle:` would then build with the default.
        for name, message in warnings:
            if message.startswith("Unrecognised configuration name"):
                failed.append((name, base.ValidationError(f"unknown option; the options are {', '.join(sorted(self._schema_keys))}")))
        warnings = [(name, message) for name, message in warnings if not message.startswith("Unrecognised")]
        if not failed:
            failed.extend((name, base.ValidationError(message)) for name, message in self._check_values())
        return failed, warnings

    def _check_values(self) -> list[tuple[str, str]]:
        """The limits configuration.md gives, beyond each option's type."""
        problems = [(name, f"must be 0 or more, not {self[name]}")
                    for name in ("max_tokens", "overlap_tokens", "min_tokens", "excerpt_chars", "threads", "price_per_million")
                    if self[name] < 0]
        if self.max_tokens < 32:
            problems.append(("max_tokens", f"must be at least 32, not {self.max_tokens}"))
        if self.overlap_tokens >= self.max_tokens:
            problems.append(("overlap_tokens", f"must be smaller than max_tokens ({self.max_tokens}), not {self.overlap_tokens}"))
        if len(self.shortcut) != 1 or self.shortcut.isspace():
            problems.append(("shortcut", f"must be a single character key such as '/' or 's', not {self.shortcut!r}"))
        if unknown_keys(self.strings):
            problems.append(("strings", f"unknown key {', '.join(map(repr, unknown_keys(self.strings)))}; "
                                        f"the widget's strings are {', '.join(ENGLISH)}"))
        elif not all(isinstance(v, str) for v in self.strings.values()):
            problems.append(("strings", "each value must be a string"))
        if not self.cache_dir.strip():
            problems.append(("cache_dir", "must not be empty"))
        problems += [(option, message) for option, language in
                     [("language", self.language), *(("languages", v) for v in self.languages.values())]
                     if (message := _unknown_stemmer(language))]
        problems += [("languages", f"{folder!r} must be the name of one folder of the site, such as 'fr'")
                     for folder in self.languages if not isinstance(folder, str) or not _FOLDER.fullmatch(folder)]
        if self.previous_deploy is not None and not self.previous_deploy.startswith(("http://", "https://")):
            problems.append(("previous_deploy", f"must be an http:// or https:// address, not {self.previous_deploy!r}"))
        try:
            Ranking.from_dict(self.ranking)
        except EmbedError as e:
            problems.append(("ranking", str(e)))
        return problems

    def indexes(self, main: BuildSettings) -> dict[str, BuildSettings]:
        """Folder of the site ("" for the root) → the settings of its own index, from the root's ``main``.

        Each folder of ``languages`` gets an index of its pages in its language,
        under its own ``assets/mkdocs-embed/`` and its own part of the cache folder;
        the root's index leaves those folders out.
        """
        folders = {"": dataclasses.replace(main, exclude=(*main.exclude, *(f"{f}/*" for f in self.languages)))}
        for folder, language in self.languages.items():
            folders[folder] = dataclasses.replace(
                main, site_dir=main.site_dir / folder, cache_dir=main.cache_dir / "languages" / folder, language=language,
            )
        return folders

    def build_settings(self, site_dir: str, config_file: str, serving: bool = False) -> BuildSettings:
        """Core settings for one build; relative paths are taken from mkdocs.yml's folder."""
        root = Path(config_file).parent
        model = self.model
        if model != "default" and (root / model).is_dir():
            model = str(root / model)
        return BuildSettings(
            site_dir=Path(site_dir),
            cache_dir=root / self.cache_dir,
            chunk=ChunkSettings(self.max_tokens, self.overlap_tokens, self.min_tokens, self.excerpt_chars),
            model=ModelSettings(
                name=model,
                pooling=self.pooling,
                normalize=self.normalize,
                query_prefix=self.query_prefix,
                passage_prefix=self.passage_prefix,
                threads=self.threads,
                provider=self.provider,
                optimize=self.optimize,
            ),
            exclude=tuple(self.exclude),
            ship_model=self.widget and self.model_url is None,
            previous_deploy=self.previous_deploy,
            price_per_million=float(self.price_per_million),
            language=self.language,
            ranking=Ranking.from_dict(self.ranking),
            serving=serving,
            backend=self.backend.settings() if self.backend else None,
        )
