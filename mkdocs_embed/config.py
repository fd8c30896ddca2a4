"""The plugin's options in ``mkdocs.yml``, typed, and their mapping to core settings."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from .errors import EmbedError
from .search.fusion import Ranking
from .settings import BuildSettings, ChunkSettings, ModelSettings


class EmbedConfig(base.Config):
    """Options of ``- embed`` (documented in example-site/docs/configuration.md)."""

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
    placeholder = c.Type(str, default="Search the docs")
    shortcut = c.Type(str, default="/")
    runtime_url = c.Optional(c.Type(str))
    model_url = c.Optional(c.Type(str))
    previous_deploy = c.Optional(c.Type(str))
    serve = c.Type(bool, default=True)
    price_per_million = c.Type((int, float), default=0.02)
    language = c.Type(str, default="english")
    ranking = c.Type(dict, default={})

    def validate(self):
        failed, warnings = super().validate()
        if not failed:
            for name in ("max_tokens", "overlap_tokens", "min_tokens", "excerpt_chars", "threads"):
                if self[name] < 0:
                    failed.append((name, base.ValidationError(f"must be 0 or more, not {self[name]}")))
            if self.max_tokens < 32:
                failed.append(("max_tokens", base.ValidationError("must be at least 32")))
            try:
                Ranking.from_dict(self.ranking)
            except EmbedError as e:
                failed.append(("ranking", base.ValidationError(str(e))))
        return failed, warnings

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
            ship_model=self.model_url is None,
            previous_deploy=self.previous_deploy,
            price_per_million=float(self.price_per_million),
            language=self.language,
            ranking=Ranking.from_dict(self.ranking),
            serving=serving,
        )
