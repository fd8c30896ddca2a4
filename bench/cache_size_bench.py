"""Size of a project's cache folder (what CI restores and saves on every run) for a site of N chunks.

A site of real prose (pymdown-extensions docs and package READMEs, recombined
into pages of ten sections) is indexed with `mkdocs-embed index`; the figure
is the cache folder's bytes with hard links counted once, as a cache action
archives them, and the per-user cache beside it for comparison.
"""

from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402


def folder_bytes(folder: Path) -> dict[str, int]:
    """Bytes per top-level entry, each file once however many links it has."""
    seen: set[tuple[int, int]] = set()
    sizes: dict[str, int] = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        if path.is_file() and (stat.st_ino, stat.st_dev) not in seen:
            seen.add((stat.st_ino, stat.st_dev))
            top = path.relative_to(folder).parts[0]
            sizes[top] = sizes.get(top, 0) + stat.st_size
    return sizes


def write_site(site: Path, sections: int, paragraphs: list[str]) -> None:
    for page in range((sections + 9) // 10):
        body = []
        for s in range(10):
            n = page * 10 + s
            if n >= sections:
                break
            text = "</p><p>".join(html.escape(paragraphs[(2 * n + k) % len(paragraphs)]) for k in range(2))
            body.append(f'<h2 id="s{s}">Section {n}</h2><p>{text}</p>')
        folder = site / f"page-{page}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            f"<!doctype html><html><head><title>Page {page}</title></head><body><main><h1>Page {page}</h1>"
            + "".join(body) + "</main></body></html>", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=1000, help="sections to write; each becomes about one chunk")
    args = parser.parse_args()
    paragraphs = corpus.paragraphs()
    with tempfile.TemporaryDirectory(prefix="cache-size-") as tmp:
        site, cache = Path(tmp) / "site", Path(tmp) / "cache"
        write_site(site, args.chunks, paragraphs)
        subprocess.run([sys.executable, "-m", "mkdocs_embed.cli", "index", str(site), "--cache-dir", str(cache)],
                       check=True, stderr=subprocess.DEVNULL)
        chunks = json.loads((site / "assets/mkdocs-embed/manifest.json").read_text())["counts"]["chunks"]
        sizes = folder_bytes(cache)
        print(f"{chunks:,} chunks: cache_dir {sum(sizes.values()) / 1e6:.2f} MB")
        for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
            print(f"  {name:<20} {size / 1e6:7.2f} MB")
    from mkdocs_embed.user_cache import user_cache_dir

    user = folder_bytes(user_cache_dir()) if user_cache_dir().is_dir() else {}
    print(f"per-user cache {user_cache_dir()}: {sum(user.values()) / 1e6:.1f} MB, shared by every project")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
