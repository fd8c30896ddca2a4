"""Several sites, one cache folder: each site's own records, and the vectors every site still needs.

CI jobs that build different sites can share one cache (and its vectors:
a chunk two sites have in common is embedded once). Each site keeps its
chunk cache and build manifest in a folder of its own, named by its site
folder's path; compaction keeps the vectors any site's manifest lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from .manifest import BuildManifest

MANIFEST_FILE = "manifest.json"
SITES = "sites"


def site_folder(cache_dir: Path, site_dir: Path) -> Path:
    """The folder of ``cache_dir`` that holds the records of the site built into ``site_dir``."""
    return cache_dir / SITES / hashlib.sha256(str(Path(site_dir).resolve()).encode()).hexdigest()[:16]


def other_sites_keys(cache_dir: Path, own: Path) -> Iterator[bytes]:
    """The chunk keys that the last build of every other site sharing ``cache_dir`` used."""
    for path in sorted((cache_dir / SITES).glob(f"*/{MANIFEST_FILE}")):
        if path.parent != own:
            manifest = BuildManifest.load(path)
            if manifest is not None:
                yield from (bytes.fromhex(key) for key in manifest.keys())
