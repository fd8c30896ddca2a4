"""Fetch reusable vectors from the deployed site (the ``previous_deploy`` option).

A CI runner without a cache can still skip the chunks that did not change: the
deployed ``keys`` file keeps each chunk's cache key, and the deployed
``vectors`` file its int8 vector. Reused vectors are those int8 vectors turned
back into float32 (cosine ≈ 0.9999 with the originals); quantizing them again
gives back exactly the deployed bytes, so reuse never drifts.

A first deploy has nothing to reuse: a site that answers 404 for its manifest,
or cannot be reached at all, is said at INFO, so `mkdocs build --strict` passes.
Every failure of a deploy that exists (an HTTP error, a timeout, size,
checksum, format, another model) is a warning, and the build embeds instead.
"""

from __future__ import annotations

import hashlib
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection

import numpy as np

from ..index.quantize import dequantize
from ..format.base import FormatError, decompress, parse_json
from ..format.manifest import check_manifest
from ..format.vectors import decode_keys, decode_vectors
from ..layout import ASSET_DIR, MANIFEST
from ..log import log

TIMEOUT_S = 30.0
"""Longest a whole download may take; a stalled or trickling server is given up on."""
MAX_MANIFEST_BYTES = 1 << 20
MAX_FILE_BYTES = 256 << 20


class _Unusable(Exception):
    """Why the previous deploy's vectors cannot be reused."""


class _NotDeployed(_Unusable):
    """There is no previous deploy yet: its manifest is not found, or its host is not reachable."""


def fetch_vectors(
    site_url: str, model_fingerprint: str, wanted: Collection[bytes], timeout: float | None = None,
) -> dict[bytes, np.ndarray]:
    """The deployed float32 vectors of the ``wanted`` keys that ``site_url`` has, or {} with a warning."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    try:
        if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
            raise _Unusable("only http:// and https:// addresses are supported")
        found = _fetch(urllib.parse.urljoin(base, ASSET_DIR + "/"), model_fingerprint, set(wanted), timeout or TIMEOUT_S)
    except _NotDeployed as exc:
        log.info("embed: nothing to reuse from the previous deploy %s yet (%s); embedding", base, exc)
        return {}
    except _Unusable as exc:
        log.warning("embed: cannot reuse vectors of the previous deploy %s (%s); embedding instead", base, exc)
        return {}
    log.info("embed: reused %s vectors from the previous deploy %s", f"{len(found):,}", base)
    return found


def _fetch(folder: str, fingerprint: str, wanted: set[bytes], timeout: float) -> dict[bytes, np.ndarray]:
    deadline = time.monotonic() + timeout
    try:
        raw = _download(folder + MANIFEST, MAX_MANIFEST_BYTES, deadline, first=True)
        manifest = check_manifest(parse_json(raw, MANIFEST))
    except FormatError as exc:
        raise _Unusable(f"its {MANIFEST} is unreadable: {exc}") from exc
    theirs = manifest["model"].get("fingerprint")
    if theirs != fingerprint:
        raise _Unusable(f"it was built with another model (fingerprint {theirs!r}, this build {fingerprint!r})")
    files = manifest["files"]
    if "vectors" not in files or "keys" not in files:
        raise _Unusable("it has no vectors or no keys (built with `serve: false`?)")
    n = int(manifest["counts"]["chunks"])
    try:
        keys = decode_keys(_data_file(folder, files["keys"], deadline), n)
        scales, q = decode_vectors(_data_file(folder, files["vectors"], deadline), n, int(manifest["model"]["dims"]))
    except FormatError as exc:
        raise _Unusable(str(exc)) from exc
    rows = {}
    for row, key in enumerate(keys):
        if key in wanted:
            rows.setdefault(key, row)
    if not rows:
        return {}
    picked = list(rows.values())
    return dict(zip(rows, dequantize(scales[picked], q[picked])))


def _data_file(folder: str, name: str, deadline: float) -> bytes:
    """A content-hashed data file, checked against its name, decompressed."""
    data = _download(folder + urllib.parse.quote(name), MAX_FILE_BYTES, deadline)
    rest = name.partition(".")[2]
    if not rest.startswith(hashlib.sha256(data).hexdigest()[:12] + "."):
        raise _Unusable(f"{name} does not match its content hash (truncated or damaged download)")
    return decompress(data, name)


def _download(url: str, limit: int, deadline: float, first: bool = False) -> bytes:
    """GET ``url`` within ``limit`` bytes and before ``deadline``.

    ``first``: the deploy's first file, whose absence (404, 410, no such host,
    connection refused) means there is no deploy yet rather than a broken one.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _Unusable("the download took too long")
    request = urllib.request.Request(url, headers={"User-Agent": "mkdocs-embed", "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=remaining) as response:
            parts, size = [], 0
            while block := response.read(1 << 16):
                size += len(block)
                if size > limit:
                    raise _Unusable(f"{url} is larger than {limit:,} bytes")
                if time.monotonic() > deadline:
                    raise _Unusable("the download took too long")
                parts.append(block)
            return b"".join(parts)
    except urllib.error.HTTPError as exc:
        absent = first and exc.code in (404, 410)
        raise (_NotDeployed if absent else _Unusable)(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeouts, resets
        reason = getattr(exc, "reason", exc)
        unreachable = first and isinstance(reason, (ConnectionRefusedError, socket.gaierror))
        raise (_NotDeployed if unreachable else _Unusable)(f"{url} could not be downloaded: {reason}") from exc
