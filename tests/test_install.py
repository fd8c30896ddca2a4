"""Installing mkdocs-embed into a docs project keeps the project's pins.

FastAPI's docs pin ``click==8.2.1`` (and Material 9.6 wants ``click<8.2.2``).
``tokenizers`` depends on ``huggingface_hub``, whose releases from 1.17 on
require ``click>=8.4``; pip keeps a pin only when it knows of it, so the
install guide says to add mkdocs-embed to the pinned requirements file. This
test resolves exactly that with pip's own resolver (``--dry-run --report``,
from PyPI) and checks that no pin moves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PINS = {"click": "8.2.1", "mkdocs": "1.6.1", "markdown": "3.8"}

pytestmark = pytest.mark.slow


def test_installing_with_the_sites_pins_moves_none_of_them(tmp_path):
    requirements = tmp_path / "requirements-docs.txt"
    requirements.write_text("".join(f"{name}=={version}\n" for name, version in PINS.items()) + f"{ROOT}\n")
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--report", str(report), "-r", str(requirements)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    chosen = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in json.loads(report.read_text())["install"]}
    assert {name: chosen.get(name) for name in PINS} == PINS
    assert "mkdocs-embed" in chosen
