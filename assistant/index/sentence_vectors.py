"""Vectors of the documents' sentences, computed when a document is indexed and stored
in the index generation, so that answering a question embeds only the question. What
counts as a sentence (and its window) is `text.candidates`; the scoring is elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.text.candidates import candidates
from assistant.types import Chunk, Document, Passage

# Texts in, one vector per text out: `BaseEmbedding.get_text_embedding_batch`,
# `ReaderModel.compute`.
Compute = Callable[[list[str]], Iterable[Sequence[float]]]
FOLDER = "sentences"
_BATCH = 256  # texts embedded per step: keeps memory flat on a large first build


@dataclass(frozen=True)
class Encoder:
    """A model that sentence vectors are stored for: its name in the index (`base`,
    `reader`), what identifies its weights, and how it embeds."""

    name: str
    model_id: str
    compute: Compute
    windows: bool  # also the sentence-around windows (the base model scores those too)


def text_key(text: str) -> int:
    """A 64-bit key for a text: vectors are looked up by it (collisions: ~1e-8 at 1M texts)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def document_texts(doc: Document, chunks: Sequence[Chunk], windows: bool) -> list[str]:
    """Every text the answerer may embed for this document: each candidate sentence of its
    chunks and, if `windows`, the sentence with its neighbours."""
    passages = [Passage(chunk=c, meta=doc.meta, score=0.0) for c in chunks]
    found: dict[str, None] = {}
    for cand in candidates(passages, {doc.doc_id: doc}):
        found[cand.text] = None
        if windows:
            found[doc.text[cand.window[0] : cand.window[1]]] = None
    return list(found)


class TextVectors:
    """One model's vectors of many texts, by text key: sorted keys, rows memory-mapped."""

    def __init__(self, model_id: str, keys: np.ndarray, vectors: np.ndarray) -> None:
        self.model_id = model_id
        self.keys = keys
        self.vectors = vectors

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def rows(self, texts: Sequence[str]) -> list[int | None]:
        """Each text's row, or None when it is not stored."""
        if not len(self) or not texts:
            return [None] * len(texts)
        wanted = np.array([text_key(t) for t in texts], dtype=np.uint64)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self) - 1)
        hit = self.keys[at] == wanted
        return [int(i) if h else None for i, h in zip(at, hit, strict=True)]

    def get(self, text: str) -> np.ndarray | None:
        row = self.rows([text])[0]
        return None if row is None else np.asarray(self.vectors[row])

    @classmethod
    def build(
        cls,
        model_id: str,
        texts: Iterable[str],
        compute: Compute,
        previous: TextVectors | None = None,
    ) -> tuple[TextVectors, int]:
        """Vectors of the texts, reusing `previous` ones (same model) and computing the
        rest; also how many were computed."""
        unique = list(dict.fromkeys(texts))
        keys = np.array([text_key(t) for t in unique], dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        keys, unique = keys[order], [unique[i] for i in order]
        reuse = previous if previous is not None and previous.model_id == model_id else None
        rows = reuse.rows(unique) if reuse is not None else [None] * len(unique)
        # Shortest first: each batch holds texts of like length, so little of it is padding.
        todo = sorted((i for i, r in enumerate(rows) if r is None), key=lambda i: len(unique[i]))
        dim = reuse.vectors.shape[1] if reuse is not None and len(reuse) else 0
        fresh: dict[int, np.ndarray] = {}
        for start in range(0, len(todo), _BATCH):
            step = todo[start : start + _BATCH]
            for i, v in zip(step, compute([unique[i] for i in step]), strict=True):
                fresh[i] = np.asarray(v, dtype=np.float32)
                dim = fresh[i].shape[0]
        vectors = np.zeros((len(unique), dim), dtype=np.float32)
        for i, r in enumerate(rows):
            vectors[i] = fresh[i] if r is None else reuse.vectors[r]  # type: ignore[union-attr]
        return cls(model_id, keys, vectors), len(todo)

    def save(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / f"{name}.keys.npy", self.keys)
        np.save(folder / f"{name}.vectors.npy", self.vectors)
        meta = {"model": self.model_id, "texts": len(self)}
        (folder / f"{name}.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, name: str) -> TextVectors | None:
        """The stored vectors, or None if this generation has none for `name`."""
        meta_path = folder / f"{name}.json"
        if not meta_path.is_file():
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        keys = np.load(folder / f"{name}.keys.npy")
        vectors = np.load(folder / f"{name}.vectors.npy", mmap_mode="r")
        # Rows are read one by one, for each question's sentences: a plain array over the
        # same mapping reads one ~15 times faster than `np.memmap`'s own indexing.
        return cls(str(meta["model"]), keys, np.asarray(vectors))


def load_sentence_vectors(generation: Path) -> dict[str, TextVectors]:
    """Every model's stored sentence vectors in a generation folder, by model name."""
    folder = generation / FOLDER
    names = sorted(p.name.removesuffix(".json") for p in folder.glob("*.json"))
    return {name: v for name in names if (v := TextVectors.load(folder, name)) is not None}


def build_sentence_vectors(
    generation: Path,
    encoders: Sequence[Encoder],
    docs: dict[str, Document],
    chunks: dict[str, list[Chunk]],
    previous: Path | None,
) -> int:
    """Store each encoder's vectors of every document's sentences in a generation folder,
    reusing the previous generation's for texts it had. Returns how many were embedded."""
    folder = generation / FOLDER
    embedded = 0
    per_doc = {w: corpus_texts(docs, chunks, w) for w in {e.windows for e in encoders}}
    for enc in encoders:
        old = TextVectors.load(previous / FOLDER, enc.name) if previous is not None else None
        store, n = TextVectors.build(enc.model_id, per_doc[enc.windows], enc.compute, old)
        store.save(folder, enc.name)
        embedded += n
    return embedded


def corpus_texts(
    docs: dict[str, Document], chunks: dict[str, list[Chunk]], windows: bool
) -> list[str]:
    """`document_texts` of every document, in document order."""
    return [t for d in sorted(docs) for t in document_texts(docs[d], chunks[d], windows)]
