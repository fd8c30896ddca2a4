"""Embed passages on an OpenAI-compatible ``/embeddings`` server (TEI, Infinity, vLLM, Ollama, OpenAI).

A cold build of a large site is a backfill: many requests at once, each a
batch bounded by count and tokens, retried with exponential backoff and
jitter (a 429's ``Retry-After`` pauses every request). The browser still
embeds queries with the local model, so :func:`check_same_model` proves that
the server's vectors match it before the build trusts any.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import math
import os
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ..errors import EmbedError
from ..log import log
from ..model.spec import ModelSpec
from ..settings import RemoteSettings
from .batches import bounded_batches, run_in_order
from .encoder import EmbeddedBatch, Encoder

MAX_REQUEST_TOKENS = 8192
"""Tokens (by the local tokenizer) in one request: under TEI's default limit of 16,384 a batch."""
ATTEMPTS = 8
"""Tries of one request before the build stops (its finished batches are kept)."""
BACKOFF_S = 0.5
"""First retry waits up to this; each later one up to twice as long (full jitter)."""
MAX_BACKOFF_S = 30.0
MAX_RETRY_AFTER_S = 300.0
"""The longest ``Retry-After`` obeyed; a server asking for more is waited on this long."""
MIN_COSINE = 0.99
PROBES = (
    "Install the plugin with pip and add it to the plugins list of mkdocs.yml.",
    "The build embeds every section once and caches vectors by content hash, so a typo fix re-embeds one chunk.",
    "How do I exclude a page from search results?",
    "HNSW graph links are stored per level, with the entry point first.",
    "Troubleshooting: the model file is damaged; reinstall the package that ships it.",
    "Der Index wird beim Bauen der Seite erzeugt und im Browser durchsucht.",
    "`mkdocs-embed query site/ \"cache in CI\"` prints the ten best sections.",
    "Tables | with | cells, and code: for i in range(10): print(i)",
)
"""Passages embedded both remotely and locally: every one must agree to ``MIN_COSINE``."""


class _Retry(Exception):
    """A failure worth another try; ``wait`` is the server's ``Retry-After``, if it gave one."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


def key_fingerprint(spec: ModelSpec, settings: RemoteSettings) -> str:
    """The cache key's model part: the browser's model and the remote model's name, so backends never mix."""
    return hashlib.sha256(f"{spec.fingerprint}\0remote\0{settings.model}".encode()).hexdigest()[:16]


