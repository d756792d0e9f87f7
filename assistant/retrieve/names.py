"""The people and bodies a question names, and which documents and chunks mention them:
ranking prefers the sources that do, and abstention doubts a source that never does. What
counts as a person's name in a sentence is `text.proper_names`' business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property, lru_cache, partial, reduce

import numpy as np

from assistant.index.postings import WordTables
from assistant.index.store import IndexReader
from assistant.kept import kept
from assistant.retrieve.question import Intent, question_sentence, without_possessive
from assistant.text.dates import MONTH_NAMES
from assistant.text.proper_names import NOT_NAMES, TITLE_WORDS
from assistant.text.terms import flat, words
from assistant.types import Document

# A run of capitalised words: one name ("Chief Constable Nick Adderley").
_NAME_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_MONTHS = frozenset(m.lower() for m in MONTH_NAMES)
_KEPT = 512  # names whose mentions are kept; past it, they are found afresh


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
    was worked out when the index was built (`word_tables`), and a document mentions what
    its chunks do; its text is read only for what no chunk keeps (`_mentions`)."""

    def __init__(self, reader: IndexReader, tables: WordTables) -> None:
        self.reader = reader
        self.tables = tables
        self.stats = tables.stats
        docs = reader.documents.values()
        # Words of the documents' titles and publishers ("Heart"), known though not in a chunk.
        self._meta_words = {w.lower() for d in docs for w in words(d.meta.naming())}
        self._doc_words: dict[str, Mentions] = {}  # document id: the names it uses
        self._last: tuple[Intent, list[list[str]]] | None = None  # ranked, then doubted
        # Where each name is mentioned, once per name: questions keep naming the same forces,
        # people and bodies, and at scale a name's chunks are thousands (up to `_KEPT`).
        self._phrases: dict[tuple[str, ...], str | None] = {}
        self._namings: dict[tuple[str, ...], Naming] = {}
        self._naming_documents: dict[tuple[str, ...], np.ndarray] = {}

    def known(self, word: str) -> bool:
        """Is the word in a chunk, or in a document's title or publisher?"""
        return self.stats.known(word) or word.lower() in self._meta_words

    def acronym_known(self, acronym: str) -> bool:
        """Do the documents use the acronym, or spell it out as a run of words?"""
        if self.known(acronym):
            return True
        return self.reader.tables.initials.spell(acronym.replace("&", ""))

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
            elif phrase := kept(self._phrases, tuple(proper), self._phrase, _KEPT):
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
        ordinal, chunks, rows = self.reader.ordinal, self.reader.chunks, self.tables.chunk_ids
        of_row = np.fromiter(
            (ordinal[chunks[cid].doc_id] for cid in rows), dtype=np.int64, count=len(rows)
        )
        return list(ordinal), of_row

    def unmentioned(self, names: list[list[str]], doc: Document) -> int:
        """How many of the names the document never mentions."""
        return sum(not self._mentions(name, doc) for name in names)

    def _mentions(self, name: Sequence[str], doc: Document) -> bool:
        """Does the document mention the name, as `Mentions.any_of` has it for its text and
        what it is named by? A word of the name, or an acronym one extends, in a chunk of
        it says so from the word tables, without reading its text: its chunks hold every
        word of the text but a list's "(a)", whose one letter no chunk keeps."""
        ordinal = self.reader.ordinal[doc.doc_id]
        if _holds_row(
            kept(self._naming_documents, tuple(name), self._documents_naming, _KEPT), ordinal
        ):
            return True
        if any(len(w) == 1 for w in name):
            if doc.doc_id not in self._doc_words:
                self._doc_words[doc.doc_id] = Mentions(f"{doc.text} {doc.meta.naming()}")
            return self._doc_words[doc.doc_id].any_of(name)
        # Left: its title, publisher and kind, and a phrase (sought in the whole, which
        # may run from the text into its title).
        named = doc.meta.naming()
        if Mentions(named).any_of(name):
            return True
        phrases = [w for w in name if " " in w]
        whole = f"{doc.text} {named}".lower() if phrases else ""
        return any(_spaced(p).search(whole) for p in phrases)

    def _documents_naming(self, name: tuple[str, ...]) -> np.ndarray:
        """The ordinals of the documents with a chunk using a word of the name, or an
        acronym one extends (`Naming.rows`), ascending."""
        _, of_row = self._documents_of_rows
        return np.unique(of_row[self.chunks_naming(name).rows])

    def chunks_naming(self, name: Sequence[str]) -> Naming:
        """The chunks that mention the name (as `Mentions` matches it)."""
        return kept(self._namings, tuple(name), partial(Naming, self), _KEPT)


