"""Answer queries over an emitted index, as the browser widget does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embed import shared_encoder
from ..errors import EmbedError
from ..format.base import FormatError
from ..format.manifest import has_vectors
from .fusion import Ranking, hybrid, one_per_section
from .hnsw import GraphSearch
from .lexical import top_k
from .reader import LoadedIndex, load_index

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Result:
    chunk_id: int
    """The section's best chunk, which stands for it."""
    url: str
    anchor: str
    path: tuple[str, ...]
    score: float
    """Fused (hybrid), cosine (dense) or BM25 (lexical): comparable within one list only."""

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
        try:
            self.ranking = Ranking.from_dict(index.manifest.get("ranking"))
        except EmbedError as e:
            raise FormatError(f"manifest.json: {e}") from None
        chunks = index.chunks["chunks"]
        self._sections = list(zip(chunks["page"], map(tuple, chunks["path"])))

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

    def dense(self, query: str, k: int, vector: np.ndarray | None = None) -> list[tuple[int, float]]:
        return self.graph.search(self.embed_query(query) if vector is None else vector, k)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", vector: np.ndarray | None = None) -> list[Result]:
        """The best ``k`` sections for ``query`` (each its best chunk), ranked as the browser ranks them.

        ``vector`` stands in for the query's embedding (the browser's own, in parity tests).
        """
        if mode not in MODES:
            raise EmbedError(f"mode must be one of {', '.join(MODES)}")
        n = max(self.ranking.candidates, k)
        if mode == "dense":
            hits = self.dense(query, n, vector)
        elif mode == "lexical" or not has_vectors(self.index.manifest):
            hits = self.lexical.search(query, n)
        else:
            return [self._result(i, score) for i, score in self._hybrid(query, n, vector)[:k]]
        return [self._result(i, score) for i, score in one_per_section(hits, self._sections.__getitem__, k)]

    def _hybrid(self, query: str, n: int, vector: np.ndarray | None) -> list[tuple[int, float]]:
        """Each list's first ``n`` chunks are the candidates; every candidate gets its cosine, and
        its BM25 score where it has one, so that the fusion never misses half of a score."""
        vector = self.embed_query(query) if vector is None else vector
        dense = self.graph.search(vector, n)
        bm25 = self.lexical.scores(query)
        lexical = top_k(bm25, n)
        seen = {i for i, _ in dense}
        dense += self.graph.scores(vector, [i for i, _ in lexical if i not in seen])
        seen = {i for i, _ in lexical}
        lexical += [(i, bm25[i]) for i, _ in dense if i not in seen and i in bm25]
        paths = self.index.chunks["chunks"]["path"]
        return hybrid(query, dense, lexical, paths, self._sections.__getitem__, self.lexical.analyzer, self.ranking)

    def _result(self, chunk_id: int, score: float) -> Result:
        chunks, pages = self.index.chunks["chunks"], self.index.chunks["pages"]
        page = chunks["page"][chunk_id]
        return Result(chunk_id, pages["url"][page], chunks["anchor"][chunk_id], tuple(chunks["path"][chunk_id]), score)
