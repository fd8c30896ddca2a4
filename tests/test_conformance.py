"""The conformance corpus (tests/fixtures/conformance): the Python reader gives every case its verdict.

js/test/conformance.test.ts holds the TypeScript reader to the same
verdicts, so the two readers agree on every file of the corpus. A refused
file is also one line from ``mkdocs-embed query``, naming the file, with no
traceback.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_embed import cli
from mkdocs_embed.format.base import FormatError
from mkdocs_embed.layout import ASSET_DIR
from mkdocs_embed.search.engine import SearchEngine
from mkdocs_embed.search.reader import load_index
from tests.fixtures import make_conformance

CORPUS = Path(__file__).parent / "fixtures" / "conformance"
CASES = json.loads((CORPUS / "cases.json").read_text())


def site_of(case: dict, root: Path) -> Path:
    """A site folder holding the case's index: the base files, the case's own over them, less ``remove``."""
    folder = root / ASSET_DIR
    shutil.copytree(CORPUS / "base", folder)
    own = CORPUS / "cases" / case["name"]  # git keeps no empty folder: a case with no files of its own has none
    for path in own.iterdir() if own.is_dir() else ():
        shutil.copyfile(path, folder / path.name)
    for name in case["remove"]:
        (folder / name).unlink()
    return root


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_python_reader_gives_each_case_its_verdict(case, tmp_path):
    site = site_of(case, tmp_path)
    if case["verdict"] == "ok":
        engine = SearchEngine(load_index(site))
        assert engine.search("install pip", k=5, mode="lexical")
        return
    with pytest.raises(FormatError) as refused:
        load_index(site)
    message = str(refused.value)
    assert case["file"] in message, f"the error does not name {case['file']}: {message}"
    assert "\n" not in message


@pytest.fixture
def cli_logging():
    """The CLI sets up the "mkdocs" logger for a terminal; later tests get it back as it was."""
    logger = logging.getLogger("mkdocs")
    saved = logger.handlers[:], logger.level, logger.propagate
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.mark.parametrize("case", [c for c in CASES if c["verdict"] == "refused"], ids=lambda c: c["name"])
def test_the_cli_refuses_each_damaged_case_in_one_line(case, tmp_path, capsys, cli_logging):
    site = site_of(case, tmp_path)
    status = cli.main(["query", str(site), "install", "--mode", "lexical"])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert status == 1 and out == "" and len(lines) == 1 and lines[0].startswith("ERROR") and case["file"] in lines[0], err


@pytest.mark.parametrize("name", ["model-pooling-missing", "files-pages-traversal"])
def test_a_tampered_manifest_is_one_line_from_the_command(name, tmp_path):
    """The installed command, as a user runs it: exit status 1, one line on stderr, no traceback."""
    site = site_of(next(c for c in CASES if c["name"] == name), tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_embed.cli", "query", str(site), "install"], capture_output=True, text=True, timeout=120,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "manifest.json" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_regenerating_the_corpus_gives_identical_bytes(tmp_path):
    make_conformance.write(tmp_path / "corpus")
    made = {p.relative_to(tmp_path / "corpus"): p.read_bytes() for p in (tmp_path / "corpus").rglob("*") if p.is_file()}
    stored = {p.relative_to(CORPUS): p.read_bytes() for p in CORPUS.rglob("*") if p.is_file()}
    assert sorted(made) == sorted(stored)
    assert [name for name in made if made[name] != stored[name]] == []


def test_the_corpus_covers_what_the_spec_rules_out():
    names = {c["name"] for c in CASES}
    for needed in ("files-pages-traversal", "model-pooling-missing", "ok-unknown-keys-are-ignored", "files-pages-missing",
                   "graph-node-listed-above-its-level", "graph-entry-below-the-top-level", "zstd-truncated",
                   "zstd-magic-bit-flipped", "manifest-bit-flipped", "lexical-postings-traversal"):
        assert needed in names
    assert sum(c["verdict"] == "ok" for c in CASES) >= 5


@pytest.mark.parametrize("name", ["../pages.json.zst", "../../pages.json.zst"])
def test_the_traversal_guard_refuses_a_name_outside_the_folder_even_when_the_file_is_there(name, tmp_path):
    """Without the guard this index would load: the file the name points at exists, whole and valid."""
    site = site_of(CASES[0], tmp_path / "site")
    folder = site / ASSET_DIR
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / name).write_bytes((folder / manifest["files"]["pages"]).read_bytes())
    manifest["files"]["pages"] = name
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(FormatError, match=r"manifest\.json: files\.pages is not a file name in the index folder"):
        load_index(site)
