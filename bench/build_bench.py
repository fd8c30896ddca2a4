"""Whole-build cost of the plugin: plain `mkdocs build` against a build with `- embed`.

    .venv/bin/python bench/build_bench.py [--repeats 5] [--pages 160] [--big-chunks 10000] [--skip-big]
        [--work DIR]

For the example site and for a generated site of real docs paragraphs
(bench/corpus.py), each a real `mkdocs build` in a child process:

- plain: the same mkdocs.yml without the plugin;
- cold: empty cache (the prepared build model is kept: it is made once per model);
- warm: nothing changed since the last build;
- edit: one paragraph of one page changed.

Plain, warm and edit builds alternate, and the overhead is the median of the
per-pair ratios, so load from other processes hits both sides alike. Last, the
peak RSS (getrusage of the child) of a cold and a warm build of a site with
about ``--big-chunks`` chunks.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402

WORK = corpus.WORK / "build"
CONFIG = """\
site_name: {name}
theme:
  name: mkdocs
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - tables
plugins:
  - embed:
      cache_dir: {cache}
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float


CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""Builds run as on any installed package, whose modules' bytecode is cached: a sandbox that forbids
writing it would recompile the plugin (40-50 ms) on every build, and not MkDocs, which pip compiled."""


def build(config: Path, site: Path) -> Run:
    """One `mkdocs build` in a child process: wall time and the child's peak RSS."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"mkdocs build -f {config} failed:\n{child.stderr.read().decode()[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def generated_project(root: Path, pages: int, sections: int = 6, seed: int = 1) -> Path:
    """A MkDocs project of ``pages`` pages recombined from real paragraphs."""
    paragraphs = corpus.paragraphs()
    rng = random.Random(seed)
    docs = root / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for p in range(pages):
        parts = [f"# {_heading(rng.choice(paragraphs))}\n\n{rng.choice(paragraphs)}\n"]
        for _ in range(sections):
            body = "\n\n".join(rng.sample(paragraphs, rng.choice((1, 1, 2))))
            parts.append(f"## {_heading(rng.choice(paragraphs))}\n\n{body}\n")
        folder = docs / f"part-{p // 50:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"page-{p:04d}.md").write_text("\n".join(parts), encoding="utf-8")
    (docs / "index.md").write_text("# Generated docs\n\nPages recombined from real documentation paragraphs.\n")
    (root / "mkdocs.yml").write_text(CONFIG.format(name="Generated", cache="../cache"), encoding="utf-8")
    return root


def _heading(paragraph: str) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z-]+", paragraph)[:6]
    return " ".join(words).capitalize() or "Section"


def example_project(root: Path) -> Path:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(corpus.EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"^  - embed\s*$", "  - embed:\n      cache_dir: ../cache", text,
                                            flags=re.MULTILINE), encoding="utf-8")
    return root


def edit_one_paragraph(project: Path, n: int) -> None:
    """Change one sentence of one page, a different one each time."""
    page = sorted((project / "docs").rglob("*.md"))[n % 7 + 1]
    text = page.read_text(encoding="utf-8")
    marker = "\n\nEdited for the benchmark, revision "
    text = re.sub(re.escape(marker) + r"\d+\.\n?$", "", text).rstrip("\n")
    page.write_text(f"{text}{marker}{n}.\n", encoding="utf-8")


def clear_cache(cache: Path) -> None:
    """An empty vector cache; the prepared build model stays, as it would on any machine after its first build."""
    if cache.is_dir():
        for child in cache.iterdir():
            if child.name != "models":
                shutil.rmtree(child) if child.is_dir() else child.unlink()


def bench_site(name: str, project: Path, repeats: int) -> dict[str, float]:
    config, site, cache = project / "mkdocs.yml", project / "site", project.parent / "cache"
    plain = corpus.plain_config(config)
    build(plain, site)  # warm the page cache and .pyc files
    clear_cache(cache)
    cold = build(config, site)
    rows: dict[str, list[float]] = {"plain": [], "warm": [], "edit": [], "warm/plain": [], "edit/plain": []}
    for r in range(repeats):
        p = build(plain, site).seconds
        w = build(config, site).seconds
        edit_one_paragraph(project, r)
        e = build(config, site).seconds
        for key, value in (("plain", p), ("warm", w), ("edit", e), ("warm/plain", w / p), ("edit/plain", e / p)):
            rows[key].append(value)
        print(f"  {name} round {r + 1}: plain {p:.2f} s, warm {w:.2f} s, edit {e:.2f} s", flush=True)
    plain.unlink()
    chunks = len(corpus.chunks_of(site))
    pages = len(list((project / "docs").rglob("*.md")))
    result = {"pages": pages, "chunks": chunks, "cold": cold.seconds}
    result.update({key: statistics.median(values) for key, values in rows.items()})
    return result


def bench_peak_rss(chunks: int, work: Path = WORK) -> tuple[int, Run, Run]:
    """Peak RSS of a cold and of a warm build of a site of about ``chunks`` chunks."""
    project = generated_project(work / "big" / "project", pages=max(1, chunks // 8), sections=8, seed=2)
    site, cache = project / "site", project.parent / "cache"
    clear_cache(cache)
    cold = build(project / "mkdocs.yml", site)
    warm = build(project / "mkdocs.yml", site)
    return len(corpus.chunks_of(site)), cold, warm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", type=int, default=160)
    parser.add_argument("--big-chunks", type=int, default=10_000)
    parser.add_argument("--skip-big", action="store_true", help="skip the peak-RSS build (minutes of embedding)")
    parser.add_argument("--work", type=Path, default=WORK, help=f"folder for the projects and caches (default {WORK})")
    args = parser.parse_args(argv)
    results = {
        "example-site": bench_site("example-site", example_project(args.work / "example" / "project"), args.repeats),
        f"generated ({args.pages} pages)": bench_site(
            "generated", generated_project(args.work / "generated" / "project", args.pages), args.repeats),
    }
    print(f"\nmedians of {args.repeats} rounds; overhead = median of per-round ratios to the plain build")
    print(f"{'site':22} {'pages':>5} {'chunks':>6} {'plain s':>8} {'cold s':>8} {'warm s':>7} {'edit s':>7} "
          f"{'warm/plain':>10} {'edit/plain':>10}")
    for name, r in results.items():
        print(f"{name:22} {r['pages']:5d} {r['chunks']:6d} {r['plain']:8.2f} {r['cold']:8.1f} {r['warm']:7.2f} "
              f"{r['edit']:7.2f} {r['warm/plain']:10.2f} {r['edit/plain']:10.2f}")
    if not args.skip_big:
        count, cold, warm = bench_peak_rss(args.big_chunks, args.work)
        print(f"\n{count} chunks: cold build {cold.seconds:.0f} s, peak RSS {cold.peak_rss_mb:.0f} MB; "
              f"warm build {warm.seconds:.1f} s, peak RSS {warm.peak_rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
