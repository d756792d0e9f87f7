"""The bundled model's forward pass (a 6-layer BERT encoder) on torch alone, and its
tokenizer on the `tokenizers` library: the same vectors as transformers' `BertModel`, to
the bit, without importing transformers (~2 s of a cold start, most of it torch.distributed
and dynamo that its BERT code pulls in). Checking the weights is `embed`'s business;
training the reader's adapter still runs on transformers (`evals/train_reader.py`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn


@dataclass(frozen=True)
class Output:
    last_hidden_state: torch.Tensor


class Tokenizer:
    """The model's WordPiece tokenizer (its `tokenizer.json`), called as transformers' is:
    `tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")`."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer as Fast

        self.fast = Fast.from_file(str(path))
        self.fast.enable_padding(pad_id=0, pad_type_id=0, pad_token="[PAD]")

    def __call__(self, texts: Sequence[str], max_length: int, **_: Any) -> dict[str, torch.Tensor]:
        self.fast.enable_truncation(max_length=max_length, strategy="longest_first")
        found = self.fast.encode_batch(list(texts))
        return {
            "input_ids": torch.tensor([e.ids for e in found]),
            "token_type_ids": torch.tensor([e.type_ids for e in found]),
            "attention_mask": torch.tensor([e.attention_mask for e in found]),
        }

    def ids(self, texts: Sequence[str], max_length: int) -> list[list[int]]:
        """Each text's token ids, [CLS] to [SEP], unpadded."""
        self.fast.enable_truncation(max_length=max_length, strategy="longest_first")
        return [e.ids[: sum(e.attention_mask)] for e in self.fast.encode_batch(list(texts))]


class _Embeddings(nn.Module):
    def __init__(self, c: dict[str, Any]) -> None:
        super().__init__()
        size = c["hidden_size"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], size, padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], size)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], size)
        self.LayerNorm = nn.LayerNorm(size, eps=c["layer_norm_eps"])

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: torch.Tensor,
        positions: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if positions is None:
            positions = torch.arange(input_ids.shape[1])[None, :]
        found = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(found + self.position_embeddings(positions))


class _SelfAttention(nn.Module):
    def __init__(self, c: dict[str, Any]) -> None:
        super().__init__()
        size = c["hidden_size"]
        self.head_size = size // c["num_attention_heads"]
        self.query = nn.Linear(size, size)
        self.key = nn.Linear(size, size)
        self.value = nn.Linear(size, size)

    @property
    def _projections(self) -> tuple[nn.Module, ...]:
        return self.query, self.key, self.value

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        shape = (*hidden.shape[:-1], -1, self.head_size)
        q, k, v = (f(hidden).view(*shape).transpose(1, 2) for f in self._projections)
        out = nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=0.0, scale=self.head_size**-0.5, is_causal=False
        )
        out = out.reshape(out.shape[0], -1, q.shape[2], v.shape[-1]).transpose(1, 2).contiguous()
        return out.reshape(*hidden.shape[:-1], -1).contiguous()


class _Residual(nn.Module):
    """A dense layer whose output is added to its block's input, then normalised."""

    def __init__(self, c: dict[str, Any], size_in: int) -> None:
        super().__init__()
        self.dense = nn.Linear(size_in, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, hidden: torch.Tensor, block_input: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(hidden) + block_input)


class _Attention(nn.Module):
    def __init__(self, c: dict[str, Any]) -> None:
        super().__init__()
        self.self = _SelfAttention(c)
        self.output = _Residual(c, c["hidden_size"])


class _Intermediate(nn.Module):
    def __init__(self, c: dict[str, Any]) -> None:
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])


class _Layer(nn.Module):
    def __init__(self, c: dict[str, Any]) -> None:
        super().__init__()
        self.attention = _Attention(c)
        self.intermediate = _Intermediate(c)
        self.output = _Residual(c, c["intermediate_size"])

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        attended = self.attention.output(self.attention.self(hidden, mask), hidden)
        inner = nn.functional.gelu(self.intermediate.dense(attended))
        return self.output(inner, attended)


class _Encoder(nn.Module):
    def __init__(self, c: dict[str, Any]) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(c) for _ in range(c["num_hidden_layers"]))


class Bert(nn.Module):
    """The encoder, its modules named as transformers names them (so the weights load by
    name and the reader's adapter finds its layers), for inference only."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        if config.get("hidden_act") != "gelu" or config.get("model_type") != "bert":
            raise ValueError(f"not a BERT model with GELU: {config.get('model_type')}")
        self.embeddings = _Embeddings(config)
        self.encoder = _Encoder(config)

    @classmethod
    def load(cls, model_dir: Path) -> Bert:
        from safetensors.torch import load_file

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        model = cls(config)
        weights = load_file(str(model_dir / "model.safetensors"))
        wanted = model.state_dict().keys()
        model.load_state_dict({k: v for k, v in weights.items() if k in wanted}, strict=True)
        return model.eval()

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> Output:
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        hidden = self.embeddings(input_ids, token_type_ids)
        mask = None
        if not bool(attention_mask.all()):  # as transformers: no mask when nothing is padding
            n = input_ids.shape[1]
            mask = attention_mask.bool()[:, None, None, :].expand(-1, 1, n, n).contiguous()
        for layer in self.encoder.layer:
            hidden = layer(hidden, mask)
        return Output(last_hidden_state=hidden)

    def packed(self, segments: Sequence[Sequence[int]]) -> list[torch.Tensor]:
        """The token vectors of several texts (their token ids) from one pass: their tokens
        side by side in one row, each text attending to its own alone and numbered from 0,
        so each comes out as it would alone (to float rounding). A pass over a few short
        texts costs mostly the reading of the weights, so several take about as long as
        the longest alone, where padding them into a batch costs each the longest's length."""
        ids = torch.tensor([[i for segment in segments for i in segment]])
        positions = torch.tensor([[p for segment in segments for p in range(len(segment))]])
        owner = torch.tensor([k for k, segment in enumerate(segments) for _ in segment])
        mask = (owner[:, None] == owner[None, :])[None, None]
        hidden = self.embeddings(ids, torch.zeros_like(ids), positions)
        for layer in self.encoder.layer:
            hidden = layer(hidden, mask)
        return list(hidden[0].split([len(segment) for segment in segments]))
