"""Hatch build hook: every wheel and sdist carries the built search widget.

The widget bundle (``mkdocs_embed/assets/``, listed by its ``bundle.json``) is
built from ``js/`` by Node and is not committed. An sdist carries it, so a
wheel built from an sdist needs no Node. A build from a git checkout without
the bundle runs ``npm ci && npm run build`` first, and stops with a clear
message where Node is missing: never a package without its widget. An
editable install (``pip install -e .``) reads the checkout's own assets folder
and is left alone; ``make js`` builds it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class WidgetBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        assets, js = root / "mkdocs_embed" / "assets", root / "js"
        if _complete(assets) and not _stale(assets, js):
            return
        if not (js / "package.json").is_file():
            raise RuntimeError(f"mkdocs-embed: {assets} lacks the built search widget, and there are no js/ sources to build it from")
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "mkdocs-embed: building from a source checkout builds the search widget with Node.js 20+ and npm, "
                "which are not on PATH. Install Node.js, or install a built wheel or sdist, which carry the widget."
            )
        self.app.display_info("mkdocs-embed: building the search widget (npm ci && npm run build in js/)")
        for command in ([npm, "ci", "--no-audit", "--no-fund"], [npm, "run", "build"]):
            subprocess.run(command, cwd=js, check=True)
        if not _complete(assets):
            raise RuntimeError(f"mkdocs-embed: `npm run build` left {assets} without the files its bundle.json lists")


def _complete(assets: Path) -> bool:
    """The bundle is there: bundle.json and every file it lists."""
    try:
        files = json.loads((assets / "bundle.json").read_text("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all((assets / name).is_file() for name in files)


def _stale(assets: Path, js: Path) -> bool:
    """A source newer than the bundle (a checkout edited since `make js`); an sdist's files share one mtime."""
    built = (assets / "bundle.json").stat().st_mtime
    sources = [js / "package.json", js / "package-lock.json", *(js / "src").rglob("*")]
    return any(path.is_file() and path.stat().st_mtime > built for path in sources)
