"""Skip a build when nothing it depends on changed: link the last build's index files into the site.

A rebuild with no change still paid for importing numpy, zstandard, hnswlib
and tokenizers, reading every page and re-hashing every derived file: a
sixth of a plain `mkdocs build`. So each full build leaves in the cache
folder a record of its inputs (one digest of the settings, the code, the
model's files and the pages' HTML) and hard links to the index files it
wrote. The next build computes that digest from file stats and the pages'
bytes alone, with none of those libraries; where it matches, the recorded
files are linked into the site, data files first and the manifest last.

Files are trusted as :mod:`.filehash` trusts them: unchanged while their
size, mtime, inode and device are. A record is written last, after its
links, and names a folder of links no other record uses, so a build killed
at any instant leaves the previous record with its files, or the new one.
Any doubt (a changed stat, a missing link, an unreadable record) means a
full build. A build that logged a warning keeps no record, so that its
warnings (and `mkdocs build --strict`) come again on the next build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from .atomic import link_or_copy, remove_stale, write_atomic
from .code_digest import code_digest
from .collect.pages import excluded, html_files, page_content
from .emit import shipped
from .errors import EmbedError
from .filehash import stat_signature
from .layout import ASSET_DIR, MANIFEST
from .log import log
from .model import default
from .report import BuildReport
from .settings import BuildSettings, ModelSettings
from .user_cache import user_cache_dir

RECORD = "last-build.json"
STORE = "last-build"
"""Folder in the cache folder with one folder of links per record: the current one, and any a killed build left."""
_FORMAT = 2
_FOLDER = re.compile(re.escape(STORE) + r"/[0-9a-f]{16}")
_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


def build_or_reuse(settings: BuildSettings, embed: bool = True) -> BuildReport:
    """:func:`.pipeline.build_index`, or the last build's index where nothing it depends on has changed.

    Text-only builds (``embed=False``) always run in full: they leave the cache folder alone.
    """
    started = time.perf_counter()
    digest = inputs_digest(settings) if embed else None
    report = _reuse(settings, digest) if digest else None
    if report is not None:
        report.seconds = time.perf_counter() - started
        return report
    from .pipeline import build_index  # numpy, zstandard, hnswlib, tokenizers: only for a build with work to do

    warnings = _WarningCount()
    log.addHandler(warnings)
    try:
        report = build_index(settings, embed)
    finally:
        log.removeHandler(warnings)
    if digest and not warnings.count:
        _record(settings, digest, report)
    elif digest:
        (settings.cache_dir / RECORD).unlink(missing_ok=True)
    return report


def inputs_digest(settings: BuildSettings) -> str | None:
    """A digest of everything the index files depend on; None where that is not known cheaply.

    Not a hub model's files: only huggingface_hub can say whether a new
    revision is out. Not the vector cache: it holds every vector of the last
    build's chunks, and only the pipeline writes it.
    """
    options = dataclasses.asdict(settings)
    for unused in ("site_dir", "cache_dir", "price_per_million"):  # where the index goes, and the cost line's price
        del options[unused]
    try:
        model_files = _model_files(settings.model)
        if model_files is None:
            return None
        inputs = [_FORMAT, repr(options), code_digest(), [[str(path), *stat_signature(path)] for path in model_files]]
        digest = hashlib.sha256(json.dumps(inputs).encode())
        for rel in sorted(html_files(settings.site_dir)):
            if rel.startswith(ASSET_DIR + "/") or excluded(rel, settings.exclude):  # never indexed (a language
                continue  # folder's pages, for the root's index): they change nothing of this index
            data = page_content((settings.site_dir / rel).read_bytes())
            digest.update(b"%s\0%d\0" % (rel.encode("utf-8", "surrogateescape"), len(data)))
            digest.update(data)
    except OSError:  # the full build says what is missing
        return None
    return digest.hexdigest()


def _model_files(model: ModelSettings) -> list[Path] | None:
    """The files :func:`.model.resolve_model` may read for ``model``; None for a hub model."""
    if model.name == "default":
        try:
            return list(default.default_files())
        except EmbedError:  # the full build says what is missing
            return None
    folder = Path(model.name).expanduser()
    if not folder.is_dir():
        return None
    folders = [f for f in (folder, folder / "onnx", folder / "1_Pooling") if f.is_dir()]
    return sorted(path for f in folders for path in f.iterdir() if path.is_file())


def _prepared_models() -> list[str]:
    """Which build models are prepared: which one embeds is part of every vector's key (see embed/optimize.py).

    Compared apart from the digest, and recorded after the build: the first
    build of a model prepares it, and the next one finds it.
    """
    folder = user_cache_dir() / "models"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def _reuse(settings: BuildSettings, digest: str) -> BuildReport | None:
    """Link the recorded index files into the site where the record is the digest's and whole."""
    try:
        record = json.loads((settings.cache_dir / RECORD).read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.debug("embed: ignoring the unreadable record of the last build (%s)", exc)
        return None
    try:
        if record["format"] != _FORMAT or record["digest"] != digest:
            return None
        if record["prepared"] != _prepared_models():
            return None
        if not _FOLDER.fullmatch(record["folder"]):
            raise ValueError(f"bad folder {record['folder']!r}")
        files, shared = record["files"], record["shared"]
        if MANIFEST not in files or not all(isinstance(n, str) and _NAME.fullmatch(n) for n in files):
            raise ValueError("bad file list")
        store = user_cache_dir() / shipped.STORE
        if not all(isinstance(n, str) and _NAME.fullmatch(n) for n in shared.values()):
            raise ValueError("bad shared file list")
        sources = {name: store / shared[name] if name in shared else settings.cache_dir / record["folder"] / name
                   for name in files}
        for name, signature in files.items():
            if stat_signature(sources[name]) != signature:
                log.debug("embed: the last build's copy of %s changed; building in full", name)
                return None
        out = settings.site_dir / ASSET_DIR
        if (out / MANIFEST).exists() and (out / MANIFEST).read_bytes() != sources[MANIFEST].read_bytes():
            return None  # another index is in the site: a full build replaces it and removes its files
        counts = {key: record["report"][key] for key in ("pages", "chunks", "index_bytes")}
        if not all(type(value) is int for value in counts.values()):
            raise ValueError("bad counts")
        out.mkdir(parents=True, exist_ok=True)
        for name in sorted(files, key=lambda name: name == MANIFEST):  # the manifest last, as write_index writes it
            _link(sources[name], out / name)
    except FileNotFoundError:
        log.debug("embed: the last build's index files are gone; building in full")
        return None
    except (OSError, EmbedError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.debug("embed: not reusing the last build (%s)", exc)
        return None
    log.debug("embed: nothing changed since the last build; linked its %d index files into the site", len(files))
    return BuildReport(pages=counts["pages"], chunks=counts["chunks"], reused=counts["chunks"],
                       index_bytes=counts["index_bytes"])


def _link(source: Path, target: Path) -> None:
    """A hard link at ``target``: made directly where nothing is there yet (a cleaned site), else replaced."""
    try:
        os.link(source, target)
    except OSError:  # there already, or no links here
        link_or_copy(source, target)


def _record(settings: BuildSettings, digest: str, report: BuildReport) -> None:
    """Keep links to the index files just written, then the record naming them. Best effort: a
    cache folder that cannot take them costs the next build its shortcut, not this build.

    Files that are links to the per-user store (the model, the tokenizer) are
    named there rather than linked again: a second link in the cache folder
    would put 23 MB into every CI cache that archives it.
    """
    from .emit.assets import INDEX_KINDS  # imports numpy, as the build just did

    out = settings.site_dir / ASSET_DIR
    name = f"{STORE}/{secrets.token_hex(8)}"
    folder = settings.cache_dir / name
    try:
        files = sorted(p.name for p in out.iterdir() if p.name == MANIFEST or p.name.split(".", 1)[0] in INDEX_KINDS)
        in_store = _store_files()
        shared, signatures = {}, {}
        for file in files:
            same = in_store.get(_inode(out / file)) if file != MANIFEST else None
            if same is not None:
                shared[file] = same.name
                signatures[file] = stat_signature(same)
            else:
                link_or_copy(out / file, folder / file)
                signatures[file] = stat_signature(folder / file)
        record = {
            "format": _FORMAT,
            "digest": digest,
            "prepared": _prepared_models(),
            "folder": name,
            "files": signatures,
            "shared": shared,
            "report": {"pages": report.pages, "chunks": report.chunks, "index_bytes": report.index_bytes},
        }
        write_atomic(settings.cache_dir / RECORD, json.dumps(record).encode())
    except (OSError, EmbedError) as exc:
        log.debug("embed: not keeping this build's index for the next build: %s", exc)
        shutil.rmtree(folder, ignore_errors=True)
        return
    remove_stale(settings.cache_dir / STORE, lambda _: True, keep={folder.name})  # earlier records', and killed builds'


def _inode(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_dev


def _store_files() -> dict[tuple[int, int], Path]:
    """The per-user store's files by inode: a site file that is one of them is a hard link to it."""
    store = user_cache_dir() / shipped.STORE
    return {_inode(path): path for path in store.iterdir()} if store.is_dir() else {}


class _WarningCount(logging.Handler):
    """Counts the warnings a build logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
