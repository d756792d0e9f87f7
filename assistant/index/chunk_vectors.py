"""Every chunk's vector, copied from the Chroma collection into the index generation
(`chunk_vectors.npy`, a row per chunk in the BM25 index's order, memory-mapped when
read). A search restricted to some documents ranks their chunks over these exactly, where
Chroma's filtered query took 30-80 ms at 76k chunks whatever the filter allowed, and the
vectors of chunks only BM25 found are read here rather than asked of Chroma.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.lexical import IDS_FILE, LexicalIndex, best

FILE = "chunk_vectors.npy"
_BATCH = 5000  # ids a Chroma `get` is asked for at once


def save_chunk_vectors(
    folder: Path, chunk_ids: Sequence[str], collection: Any, previous: Path
) -> None:
    """The chunks' vectors, in `chunk_ids`' order: from the previous generation's copy where
    it has them, from the collection otherwise (new chunks, or an index built before it)."""
    old_rows: dict[str, int] = {}
    old: np.ndarray | None = None
    if (previous / FILE).is_file() and (previous / "bm25" / IDS_FILE).is_file():
        old = np.load(previous / FILE, mmap_mode="r")
        old_ids = json.loads((previous / "bm25" / IDS_FILE).read_text(encoding="utf-8"))
        if len(old_ids) == old.shape[0]:
            old_rows = {cid: i for i, cid in enumerate(old_ids)}
    fresh = [cid for cid in chunk_ids if cid not in old_rows]
    got: dict[str, Any] = {}
    for start in range(0, len(fresh), _BATCH):
        found = collection.get(ids=fresh[start : start + _BATCH], include=["embeddings"])
        got.update(zip(found["ids"], found["embeddings"], strict=True))
    dim = old.shape[1] if old is not None else len(next(iter(got.values()), ()))
    vectors = np.empty((len(chunk_ids), dim), dtype=np.float32)
    for i, cid in enumerate(chunk_ids):
        vectors[i] = old[old_rows[cid]] if cid in old_rows else got[cid]  # type: ignore[index]
    np.save(folder / FILE, vectors)


class ChunkVectors:
    """The stored chunk vectors, rows found through the BM25 index's chunk ids."""

    def __init__(self, vectors: np.ndarray, lexical: LexicalIndex) -> None:
        self.vectors = vectors
        self.lexical = lexical

    @classmethod
    def load(cls, folder: Path, lexical: LexicalIndex) -> ChunkVectors | None:
        """The generation's copy, or None if it has none (built before it) or it does not
        match the BM25 index's chunks."""
        if not (folder / FILE).is_file():
            return None
        vectors = np.asarray(np.load(folder / FILE, mmap_mode="r"))
        return cls(vectors, lexical) if vectors.shape[0] == len(lexical.chunk_ids) else None

    def of(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Each chunk's vector (in float64, as Chroma gives them), by id; chunks it does not
        hold are left out. Arrays, not lists: making 384 Python floats of each of a
        question's ~40 BM25-only hits took ~0.6 ms of every answer."""
        at = self.lexical.positions
        return {c: self.vectors[at[c]].astype(np.float64) for c in chunk_ids if c in at}

    def nearest(
        self, vector: Sequence[float], k: int, allowed: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The `k` chunks nearest `vector` by cosine similarity (of those allowed, if given),
        every one compared (equal similarities in index order)."""
        if allowed is None:
            rows, block = np.arange(len(self.vectors)), self.vectors
        else:
            rows = self.lexical.rows(allowed)
            block = self.vectors[rows]
        if not rows.size:
            return []
        q = np.asarray(vector, dtype=np.float32)
        norms = np.sqrt(np.einsum("ij,ij->i", block, block)) * np.linalg.norm(q)
        sims = (block @ q) / (norms + 1e-12)
        ids = self.lexical.chunk_ids
        return [(ids[int(rows[i])], float(sims[i])) for i in best(sims, k)]
