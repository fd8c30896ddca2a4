"""A rebuild with nothing changed links the last build's index files; any change, or any doubt, builds in full."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed import last_build
from mkdocs_embed.code_digest import code_digest
from mkdocs_embed.emit import shipped
from mkdocs_embed.layout import ASSET_DIR, MANIFEST
from mkdocs_embed.last_build import RECORD, STORE, build_or_reuse
from mkdocs_embed.model.default import default_files
from mkdocs_embed.pipeline import build_index
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.settings import BuildSettings, ChunkSettings, ModelSettings
from mkdocs_embed.user_cache import user_cache_dir
from tests.test_serve import serve, write_project

REUSED = "nothing changed since the last build"
TOPICS = {
    "lighthouses": "Lighthouse keepers trimmed the wicks at dusk and logged every passing ship in a ledger.",
    "glaciers": "Glaciers carve valleys as they creep downhill, leaving moraines of rock where they melt.",
    "orchards": "Orchards are pruned in late winter so that the trees put their strength into fewer, larger apples.",
}


def write_pages(site: Path, extra: str = "") -> Path:
    """A static site of three pages, two sections each."""
    for topic, text in TOPICS.items():
        body = "".join(
            f'<h2 id="s{s}">{topic.title()} part {s}</h2><p>{text} {extra if s == 1 and topic == "orchards" else ""}'
            f"{' '.join([text] * 3)}</p>" for s in range(2)
        )
        (site / topic).mkdir(parents=True, exist_ok=True)
        (site / topic / "index.html").write_text(
            f"<!doctype html><html><head><title>{topic}</title></head><body><main><h1>{topic.title()}</h1>"
            f"{body}</main></body></html>", encoding="utf-8",
        )
    return site


@pytest.fixture
def cache(tmp_path, example_project) -> Path:
    """A fresh cache folder; the prepared build model is the per-user one the example build made."""
    return tmp_path / "cache"


def settings_for(site: Path, cache: Path, **changes) -> BuildSettings:
    return BuildSettings(site_dir=site, cache_dir=cache, **changes)


def index_files(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / ASSET_DIR).iterdir())}


def full_build(site: Path, settings: BuildSettings) -> dict[str, bytes]:
    """The index files a full build (no record involved) writes for ``site``'s pages."""
    build_index(settings)
    return index_files(site)


def build(settings: BuildSettings, caplog) -> bool:
    """``build_or_reuse``; returns whether it reused the last build."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.embed"):
        build_or_reuse(settings)
    return REUSED in caplog.text


def copy_pages(site: Path, dest: Path) -> Path:
    """The site's pages without its index: what MkDocs leaves before the plugin's post-build step."""
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("assets"))
    return dest


def test_a_rebuild_with_nothing_changed_links_the_last_index_byte_for_byte(tmp_path, cache, caplog):
    first = write_pages(tmp_path / "first")
    assert not build(settings_for(first, cache), caplog)
    second = copy_pages(first, tmp_path / "second")
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.embed"):
        report = build_or_reuse(settings_for(second, cache))
    assert REUSED in caplog.text
    assert index_files(second) == index_files(first)
    assert (report.embedded, report.dropped, report.reused) == (0, 0, report.chunks)
    assert report.chunks == json.loads(index_files(first)[MANIFEST])["counts"]["chunks"] > 0
    (store,) = (cache / STORE).iterdir()
    shared = {p.stat().st_ino for p in (user_cache_dir() / shipped.STORE).iterdir()}
    linked = {p.name: p.stat().st_ino for p in (second / ASSET_DIR).iterdir()}
    assert set(linked.values()) <= {p.stat().st_ino for p in store.iterdir()} | shared
    # the model and tokenizer are named in the per-user store, not linked again into the cache folder
    assert {name.split(".", 1)[0] for name, ino in linked.items() if ino in shared} == {"model", "tokenizer"}
    assert not [p for p in store.iterdir() if p.name.startswith(("model.", "tokenizer."))]
    assert SearchEngine.open(second).search("when are apple trees pruned", k=1)[0].href.startswith("orchards/")


def test_the_widgets_tags_are_not_content(tmp_path, cache, caplog, monkeypatch):
    """`mkdocs-embed index` adds the widget's tags after indexing, and a new widget release changes them:
    neither makes the next build re-chunk a page or miss the shortcut."""
    from mkdocs_embed import pipeline
    from mkdocs_embed.emit.site_widget import add_widget_to_site
    from mkdocs_embed.emit.widget import WidgetOptions, inject

    site = write_pages(tmp_path / "site")
    build(settings_for(site, cache), caplog)
    assert add_widget_to_site(site, WidgetOptions()) == len(TOPICS)
    assert build(settings_for(site, cache), caplog), "the tags the first build's widget added are not an edit"
    for page in site.glob("*/index.html"):  # a later release's widget: other file names in the tags
        page.write_text(inject(page.read_text(encoding="utf-8"), "<!-- mkdocs-embed --><script src=x></script><!-- /mkdocs-embed -->"))
    chunked = []
    monkeypatch.setattr(pipeline, "chunk_page", lambda *args: chunked.append(args[0].url) or [])
    monkeypatch.setattr(last_build, "inputs_digest", lambda settings: None)  # no shortcut: the chunk cache alone
    build(settings_for(site, cache), caplog)
    assert chunked == [], "no page is chunked again"


def _edit_page(site: Path, cache: Path, tmp_path: Path, monkeypatch) -> BuildSettings:
    write_pages(site, extra="Cider presses run from September.")
    return settings_for(site, cache)


def _change_a_setting(site: Path, cache: Path, tmp_path: Path, monkeypatch) -> BuildSettings:
    return settings_for(site, cache, chunk=ChunkSettings(excerpt_chars=120))


def _change_the_code(site: Path, cache: Path, tmp_path: Path, monkeypatch) -> BuildSettings:
    identity = last_build.code_digest()
    monkeypatch.setattr(last_build, "code_digest", lambda: identity + "upgraded")
    return settings_for(site, cache)


def _lose_a_cached_copy(site: Path, cache: Path, tmp_path: Path, monkeypatch) -> BuildSettings:
    (store,) = (cache / STORE).iterdir()
    next(p for p in store.iterdir() if p.name.startswith("fragments.")).unlink()
    return settings_for(site, cache)


def _write_through_a_site_link(site: Path, cache: Path, tmp_path: Path, monkeypatch) -> BuildSettings:
    """A post-processor that rewrites a site file in place also rewrites the cache's link to it."""
    manifest = tmp_path / "first" / ASSET_DIR / MANIFEST
    size = manifest.stat().st_size
    with open(manifest, "r+b") as fh:
        fh.write(b"{}" + b" " * (size - 2))
    return settings_for(site, cache)


