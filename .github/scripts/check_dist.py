"""Check that the wheel and the sdist in a dist folder both ship the built search widget.

Run by the CI wheel job and by the release workflow before anything is published:
``python .github/scripts/check_dist.py dist``.
"""

from __future__ import annotations

import json
import sys
import tarfile
import zipfile
from pathlib import Path

ASSETS = "mkdocs_embed/assets/"


def main(dist: Path) -> int:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = set(archive.namelist())
        files = json.loads(archive.read(ASSETS + "bundle.json"))["files"]
    with tarfile.open(sdist) as archive:
        sdist_names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = {ASSETS + name for name in ["bundle.json", *files]}
    problems = [f"{package.name} lacks {sorted(wanted - names)}"
                for package, names in ((wheel, wheel_names), (sdist, sdist_names)) if not wanted <= names]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{wheel.name} and {sdist.name} ship {', '.join(sorted(files))}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
