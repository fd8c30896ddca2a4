"""Run every benchmark: ``python -m bench`` runs each ``bench/*_bench.py`` in turn.

Each also runs alone (``python bench/embed_bench.py --help``). Benchmarks
print figures, they do not pass or fail; one that crashes is reported and the
others still run; each runs with its own defaults.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("*_bench.py")):
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)])
        print(f"=== {script.stem}: {'done' if code == 0 else f'exit {code}'} in {time.perf_counter() - started:.0f} s",
              flush=True)
        if code:
            failed.append(script.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
