"""The reader's model: the bundled all-MiniLM-L6-v2, adapted to put a question next to the
sentence that answers it rather than next to sentences that merely share its topic.

The adaptation is a low-rank adapter (LoRA: for each linear layer of the encoder, a
product B·A of rank `rank` added to its weight), trained on the eval set's tune split by
`evals/train_reader.py` and committed in `assistant/models/` (1.3 MB, where the whole
model is 90 MB). It is merged into a copy of the base model the embedder has loaded and
verified; retrieval keeps the unadapted model, so the index does not change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelIntegrityError
from assistant.index.embed import (
    MAX_TOKENS,
    WEIGHTS_SHA256,
    StoredVectors,
    VectorCache,
    inference_copy,
)

ADAPTER_PATH = Path(__file__).parents[1] / "models" / "reader-adapter.safetensors"
# The linear layers adapted in each encoder layer, as (module, attribute) paths.
TARGETS = (
    ("attention.self", "query"),
    ("attention.self", "key"),
    ("attention.self", "value"),
    ("attention.output", "dense"),
    ("intermediate", "dense"),
    ("output", "dense"),
)


def adapted_layers(model: Any) -> dict[str, Any]:
    """The encoder's adapted linear layers, by a stable name ("3.attention.self.query")."""
    found = {}
    for i, layer in enumerate(model.encoder.layer):
        for path, attr in TARGETS:
            holder = layer.get_submodule(path)
            found[f"{i}.{path}.{attr}"] = (holder, attr)
    return found


def merge_adapter(model: Any, tensors: dict[str, Any], scale: float) -> None:
    """Add each layer's low-rank update (scale · B·A) to its weight, in place."""
    import torch

    with torch.no_grad():
        for name, (holder, attr) in adapted_layers(model).items():
            a, b = tensors.get(f"{name}.a"), tensors.get(f"{name}.b")
            if a is None or b is None:
                raise ModelIntegrityError(f"reader adapter has no weights for {name}")
            getattr(holder, attr).weight += scale * (b @ a)


def mean_pooled(model: Any, tokenizer: Any, texts: Sequence[str]) -> Any:
    """Unit vectors of the texts: the mean of their token vectors, as the base model pools."""
    import torch

    batch = tokenizer(
        list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
    )
    hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


class ReaderModel:
    """How well each sentence answers a question: the cosine of their adapted vectors."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        batch_size: int = 32,
        model_id: str = "",
        stored: StoredVectors | None = None,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.model_id = model_id  # identifies base weights and adapter, for stored vectors
        self._vectors = VectorCache(self.compute, stored=stored)

    def indexed(self, stored: StoredVectors | None) -> ReaderModel:
        """The same model, taking sentence vectors from those stored with the index."""
        return ReaderModel(self.model, self.tokenizer, self.batch_size, self.model_id, stored)

    def compute(self, texts: list[str]) -> np.ndarray:
        """The texts' vectors, computed now (not cached)."""
        import torch

        with torch.no_grad():
            return np.concatenate(
                [
                    mean_pooled(self.model, self.tokenizer, texts[i : i + self.batch_size]).numpy()
                    for i in range(0, len(texts), self.batch_size)
                ]
            )

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack(self._vectors(texts)) if texts else np.zeros((0, 384))

    def similarities(self, question: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        q = self.vectors([question])[0]
        return [float(v) for v in self.vectors(texts) @ q]


def read_adapter(path: Path = ADAPTER_PATH) -> tuple[dict[str, Any], dict[str, str]]:
    """The adapter's tensors and metadata, checked to be for the bundled base weights."""
    from safetensors import safe_open

    if not path.is_file():
        raise ModelIntegrityError(
            f"reader adapter not found at {path}: run `python evals/train_reader.py`"
        )
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
        tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (not a dict)
    if meta.get("base_sha256") != WEIGHTS_SHA256:
        raise ModelIntegrityError(
            f"reader adapter {path} was trained on other base weights "
            f"({meta.get('base_sha256', 'unrecorded')}): retrain it"
        )
    return tensors, meta


@cache
def load_reader(path: Path = ADAPTER_PATH) -> ReaderModel:
    """The adapted model, on the CPU. Cached: loading takes a second or two."""
    tensors, meta = read_adapter(path)
    model, tokenizer = inference_copy()
    config = json.loads(meta.get("config", "{}"))
    merge_adapter(model, tensors, float(config.get("alpha", 16)) / float(config.get("rank", 8)))
    return ReaderModel(model, tokenizer, model_id=reader_model_id(path))


def reader_model_id(path: Path = ADAPTER_PATH) -> str:
    """What identifies the reader model's vectors: the base weights and the adapter."""
    return f"{WEIGHTS_SHA256[:12]}+{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
