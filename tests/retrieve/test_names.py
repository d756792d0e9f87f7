"""Which names a question gives, and which documents and chunks mention them."""

from __future__ import annotations

from itertools import islice
from types import SimpleNamespace

import pytest

from assistant.index.postings import WordTables
from assistant.index.word_tables import acronym_index
from assistant.ingest.chunking import chunk_document
from assistant.retrieve.names import Mentions, NameIndex, extends
from assistant.retrieve.question import analyse
from assistant.types import Chunk, Document, DocumentMeta

pytestmark = pytest.mark.unit

HEART_2019 = "003_934f7f560a60dbae"


@pytest.fixture
def names(fake_pipeline):
    fake_pipeline.build()
    return fake_pipeline.extractive.names


def test_an_acronym_is_mentioned_by_its_longer_or_shorter_form():
    assert extends("HMIC", "HMICFRS") and extends("HMICFRS", "HMIC")
    assert not extends("HM", "HMIC")  # two letters are too few to tell
    assert Mentions("HMICFRS said the force had improved").any_of(["HMIC"])
    assert not Mentions("Ofsted said the council had improved").any_of(["HMIC"])


def test_a_name_is_mentioned_in_any_case_and_a_phrase_as_a_whole():
    text = "The Early Help Hub opened; NICK ADDERLEY spoke."
    assert Mentions(text).any_of(["Adderley"])
    assert Mentions(text).any_of(["Early Help Hub"])
    assert not Mentions(text).any_of(["Help Early Hub"])


def test_the_acronym_index_finds_the_chunk_that_spells_madra_out(fake_pipeline):
    fake_pipeline.build()
    found = acronym_index(fake_pipeline.reader.chunks.values())
    spelled = [fake_pipeline.reader.chunks[cid].text for cid in found["MADRA"]]
    assert spelled and all("Multi Agency Daily Risk Assessment" in t for t in spelled)


def test_the_names_a_question_gives_are_the_ones_the_documents_know(names):
    asked = names.asked(
        analyse("What did Chief Constable Nick Adderley say to Leicestershire Police?")
    )
    assert ["Nick", "Adderley"] in asked
    assert not any("Leicestershire" in name for name in asked)  # no document mentions it
    phrase = names.asked(analyse("What did the Safeguarding Children Board find?"))
    assert phrase == [["Safeguarding Children Board"]]


def test_a_document_that_never_mentions_a_name_is_counted(names, fake_pipeline):
    docs = fake_pipeline.reader.documents
    adderley = names.asked(analyse("What did Nick Adderley say?"))
    assert names.unmentioned(adderley, docs[HEART_2019]) == 0
    unmentioned = [d for d in docs.values() if names.unmentioned(adderley, d)]
    assert unmentioned and HEART_2019 not in {d.doc_id for d in unmentioned}


def test_every_chunk_naming_a_body_is_found(names, fake_pipeline):
    ids = set(names.chunks_naming(["NSCB"]))
    chunks = fake_pipeline.reader.chunks
    assert ids == {cid for cid, c in chunks.items() if "NSCB" in c.text}


def test_every_chunk_naming_a_phrase_is_found_in_any_form():
    """A phrase is looked for only in the chunks that may hold it (not in every chunk), yet
    found wherever it is written: in any case, across a line break, also as the start of a
    longer word ("boards")."""
    texts = {
        "a": "The Safeguarding Children Board said so.",
        "b": "It met the local safeguarding children boards.",
        "c": "The board for children met; safeguarding was discussed.",
        "d": "Nothing here.",
        "e": "A line ends in the SAFEGUARDING\n  Children   Boards' report.",
    }
    chunks = {
        cid: Chunk(chunk_id=cid, doc_id="d", index=0, text=t, start=0, end=len(t), tokens=9)
        for cid, t in texts.items()
    }
    reader = SimpleNamespace(chunks=chunks, documents={})
    names = NameIndex(reader, WordTables.build(list(chunks.values())))  # type: ignore[arg-type]
    assert set(names.chunks_naming(["Safeguarding Children Board"])) == {"a", "b", "e"}
    assert set(names.chunks_naming(["board for children"])) == {"c"}
    assert set(names.chunks_naming(["children board met"])) == set()


def test_the_first_chunks_naming_a_common_phrase_are_found_without_checking_every_chunk(
    monkeypatch,
):
    """Ranking wants the first three chunks naming a phrase; when thousands have its words,
    only those it reaches are checked for the phrase."""
    texts = {f"c{i:04d}": "The Early Help Hub opened; help came." for i in range(500)}
    chunks = {
        cid: Chunk(chunk_id=cid, doc_id="d", index=0, text=t, start=0, end=len(t), tokens=9)
        for cid, t in texts.items()
    }
    reader = SimpleNamespace(chunks=chunks, documents={})
    names = NameIndex(reader, WordTables.build(list(chunks.values())))  # type: ignore[arg-type]
    checked: list[str] = []
    naming = names.chunks_naming(["Early Help Hub"])
    holds = naming._holds
    monkeypatch.setattr(naming, "_holds", lambda cid, p: checked.append(cid) or holds(cid, p))
    assert list(islice(naming, 3)) == ["c0000", "c0001", "c0002"]
    assert len(checked) == 3
    assert "c0499" in naming and len(set(naming)) == 500


def test_a_document_mentions_a_name_its_chunks_do_not_hold():
    """Which documents mention a name comes from the words of their chunks, which keep
    neither a list's "(x)" nor the title: a name written only there is still found."""
    text = "The review listed its points:\n\n(x) Staff were trained.\n\nThe hub opened."
    meta = DocumentMeta(doc_id="d", title="Heart news")
    doc = Document(meta=meta, text=text, sha256="0")
    chunks = chunk_document(doc, max_tokens=8, overlap=0, id_prefix="d")
    reader = SimpleNamespace(
        chunks={c.chunk_id: c for c in chunks}, documents={"d": doc}, ordinal={"d": 0}
    )
    names = NameIndex(reader, WordTables.build(chunks))  # type: ignore[arg-type]
    assert len(names.tables.word_rows("x")) == 0 and len(names.tables.word_rows("heart")) == 0
    assert names.unmentioned([["X"], ["Heart"], ["Staff"]], doc) == 0
    assert names.unmentioned([["Ofsted"], ["Heart", "Ofsted"]], doc) == 1


def test_the_chunks_naming_a_name_come_in_order_of_id():
    """Chunks are the word tables' rows in document order, which is not the ids' order
    ("d:10" sorts before "d:2")."""
    chunks = [
        Chunk(
            chunk_id=f"d:{i}", doc_id="d", index=i, text="Ofsted came.", start=0, end=12, tokens=3
        )
        for i in range(12)
    ]
    reader = SimpleNamespace(chunks={c.chunk_id: c for c in chunks}, documents={})
    names = NameIndex(reader, WordTables.build(chunks))  # type: ignore[arg-type]
    assert list(names.chunks_naming(["Ofsted"])) == sorted(c.chunk_id for c in chunks)
    assert "d:10" in names.chunks_naming(["Ofsted"]) and "e:1" not in names.chunks_naming(
        ["Ofsted"]
    )
