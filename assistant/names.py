"""The people and bodies a question names, and which documents and chunks mention them:
ranking prefers the sources that do, and abstention doubts a source that never does. What
counts as a person's name in a sentence is `answer_types`' business.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import cached_property, lru_cache, partial, reduce
from typing import TypeVar

import numpy as np

from assistant.answer_types import NOT_NAMES, TITLE_WORDS, initialisms
from assistant.dates import MONTH_NAMES
from assistant.query import Intent, question_sentence, without_possessive
from assistant.store import IndexReader
from assistant.terms import flat, words
from assistant.types import Document
from assistant.word_tables import WordTables

# A run of capitalised words: one name ("Chief Constable Nick Adderley").
_NAME_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_MONTHS = frozenset(m.lower() for m in MONTH_NAMES)
_T = TypeVar("_T")


class Mentions:
    """The words of a text, to ask whether it mentions a name: the same word in any case,
    or for an acronym, one that extends it or that it extends ("HMIC" became "HMICFRS")."""

    def __init__(self, text: str) -> None:
        found = set(words(text))
        self.lower = {w.lower() for w in found}
        self.acronyms = [w for w in found if w.isupper() and len(w) >= 3]
        self.text = flat(text)

    def any_of(self, name: Sequence[str]) -> bool:
        return any(
            w.lower() in self.lower
            or any(extends(w, a) for a in self.acronyms)
            or (" " in w and w.lower() in self.text)
            for w in name
        )


@lru_cache(maxsize=256)
def _spaced(phrase: str) -> re.Pattern[str]:
    """The phrase in lower case with any run of spaces between its words: found in a
    text's lower case exactly when `flat` of the text holds it, without making `flat`."""
    return re.compile(r"\s+".join(map(re.escape, phrase.lower().split())))


def extends(name: str, acronym: str) -> bool:
    """Is one acronym the other grown longer ("HMIC", "HMICFRS")?"""
    return (
        name.isupper()
        and min(len(name), len(acronym)) >= 3
        and (acronym.startswith(name) or name.startswith(acronym))
    )


class NameIndex:
    """What names the corpus knows, and where each is mentioned: which chunks use a word
    was worked out when the index was built (`word_tables`); a document's words are read
    once, on first need."""

    def __init__(self, reader: IndexReader, tables: WordTables) -> None:
        self.reader = reader
        self.tables = tables
        self.stats = tables.stats
        docs = reader.documents.values()
        # Words of the documents' titles and publishers ("Heart"), known though not in a chunk.
        self._meta_words = {w.lower() for d in docs for w in words(d.meta.naming())}
        self._doc_words: dict[str, Mentions] = {}  # document id: the names it uses
        self._last: tuple[Intent, list[list[str]]] | None = None  # ranked, then doubted
        self._initials: set[str] | None = None  # what runs of the documents' words spell
        # Where each name is mentioned, once per name: questions keep naming the same forces,
        # people and bodies, and at scale a name's chunks are thousands (up to `_KEPT`).
        self._phrases: dict[tuple[str, ...], str | None] = {}
        self._namings: dict[tuple[str, ...], Naming] = {}

    def known(self, word: str) -> bool:
        """Is the word in a chunk, or in a document's title or publisher?"""
        return self.stats.known(word) or word.lower() in self._meta_words

    def acronym_known(self, acronym: str) -> bool:
        """Do the documents use the acronym, or spell it out as a run of words?"""
        if self.known(acronym):
            return True
        if self._initials is None:
            self._initials = set().union(
                *(initialisms(d.text) for d in self.reader.documents.values())
            )
        return acronym.replace("&", "") in self._initials

    def asked(self, intent: Intent) -> list[list[str]]:
        """The people and bodies the question names that the documents know, one list of
        words per name ("Chief Constable Nick Adderley": ["Nick", "Adderley"]); a name
        made of common words is one phrase, as the documents write it ("Safeguarding
        Children Board": ["Safeguarding Children Board"]). Ranking and doubting a question
        both ask: it is worked out once."""
        if self._last is None or self._last[0] != intent:
            self._last = (intent, self._find(intent))
        return self._last[1]

    def _find(self, intent: Intent) -> list[list[str]]:
        names = []
        for run in _NAME_RUN.finditer(question_sentence(intent.text)):
            proper = [
                w for w in map(without_possessive, run.group(0).split()) if w in intent.proper
            ]
            named = [
                w
                for w in proper
                if w not in NOT_NAMES
                and w.lower() not in _MONTHS
                and self.known(w)  # "Heart" too
                and w.lower() not in self.stats.lowercase  # "Children" is a common word
            ]
            if named:
                names.append(named)
            elif phrase := _kept(self._phrases, tuple(proper), self._phrase):
                names.append([phrase])
        return names

    def _phrase(self, proper: Sequence[str]) -> str | None:
        """The words, without the titles around them, if they are two or more and the
        documents write them so, in capitals ("Early Help Hub", "Press Office")."""
        while proper and proper[0] in TITLE_WORDS:
            proper = proper[1:]
        while proper and proper[-1] in TITLE_WORDS:
            proper = proper[:-1]
        if len(proper) < 2 or all(w in NOT_NAMES for w in proper):
            return None
        phrase = " ".join(proper)
        found = re.compile(rf"\b{re.escape(phrase)}\b")
        docs = self.reader.documents
        # Only documents with its words can have it: those of the chunks with each word,
        # worked out on the chunks' ordinals (a word may be in thousands of chunks).
        held = self.tables.may_hold_rows(phrase)
        if held:
            doc_ids, of_row = self._documents_of_rows
            common = reduce(np.intersect1d, (np.unique(of_row[rows]) for rows in held))
            ids: Iterable[str] = (doc_ids[i] for i in common.tolist())
        else:
            ids = docs.keys()
        return phrase if any(found.search(docs[d].text) for d in ids) else None

    @cached_property
    def _documents_of_rows(self) -> tuple[list[str], np.ndarray]:
        """The document ids, and for each chunk row of the word tables its document's
        ordinal among them."""
        doc_ids = list(self.reader.documents)
        ordinal = {d: i for i, d in enumerate(doc_ids)}
        chunks, rows = self.reader.chunks, self.tables.chunk_ids
        of_row = np.fromiter(
            (ordinal[chunks[cid].doc_id] for cid in rows), dtype=np.int64, count=len(rows)
        )
        return doc_ids, of_row

    def unmentioned(self, names: list[list[str]], doc: Document) -> int:
        """How many of the names the document never mentions."""
        if doc.doc_id not in self._doc_words:
            self._doc_words[doc.doc_id] = Mentions(f"{doc.text} {doc.meta.naming()}")
        mentions = self._doc_words[doc.doc_id]
        return sum(not mentions.any_of(name) for name in names)

    def chunks_naming(self, name: Sequence[str]) -> Naming:
        """The chunks that mention the name (as `Mentions` matches it)."""
        return _kept(self._namings, tuple(name), partial(Naming, self))


