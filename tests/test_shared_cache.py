"""Builds of different sites share one cache folder, at the same time, without losing or damaging anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed.store.cache import VectorCache
from tests.test_crash import WORDS

pytestmark = pytest.mark.slow


def write_site(site: Path, name: str, pages: int = 12) -> None:
    for p in range(pages):
        sections = "".join(
            f'<h2 id="s{s}">{name} section {p}.{s}</h2><p>{name} page {p} section {s}: '
            + " ".join(WORDS[(p * 7 + s * 3 + i) % len(WORDS)] for i in range(70)) + ".</p>"
            for s in range(6)
        )
        (site / f"page-{p:03d}").mkdir(parents=True)
        (site / f"page-{p:03d}" / "index.html").write_text(
            f"<!doctype html><html><head><title>{name} {p}</title></head><body><main><h1>{name} {p}</h1>"
            f"{sections}</main></body></html>")


def index(site: Path, cache: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mkdocs_embed.cli", "index", str(site), "--cache-dir", str(cache),
                             "--no-widget", "--site-id", site.parent.name],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_sites_built_at_once_on_one_cache_keep_each_others_vectors(tmp_path):
    cache = tmp_path / "shared-cache"
    sites = [tmp_path / "alpha" / "site", tmp_path / "beta" / "site"]
    for site, name in zip(sites, ("Alpha", "Beta")):
        write_site(site, name)
    runs = [index(site, cache) for site in sites]
    logs = [run.communicate(timeout=600)[0] for run in runs]
    for run, log in zip(runs, logs):
        assert run.returncode == 0, log
        assert "embedded 72 chunks" in log
        assert "waiting for another build" not in log  # they embedded side by side
    assert len(VectorCache(cache)) == 144

    for site in sites:  # each site's vectors survived the other's compaction
        run = index(site, cache)
        log = run.communicate(timeout=600)[0]
        assert run.returncode == 0 and "embedded 0 chunks, reused 72" in log, log
        assert "unreadable" not in log
    assert not list((cache / "segments").glob("*.bin"))
