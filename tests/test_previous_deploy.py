"""`previous_deploy`: a cold cache reuses the vectors of the site as deployed.

The "deployed site" is an earlier real build of the example site, served by a
local HTTP server that can also misbehave (errors, garbage, truncation,
slowness, another model).
"""

from __future__ import annotations

import http.server
import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.pipeline import build_index
from mkdocs_embed.settings import BuildSettings
from mkdocs_embed.store import VectorCache, previous
from mkdocs_embed.store.cache import decode_pack

from .conftest import copy_example

MISSING = 12
"""Vectors removed from the local cache, so the build must find them somewhere."""


class DeployHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the deployed site as ``server.mode`` says."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        mode, data_file = self.server.mode, "/assets/mkdocs-embed/" in self.path and not self.path.endswith(MANIFEST)
        if mode == "500":
            self.send_error(500)
        elif mode == "not-deployed":
            self.send_error(404)
        elif mode == "data-404" and data_file:
            self.send_error(404)
        elif mode == "slow":
            time.sleep(3)
            super().do_GET()
        elif mode == "other-model" and self.path.endswith(MANIFEST):
            manifest = json.loads(Path(self.translate_path(self.path)).read_text())
            manifest["model"]["fingerprint"] = "0123456789abcdef"
            self._send(json.dumps(manifest).encode())
        elif mode == "format-1" and self.path.endswith(MANIFEST):
            manifest = json.loads(Path(self.translate_path(self.path)).read_text())
            self._send(json.dumps({**manifest, "format": 1}).encode())
        elif mode == "garbage-manifest" and self.path.endswith(MANIFEST):
            self._send(b"\x89PNG\r\n\x1a\n not json")
        elif mode == "deep-manifest" and self.path.endswith(MANIFEST):
            self._send(b"[" * 100_000)
        elif mode == "garbage" and data_file:
            self._send(bytes(range(256)) * 64)
        elif mode == "truncated" and data_file:
            data = Path(self.translate_path(self.path)).read_bytes()
            self._send(data[: len(data) // 2])
        else:
            super().do_GET()

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def deployed(example_project) -> Iterator[tuple[http.server.HTTPServer, str]]:
    """An HTTP server for the example site's build; set ``.mode`` to make it misbehave."""

    def handler(*args, **kwargs):
        return DeployHandler(*args, directory=str(example_project.site), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.mode = "ok"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture
def server(deployed):
    server, url = deployed
    server.mode = "ok"
    yield server, url
    server.mode = "ok"


@pytest.fixture
def embed_log() -> Iterator[list[str]]:
    """The plugin logger's messages during one test."""
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(f"{record.levelname} {record.getMessage()}")
    logger = logging.getLogger("mkdocs.plugins.embed")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def use_previous_deploy(mkdocs_yml: Path, url: str) -> None:
    text = mkdocs_yml.read_text()
    assert "  - embed\n" in text
    mkdocs_yml.write_text(text.replace("  - embed\n", f"  - embed:\n      previous_deploy: {url}\n"))


def counts(log: str) -> tuple[int, int, int]:
    """(embedded, reused, from the previous deploy) from the summary line."""
    match = re.search(r"embedded ([\d,]+) chunks, reused ([\d,]+)(?: \(([\d,]+) from the previous deploy\))?", log)
    assert match, log
    return tuple(int((g or "0").replace(",", "")) for g in match.groups())


def manifest_of(site: Path) -> dict:
    return json.loads((site / ASSET_DIR / MANIFEST).read_text())


def test_a_cold_cache_embeds_nothing_when_the_deploy_is_current(tmp_path, example_project, server):
    _, url = server
    project = copy_example(tmp_path / "fresh")
    use_previous_deploy(project.root / "mkdocs.yml", url)
    embedded, reused, from_deploy = counts(project.build())
    total = manifest_of(example_project.site)["counts"]["chunks"]
    assert (embedded, reused, from_deploy) == (0, total, total)
    # The reused vectors are the deployed int8 ones, re-quantized to the same bytes.
    assert manifest_of(project.site)["files"]["vectors"] == manifest_of(example_project.site)["files"]["vectors"]
    keys, _ = decode_pack((project.cache / "vectors.bin").read_bytes())
    assert len(keys) == total


def test_a_cold_cache_embeds_only_the_edited_section(tmp_path, example_project, server):
    _, url = server
    project = copy_example(tmp_path / "edited")
    use_previous_deploy(project.root / "mkdocs.yml", url)
    page = project.root / "docs" / "faq.md"
    text = page.read_text()
    first_paragraph = re.search(r"\n\n([A-Z][^\n#|`!]{40,})\n", text).group(1)
    page.write_text(text.replace(first_paragraph, first_paragraph + " Zebras read this sentence.", 1))
    log = project.build()
    embedded, reused, from_deploy = counts(log)
    total = manifest_of(project.site)["counts"]["chunks"]
    assert 1 <= embedded <= 2 and reused == from_deploy == total - embedded


def trimmed_copy(example_project, dest: Path, url: str) -> BuildSettings:
    """The example's site and cache, less MISSING vectors that the deploy at ``url`` still has."""
    shutil.copytree(example_project.site, dest / "site")
    shutil.copytree(example_project.cache, dest / "cache")
    keys, _ = decode_pack((dest / "cache" / "vectors.bin").read_bytes())
    VectorCache(dest / "cache").compact(keys[MISSING:])
    return BuildSettings(site_dir=dest / "site", cache_dir=dest / "cache", previous_deploy=url)


def test_missing_vectors_come_from_the_deploy(tmp_path, example_project, server, embed_log):
    _, url = server
    settings = trimmed_copy(example_project, tmp_path, url)
    report = build_index(settings)
    assert (report.embedded, report.from_previous) == (0, MISSING)
    assert any(f"reused {MISSING} vectors from the previous deploy" in line for line in embed_log)


def test_vectors_of_another_model_are_never_reused(tmp_path, example_project, server, embed_log):
    deploy, url = server
    deploy.mode = "other-model"
    settings = trimmed_copy(example_project, tmp_path, url)
    report = build_index(settings)
    assert (report.embedded, report.from_previous) == (MISSING, 0)
    assert any(line.startswith("WARNING") and "another model" in line for line in embed_log), embed_log


@pytest.mark.parametrize("mode,reason", [
    ("500", "HTTP 500"),
    ("data-404", "HTTP 404"),
    ("garbage", "does not match its content hash"),
    ("truncated", "does not match its content hash"),
    ("garbage-manifest", "unreadable"),
    ("format-1", "index format 1 is not supported"),
    ("deep-manifest", "unreadable"),
    ("slow", "timed out"),
])
def test_a_bad_deploy_falls_back_to_embedding(tmp_path, example_project, server, embed_log, monkeypatch, mode, reason):
    deploy, url = server
    deploy.mode = mode
    monkeypatch.setattr(previous, "TIMEOUT_S", 1.0)
    settings = trimmed_copy(example_project, tmp_path, url)
    report = build_index(settings)
    assert (report.embedded, report.from_previous) == (MISSING, 0)
    warnings = [line for line in embed_log if line.startswith("WARNING")]
    assert len(warnings) == 1 and "embedding instead" in warnings[0] and reason in warnings[0], embed_log
    manifest = manifest_of(settings.site_dir)
    assert manifest["counts"]["chunks"] == manifest_of(example_project.site)["counts"]["chunks"]


@pytest.mark.parametrize("where", ["not-deployed", "unreachable"])
def test_a_first_deploy_says_so_at_info(tmp_path, example_project, server, embed_log, where):
    deploy, url = server
    deploy.mode = where
    settings = trimmed_copy(example_project, tmp_path, "http://127.0.0.1:9/" if where == "unreachable" else url)
    report = build_index(settings)
    assert (report.embedded, report.from_previous) == (MISSING, 0)
    assert not [line for line in embed_log if line.startswith("WARNING")], embed_log
    reason = "could not be downloaded" if where == "unreachable" else "HTTP 404"
    assert any(line.startswith("INFO") and "nothing to reuse" in line and reason in line for line in embed_log), embed_log


def test_a_first_deploy_passes_strict(tmp_path, server):
    """The GitHub Actions recipe's `mkdocs build --strict`, before anything is deployed (without -q, which hides warnings from --strict)."""
    deploy, url = server
    deploy.mode = "not-deployed"
    project = copy_example(tmp_path / "first")
    use_previous_deploy(project.root / "mkdocs.yml", url)
    log = project.build("--strict")
    assert "nothing to reuse from the previous deploy" in log and "WARNING" not in log, log
