"""The corpus's word tables, worked out when the index is built and stored in its
generation (`gen-N/words/`): which chunks use each word and the statistics read off them
(`postings`), the acronyms chunks spell out, the initials of the documents' words (for
acronyms no chunk writes), the names the speller knows, who each document quotes, and the
years the documents mention. Opening an index reads them; what they mean for a question
is for `names`, `evidence`, `attribution`, `abstain` and `spelling` to say.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, cached_property, partial
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

from assistant.index import postings
from assistant.index.postings import CorpusStats, WordTables
from assistant.text import attribution, dates, proper_names, spelling, terms
from assistant.text.attribution import Quotations, openings
from assistant.text.dates import doc_years
from assistant.text.proper_names import Initials, expansion
from assistant.text.spelling import NameSpeller
from assistant.types import Chunk, Document

FOLDER = "words"
_DEFINED = re.compile(r"\(\s*([A-Z][A-Z&]{1,9})\s*\)|\b([A-Z][A-Z&]{1,9})\s*\(")


# The code the tables are worked out by: this module and every module of the package it
# runs, but `types`' data definitions (`tests/index/test_word_tables.py` checks the list
# against the imports).
TABLES_CODE: tuple[ModuleType, ...] = (
    sys.modules[__name__],
    postings,
    terms,
    dates,
    proper_names,
    spelling,
    attribution,
)


@cache
def tables_id() -> str:
    """What decides the tables: their code (`TABLES_CODE`) and the stemmer's version.
    Tables stored by other code are worked out again when an index is opened; a change to
    answering alone leaves them be."""
    digest = hashlib.sha256(version("PyStemmer").encode())
    for module in TABLES_CODE:
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def _chunks_key(chunk_ids: Iterable[str]) -> str:
    """Identifies the chunks, in order (their ids are content-addressed)."""
    return hashlib.sha256("\n".join(chunk_ids).encode()).hexdigest()[:16]


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
