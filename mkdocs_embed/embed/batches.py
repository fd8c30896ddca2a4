"""Group texts into batches, and run batches side by side in input order.

Equal lengths mean no padding at all: no compute is spent on pad tokens, and
a text's vector never depends on which other texts shared its batch.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def equal_length_batches(lengths: Sequence[int], max_batch_tokens: int = 8192) -> list[list[int]]:
    """Indices grouped by length, each group cut to about ``max_batch_tokens`` tokens."""
    by_length: dict[int, list[int]] = defaultdict(list)
    for index, length in enumerate(lengths):
        by_length[length].append(index)
    batches: list[list[int]] = []
    for length in sorted(by_length, reverse=True):
        members = by_length[length]
        size = max(1, max_batch_tokens // max(length, 1))
        batches.extend(members[start : start + size] for start in range(0, len(members), size))
    return batches


def bounded_batches(lengths: Sequence[int], max_count: int, max_tokens: int) -> list[list[int]]:
    """Consecutive indices in batches of at most ``max_count`` texts and about ``max_tokens`` tokens
    (a single text over the budget goes alone)."""
    batches: list[list[int]] = []
    current: list[int] = []
    tokens = 0
    for index, length in enumerate(lengths):
        if current and (len(current) >= max_count or tokens + length > max_tokens):
            batches.append(current)
            current, tokens = [], 0
        current.append(index)
        tokens += length
    if current:
        batches.append(current)
    return batches


def run_in_order(work: Callable[[T], R], items: Iterable[T], workers: int, name: str) -> Iterator[R]:
    """``work`` of each item on ``workers`` threads, yielded in input order, a few items ahead per worker.

    Memory stays bounded, and a caller's checkpoints follow the input order.
    A caller that stops early doesn't wait for the rest.
    """
    with ThreadPoolExecutor(workers, thread_name_prefix=name) as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) > 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