def _another_index_in_the_site(site: Path, cache: Path, tmp_path: Path, monkeypatch) -> BuildSettings:
    (site / ASSET_DIR).mkdir(parents=True)
    (site / ASSET_DIR / MANIFEST).write_text('{"format": 2}')
    (site / ASSET_DIR / "pages.0123456789ab.json.zst").write_bytes(b"an older build's")
    return settings_for(site, cache)


@pytest.mark.parametrize("change", [
    _edit_page, _change_a_setting, _change_the_code, _lose_a_cached_copy, _write_through_a_site_link,
    _another_index_in_the_site,
])
def test_a_change_or_a_doubt_builds_in_full_and_gives_a_full_builds_index(tmp_path, cache, caplog, change, monkeypatch):
    first = write_pages(tmp_path / "first")
    build(settings_for(first, cache), caplog)
    site = copy_pages(first, tmp_path / "site")
    settings = change(site, cache, tmp_path, monkeypatch)
    assert not build(settings, caplog)
    reference = copy_pages(site, tmp_path / "reference")
    assert index_files(site) == full_build(reference, settings_for(reference, cache, chunk=settings.chunk))
    assert build(settings_for(copy_pages(site, tmp_path / "again"), cache, chunk=settings.chunk), caplog)


def test_a_changed_model_file_builds_in_full(tmp_path, cache, caplog):
    model = tmp_path / "model"
    model.mkdir()
    onnx, tokenizer = default_files()
    shutil.copy2(onnx, model / "model.onnx")
    shutil.copy2(tokenizer, model / "tokenizer.json")
    (model / "mkdocs-embed.json").write_text('{"max_tokens": 256}')  # the default's settings: its vectors and build model
    settings = ModelSettings(name=str(model))
    first = write_pages(tmp_path / "first")
    build(settings_for(first, cache, model=settings), caplog)
    assert build(settings_for(copy_pages(first, tmp_path / "same"), cache, model=settings), caplog)
    os.utime(model / "tokenizer.json", ns=(1, 10**18))
    site = copy_pages(first, tmp_path / "site")
    assert not build(settings_for(site, cache, model=settings), caplog)
    assert index_files(site) == index_files(first)


@pytest.mark.parametrize("record", [b"{not json", b"[1, 2]", b'{"format": 1}', b"\xff\xfe", None])
def test_a_damaged_record_builds_in_full_without_a_warning(tmp_path, cache, caplog, record):
    first = write_pages(tmp_path / "first")
    build(settings_for(first, cache), caplog)
    if record is None:  # a whole record, sent out of the cache folder
        data = json.loads((cache / RECORD).read_bytes())
        data["folder"] = "../../" + data["folder"]
        record = json.dumps(data).encode()
    (cache / RECORD).write_bytes(record)
    site = copy_pages(first, tmp_path / "site")
    assert not build(settings_for(site, cache), caplog)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert index_files(site) == index_files(first)
    assert build(settings_for(copy_pages(first, tmp_path / "again"), cache), caplog)


