"""Which chunks use each word: the postings of words, acronyms, words written in lower case
and content-word stems, worked out when the index is built and memory-mapped when it is
opened, and the corpus statistics read off them (stems' document frequencies, the
vocabulary). The name index asks which chunks may hold a phrase; the answerer weights
question words by how rare they are.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.text.attribution import Quotations
from assistant.text.terms import content_stems, stem, words
from assistant.types import Chunk

# What a chunk's entries in the postings are, by namespace: a word in lower case, an
# acronym as written, a word the chunk writes in lower case, a content-word stem.
_WORD, _ACRONYM, _LOWER, _STEM = "w:", "a:", "l:", "s:"


_LAST = chr(0x10FFFF)


def _entries(text: str) -> set[str]:
    """A chunk's entries in the postings (see `_WORD` and the others)."""
    tokens = words(text)
    found = {_WORD + w.lower() for w in tokens}
    found.update(_ACRONYM + w for w in tokens if w.isupper() and len(w) >= 3)
    found.update(_LOWER + w for w in tokens if w.islower())
    found.update(_STEM + s for s in content_stems(text))
    return found


class WordTables:
    """For each entry (a word, an acronym, a word in lower case, a stem), the ordinals of
    the chunks that have it: sorted entries, and the rows in one array, memory-mapped."""

    def __init__(
        self, chunk_ids: Sequence[str], terms: list[str], offsets: np.ndarray, rows: np.ndarray
    ) -> None:
        self.chunk_ids = chunk_ids
        self.terms = terms
        self.offsets = offsets
        self.rows = rows

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> WordTables:
        where: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            for entry in _entries(chunk.text):
                where.setdefault(entry, []).append(row)
        terms = sorted(where)
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum([len(where[t]) for t in terms], out=offsets[1:])
        found = itertools.chain.from_iterable(where[t] for t in terms)
        rows = np.fromiter(found, dtype=np.int32, count=int(offsets[-1]))
        return cls([c.chunk_id for c in chunks], terms, offsets, rows)

    def save(self, folder: Path) -> None:
        (folder / "terms.json").write_text(json.dumps(self.terms), encoding="utf-8")
        np.save(folder / "offsets.npy", self.offsets)
        np.save(folder / "rows.npy", self.rows)

    @classmethod
    def load(cls, folder: Path, chunk_ids: Sequence[str]) -> WordTables:
        terms = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        offsets = np.load(folder / "offsets.npy")
        return cls(chunk_ids, terms, offsets, np.load(folder / "rows.npy", mmap_mode="r"))

    def _span(self, prefix: str) -> tuple[int, int]:
        """The entries starting with `prefix`, as a range of their positions."""
        start = bisect.bisect_left(self.terms, prefix)
        return start, bisect.bisect_left(self.terms, prefix + _LAST, lo=start)

    def _rows(self, start: int, end: int) -> np.ndarray:
        return self.rows[self.offsets[start] : self.offsets[end]]

    def _names(self, namespace: str) -> list[str]:
        start, end = self._span(namespace)
        return [t[len(namespace) :] for t in self.terms[start:end]]

    def word_rows(self, word: str) -> np.ndarray:
        """The rows of the chunks (their ordinals in `chunk_ids`, ascending) using the
        word, in any case."""
        return self._entry_rows(_WORD + word.lower())

    def acronym_rows(self, acronym: str, longer: bool = False) -> np.ndarray:
        """The rows of the chunks writing the acronym (with `longer`, also any acronym
        starting with it: "HMIC" for "HMICFRS"), ascending with `longer` unset."""
        if longer:
            return self._rows(*self._span(_ACRONYM + acronym))
        return self._entry_rows(_ACRONYM + acronym)

    def _entry_rows(self, entry: str) -> np.ndarray:
        at = bisect.bisect_left(self.terms, entry)
        found = at < len(self.terms) and self.terms[at] == entry
        return self._rows(at, at + 1) if found else np.zeros(0, dtype=self.rows.dtype)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Each chunk id's row."""
        return {cid: row for row, cid in enumerate(self.chunk_ids)}

    @cached_property
    def id_order(self) -> np.ndarray:
        """Each row's place among the chunk ids sorted (rows follow the documents, then
        each document's chunks, which is not the ids' order: "d:10" sorts before "d:2")."""
        order = np.empty(len(self.chunk_ids), dtype=np.int64)
        order[np.argsort(np.array(self.chunk_ids, dtype=str), kind="stable")] = np.arange(
            len(self.chunk_ids)
        )
        return order

    def may_hold(self, phrase: str) -> list[set[str]]:
        """What a chunk must have to hold the phrase somewhere in its text, in any case:
        for each of its inner words, and for its last as the start of a word, the ids of
        the chunks that have it. Its first word says nothing (it may end a longer one:
        "dismissed" for "missed"), nor does a word of other than plain letters and digits;
        none for a single word."""
        return [{self.chunk_ids[r] for r in rows.tolist()} for rows in self.may_hold_rows(phrase)]

    def may_hold_rows(self, phrase: str) -> list[np.ndarray]:
        """`may_hold`, each as the chunks' rows (their ordinals in `chunk_ids`)."""
        _, *rest = phrase.lower().split()
        if not rest:
            return []
        *inner, last = rest
        found = [self.word_rows(w) for w in inner if w.isascii() and w.isalnum()]
        if last.isascii() and last.isalnum():  # a word or an acronym starting with it
            spans = [self._rows(*self._span(ns + last)) for ns in (_WORD, _ACRONYM)]
            found.append(np.concatenate(spans))
        return found

    @cached_property
    def stats(self) -> CorpusStats:
        start, end = self._span(_STEM)
        counts = np.diff(self.offsets[start : end + 1]).tolist()
        return CorpusStats(
            n=len(self.chunk_ids),
            df=dict(zip(self._names(_STEM), counts, strict=True)),
            vocab=set(self._names(_WORD)),
            lowercase=frozenset(self._names(_LOWER)),
        )


class CorpusStats:
    """Document frequencies of word stems over the chunks, for weighting question words
    (worked out with the index: `WordTables.stats`)."""

    def __init__(
        self, n: int, df: dict[str, int], vocab: set[str], lowercase: frozenset[str]
    ) -> None:
        self.n = max(n, 1)
        self.df = df
        self.vocab = vocab  # every word of the chunks, in lower case
        self.lowercase = lowercase  # words the corpus writes in lower case somewhere
        self.quotes = Quotations(lowercase, None)  # who documents quote (stored: word_tables)

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 0.5))

    def known(self, word: str) -> bool:
        low = word.lower()
        return low in self.vocab or self.df.get(stem(low), 0) > 0
