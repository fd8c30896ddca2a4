"""Group texts into batches of equal token length.

Equal lengths mean no padding at all: no compute is spent on pad tokens, and
a text's vector never depends on which other texts shared its batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


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
