"""The remote backend against a real OpenAI-compatible server (Infinity serving all-MiniLM-L6-v2 from its
PyPI package's folder), through a proxy that injects faults: each gives a clear outcome, nothing is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mkdocs_embed.embed import remote
from mkdocs_embed.errors import EmbedError
from mkdocs_embed.pipeline import build_index
from mkdocs_embed.search.reader import load_index
from mkdocs_embed.settings import BuildSettings, RemoteSettings
from mkdocs_embed.store.cache import VectorCache
from tests.embedding_server import SERVED_NAME, fault_proxy, infinity_executable, start_infinity
from tests.needs import missing

pytestmark = [pytest.mark.slow, pytest.mark.remote]

PAGES = 24
SECTIONS = 5
WORDS = ("index vector cache build chunk model token graph search page section heading query browser server "
         "deploy worker thread memory disk file folder manifest lighthouse glacier orchard harbour meadow").split()
SECRET = "sk-test-do-not-leak-7f3a9c"
NO_SERVER = "no Infinity server installed (`make infinity` installs it into .venv-infinity)"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    executable = infinity_executable()
    if executable is None:
        missing(NO_SERVER)
    running = start_infinity(executable, tmp_path_factory.mktemp("infinity") / "server.log")
    yield running
    running.kill()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(remote, "BACKOFF_S", 0.05)
    monkeypatch.setattr(remote, "MAX_BACKOFF_S", 0.5)


def write_site(site: Path, seed: int = 3) -> None:
    rng = random.Random(seed)
    for p in range(PAGES):
        sections = "".join(
            f'<h2 id="s{s}">Section {p}.{s}</h2><p>Page {p} section {s}: '
            + " ".join(rng.choice(WORDS) for _ in range(60)) + ".</p>"
            for s in range(SECTIONS)
        )
        (site / f"page-{p:03d}").mkdir(parents=True)
        (site / f"page-{p:03d}" / "index.html").write_text(
            f"<!doctype html><html><head><title>Page {p}</title></head><body><main><h1>Page {p}</h1>"
            f"{sections}</main></body></html>"
        )


def settings_for(tmp_path: Path, url: str, **backend) -> BuildSettings:
    site = tmp_path / "site"
    if not site.exists():
        write_site(site)
    options = {"batch_size": 8, "concurrency": 3, "timeout": 30.0, **backend}
    return BuildSettings(site_dir=site, cache_dir=tmp_path / "cache",
                         backend=RemoteSettings(url=url, model=SERVED_NAME, **options))


def chunk_texts(faults) -> list[str]:
    """Texts the server answered for, less the probes."""
    return [t for t in faults.texts if t not in remote.PROBES]


def cached_vectors(cache_dir: Path) -> int:
    return len(VectorCache(cache_dir)) if cache_dir.exists() else 0


def test_backfill_on_the_server_is_the_browser_models_and_keeps_the_key_secret(server, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("EMBED_KEY", SECRET)
    with fault_proxy(server.port) as (url, faults):
        settings = settings_for(tmp_path, url, api_key_env="EMBED_KEY")
        report = build_index(settings)
    assert report.embedded == report.chunks == PAGES * SECTIONS
    assert sorted(chunk_texts(faults)) == sorted({t for t in chunk_texts(faults)})  # each chunk sent once
    assert len(chunk_texts(faults)) == report.chunks
    assert faults.authorization == {f"Bearer {SECRET}"}
    remote_vectors = load_index(settings.site_dir).vectors.astype(np.float32)

    local = replace(settings, cache_dir=tmp_path / "local-cache", backend=None)
    assert build_index(local).embedded == report.chunks  # another backend's vectors are never reused
    local_vectors = load_index(settings.site_dir).vectors.astype(np.float32)
    cosines = np.sum(remote_vectors * local_vectors, axis=1) / (
        np.linalg.norm(remote_vectors, axis=1) * np.linalg.norm(local_vectors, axis=1))
    assert cosines.min() > 0.98  # int8 in the index on both sides

    leaked = [p for p in [*settings.cache_dir.rglob("*"), *settings.site_dir.rglob("*")]
              if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == [] and SECRET not in caplog.text


def test_a_second_build_embeds_nothing_on_the_server(server, tmp_path):
    with fault_proxy(server.port) as (url, faults):
        build_index(settings_for(tmp_path, url))
        faults.texts.clear()
        report = build_index(settings_for(tmp_path, url))
    assert report.embedded == 0 and faults.texts == []  # not even the probes


@pytest.mark.parametrize("status, retry_after", [(429, "1"), (429, None), (500, None), (503, "0")])
def test_rate_limits_and_server_errors_are_retried(server, tmp_path, status, retry_after):
    with fault_proxy(server.port) as (url, faults):
        faults.status, faults.status_count, faults.retry_after = status, remote.ATTEMPTS - 2, retry_after
        started = time.monotonic()
        report = build_index(settings_for(tmp_path, url))
    assert report.embedded == PAGES * SECTIONS
    assert sorted(chunk_texts(faults)) == sorted(set(chunk_texts(faults)))
    assert faults.status_count == 0
    if retry_after == "1":
        assert time.monotonic() - started >= 1.0  # every request waited as the server asked


def test_a_429_storm_that_never_ends_stops_the_build_with_a_clear_error(server, tmp_path, monkeypatch):
    monkeypatch.setattr(remote, "ATTEMPTS", 3)
    with fault_proxy(server.port) as (url, faults):
        faults.status, faults.status_count = 429, 10**6
        with pytest.raises(EmbedError, match=r"failed 3 times in a row \(HTTP 429"):
            build_index(settings_for(tmp_path, url))


def test_truncated_answers_are_retried(server, tmp_path):
    with fault_proxy(server.port) as (url, faults):
        faults.truncate_count = 5
        report = build_index(settings_for(tmp_path, url))
    assert report.embedded == PAGES * SECTIONS and faults.truncate_count == 0


@pytest.mark.parametrize("rewrite, message", [
    (lambda rows: [r[: len(r) // 2] for r in rows], "makes vectors of 192 dimensions"),
    (lambda rows: [r[1:] + r[:1] for r in rows], r"is not the browser's model .* cosine"),
], ids=["wrong-dimensions", "another-model-behind-the-same-name"])
def test_a_server_with_another_model_is_refused_before_anything_is_stored(server, tmp_path, rewrite, message):
    with fault_proxy(server.port) as (url, faults):
        faults.vectors = rewrite
        settings = settings_for(tmp_path, url)
        with pytest.raises(EmbedError, match=message):
            build_index(settings)
    assert cached_vectors(settings.cache_dir) == 0
    assert not (settings.site_dir / "assets" / "mkdocs-embed").exists()
    assert chunk_texts(faults) == []


def test_dimensions_that_change_mid_backfill_stop_it(server, tmp_path):
    with fault_proxy(server.port) as (url, faults):
        settings = settings_for(tmp_path, url, concurrency=1)
        answers = iter(range(10**6))
        faults.vectors = lambda rows: rows if next(answers) < 4 else [r[:100] for r in rows]
        with pytest.raises(EmbedError, match="answered vectors of 100 dimensions"):
            build_index(settings)
    assert cached_vectors(settings.cache_dir) == 3 * 8  # the batches before it are kept


def test_server_killed_mid_backfill_then_resumed_embeds_only_the_rest(tmp_path, monkeypatch):
    executable = infinity_executable()
    if executable is None:
        missing(NO_SERVER)
    monkeypatch.setattr(remote, "ATTEMPTS", 3)
    first = start_infinity(executable, tmp_path / "server.log")
    try:
        with fault_proxy(first.port) as (url, faults):
            settings = settings_for(tmp_path, url, concurrency=2)
            faults.delay_s = 0.05
            original = faults.vectors

            def kill_after_some(rows):
                if len(chunk_texts(faults)) >= 40:
                    first.kill()
                return rows

            faults.vectors = kill_after_some
            with pytest.raises(EmbedError, match="failed 3 times in a row"):
                build_index(settings)
            kept = cached_vectors(settings.cache_dir)
            assert 0 < kept < PAGES * SECTIONS

            second = start_infinity(executable, tmp_path / "server.log", port=first.port)
            try:
                faults.texts.clear()
                faults.vectors, faults.delay_s = original, 0.0
                report = build_index(settings)
            finally:
                second.kill()
    finally:
        first.kill()
    assert report.embedded == PAGES * SECTIONS - kept
    assert len(chunk_texts(faults)) == report.embedded  # nothing checkpointed went to the server again


def test_backfill_killed_with_sigkill_resumes_without_re_embedding_its_checkpoints(server, tmp_path):
    site = tmp_path / "site"
    write_site(site)
    cache = tmp_path / "cache"
    with fault_proxy(server.port) as (url, faults):
        faults.delay_s = 0.4
        command = [sys.executable, "-m", "mkdocs_embed.cli", "index", str(site), "--cache-dir", str(cache),
                   "--no-widget", "--backend-url", url, "--backend-model", SERVED_NAME, "--backend-batch-size", "4",
                   "--backend-concurrency", "1"]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 120
        while not list((cache / "segments").glob("*.bin")) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        time.sleep(2)  # the proxy finishes the request the build was waiting on, for nobody
        kept = cached_vectors(cache)
        assert 0 < kept < PAGES * SECTIONS
        faults.texts.clear()
        faults.delay_s = 0.0
        report = build_index(BuildSettings(site_dir=site, cache_dir=cache, backend=RemoteSettings(
            url=url, model=SERVED_NAME, batch_size=16)))
    assert report.embedded == PAGES * SECTIONS - kept == len(chunk_texts(faults))


def test_mkdocs_build_with_backend_in_mkdocs_yml(server, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n## Install\n\nInstall the frobnicator with pip, then run frob init.\n")
    with fault_proxy(server.port) as (url, faults):
        (tmp_path / "mkdocs.yml").write_text(
            f"site_name: Remote\nplugins:\n  - embed:\n      backend:\n        url: {url}\n"
            f"        model: {SERVED_NAME}\n        concurrency: 2\n")
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml")],
                                capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"embedding on {url} (model {SERVED_NAME}" in result.stderr
    assert chunk_texts(faults) and load_index(tmp_path / "site").vectors.shape[0] == len(chunk_texts(faults))


def test_unknown_backend_option_is_an_error(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Remote\nplugins:\n  - embed:\n      backend:\n        url: http://127.0.0.1:9/v1\n"
        "        model: m\n        conncurrency: 2\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode != 0 and "conncurrency" in result.stderr and "unknown option" in result.stderr
