"""What a build did, for its log lines; kept apart from the pipeline so that a skipped build needs no numpy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BuildReport:
    pages: int = 0
    chunks: int = 0
    embedded: int = 0
    """Distinct chunks embedded by this build; the rest of ``chunks`` had vectors already."""
    reused: int = 0
    dropped: int = 0
    """Vectors of chunks that are gone, left out of the cache."""
    skipped_pages: int = 0
    chunked_pages: int = 0
    """Pages cut into chunks afresh, rather than read from the chunk cache."""
    tokens_embedded: int = 0
    embed_seconds: float = 0.0
    seconds: float = 0.0
    index_bytes: int = 0
    from_previous: int = 0
    """Of ``reused``, the vectors taken from the previous deploy."""
    text_only: bool = False
    """Nothing was embedded: the index has chunks and the lexical index only."""

    def summary(self) -> str:
        if self.text_only:
            return f"embed: wrote a text-only index of {self.chunks:,} chunks, without vectors ({self.seconds:.1f} s)"
        reused = f"{self.reused:,}" + (f" ({self.from_previous:,} from the previous deploy)" if self.from_previous else "")
        return (
            f"embed: embedded {self.embedded:,} chunks, reused {reused}, "
            f"dropped {self.dropped:,} ({self.seconds:.1f} s)"
        )

    def cost_line(self, price_per_million: float) -> str:
        cost = self.tokens_embedded / 1e6 * price_per_million
        return (
            f"embed: {self.tokens_embedded:,} tokens embedded in {self.embed_seconds:.1f} s; "
            f"on a hosted API at ${price_per_million:g} per million tokens that would cost ${cost:.5f}"
        )
