"""Shared fixtures: real `mkdocs build`s of the example site, with their caches."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-site"


@dataclass
class Project:
    """A copy of a MkDocs project with its own cache, built with the real CLI."""

    root: Path

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.root / ".cache" / "mkdocs-embed"

    def build(self, *extra: str) -> str:
        """Run `mkdocs build`; returns its log, fails the test on a non-zero exit."""
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-f", str(self.root / "mkdocs.yml"), *extra],
            capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    def copy(self, dest: Path) -> Project:
        """An independent copy, cache and site included, so a test can change it."""
        shutil.copytree(self.root, dest, symlinks=True)
        return Project(dest)


def copy_example(dest: Path) -> Project:
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("site", ".cache"))
    return Project(dest)


@pytest.fixture(scope="session")
def example_project(tmp_path_factory) -> Project:
    """The example site, built once per test session (the first build embeds everything)."""
    project = copy_example(tmp_path_factory.mktemp("example") / "example-site")
    project.build_log = project.build()
    return project


# --- chunking: the real tokenizer, and hypothesis profiles -------------------

import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def tokenizer():
    """The default model's tokenizer (as shipped: truncation and padding at 128)."""
    from tokenizers import Tokenizer

    from mkdocs_embed.model.default import default_files

    return Tokenizer.from_file(str(default_files()[1]))