class Naming:
    """The chunks that mention a name: whether a chunk does, and the chunks that do in
    order of id, a phrase checked in each only as it is reached (a phrase of common words
    may be in thousands of chunks, where ranking wants the first few). Chunks are the word
    tables' rows here, in numpy: at scale a name's chunks are thousands."""

    def __init__(self, index: NameIndex, name: Sequence[str]) -> None:
        self._chunks = index.reader.chunks
        self._tables = tables = index.tables
        found = [tables.word_rows(w) for w in name]
        found += [_acronym_rows(tables, w) for w in name if w.isupper()]
        # The rows of the chunks using a word of the name, or an acronym one extends.
        self.rows = np.unique(np.concatenate(found))
        # Each phrase with the chunks that may hold it (`WordTables.may_hold_rows`; None:
        # every chunk), rather than every chunk (at 60k chunks, reading every chunk was 80%
        # of a question's time).
        self._phrases: list[tuple[str, np.ndarray | None]] = []
        for phrase in (w for w in name if " " in w):
            held = tables.may_hold_rows(phrase)
            may = reduce(np.intersect1d, held[1:], np.unique(held[0])) if held else None
            self._phrases.append((phrase, may))

    def __contains__(self, chunk_id: object) -> bool:
        row = self._tables.row_of.get(str(chunk_id))
        return row is not None and self._names(row)

    def __iter__(self) -> Iterator[str]:
        every = np.arange(len(self._tables.chunk_ids))
        maybe = reduce(
            np.union1d, (every if may is None else may for _, may in self._phrases), self.rows
        )
        rows = maybe[np.argsort(self._tables.id_order[maybe])].tolist()
        return (self._tables.chunk_ids[r] for r in rows if self._names(r))

    def _names(self, row: int) -> bool:
        return _holds_row(self.rows, row) or any(
            (may is None or _holds_row(may, row)) and self._holds(self._tables.chunk_ids[row], p)
            for p, may in self._phrases
        )

    def _holds(self, chunk_id: str, phrase: str) -> bool:
        """Does the chunk mention the phrase (as `Mentions.any_of` has it)? Only a phrase
        in capitals can be an acronym's: the others are sought in the text alone, without
        reading its words (~80 µs a chunk, for thousands of chunks at scale)."""
        text = self._chunks[chunk_id].text
        if phrase.isupper():
            return Mentions(text).any_of([phrase])
        return _spaced(phrase).search(text.lower()) is not None


def _acronym_rows(tables: WordTables, name: str) -> np.ndarray:
    """The rows of the chunks writing an acronym the name extends or that extends it
    (`extends`): those starting with it, and those it starts with."""
    if len(name) < 3:
        return np.zeros(0, dtype=tables.rows.dtype)
    shorter = (tables.acronym_rows(name[:n]) for n in range(3, len(name)))
    return np.concatenate([tables.acronym_rows(name, longer=True), *shorter])


def _holds_row(rows: np.ndarray, row: int) -> bool:
    """Is the row in the rows (ascending)?"""
    at = int(np.searchsorted(rows, row))
    return at < len(rows) and int(rows[at]) == row
