"""Answer queries over an emitted index, as the browser widget does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..embed import shared_encoder
from ..errors import EmbedError
from ..format.manifest import has_vectors
from .fusion import hybrid
from .hnsw import GraphSearch
from .reader import LoadedIndex, load_index

MODES = ("hybrid", "dense", "lexical")
CANDIDATES = 50
"""How many ids each list hands to the fusion (the widget uses the same number)."""


@dataclass(frozen=True)
class Result:
    chunk_id: int
    url: str
    anchor: str
    path: tuple[str, ...]
    score: float

    @property
    def href(self) -> str:
        """Site-relative link: the page, plus ``#anchor`` when the section has one."""
        return f"{self.url}#{self.anchor}" if self.anchor else self.url


class SearchEngine:
    """Dense, lexical and fused search over one site's index."""

    def __init__(self, index: LoadedIndex):
        self.index = index
        self.graph = GraphSearch(index.graph, index.scales, index.vectors, int(index.manifest["hnsw"]["ef_search"]))
        self._spec = index.model_spec()
        self.lexical = index.lexical

    @classmethod
    def open(cls, site_dir: Path) -> SearchEngine:
        return cls(load_index(site_dir))

    def embed_query(self, query: str):
        """The query's vector, from the model the site ships."""
        if not has_vectors(self.index.manifest):
            raise EmbedError("this index is text-only (built by `mkdocs serve` with serve: false); use --mode lexical")
        if self._spec is None:
            raise EmbedError("this site's index does not ship its model (model_url is set); dense search needs it")
        return shared_encoder(self._spec).embed_queries([query])[0]

    def dense(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.graph.search(self.embed_query(query), k)

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[Result]:
        """The best ``k`` chunks for ``query``, ranked as the browser ranks them."""
        if mode not in MODES:
            raise EmbedError(f"mode must be one of {', '.join(MODES)}")
        if mode == "dense":
            hits = self.dense(query, k)
        elif mode == "lexical" or not has_vectors(self.index.manifest):
            hits = self.lexical.search(query, k)
        else:
            dense = [i for i, _ in self.dense(query, CANDIDATES)]
            lexical = [i for i, _ in self.lexical.search(query, CANDIDATES)]
            paths = self.index.chunks["chunks"]["path"]
            hits = hybrid(query, dense, lexical, paths, self.lexical.analyzer)[:k]
        return [self._result(i, score) for i, score in hits]

    def _result(self, chunk_id: int, score: float) -> Result:
        chunks, pages = self.index.chunks["chunks"], self.index.chunks["pages"]
        page = chunks["page"][chunk_id]
        return Result(chunk_id, pages["url"][page], chunks["anchor"][chunk_id], tuple(chunks["path"][chunk_id]), score)
