"""The remote backend's throughput with and without 100 ms of added latency per request.

    .venv/bin/python bench/remote_bench.py [--chunks 2000] [--latency 0.1] [--concurrency 4] [--batch-size 32]

Runs a real Infinity server (`make infinity`; tests/embedding_server.py) serving all-MiniLM-L6-v2 on
this machine's CPU, and embeds ``--chunks`` real docs chunks (bench/corpus.py) with the build's remote
encoder, through the tests' proxy: once forwarding at once, once waiting ``--latency`` seconds before
each request, alternating, ``--repeats`` times. Prints chunks/s of each and their ratio (target ≥ 0.8):
with enough requests in flight, a slow network costs a backfill nothing but the first request's wait.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from mkdocs_embed.embed.remote import RemoteEncoder  # noqa: E402
from mkdocs_embed.model import resolve_model  # noqa: E402
from mkdocs_embed.pipeline import _token_counter  # noqa: E402
from mkdocs_embed.settings import ModelSettings, RemoteSettings  # noqa: E402
from tests.embedding_server import SERVED_NAME, fault_proxy, infinity_executable, start_infinity  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    executable = infinity_executable()
    if executable is None:
        print("no Infinity server: run `make infinity` first")
        return 1
    texts = [c.embed_text for c in corpus.docs_chunks(args.chunks)]
    spec = resolve_model(ModelSettings())
    tokens = _token_counter(spec.tokenizer_path)
    with tempfile.TemporaryDirectory() as work:
        server = start_infinity(executable, Path(work) / "server.log")
        try:
            with fault_proxy(server.port) as (url, faults):
                settings = RemoteSettings(url, SERVED_NAME, batch_size=args.batch_size, concurrency=args.concurrency)
                encoder = RemoteEncoder(spec, settings, tokens.count_many)
                list(encoder.iter_passages(texts[:200]))  # warm the server
                rates: dict[float, list[float]] = {0.0: [], args.latency: []}
                for r in range(args.repeats):
                    for delay in rates:
                        faults.delay_s = delay
                        started = time.perf_counter()
                        done = sum(len(b.indices) for b in encoder.iter_passages(texts))
                        rates[delay].append(done / (time.perf_counter() - started))
                    print(f"  round {r + 1}: " + ", ".join(f"{d * 1000:.0f} ms added: {v[-1]:.0f} chunks/s"
                                                           for d, v in rates.items()), flush=True)
        finally:
            server.kill()
    plain, slow = (statistics.median(v) for v in rates.values())
    print(f"\n{len(texts)} chunks, batch {args.batch_size}, {args.concurrency} requests in flight; medians of "
          f"{args.repeats}: {plain:.0f} chunks/s direct, {slow:.0f} chunks/s with {args.latency * 1000:.0f} ms "
          f"added per request: {slow / plain:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
