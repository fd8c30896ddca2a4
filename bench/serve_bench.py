"""What the plugin adds to a `mkdocs serve` live reload after a one-paragraph edit.

Builds a 160-page project, runs a real `mkdocs serve` on it with and without
the plugin, edits one paragraph several times, and reports the median of
MkDocs' own "Documentation built in X seconds" per reload. The plugin's cache
is warm (the first build of the session fills it), as it is while writing docs.

    .venv/bin/python bench/serve_bench.py [--pages 160] [--reloads 5] [--dirty]
"""

from __future__ import annotations

import argparse
import queue
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

WORDS = ("index vector cache build chunk model token graph search page section heading query browser server "
         "deploy worker memory folder manifest format reader writer lighthouse glacier orchard harbour meadow").split()
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def write_project(root: Path, pages: int, plugin: bool) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True)
    plugins = "plugins:\n  - embed:\n      cache_dir: ../cache\n" if plugin else "plugins: []\n"
    (root / "mkdocs.yml").write_text(f"site_name: Bench\ntheme:\n  name: mkdocs\n{plugins}")
    for p in range(pages):
        sections = "\n\n".join(
            f"## Part {s}\n\n" + " ".join(WORDS[(p * 7 + s * 3 + i * i) % len(WORDS)] for i in range(80)) + "."
            for s in range(5)
        )
        (docs / f"page-{p:03d}.md").write_text(f"# Page {p}\n\n{sections}\n")
    (docs / "index.md").write_text("# Home\n\nThe benchmark site.\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reload_times(root: Path, reloads: int, dirty: bool) -> list[float]:
    """MkDocs' build time of each reload after a one-paragraph edit."""
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{free_port()}"]
    process = subprocess.Popen(command + (["--dirty"] if dirty else []), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()

    def next_build(timeout: float = 1800) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if process.poll() is not None:
                    raise SystemExit("mkdocs serve exited") from None
                continue
            if match := BUILT.search(line):
                return float(match.group(1))
        raise SystemExit("no rebuild")

    try:
        next_build()  # the first build of the session
        time.sleep(1)
        page = root / "docs" / "page-042.md"
        times = []
        for n in range(reloads):
            text = page.read_text()
            page.write_text(text.replace("## Part 2\n\n", f"## Part 2\n\nEdit number {n}: ", 1))
            times.append(next_build())
            time.sleep(1)
        return times
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=160)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--dirty", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for plugin in (False, True):
            root = Path(tmp) / ("with" if plugin else "without")
            write_project(root, args.pages, plugin)
            results[plugin] = reload_times(root, args.reloads, args.dirty)
    without, with_ = statistics.median(results[False]), statistics.median(results[True])
    mode = "serve --dirty" if args.dirty else "serve"
    print(f"{args.pages} pages, {mode}, {args.reloads} reloads after a one-paragraph edit (MkDocs' build time):")
    print(f"  without the plugin: median {without:.2f} s  {results[False]}")
    print(f"  with the plugin:    median {with_:.2f} s  {results[True]}")
    print(f"  the plugin adds {with_ - without:.2f} s per reload (target ≤ 1 s)")


if __name__ == "__main__":
    main()
