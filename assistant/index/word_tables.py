"""The corpus's word tables, worked out when the index is built and stored in its
generation (`gen-N/words/`): which chunks use each word (for the name index), word-stem
document frequencies, words written in lower case, the acronyms chunks spell out, the
initials of the documents' words (for acronyms no chunk writes), the names the speller
knows, who each document quotes, and the years the documents mention.
Opening an index reads them; what they mean for a question is for `names`, `evidence`,
`attribution`, `abstain` and `spelling` to say.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, cached_property, partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.answer_types import Initials, expansion
from assistant.answer.evidence import CorpusStats
from assistant.text.attribution import Quotations, openings
from assistant.text.dates import doc_years
from assistant.text.spelling import NameSpeller
from assistant.text.terms import content_stems, words
from assistant.types import Chunk, Document

FOLDER = "words"
_DEFINED = re.compile(r"\(\s*([A-Z][A-Z&]{1,9})\s*\)|\b([A-Z][A-Z&]{1,9})\s*\(")
# What a chunk's entries in the postings are, by namespace: a word in lower case, an
# acronym as written, a word the chunk writes in lower case, a content-word stem.
_WORD, _ACRONYM, _LOWER, _STEM = "w:", "a:", "l:", "s:"
_LAST = chr(0x10FFFF)


@cache
def tables_id() -> str:
    """What decides the tables: the code that works them out, and the stemmer's version.
    Tables stored by other code are worked out again when an index is opened."""
    here = Path(__file__).parents[1]
    digest = hashlib.sha256(version("PyStemmer").encode())
    code = ("index/word_tables.py", "text/terms.py", "answer/answer_types.py", "text/spelling.py")
    for name in (*code, "answer/evidence.py", "text/attribution.py", "text/dates.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _chunks_key(chunk_ids: Iterable[str]) -> str:
    """Identifies the chunks, in order (their ids are content-addressed)."""
    return hashlib.sha256("\n".join(chunk_ids).encode()).hexdigest()[:16]


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


def acronym_index(chunks: Iterable[Chunk]) -> dict[str, list[str]]:
    """Acronyms the chunks spell out ("Multi Agency ... (MADRA)"), with those chunks' ids."""
    found: dict[str, list[str]] = {}
    for chunk in chunks:
        for m in _DEFINED.finditer(chunk.text):
            acronym = m.group(1) or m.group(2)
            ids = found.setdefault(acronym, [])
            if chunk.chunk_id not in ids and expansion(acronym, chunk.text):
                ids.append(chunk.chunk_id)
    return found


def corpus_years(documents: Mapping[str, Document]) -> set[int]:
    """Every year some document mentions (`dates.doc_years`)."""
    return set().union(*map(doc_years, documents.values()))


def corpus_speller(documents: Mapping[str, Document]) -> NameSpeller:
    """The names the documents write, to put a question's names right."""
    return NameSpeller.of_texts(d.text for d in documents.values())


def corpus_initials(documents: Mapping[str, Document]) -> Initials:
    """The initials of the documents' words, to ask whether they spell out an acronym."""
    return Initials.of_texts(d.text for d in documents.values())


