"""Hybrid retrieval: dense search in Chroma and BM25 over the same chunks, fused by
reciprocal rank (or a weighted blend of normalised scores), restricted by filters and
nudged towards sources about the years a question names. A llama-index retriever.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.index.embed import embed_together
from assistant.index.store import IndexReader
from assistant.text.dates import current_years, years_in
from assistant.text.terms import flat
from assistant.types import Filters, Passage

RRF_K = 60
# Words in quotation marks, two or more of them, or one long one.
_QUOTED = re.compile(r"(?<!\w)[\"“‘]([^\"“”‘’]*?\s[^\"“”‘’]*?|[^\"“”‘’\s]{6,})[\"”’](?!\w)")


@dataclass(frozen=True)
class RetrievalConfig:
    top_k: int = 8
    fetch_k: int = 30  # candidates taken from each retriever before fusion
    fusion: str = "rrf"  # "rrf" or "weighted"
    dense_weight: float = 0.5  # weighted fusion: share of the dense score
    year_doc_boost: float = 0.5  # a source published in a year the question names
    year_text_boost: float = 0.25  # a passage that mentions such a year
    quote_boost: float = 1.0  # a passage holding the words the question quotes


class HybridRetriever(BaseRetriever):
    def __init__(
        self,
        reader: IndexReader,
        embed_model: BaseEmbedding,
        config: RetrievalConfig | None = None,
        filters: Filters | None = None,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.embed_model = embed_model
        self.config = config or RetrievalConfig()
        self.filters = filters or Filters()

    def with_filters(self, filters: Filters) -> HybridRetriever:
        return HybridRetriever(self.reader, self.embed_model, self.config, filters)

    def with_config(self, **changes: object) -> HybridRetriever:
        config = replace(self.config, **changes)  # type: ignore[arg-type]
        return HybridRetriever(self.reader, self.embed_model, config, self.filters)

    def embed_query(self, query: str) -> list[float]:
        return embed_together(self.embed_model, query, ())[0]

    @cached_property
    def _allowed(self) -> frozenset[str] | None:
        return self.reader.allowed_ids(self.filters)

    def lexical(self, query: str) -> list[tuple[str, float]]:
        """The BM25 half of `search`: it needs no vector, so it can run while the question
        is embedded (and then be handed to `search`)."""
        return self.reader.lexical.search(query, self.config.fetch_k, self._allowed)

    def search(
        self,
        query: str,
        *,
        vector: list[float] | None = None,
        years: Sequence[int] | None = None,
        lexical: list[tuple[str, float]] | None = None,
    ) -> list[Passage]:
        """The best `top_k` passages for `query`, best first (`lexical`: its BM25 hits,
        if they were found already)."""
        cfg = self.config
        vector = vector if vector is not None else self.embed_query(query)
        years = list(years) if years is not None else years_in(query)
        allowed = self._allowed
        dense = self.reader.dense(vector, cfg.fetch_k, allowed)
        lexical = lexical if lexical is not None else self.lexical(query)
        fused = self._fuse(dense, lexical)
        for cid in self._quoting(query, allowed):
            fused[cid] = (1.0 + cfg.quote_boost) * fused.get(cid, min(fused.values(), default=1.0))
        for cid in fused:
            fused[cid] *= self._year_factor(cid, years)
        ranked = sorted(fused, key=lambda cid: fused[cid], reverse=True)[: cfg.top_k]
        similarity = dict(dense)
        similarity.update(self._similarities([c for c in ranked if c not in similarity], vector))
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        lexical_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
        return [
            Passage(
                chunk=self.reader.chunks[cid],
                meta=self.reader.meta(self.reader.chunks[cid]),
                score=fused[cid],
                dense_rank=dense_rank.get(cid),
                lexical_rank=lexical_rank.get(cid),
                similarity=similarity.get(cid),
            )
            for cid in ranked
        ]

    def _fuse(
        self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]]
    ) -> dict[str, float]:
        fused: dict[str, float] = {}
        if self.config.fusion == "rrf":
            for hits in (dense, lexical):
                for rank, (cid, _) in enumerate(hits, start=1):
                    fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
            return fused
        w = self.config.dense_weight
        for hits, weight in ((dense, w), (lexical, 1.0 - w)):
            if not hits:
                continue
            scores = [s for _, s in hits]
            low, high = min(scores), max(scores)
            for cid, s in hits:
                norm = (s - low) / (high - low) if high > low else 1.0
                fused[cid] = fused.get(cid, 0.0) + weight * norm
        return fused

    def _quoting(self, query: str, allowed: frozenset[str] | None) -> list[str]:
        """The passages holding, word for word, what the question puts in quotation marks
        (said the police "missed opportunities"): someone who quotes wants the source."""
        phrases = [flat(p) for p in _QUOTED.findall(query)]
        if not phrases:
            return []
        chunks, tables = self.reader.chunks, self.reader.tables.words
        # Only chunks with a phrase's words can hold it (`WordTables.may_hold`).
        held = [tables.may_hold(p) for p in phrases]
        if all(held):
            may = set().union(*(set.intersection(*h) for h in held))
            ids: Iterable[str] = [cid for cid in chunks if cid in may]
        else:
            ids = chunks
        return [
            cid
            for cid in ids
            if (allowed is None or cid in allowed)
            and any(p in flat(chunks[cid].text) for p in phrases)
        ]

    def _year_factor(self, chunk_id: str, years: Sequence[int]) -> float:
        if not years:
            return 1.0
        chunk = self.reader.chunks[chunk_id]
        if set(years) & current_years(self.reader.documents[chunk.doc_id]):
            return 1.0 + self.config.year_doc_boost
        if any(str(y) in chunk.text for y in years):
            return 1.0 + self.config.year_text_boost
        return 1.0

    def _similarities(self, chunk_ids: list[str], vector: list[float]) -> dict[str, float]:
        if not chunk_ids:
            return {}
        q = np.asarray(vector)
        return {cid: float(np.dot(q, v)) for cid, v in self.reader.vectors(chunk_ids).items()}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(
                node=TextNode(
                    id_=p.chunk.chunk_id,
                    text=p.chunk.text,
                    start_char_idx=p.chunk.start,
                    end_char_idx=p.chunk.end,
                    metadata=p.meta.model_dump(),
                ),
                score=p.score,
            )
            for p in self.search(query_bundle.query_str)
        ]
