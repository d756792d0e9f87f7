"""Test doubles for fast unit tests. The integration tier uses the real model."""

from __future__ import annotations

import hashlib
import re
import threading

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

DIM = 64


class FakeEmbedder(BaseEmbedding):
    """Bag-of-words vectors: each word maps to a fixed pseudo-random vector seeded from its
    hash, so texts that share words are near each other and rankings are testable."""

    _calls: list[int] = PrivateAttr(default_factory=list)
    _texts: list[str] = PrivateAttr(default_factory=list)
    _threads: list[str] = PrivateAttr(default_factory=list)  # the thread that embedded each
    _fail_after: int | None = PrivateAttr(default=None)

    def fail_after(self, texts: int | None) -> None:
        """Raise once this many more texts have been embedded (a crash mid-build)."""
        self._fail_after = None if texts is None else self.embedded + texts

    @property
    def embedded(self) -> int:
        return sum(self._calls)

    @property
    def texts(self) -> list[str]:
        """Every text embedded so far (questions aside), in order."""
        return list(self._texts)

    def embedded_on(self, text: str) -> list[str]:
        """The names of the threads that embedded this text."""
        return [name for t, name in zip(self._texts, self._threads, strict=True) if t == text]

    def _vector(self, text: str) -> list[float]:
        total = np.zeros(DIM)
        for word in re.findall(r"\w+", text.lower()):
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            total += np.random.default_rng(seed).standard_normal(DIM)
        norm = np.linalg.norm(total)
        return (total / norm if norm else total).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        if self._fail_after is not None and self.embedded + len(texts) > self._fail_after:
            raise RuntimeError("simulated crash while embedding")
        self._calls.append(len(texts))
        self._texts.extend(texts)
        self._threads.extend(threading.current_thread().name for _ in texts)
        return [self._vector(t) for t in texts]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)