def _text_key(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _openings(documents: Mapping[str, Document], previous: Path | None) -> dict[str, Any]:
    """Each document's `attribution.openings`, with a hash of its text: those of the
    previous generation for a text it had (finding them reads the whole text: ~3 minutes
    for 12k documents)."""
    before: dict[str, Any] = {}
    if previous is not None and (previous / FOLDER / "quotes.json").is_file():
        stamp = json.loads((previous / FOLDER / "stamp.json").read_text(encoding="utf-8"))
        if stamp.get("code") == tables_id():
            before = json.loads((previous / FOLDER / "quotes.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for doc_id, doc in documents.items():
        key = _text_key(doc.text)
        old = before.get(doc_id)
        found[doc_id] = old if old and old[0] == key else [key, openings(doc.text)]
    return found


def save_tables(
    folder: Path,
    chunks: Sequence[Chunk],
    documents: Mapping[str, Document],
    previous: Path | None = None,
) -> None:
    """Work out every table for a new generation (`chunks` in its order) and store them
    (who documents quote: reusing the `previous` generation's for texts it had)."""
    out = folder / FOLDER
    out.mkdir()
    WordTables.build(chunks).save(out)
    quotes = _openings(documents, previous)
    (out / "quotes.json").write_text(json.dumps(quotes), encoding="utf-8")
    years = sorted(corpus_years(documents))
    (out / "years.json").write_text(json.dumps(years), encoding="utf-8")
    (out / "glossary.json").write_text(json.dumps(acronym_index(chunks)), encoding="utf-8")
    speller = corpus_speller(documents).to_json()
    (out / "speller.json").write_text(json.dumps(speller), encoding="utf-8")
    initials = corpus_initials(documents)
    strings = {"every": initials.every, "content": initials.content}
    (out / "initials.json").write_text(json.dumps(strings), encoding="utf-8")
    (out / "initials.gaps").write_bytes(initials.gaps)
    stamp = {"code": tables_id(), "chunks": _chunks_key(c.chunk_id for c in chunks)}
    (out / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")


class CorpusTables:
    """An opened generation's tables: read from it when this code stored them for these
    chunks; otherwise (an index built by older code) worked out here, once, on first need."""

    def __init__(
        self, folder: Path | None, chunks: Mapping[str, Chunk], documents: Mapping[str, Document]
    ) -> None:
        self.chunks = chunks
        self.documents = documents
        self.worked_out: list[str] = []  # the tables this process had to work out itself
        self._folder = folder / FOLDER if folder and self._stored(folder / FOLDER) else None

    def _stored(self, folder: Path) -> bool:
        try:
            stamp = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        return stamp == {"code": tables_id(), "chunks": _chunks_key(self.chunks)}

    def _read(self, name: str) -> Any:
        assert self._folder is not None
        return json.loads((self._folder / name).read_text(encoding="utf-8"))

    @cached_property
    def words(self) -> WordTables:
        if self._folder:
            return WordTables.load(self._folder, list(self.chunks))
        self.worked_out.append("words")
        return WordTables.build(list(self.chunks.values()))

    @cached_property
    def stats(self) -> CorpusStats:
        """The word stems' document frequencies and the like (`WordTables.stats`), with
        who each document quotes (`attribution.quotations`): stored, or else found for
        each document on first need."""
        stats = self.words.stats
        read = partial(self._read, "quotes.json") if self._folder else None
        if read is None:
            self.worked_out.append("quotes")
        stats.quotes = Quotations(stats.lowercase, read)
        return stats

    @cached_property
    def glossary(self) -> dict[str, list[str]]:
        """Acronyms the chunks spell out, with those chunks' ids (`acronym_index`)."""
        if self._folder:
            return dict(self._read("glossary.json"))
        self.worked_out.append("glossary")
        return acronym_index(self.chunks.values())

    @cached_property
    def years(self) -> set[int]:
        """Every year some document mentions (`corpus_years`)."""
        if self._folder:
            return set(self._read("years.json"))
        self.worked_out.append("years")
        return corpus_years(self.documents)

    @cached_property
    def speller(self) -> NameSpeller:
        """The names the documents write (`corpus_speller`)."""
        if self._folder:
            return NameSpeller.from_json(self._read("speller.json"))
        self.worked_out.append("speller")
        return corpus_speller(self.documents)

    @cached_property
    def initials(self) -> Initials:
        """The initials of the documents' words (`corpus_initials`)."""
        if self._folder:
            strings = self._read("initials.json")
            gaps = (self._folder / "initials.gaps").read_bytes()
            return Initials(strings["every"], strings["content"], gaps)
        self.worked_out.append("initials")
        return corpus_initials(self.documents)
