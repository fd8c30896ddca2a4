"""SIGKILL `mkdocs-embed index` while it embeds, compacts the cache and writes the
site; every rebuild must finish, reuse what was finished, and the site must
never name a file that is missing or half-written.

Kill points are found by watching the files a build writes (a journal
segment, the cache pack, a new data file in the site), not by hooks in the code.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.pipeline import CHECKPOINT_S
from mkdocs_embed.search.reader import load_index
from mkdocs_embed.store.cache import decode_pack

pytestmark = pytest.mark.slow

PAGES = 60
SECTIONS = 10
WORDS = ("index vector cache build chunk model token graph search page section heading query browser "
         "server deploy worker thread memory disk file folder manifest format version reader writer "
         "lighthouse glacier orchard harbour meadow canyon river forest island desert valley summit").split()


def write_site(site: Path) -> int:
    """A static site of PAGES pages (two small ones under intro/); returns its section count."""
    rng = random.Random(4)
    for p in range(PAGES):
        folder = site / ("intro" if p < 2 else "big") / f"page-{p:03d}"
        folder.mkdir(parents=True)
        sections = "".join(
            f'<h2 id="s{s}">Section {p}.{s}</h2><p>Page {p} section {s}: '
            + " ".join(rng.choice(WORDS) for _ in range(90)) + ".</p>"
            for s in range(SECTIONS)
        )
        (folder / "index.html").write_text(
            f"<!doctype html><html><head><title>Page {p}</title></head>"
            f"<body><main><h1>Page {p}</h1>{sections}</main></body></html>"
        )
    return PAGES * SECTIONS


def index_command(site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs_embed.cli", "index", str(site), "--cache-dir", str(site.parent / "cache"), *extra]


def run(site: Path, *extra: str) -> str:
    result = subprocess.run(index_command(site, *extra), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def run_and_kill(site: Path, kill_when: Callable[[], bool], timeout: float = 600) -> None:
    """Start a build and SIGKILL it as soon as ``kill_when()`` holds."""
    process = subprocess.Popen(index_command(site), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    try:
        while not kill_when():
            if process.poll() is not None:
                pytest.fail(f"the build ended (rc {process.returncode}) before the kill point:\n{process.stderr.read()}")
            if time.monotonic() > deadline:
                pytest.fail("the kill point never came")
            time.sleep(0.005)
        process.kill()  # SIGKILL, or TerminateProcess on Windows: no cleanup code runs
    finally:
        process.wait(timeout=60)
    assert process.returncode == (-signal.SIGKILL if sys.platform != "win32" else 1)


def embedded(log: str) -> tuple[int, int]:
    match = re.search(r"embedded ([\d,]+) chunks, reused ([\d,]+)", log)
    assert match, log
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


def assert_site_index_is_whole(site: Path) -> dict:
    """The manifest names files that exist and decode, and no temporary file is left in their place."""
    index = load_index(site)
    for kind, name in index.manifest["files"].items():
        assert (site / ASSET_DIR / name).stat().st_size == index.manifest["bytes"][kind]
    return index.manifest


def test_killed_builds_leave_a_whole_site_and_keep_their_work(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    total = write_site(site)
    run(site, "--exclude", "big/*")
    baseline = assert_site_index_is_whole(site)
    assert baseline["counts"]["pages"] == 2

    # 1. During embedding, right after the first checkpoint (CHECKPOINT_S of work).
    segments = cache / "segments"
    run_and_kill(site, lambda: segments.is_dir() and any(segments.glob("*.bin")), timeout=CHECKPOINT_S * 20)
    assert assert_site_index_is_whole(site) == baseline
    checkpointed = sum(len(decode_pack(p.read_bytes())[0]) for p in segments.glob("*.bin"))
    kept = len(decode_pack((cache / "vectors.bin").read_bytes())[0])
    # Usually part of the work; on a fast machine the first checkpoint can be the last one.
    assert 0 < checkpointed <= total - kept

    # The rebuild embeds only what the killed build had not checkpointed.
    done, reused = embedded(run(site))
    assert done == total - kept - checkpointed and reused == kept + checkpointed
    finished = assert_site_index_is_whole(site)
    assert finished["counts"]["chunks"] == total

    # 2. While the cache pack is being rewritten (compaction, after embedding).
    edit_pages(site, 3)
    pack = cache / "vectors.bin"
    old_inode = pack.stat().st_ino
    run_and_kill(site, lambda: pack.exists() and pack.stat().st_ino != old_inode)
    assert assert_site_index_is_whole(site) == finished
    decode_pack(pack.read_bytes())  # the pack is whole: old or new, never half

    # 3. While the site's index files are being written.
    edit_pages(site, 3)
    named = set(load_index(site).files)
    asset_dir = site / ASSET_DIR
    data_kinds = tuple(f"{name.split('.')[0]}." for name in named)
    run_and_kill(site, lambda: any(p.name.startswith(data_kinds) and p.name not in named for p in asset_dir.iterdir()))
    assert assert_site_index_is_whole(site) == finished

    # The last rebuild finishes, embedding at most the sections edited since.
    done, reused = embedded(run(site))
    assert done <= 6 and done + reused == total
    final = assert_site_index_is_whole(site)
    assert final["counts"]["chunks"] == total and final != finished
    assert len(decode_pack(pack.read_bytes())[0]) == total


def edit_pages(site: Path, count: int) -> None:
    """Change one section on each of ``count`` pages that have not been edited yet."""
    pages = sorted((site / "big").glob("page-*/index.html"))
    fresh = [p for p in pages if "Edited." not in p.read_text()][:count]
    for page in fresh:
        page.write_text(page.read_text().replace("</h2><p>", "</h2><p>Edited. ", 1))  # the first section's text
