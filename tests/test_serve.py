"""A real `mkdocs serve`: live reloads re-embed only what changed and publish the new index."""

from __future__ import annotations

import contextlib
import json
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mkdocs_embed.format.base import decompress
from mkdocs_embed.format.manifest import check_manifest
from mkdocs_embed.format.pages import decode_fragment, decode_pages, page_chunks
from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from tests.embedding_server import free_port

pytestmark = pytest.mark.slow

TOPICS = ["lighthouses", "glaciers", "orchards"]
ASPECTS = ["history", "maintenance", "visiting"]


def section_text(topic: str, aspect: str) -> str:
    """A paragraph long enough to be its own chunk."""
    return (
        f"This section explains the {aspect} of {topic} in some detail. "
        f"People who care about {topic} often ask about {aspect}, so the answer is written out here "
        f"in plain words, with enough sentences that the chunker keeps it as a section of its own "
        f"rather than merging it with a neighbour. The {aspect} of {topic} depends on the season, "
        f"on the budget, and on the people involved, and each of those is described below."
    )


def write_project(root: Path, serve_option: bool | None = None) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True)
    option = "" if serve_option is None else f":\n      serve: {str(serve_option).lower()}"
    (root / "mkdocs.yml").write_text(
        f"site_name: Serve test\ntheme:\n  name: mkdocs\nplugins:\n  - embed{option}\n"
    )
    for topic in TOPICS:
        body = "\n\n".join(f"## {aspect.title()}\n\n{section_text(topic, aspect)}" for aspect in ASPECTS)
        (docs / f"{topic}.md").write_text(f"# {topic.title()}\n\n{body}\n")
    (docs / "index.md").write_text("# Home\n\n" + section_text("this site", "purpose") + "\n")


@dataclass
class Server:
    process: subprocess.Popen
    lines: queue.Queue
    url: str
    log: list[str]

    def wait_for(self, pattern: str, timeout: float = 240) -> re.Match:
        """The next log line matching ``pattern``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise AssertionError("mkdocs serve exited:\n" + "".join(self.log)) from None
                continue
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no log line matched {pattern!r} in {timeout} s:\n" + "".join(self.log))

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read()

    def index(self) -> tuple[dict, dict]:
        """The manifest and every chunk's excerpt, fetched as the reloaded tab fetches them."""
        manifest = check_manifest(json.loads(self.get(f"{ASSET_DIR}/{MANIFEST}")))
        name, n = manifest["files"]["pages"], manifest["counts"]["chunks"]
        pages = decode_pages(decompress(self.get(f"{ASSET_DIR}/{name}"), name), n)
        texts = []
        for page, fragment in enumerate(pages["fragments"]):
            rows = len(page_chunks(pages["first"], page, n))
            texts += decode_fragment(decompress(self.get(f"{ASSET_DIR}/{fragment}"), fragment), rows, fragment)["text"]
        return manifest, texts


@contextlib.contextmanager
def serve(root: Path, *extra: str) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root,
    )
    lines: queue.Queue = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        for line in process.stdout:
            log.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    server = Server(process, lines, f"http://127.0.0.1:{port}/", log)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def edit_one_paragraph(root: Path) -> str:
    """Change the glaciers' maintenance section; returns the new sentence."""
    page = root / "docs" / "glaciers.md"
    new = "Crampons are checked every morning before anyone walks on the ice."
    old = section_text("glaciers", "maintenance")
    page.write_text(page.read_text().replace(old, new + " " + old))  # first, so the excerpt keeps it
    return new


@pytest.mark.parametrize("dirty", [False, True], ids=["clean", "dirty"])
def test_a_live_reload_embeds_the_edited_section_and_publishes_it(tmp_path, dirty):
    write_project(tmp_path)
    with serve(tmp_path, *(["--dirty"] if dirty else [])) as server:
        first = server.wait_for(r"embed: embedded (\d+) chunks, reused (\d+)")
        server.wait_for(r"Serving on")
        assert int(first.group(1)) >= len(TOPICS) * len(ASPECTS) and first.group(2) == "0"
        before, _ = server.index()
        assert before["model"]["dims"] == 384

        new_sentence = edit_one_paragraph(tmp_path)
        reload = server.wait_for(r"embed: embedded (\d+) chunks, reused (\d+), dropped (\d+)")
        assert reload.group(1) == "1" and int(reload.group(2)) == before["counts"]["chunks"] - 1
        assert reload.group(3) == "1"
        server.wait_for(r"Reloading browsers|Documentation built")

        after, texts = server.index()
        assert after["files"]["pages"] != before["files"]["pages"]
        assert after["files"]["vectors"] != before["files"]["vectors"]
        assert sum(new_sentence in text for text in texts) == 1
        assert after["counts"]["chunks"] == before["counts"]["chunks"]
        for name in after["files"].values():  # every file the new manifest names is served
            assert server.get(f"{ASSET_DIR}/{name}")


def test_serve_false_writes_a_text_only_index_and_leaves_the_cache_alone(tmp_path):
    write_project(tmp_path, serve_option=False)
    with serve(tmp_path) as server:
        line = server.wait_for(r"embed: wrote a text-only index of (\d+) chunks")
        server.wait_for(r"Serving on")
        manifest, texts = server.index()
        assert int(line.group(1)) == manifest["counts"]["chunks"] >= len(TOPICS) * len(ASPECTS)
        assert set(manifest["files"]) == {"pages", "lexical"} and manifest["model"]["dims"] == 0
        assert "onnx" not in manifest["model"] and "vectors" not in manifest["bytes"]

        new_sentence = edit_one_paragraph(tmp_path)
        server.wait_for(r"embed: wrote a text-only index")
        server.wait_for(r"Reloading browsers|Documentation built")
        _, texts = server.index()
        assert any(new_sentence in text for text in texts)
    assert "tokens embedded" not in "".join(server.log)
    assert not (tmp_path / ".cache").exists()
