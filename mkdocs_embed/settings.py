"""Settings of the core pipeline, as plain dataclasses.

The core indexes a built site and knows nothing of MkDocs; the plugin's
``config.py`` translates ``mkdocs.yml`` into these.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .search.fusion import Ranking


@dataclass(frozen=True)
class ChunkSettings:
    """How pages become chunks. Every field is part of the cache key."""

    max_tokens: int = 192
    """Budget of one chunk's embedded text, special tokens included."""
    overlap_tokens: int = 32
    """Tokens repeated at the start of the next piece when a section is split."""
    min_tokens: int = 0
    """Sections with fewer tokens of body text merge with a neighbour."""
    excerpt_chars: int = 360
    """Characters of chunk text kept in the index for result excerpts."""

    def fingerprint(self) -> str:
        """A short, stable hash of these settings."""
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class ModelSettings:
    """Which model embeds, and how it runs."""

    name: str = "default"
    """``default``, a local directory, or a Hugging Face repo id."""
    pooling: str | None = None
    """``mean`` or ``cls``; ``None`` reads it from the model's own files."""
    normalize: bool | None = None
    query_prefix: str | None = None
    passage_prefix: str | None = None
    threads: int = 0
    """Cores to embed on, one batch per core side by side (CPU); 0 means every usable core."""
    provider: str = "cpu"
    """``cpu`` or ``cuda`` (needs onnxruntime-gpu)."""
    optimize: bool = True
    """Run the optimised (graph-fused, int8-compute) variant at build time."""


@dataclass(frozen=True)
class RemoteSettings:
    """An OpenAI-compatible embedding server that embeds the passages instead of the local model.

    The browser still embeds queries with the local model, so the build checks
    that the server's model gives the same vectors before it uses any.
    """

    url: str
    """The API's base URL, as OpenAI clients take it (``http://host:7997/v1``); requests go to ``url/embeddings``."""
    model: str
    """The model name sent with each request; part of the cache key."""
    api_key_env: str | None = None
    """Name of the environment variable holding the API key (sent as a bearer token); never the key itself."""
    batch_size: int = 64
    """Most texts in one request (requests also stay under a token budget)."""
    concurrency: int = 4
    """Requests in flight at once."""
    timeout: float = 60.0
    """Seconds to wait for one answer before trying again."""


@dataclass(frozen=True)
class BuildSettings:
    """One indexing run over a built site."""

    site_dir: Path
    cache_dir: Path
    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    exclude: tuple[str, ...] = ()
    """Glob patterns of site-relative page paths that stay out of the index."""
    ship_model: bool = True
    """Copy the model and tokenizer into the site for the browser."""
    previous_deploy: str | None = None
    """URL of the deployed site whose vectors may be reused."""
    price_per_million: float = 0.02
    """Hosted-API price per million tokens, for the cost line."""
    language: str = "english"
    """Stemmer language of the lexical index."""
    ranking: Ranking = field(default_factory=Ranking)
    """The fusion's knobs, written into the manifest for every reader."""
    serving: bool = False
    """A `mkdocs serve` reload: compress assets fast rather than small, as they are never deployed."""
    backend: RemoteSettings | None = None
    """Embed passages on this server rather than with the local model."""
    site_id: str = ""
    """Names this site's own records (chunk cache, manifest) in a cache folder that several sites share;
    ``""`` keeps them at the top of the folder."""
