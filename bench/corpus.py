"""Real documentation text for the benchmarks, gathered offline or from PyPI.

Three sources: this project's example site; the pymdown-extensions docs from
that package's sdist (fetched once by ``bench/eval_pymdown.py``'s helper);
and the long descriptions (READMEs) of the Python packages installed here.
Nothing third-party is committed: it all lands in the work folder.
"""

from __future__ import annotations

import html
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import eval_pymdown  # noqa: E402
from mkdocs_embed import pipeline  # noqa: E402
from mkdocs_embed.chunk import Chunk, TokenCounter  # noqa: E402
from mkdocs_embed.collect.pages import collect_pages  # noqa: E402
from mkdocs_embed.model import resolve_model  # noqa: E402
from mkdocs_embed.settings import ChunkSettings, ModelSettings  # noqa: E402

WORK = ROOT / ".cache" / "bench"
EXAMPLE = ROOT / "example-site"


def plain_config(config: Path) -> Path:
    """A copy of ``config`` beside it without the ``embed`` plugin: the baseline build."""
    kept: list[str] = []
    skip_deeper_than = None
    for line in config.read_text(encoding="utf-8").splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None and line.strip() and indent > skip_deeper_than:
            continue  # the plugin's options
        skip_deeper_than = None
        if re.fullmatch(r"\s*-\s*embed:?\s*", line):
            skip_deeper_than = indent
            continue
        kept.append(line)
    text = "\n".join(kept) + "\n"
    text = re.sub(r"^plugins:\s*\n(?=\S|\Z)", "plugins: []\n", text, flags=re.MULTILINE)
    plain = config.with_name(".bench-plain-" + config.name)
    plain.write_text(text, encoding="utf-8")
    return plain


def mkdocs_build(config: Path, site: Path, cwd: Path | None = None) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                   check=True, cwd=cwd, stderr=subprocess.DEVNULL)


def example_site(work: Path = WORK) -> Path:
    """The example site, built without the plugin."""
    site = work / "example-site"
    if not (site / "index.html").exists():
        plain = plain_config(EXAMPLE / "mkdocs.yml")
        try:
            mkdocs_build(plain, site)
        finally:
            plain.unlink()
    return site


def pymdown_site(work: Path = WORK) -> Path:
    """The pymdown-extensions docs, built as ``bench/eval_pymdown.py`` builds them."""
    site = work / "pymdown-site"
    if not (site / "index.html").exists():
        project = eval_pymdown.fetch_docs(work)
        config = project / "mkdocs-bench.yml"
        config.write_text(eval_pymdown.MKDOCS_YML.format(nav=eval_pymdown.nav_of(project)), encoding="utf-8")
        mkdocs_build(config, site, cwd=project)
    return site


def readme_site(work: Path = WORK) -> Path:
    """One page per installed package with a long description, rendered with Markdown."""
    import markdown

    site = work / "readme-site"
    if (site / "index.html").exists():
        return site
    for name, text in sorted(readmes().items()):
        body = markdown.markdown(text, extensions=["toc", "tables", "fenced_code"])
        page = site / name / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<html><head><title>{html.escape(name)}</title></head><body>"
                        f"<div role=\"main\">{body}</div></body></html>", encoding="utf-8")
    (site / "index.html").write_text("<html><body><h1>Packages</h1></body></html>", encoding="utf-8")
    return site


def readmes(min_chars: int = 2000) -> dict[str, str]:
    """Long descriptions of the installed distributions, by name."""
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        text = dist.metadata.get_payload() or dist.metadata.get("Description") or ""
        name = dist.metadata.get("Name") or ""
        if name and len(text) >= min_chars:
            found[re.sub(r"[^a-z0-9]+", "-", name.lower())] = text
    return found


def chunks_of(site: Path) -> list[Chunk]:
    """A built site's chunks, exactly as the pipeline makes them."""
    spec = resolve_model(ModelSettings())
    from tokenizers import Tokenizer

    tokens = TokenCounter(Tokenizer.from_file(str(spec.tokenizer_path)))
    settings = pipeline._effective_chunk_settings(ChunkSettings(), spec, tokens)
    return pipeline._chunk_pages(collect_pages(site), settings, spec, tokens, pipeline.BuildReport(), cache_dir=None)


def docs_chunks(count: int, work: Path = WORK) -> list[Chunk]:
    """``count`` real docs chunks: the example site, then pymdown-extensions, then READMEs."""
    chunks: list[Chunk] = []
    for make in (example_site, pymdown_site, readme_site):
        chunks += chunks_of(make(work))
        if len(chunks) >= count:
            break
    if len(chunks) < count:
        raise SystemExit(f"only {len(chunks)} chunks of real text found; asked for {count}")
    return chunks[:count]


def paragraphs(work: Path = WORK) -> list[str]:
    """Markdown paragraphs of real prose (pymdown docs and READMEs), to recombine into pages."""
    sources = [p.read_text(encoding="utf-8") for p in sorted((eval_pymdown.fetch_docs(work) / "docs/src/markdown").rglob("*.md"))]
    sources += list(readmes().values())
    found = []
    for text in sources:
        for block in re.split(r"\n\s*\n", text):
            block = block.strip()
            if len(block) > 200 and block[0].isalpha() and "```" not in block and "--8<--" not in block:
                found.append(block)
    return found