_KILLED_AT_THE_RECORD = """
import os, sys
from pathlib import Path
from mkdocs_embed import last_build
from mkdocs_embed.settings import BuildSettings

def write_atomic(path, data, sync=True):
    if path.name == last_build.RECORD:
        os._exit(9)  # killed after the links, before the record

last_build.write_atomic = write_atomic
last_build.build_or_reuse(BuildSettings(site_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2])))
"""


def test_a_build_killed_before_its_record_leaves_the_last_record_whole(tmp_path, cache, caplog):
    first = write_pages(tmp_path / "first")
    build(settings_for(first, cache), caplog)
    edited = write_pages(copy_pages(first, tmp_path / "edited"), extra="Cider presses run from September.")
    killed = subprocess.run([sys.executable, "-c", _KILLED_AT_THE_RECORD, str(edited), str(cache)], timeout=600)
    assert killed.returncode == 9
    assert len(list((cache / STORE).iterdir())) == 2  # the last record's links, and the killed build's
    unchanged = copy_pages(first, tmp_path / "unchanged")
    assert build(settings_for(unchanged, cache), caplog)
    assert index_files(unchanged) == index_files(first)
    rebuilt = copy_pages(edited, tmp_path / "rebuilt")
    assert not build(settings_for(rebuilt, cache), caplog)
    assert index_files(rebuilt) == index_files(edited)
    assert len(list((cache / STORE).iterdir())) == 1


def test_a_build_that_warns_keeps_no_record_so_it_warns_again(tmp_path, cache, caplog):
    site = write_pages(tmp_path / "site")
    (site / "broken.html").write_bytes(b"<html><body><h1>Caf\xe9</h1></body></html>")
    build(settings_for(site, cache), caplog)
    assert "cannot be read as UTF-8" in caplog.text and not (cache / RECORD).exists()
    assert not build(settings_for(copy_pages(site, tmp_path / "again"), cache), caplog)
    assert "cannot be read as UTF-8" in caplog.text


def test_a_text_only_build_neither_reuses_nor_replaces_the_record(tmp_path, cache, caplog):
    first = write_pages(tmp_path / "first")
    build(settings_for(first, cache), caplog)
    record = (cache / RECORD).read_bytes()
    site = copy_pages(first, tmp_path / "site")
    report = build_or_reuse(settings_for(site, cache), embed=False)
    assert report.text_only and "vectors" not in json.loads(index_files(site)[MANIFEST])["files"]
    assert (cache / RECORD).read_bytes() == record


def test_the_code_digest_follows_each_source_files_content_not_its_stat(tmp_path):
    """A fresh checkout of the same code (a CI run that restores the cache folder) keeps the cache; an edit does not."""
    package = tmp_path / "mkdocs_embed"
    shutil.copytree(Path(last_build.__file__).parent, package, ignore=shutil.ignore_patterns("assets", "__pycache__"))
    digest = code_digest.__wrapped__
    before = digest(package)
    os.utime(package / "chunk" / "split.py", ns=(1, 10**18))
    assert digest(package) == before
    with open(package / "chunk" / "split.py", "a") as fh:
        fh.write("\n# edited\n")
    assert digest(package) != before


def test_a_second_mkdocs_build_links_the_index_and_the_site_is_complete(tmp_path, example_project):
    project = example_project.copy(tmp_path / "project")
    project.build()
    first = index_files(project.site)
    log = project.build("-v")
    assert REUSED in log and "embed: embedded 0 chunks, reused" in log
    assert index_files(project.site) == first
    assert SearchEngine.open(project.site).search("exclude a page from search", k=3)


@pytest.mark.slow
def test_a_live_reload_with_nothing_changed_links_the_index_of_the_first_build(tmp_path):
    """The first build, with an empty cache, prepares the build model; the next finds it and takes the shortcut."""
    write_project(tmp_path)
    with serve(tmp_path, "-v") as server:
        server.wait_for(r"embed: embedded \d+ chunks, reused 0")
        server.wait_for(r"Serving on")
        before = server.index()
        page = tmp_path / "docs" / "glaciers.md"
        page.write_text(page.read_text())  # saved again as it was
        server.wait_for(REUSED)
        server.wait_for(r"embed: embedded 0 chunks, reused \d+, dropped 0")
        server.wait_for(r"Reloading browsers|Documentation built")
        assert server.index() == before
