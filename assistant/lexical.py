"""The lexical side of hybrid search: BM25 over chunk texts, in process, persisted beside
the Chroma store (Chroma's embedded mode has no sparse index). Built on llama-index's
`BM25Retriever`, adding per-query restriction to a set of chunk ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import bm25s
import numpy as np
from llama_index.core.schema import BaseNode, TextNode
from llama_index.retrievers.bm25 import BM25Retriever


class LexicalIndex(BM25Retriever):
    @classmethod
    def build(cls, chunk_ids: list[str], texts: list[str]) -> LexicalIndex:
        pairs = zip(chunk_ids, texts, strict=True)
        nodes: list[BaseNode] = [TextNode(id_=cid, text=text) for cid, text in pairs]
        return cls(nodes=nodes, similarity_top_k=10)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.persist(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        return cast(LexicalIndex, cls.from_persist_dir(str(folder), show_progress=False))

    @property
    def chunk_ids(self) -> list[str]:
        return [str(row["node_id"]) for row in self.corpus]

    def search(
        self, query: str, k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The `k` best (chunk id, BM25 score) pairs, only among `allowed` ids if given."""
        ids = self.chunk_ids
        tokens = bm25s.tokenize(
            query, stemmer=self.stemmer, token_pattern=self.token_pattern, show_progress=False
        )
        if not tokens.vocab:
            return []
        mask = None
        if allowed is not None:
            mask = np.array([1.0 if cid in allowed else 0.0 for cid in ids])
            if not mask.any():
                return []
        k = min(k, len(ids))
        found, scores = self.bm25.retrieve(tokens, k=k, weight_mask=mask, show_progress=False)
        hits = []
        for idx, score in zip(found[0], scores[0], strict=True):
            cid = str(idx["node_id"]) if isinstance(idx, dict) else ids[int(idx)]
            if score > 0:
                hits.append((cid, float(score)))
        return hits