_KEPT = 512  # names whose mentions are kept; past it, they are found afresh


def _kept(
    found: dict[tuple[str, ...], _T], key: tuple[str, ...], make: Callable[[tuple[str, ...]], _T]
) -> _T:
    """`make(key)`, kept in `found` (cleared when it holds `_KEPT`)."""
    if key not in found:
        if len(found) >= _KEPT:
            found.clear()
        found[key] = make(key)
    return found[key]


class Naming:
    """The chunks that mention a name: whether a chunk does, and the chunks that do in
    order of id, a phrase checked in each only as it is reached (a phrase of common words
    may be in thousands of chunks, where ranking wants the first few)."""

    def __init__(self, index: NameIndex, name: Sequence[str]) -> None:
        self._chunks = index.reader.chunks
        tables = index.tables
        self._named = {cid for w in name for cid in tables.chunks_using(w)}
        for w in (w for w in name if w.isupper()):
            self._named.update(
                cid for k, found in tables.acronyms.items() if extends(w, k) for cid in found
            )
        # Each phrase with the chunks that may hold it (`WordTables.may_hold`), rather than
        # every chunk (at 60k chunks, reading every chunk was 80% of a question's time).
        self._phrases: list[tuple[str, Collection[str]]] = []
        for phrase in (w for w in name if " " in w):
            held = tables.may_hold(phrase)
            self._phrases.append((phrase, set.intersection(*held) if held else self._chunks.keys()))

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._named or any(
            chunk_id in may and self._holds(str(chunk_id), p) for p, may in self._phrases
        )

    def __iter__(self) -> Iterator[str]:
        maybe = self._named.union(*(may for _, may in self._phrases))
        return (cid for cid in sorted(maybe) if cid in self)

    def _holds(self, chunk_id: str, phrase: str) -> bool:
        """Does the chunk mention the phrase (as `Mentions.any_of` has it)? Only a phrase
        in capitals can be an acronym's: the others are sought in the text alone, without
        reading its words (~80 µs a chunk, for thousands of chunks at scale)."""
        text = self._chunks[chunk_id].text
        if phrase.isupper():
            return Mentions(text).any_of([phrase])
        return _spaced(phrase).search(text.lower()) is not None
