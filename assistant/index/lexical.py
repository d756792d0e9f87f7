"""The lexical side of hybrid search: BM25 over chunk texts with `bm25s`, in process,
persisted beside the Chroma store (Chroma's embedded mode has no sparse index). Only the
score matrix (memory-mapped on load), the vocabulary and the chunk ids are kept, never the
texts; a search can be restricted to a set of chunk ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s import tokenization

from assistant.kept import kept

# The tokenizer settings llama-index's `BM25Retriever` used, which built the earlier
# indexes: English stemming, English stopwords removed (from the query too: that is
# `bm25s.tokenize`'s default).
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
STOPWORDS = "en"
IDS_FILE = "chunk_ids.json"
_KEPT_SETS = 16  # the allowed sets whose rows a search keeps
_OLD_CORPUS = "corpus.jsonl"  # written by `BM25Retriever.persist`: every chunk's text


class LexicalIndex:
    """BM25 scores of every chunk, looked up by chunk id."""

    def __init__(self, bm25: bm25s.BM25, chunk_ids: list[str]) -> None:
        self.bm25 = bm25
        self.chunk_ids = chunk_ids
        self.stemmer = Stemmer.Stemmer("english")
        self._rows_of: dict[frozenset[str], np.ndarray] = {}

    @classmethod
    def build(cls, chunk_ids: list[str], texts: list[str]) -> LexicalIndex:
        if len(chunk_ids) != len(texts):
            raise ValueError(f"{len(chunk_ids)} chunk ids for {len(texts)} texts")
        tokens = bm25s.tokenize(
            texts,
            stopwords=STOPWORDS,
            stemmer=Stemmer.Stemmer("english"),
            token_pattern=TOKEN_PATTERN,
            show_progress=False,
        )
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(bm25, list(chunk_ids))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.bm25.save(str(folder))
        (folder / IDS_FILE).write_text(json.dumps(self.chunk_ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """The saved index, its score matrix memory-mapped: the pages a query touches are
        read from disk as needed and shared by every process that opens it."""
        bm25 = bm25s.BM25.load(str(folder), mmap=True, load_corpus=False)
        ids_path = folder / IDS_FILE
        if ids_path.is_file():
            ids = json.loads(ids_path.read_text(encoding="utf-8"))
        else:  # an index saved before this format: its ids are in its corpus of texts
            ids = list(_old_ids(folder / _OLD_CORPUS))
        return cls(bm25, ids)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each chunk's row in the index (`chunk_vectors` keeps its rows in this order)."""
        return {cid: i for i, cid in enumerate(self.chunk_ids)}

    def search(
        self, query: str, k: int, allowed: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The `k` best (chunk id, BM25 score) pairs, only among `allowed` ids if given."""
        ids = self.chunk_ids
        tokens = bm25s.tokenize(
            query, stemmer=self.stemmer, token_pattern=TOKEN_PATTERN, show_progress=False
        )
        if not tokens.vocab or not ids:
            return []
        k = min(k, len(ids))
        if allowed is None:
            found, scores = self.bm25.retrieve(tokens, k=k, show_progress=False)
            return [
                (ids[int(idx)], float(score))
                for idx, score in zip(found[0], scores[0], strict=True)
                if score > 0
            ]
        # Only the allowed chunks' scores are ranked, found from their ids rather than by
        # walking every chunk: a filter on a few documents costs little at a million chunks.
        # (Zeroing the others' scores instead left numpy's top-k selection a sea of equal
        # zeros to sort through: 16 ms a query at 100k chunks, where one unfiltered took 2.)
        at = self.rows(allowed)
        words = tokenization.convert_tokenized_to_string_list(tokens)[0]
        known = self.bm25.get_tokens_ids(words)
        if not at.size or not known:
            return []
        scores = self.bm25.get_scores_from_ids(known)[at]
        return [(ids[int(at[i])], float(scores[i])) for i in best(scores, k) if scores[i] > 0]

    def rows(self, allowed: frozenset[str]) -> np.ndarray:
        """The index rows of the allowed chunks, sorted; kept for the last few sets asked
        (a filter's set is asked again at every question about that force: mapping 100k ids
        to rows took most of a restricted search's 45 ms at a million chunks)."""
        return kept(self._rows_of, allowed, self._rows_now, _KEPT_SETS)

    def keep_rows(self, allowed: frozenset[str], rows: np.ndarray) -> None:
        """Keep the rows of a set worked out elsewhere (sorted, as `rows` gives them)."""
        kept(self._rows_of, allowed, lambda _: rows, _KEPT_SETS)

    def rows_of(self, chunk_ids: Iterable[str]) -> np.ndarray:
        """The rows of those chunks the index holds, in the order given."""
        at = self.positions
        return np.array([at[c] for c in chunk_ids if c in at], dtype=np.int64)

    def _rows_now(self, allowed: frozenset[str]) -> np.ndarray:
        return np.sort(self.rows_of(allowed))


def best(scores: np.ndarray, k: int) -> np.ndarray:
    """The places of the `k` highest scores, best first, equal scores in the order given (so
    a question always gets the same passages): those above the k-th score, then the first
    of those equal to it. Picked, not sorted: a filter may allow thousands."""
    k = min(k, scores.size)
    if not k:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, -k)[-k]
    above = np.flatnonzero(scores > kth)
    found = np.concatenate([above, np.flatnonzero(scores == kth)[: k - above.size]])
    return found[np.lexsort((found, -scores[found]))]


def _old_ids(corpus: Path) -> Iterator[str]:
    """The chunk ids of an index saved by llama-index's `BM25Retriever`, read a line at a
    time (the texts are not kept)."""
    if not corpus.is_file():
        raise FileNotFoundError(corpus)
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield str(json.loads(line)["node_id"])
