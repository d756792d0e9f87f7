"""The corpus vocabulary with a vector per word, built with the index. It lets a question
worded differently from the documents ("youngsters", "locked up", "PCs") still match the
words they use ("children", "detained", "computers") when sentences are scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.text.terms import STOPWORDS, stem, words

MIN_SIMILARITY = 0.6  # below this, single-word neighbours are mostly noise


class Vocabulary:
    def __init__(self, terms: list[str], vectors: np.ndarray) -> None:
        self.terms = terms
        self.vectors = vectors
        self.stems = [stem(t) for t in terms]

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        embed_model: BaseEmbedding,
        previous: Vocabulary | None = None,
    ) -> Vocabulary:
        """Every content word of the texts, embedded (reusing `previous` vectors)."""
        terms = sorted(
            {
                w.lower()
                for text in texts
                for w in words(text)
                if w.isalpha() and len(w) > 2 and w.lower() not in STOPWORDS
            }
        )
        known = dict(zip(previous.terms, previous.vectors, strict=True)) if previous else {}
        todo = [t for t in terms if t not in known]
        if todo:
            known.update(
                zip(todo, map(np.asarray, embed_model.get_text_embedding_batch(todo)), strict=False)
            )
        vectors = np.array([known[t] for t in terms]) if terms else np.zeros((0, 1))
        return cls(terms, vectors.astype(np.float32))

    def save(self, folder: Path) -> None:
        (folder / "vocabulary.json").write_text(json.dumps(self.terms), encoding="utf-8")
        np.save(folder / "vocabulary.npy", self.vectors)

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        terms = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        return cls(terms, np.load(folder / "vocabulary.npy"))

    def neighbours(
        self, vector: Sequence[float], k: int = 3, min_similarity: float = MIN_SIMILARITY
    ) -> list[tuple[str, float]]:
        """The stems of the `k` corpus words nearest a word's vector, with similarities."""
        if not self.terms:
            return []
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        found: dict[str, float] = {}
        for i in np.argsort(-sims):
            if sims[i] < min_similarity or len(found) >= k:
                break
            found.setdefault(self.stems[i], float(sims[i]))
        return list(found.items())