class RemoteEncoder:
    """Embeds passages on the server, batch by batch, as :meth:`.Encoder.iter_passages` does locally."""

    def __init__(self, spec: ModelSpec, settings: RemoteSettings, count_tokens: Callable[[Sequence[str]], list[int]]):
        self.spec = spec
        self.settings = settings
        self._count = count_tokens
        self._endpoint = settings.url.rstrip("/") + "/embeddings"
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.api_key_env:
            key = os.environ.get(settings.api_key_env)
            if not key:
                raise EmbedError(f"backend: the environment variable {settings.api_key_env} (api_key_env) is not set")
            self._headers["Authorization"] = f"Bearer {key}"
        self._not_before = 0.0
        self._lock = threading.Lock()
        self.dims: int | None = None
        """Set by :func:`check_same_model`: every answer must have this many dimensions."""

    def iter_passages(self, texts: Sequence[str]) -> Iterator[EmbeddedBatch]:
        """Vectors of ``texts`` (with the model's passage prefix), in input order, several requests at once."""
        texts = [self.spec.passage_prefix + t for t in texts]
        lengths = self._count(texts)
        batches = bounded_batches(lengths, max(1, self.settings.batch_size), MAX_REQUEST_TOKENS)

        def embed(batch: list[int]) -> EmbeddedBatch:
            vectors = self.embed([texts[i] for i in batch])
            return EmbeddedBatch(batch, vectors, sum(lengths[i] for i in batch))

        return run_in_order(embed, batches, max(1, self.settings.concurrency), "remote")

    def embed(self, texts: list[str]) -> np.ndarray:
        """One request's vectors, normalised as the local model's are; retried until ``ATTEMPTS`` fail."""
        body = json.dumps({"model": self.settings.model, "input": texts, "encoding_format": "float"}).encode()
        attempt = 1
        while True:
            self._wait_turn()
            try:
                return self._vectors(self._post(body), len(texts))
            except _Retry as failure:
                if attempt == ATTEMPTS:
                    raise EmbedError(
                        f"the embedding server at {self._endpoint} failed {ATTEMPTS} times in a row ({failure}); "
                        f"the vectors finished so far are kept, and the next build goes on from there"
                    ) from None
                wait = failure.wait if failure.wait is not None else random.uniform(0, min(MAX_BACKOFF_S, BACKOFF_S * 2**attempt))
                log.debug("embed: %s; trying again in %.1f s", failure, wait)
                with self._lock:  # a server that asks to wait is waited on by every request
                    self._not_before = max(self._not_before, time.monotonic() + wait)
                attempt += 1

    def _wait_turn(self) -> None:
        while True:
            with self._lock:
                delay = self._not_before - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)

    def _post(self, body: bytes) -> bytes:
        request = urllib.request.Request(self._endpoint, data=body, headers=self._headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as answer:
                return answer.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
            if status == 429 or status >= 500:
                wait = _retry_after(exc.headers.get("Retry-After")) if status in (429, 503) else None
                raise _Retry(f"HTTP {status} {exc.reason}", wait) from None
            detail = exc.read()[:300].decode("utf-8", "replace")
            hint = " (check the API key in the environment variable api_key_env names)" if status in (401, 403) else ""
            raise EmbedError(f"the embedding server at {self._endpoint} refused the request: HTTP {status} {exc.reason}"
                             f"{hint}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out
            raise _Retry(f"cannot reach it: {getattr(exc, 'reason', exc)}") from None

    def _vectors(self, raw: bytes, count: int) -> np.ndarray:
        try:
            data = json.loads(raw)["data"]
            rows = sorted(data, key=lambda row: row["index"]) if all("index" in row for row in data) else data
            vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as exc:  # truncated or garbled: a proxy or server fault, maybe passing
            raise _Retry(f"its answer is not an embeddings response ({type(exc).__name__}: {str(exc)[:80]})") from None
        if vectors.ndim != 2 or len(vectors) != count:
            raise EmbedError(f"the embedding server at {self._endpoint} answered {len(vectors)} vectors for {count} texts")
        if self.dims is not None and vectors.shape[1] != self.dims:
            raise EmbedError(
                f"the embedding server at {self._endpoint} answered vectors of {vectors.shape[1]} dimensions; "
                f"the browser's model {self.spec.name} makes {self.dims}: is model '{self.settings.model}' the same model?"
            )
        if not np.isfinite(vectors).all():
            raise EmbedError(f"the embedding server at {self._endpoint} answered vectors with NaN or infinite values")
        if self.spec.normalize:
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S) if math.isfinite(seconds) else None


def check_same_model(remote: RemoteEncoder, local: Encoder) -> float:
    """Refuse a server whose model is not the browser's: ``PROBES`` embedded both ways must agree.

    Runs before any remote vector is stored. Returns the lowest cosine.
    """
    theirs = remote.embed([remote.spec.passage_prefix + p for p in PROBES])
    ours = local.embed_passages(PROBES)
    where = f"the embedding server's model '{remote.settings.model}' at {remote.settings.url}"
    if theirs.shape[1] != ours.shape[1]:
        raise EmbedError(f"{where} makes vectors of {theirs.shape[1]} dimensions; the browser's model "
                         f"{remote.spec.name} makes {ours.shape[1]}. Serve the same model, or remove backend:")
    cosines = np.sum(theirs * ours, axis=1) / np.maximum(
        np.linalg.norm(theirs, axis=1) * np.linalg.norm(ours, axis=1), 1e-12)
    worst = float(cosines.min())
    if worst < MIN_COSINE:
        raise EmbedError(
            f"{where} is not the browser's model {remote.spec.name}: a probe passage's vectors agree only to "
            f"cosine {worst:.3f} (at least {MIN_COSINE} is needed), so queries embedded in the browser would not "
            f"match its vectors. Serve the same model, or remove backend:. Nothing was stored."
        )
    remote.dims = ours.shape[1]
    return worst
