"""Wires the stages together for the CLI, the app and the evals: settings in, a
ready retriever and answerer out. Loads the model and opens the index once.
"""

from __future__ import annotations

from functools import cached_property

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.corpus import load_corpus
from assistant.embed import MODEL_ID, load_embedder
from assistant.indexing import IndexBuilder, Progress
from assistant.retrieve import HybridRetriever, RetrievalConfig
from assistant.settings import Settings
from assistant.store import IndexReader
from assistant.types import BuildReport, Filters, Passage


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        embed_model: BaseEmbedding | None = None,
        model_id: str = MODEL_ID,
    ) -> None:
        self.settings = settings
        self._embed_model = embed_model
        self.model_id = model_id
        self._reader: IndexReader | None = None

    @cached_property
    def embed_model(self) -> BaseEmbedding:
        return self._embed_model or load_embedder()

    def build(self, progress: Progress | None = None) -> BuildReport:
        """Bring the index up to date with the corpus folder."""
        corpus = load_corpus(self.settings.corpus)
        report = IndexBuilder(self.settings, self.embed_model, self.model_id).build(
            corpus, progress
        )
        self._reader = None
        return report

    @property
    def reader(self) -> IndexReader:
        """The open index, reopened when a newer build has been committed."""
        if self._reader is None or self._reader.is_stale():
            self._reader = IndexReader(self.settings)
        return self._reader

    def retriever(self, filters: Filters | None = None) -> HybridRetriever:
        s = self.settings
        config = RetrievalConfig(top_k=s.top_k, fusion=s.fusion, dense_weight=s.dense_weight)
        return HybridRetriever(self.reader, self.embed_model, config, filters)

    def search(self, query: str, filters: Filters | None = None) -> list[Passage]:
        return self.retriever(filters).search(query)
