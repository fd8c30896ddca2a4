"""Every package carries the built widget: an sdist installs and builds a site with no Node on the
machine, and a checkout without the bundle and without Node fails to build, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import missing

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "mkdocs_embed" / "assets"

pytestmark = pytest.mark.slow


def without_node() -> dict[str, str]:
    """This environment with a PATH of the virtualenv's bin folder alone: no node, no npm."""
    bin_dir = Path(sys.executable).parent
    assert not (bin_dir / "npm").exists() and not (bin_dir / "node").exists()
    return {**os.environ, "PATH": str(bin_dir)}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=900, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel built from it, as the release workflow builds them."""
    if not (ASSETS / "bundle.json").is_file():
        missing("the widget bundle is not built (run `make js`, which `make test` does first)")
    out = tmp_path_factory.mktemp("dist")
    result = run(sys.executable, "-m", "build", "-o", str(out), str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def sdist(dist) -> Path:
    (found,) = dist.glob("mkdocs_embed-*.tar.gz")
    return found


def test_the_release_check_finds_the_widget_in_the_wheel_and_the_sdist(dist):
    result = run(sys.executable, str(ROOT / ".github" / "scripts" / "check_dist.py"), str(dist))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "widget.js" in result.stdout and "ort-wasm-simd-threaded.wasm" in result.stdout


def test_the_sdist_installs_and_builds_a_site_with_the_widget_without_node(sdist, tmp_path):
    target = tmp_path / "installed"
    result = run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(sdist),
                 env=without_node())
    assert result.returncode == 0, result.stdout + result.stderr
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Lighthouses\n\nA keeper trims the lamp every evening and logs the weather.\n")
    (project / "mkdocs.yml").write_text("site_name: from the sdist\nplugins:\n  - embed\n")
    # -S: no site processing, so this checkout's editable install (a .pth hook) stays out; the
    # dependencies come from this environment's site-packages, after the sdist's install
    site_packages = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_relative_to(sys.prefix))
    env = {**without_node(), "PYTHONPATH": os.pathsep.join([str(target), str(site_packages)])}
    where = run(sys.executable, "-S", "-c", "import mkdocs_embed; print(mkdocs_embed.__file__)", env=env, cwd=project)
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr  # the sdist's copy, not this checkout's
    build = run(sys.executable, "-S", "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), env=env, cwd=project)
    assert build.returncode == 0, build.stdout + build.stderr
    assets = {p.name.split(".", 1)[0] for p in (project / "site" / "assets" / "mkdocs-embed").iterdir()}
    assert {"widget", "worker", "ort-wasm-simd-threaded", "manifest", "model"} <= assets
    assert "mkdocs-embed-config" in (project / "site" / "index.html").read_text()


def test_a_checkout_without_the_bundle_or_node_fails_clearly(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "node_modules", "assets", ".cache", "site", "dist", "build", "__pycache__", ".hypothesis", "*.egg-info",
    ))
    result = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheels"), str(checkout),
                 env=without_node())
    assert result.returncode != 0
    assert "builds the search widget with Node.js 20+ and npm, which are not on PATH" in result.stdout + result.stderr
    assert not list((tmp_path / "wheels").glob("*.whl")) if (tmp_path / "wheels").exists() else True
