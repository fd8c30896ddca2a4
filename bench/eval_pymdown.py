"""Search quality on a real project's docs: the pymdown-extensions documentation.

    .venv/bin/python bench/eval_pymdown.py [--workdir DIR] [--min-ndcg X]

Takes the docs from that package's source distribution on PyPI (MIT), builds
them with a small mkdocs.yml of our own, indexes the site with
``mkdocs-embed index`` and runs ``tests/eval/pymdown.jsonl`` against it. The
third-party text stays in the work folder; only the queries are committed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mkdocs_embed.evaluate import run_eval  # noqa: E402

VERSION = "10.16.1"
QUERIES = ROOT / "tests" / "eval" / "pymdown.jsonl"

# Enough of the project's own extension list to render its pages: snippets for
# the shared link references, blocks and superfences for its examples. Custom
# fences and emoji need the project's own tools and Material, so they stay out
# (their source then shows as code, which does not change what a page is about).
MKDOCS_YML = """\
site_name: PyMdown Extensions Documentation
docs_dir: docs/src/markdown
theme:
  name: mkdocs
nav:
{nav}
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
  - def_list
  - tables
  - abbr
  - footnotes
  - md_in_html
  - pymdownx.betterem
  - pymdownx.saneheaders
  - pymdownx.fancylists
  - pymdownx.smartsymbols
  - pymdownx.striphtml
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - pymdownx.tilde
  - pymdownx.caret
  - pymdownx.mark
  - pymdownx.keys
  - pymdownx.details
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.tasklist
  - pymdownx.progressbar
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.snippets:
      base_path:
        - docs/src/markdown/.snippets
        - LICENSE.md
      auto_append:
        - refs.md
      check_paths: false
  - pymdownx.blocks.admonition
  - pymdownx.blocks.details
  - pymdownx.blocks.tab
  - pymdownx.blocks.html
  - pymdownx.blocks.definition
  - pymdownx.blocks.caption
"""


def run(*cmd: str | Path, cwd: Path | None = None) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=cwd)


def fetch_docs(work: Path) -> Path:
    """Download and unpack the sdist once; returns the unpacked project folder."""
    project = work / f"pymdown_extensions-{VERSION}"
    if project.is_dir():
        return project
    work.mkdir(parents=True, exist_ok=True)
    run(sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
        f"pymdown-extensions=={VERSION}", "-d", work)
    with tarfile.open(work / f"pymdown_extensions-{VERSION}.tar.gz") as tar:
        tar.extractall(work, filter="data")
    return project


def nav_of(project: Path) -> str:
    """The project's own nav, copied from its mkdocs.yml (a plain YAML block)."""
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("nav:") + 1
    end = next(i for i in range(start, len(lines)) if lines[i] and not lines[i].startswith(" "))
    return "\n".join(lines[start:end])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "eval-pymdown")
    parser.add_argument("--min-ndcg", type=float)
    args = parser.parse_args()
    project = fetch_docs(args.workdir.resolve())
    config = project / "mkdocs-embed-eval.yml"
    config.write_text(MKDOCS_YML.format(nav=nav_of(project)), encoding="utf-8")
    site = args.workdir.resolve() / "site"
    # Snippets resolves its base paths against the working directory.
    run(sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", site, cwd=project)
    run(sys.executable, "-m", "mkdocs_embed.cli", "index", site, "--no-widget",
        "--cache-dir", args.workdir.resolve() / "vectors")
    return run_eval(QUERIES, site, args.min_ndcg)


if __name__ == "__main__":
    raise SystemExit(main())
