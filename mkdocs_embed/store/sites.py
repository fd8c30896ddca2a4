"""Several sites, one cache folder: each site's own records, and the vectors every site still needs.

CI jobs that build different sites can share one cache (and its vectors:
a chunk two sites have in common is embedded once). Each site keeps its
chunk cache and build manifest in a folder of its own, named by its site id
(the plugin's is the MkDocs ``site_name``), or at the top of the cache folder
when it has none; compaction keeps the vectors any site's manifest lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from .manifest import BuildManifest

MANIFEST_FILE = "manifest.json"
SITES = "sites"


def site_folder(cache_dir: Path, site_id: str) -> Path:
    """The folder of ``cache_dir`` that holds the records of the site ``site_id``."""
    return cache_dir / SITES / hashlib.sha256(site_id.encode()).hexdigest()[:16] if site_id else cache_dir


def other_sites_keys(cache_dir: Path, own: Path) -> Iterator[bytes]:
    """The chunk keys that the last build of every other site sharing ``cache_dir`` used."""
    for path in [cache_dir / MANIFEST_FILE, *sorted((cache_dir / SITES).glob(f"*/{MANIFEST_FILE}"))]:
        if path.parent != own and path.exists():
            manifest = BuildManifest.load(path)
            if manifest is not None:
                yield from (bytes.fromhex(key) for key in manifest.keys())
