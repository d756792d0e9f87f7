"""The lexical side of hybrid search: BM25 over chunk texts, in process, persisted beside
the Chroma store (Chroma's embedded mode has no sparse index). Built on llama-index's
`BM25Retriever`, adding per-query restriction to a set of chunk ids.
"""

from __future__ import annotations

from functools import cached_property
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

    @cached_property
    def chunk_ids(self) -> list[str]:
        return [str(row["node_id"]) for row in self.corpus]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.chunk_ids)}

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
            # Built from the allowed ids, not by walking every chunk: a filter on a few
            # documents costs the same at a million chunks as at a thousand.
            at = [i for i in map(self._positions.get, allowed) if i is not None]
            if not at:
                return []
            mask = np.zeros(len(ids))
            mask[at] = 1.0
        k = min(k, len(ids))
        found, scores = self.bm25.retrieve(tokens, k=k, weight_mask=mask, show_progress=False)
        hits = []
        for idx, score in zip(found[0], scores[0], strict=True):
            cid = str(idx["node_id"]) if isinstance(idx, dict) else ids[int(idx)]
            if score > 0:
                hits.append((cid, float(score)))
        return hits
