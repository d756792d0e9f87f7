"""The corpus's word tables are worked out when the index is built, stored in its
generation, and read (not worked out again) by every process that opens it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index import word_tables
from assistant.index.postings import WordTables
from assistant.index.word_tables import FOLDER, acronym_index, corpus_initials
from assistant.pipeline import Pipeline
from assistant.text.attribution import openings, quotations
from assistant.text.dates import doc_years
from assistant.text.spelling import NameSpeller
from tests.test_layout import imported_closure

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = (
    "What did the Safeguarding Children Board review find?",
    "What did Nick Adderly say about the inspection?",  # put right by the speller
    "What does MADRA stand for?",
    "What did the PEEL inspection conclude?",  # an acronym no document writes or spells
    # Quoted paragraphs below the attribution that names her: who the documents quote.
    "Who said the force was working hard to deal with a legacy of long-term under-funding?",
)
# In a fresh process: open the index, ask, and say what had to be worked out there.
_ASK_AFRESH = """
import json, sys
from pathlib import Path
from assistant.index import word_tables
from assistant.text.attribution import openings, quotations
from assistant.text.dates import doc_years
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.fakes import FakeEmbedder

settings = Settings(corpus=Path(sys.argv[1]), index=Path(sys.argv[2]))
pipeline = Pipeline(settings, embed_model=FakeEmbedder(), model_id="fake")
answers = [pipeline.ask(q) for q in sys.argv[3:]]
print(json.dumps({
    "worked_out": pipeline.reader.tables.worked_out,
    "answers": [a.model_dump(mode="json", exclude={"timings_ms"}) for a in answers],
}))
"""


def _stored(pipeline: Pipeline) -> Path:
    """The folder of the committed generation's tables."""
    return pipeline.settings.index / f"gen-{pipeline.reader.manifest.generation}" / FOLDER


def _ask_afresh(pipeline: Pipeline) -> dict[str, object]:
    s = pipeline.settings
    out = subprocess.run(
        [sys.executable, "-c", _ASK_AFRESH, str(s.corpus), str(s.index), *QUESTIONS],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return dict(json.loads(out.stdout))


def test_a_reopened_index_answers_named_questions_without_reading_every_chunk(fake_pipeline):
    """Names, acronyms, misspellings and who a quoted sentence quotes are looked up in the
    tables the build stored: a fresh process works none of them out, and answers as one
    that does."""
    fake_pipeline.build()
    fresh = _ask_afresh(fake_pipeline)
    assert fresh["worked_out"] == []

    # The same answers as from tables worked out from every chunk and document.
    for path in _stored(fake_pipeline).iterdir():
        path.unlink()
    worked = _ask_afresh(fake_pipeline)
    worked_out = sorted(worked["worked_out"])  # type: ignore[arg-type]
    assert worked_out == ["glossary", "initials", "quotes", "speller", "words", "years"]
    assert worked["answers"] == fresh["answers"]
    assert "Multi Agency Daily Risk Assessment" in json.dumps(fresh["answers"])
    quoted = fresh["answers"][-1]  # type: ignore[index]
    assert quoted["answer"].startswith("Zoe Billingham said: “The force is working hard")


def test_the_stored_tables_are_those_worked_out_from_the_chunks(fake_pipeline):
    fake_pipeline.build()
    reader = fake_pipeline.reader
    chunks = list(reader.chunks.values())
    stored, built = reader.tables.words, WordTables.build(chunks)
    assert reader.tables.worked_out == []
    for name in ("n", "df", "vocab", "lowercase"):
        assert getattr(stored.stats, name) == getattr(built.stats, name)
    assert stored.terms == built.terms and "a:NSCB" in stored.terms
    assert stored.rows.tolist() == built.rows.tolist()
    assert stored.word_rows("Adderley").tolist() == built.word_rows("adderley").tolist() != []
    assert reader.tables.glossary == acronym_index(chunks)
    speller = NameSpeller.of_texts(d.text for d in reader.documents.values())
    assert reader.tables.speller.to_json() == speller.to_json()
    lowercase = built.stats.lowercase
    quotes = reader.tables.stats.quotes
    assert quotes.read is not None and any(rows for _, rows in quotes.read().values())
    for doc in reader.documents.values():
        assert quotes.of(doc.doc_id, doc.text) == quotations(doc.text, lowercase)
    assert reader.tables.years == set().union(*map(doc_years, reader.documents.values()))
    initials = corpus_initials(reader.documents)
    assert vars(reader.tables.initials) == vars(initials) and initials.spell("MADRA")


def test_a_build_that_adds_a_document_updates_the_tables(fake_pipeline, corpus_dir, monkeypatch):
    fake_pipeline.build()
    assert len(fake_pipeline.reader.tables.words.word_rows("Zanzibar")) == 0
    (corpus_dir / "999_new.txt").write_text(
        'The Zanzibar Liaison Unit (ZLU) met the force in 2020. Jo Bloggs said: "Good."',
        encoding="utf-8",
    )
    # Who the other documents quote is not read from their whole text again.
    read: list[str] = []
    monkeypatch.setattr(word_tables, "openings", lambda text: read.append(text) or openings(text))
    fake_pipeline.build()
    assert len(read) == 1 and "Zanzibar" in read[0]
    doc = next(d for d in fake_pipeline.reader.documents.values() if "Zanzibar" in d.text)
    found = fake_pipeline.reader.tables.stats.quotes.of(doc.doc_id, doc.text)
    assert [a.speaker for _, a in found if a] == ["Jo Bloggs"]
    tables = fake_pipeline.reader.tables
    assert len(tables.words.word_rows("zanzibar")) == 1
    assert "Zanzibar" in tables.speller.names
    assert tables.worked_out == []


def test_tables_stored_by_other_code_are_worked_out_again(fake_pipeline):
    """An index built before a change to how words are read is not misread: its tables
    are worked out afresh when it is opened (the next build stores new ones)."""
    fake_pipeline.build()
    stamp = _stored(fake_pipeline) / "stamp.json"
    stamp.write_text(json.dumps({"code": "other", "chunks": "other"}), encoding="utf-8")
    reopened = Pipeline(fake_pipeline.settings, fake_pipeline.embed_model, "fake")
    assert len(reopened.reader.tables.words.word_rows("NSCB"))
    assert reopened.reader.tables.worked_out == ["words"]


def test_the_chunks_that_may_hold_a_phrase_include_every_chunk_that_does(fake_pipeline):
    """Quoted phrases and phrase names are sought only in the chunks with their words
    (`WordTables.may_hold`): no chunk holding one may be left out, whether the phrase
    begins inside a longer word ("dismissed" for "missed") or ends inside one."""
    fake_pipeline.build()
    reader = fake_pipeline.reader
    tables = reader.tables.words
    checked = narrowed = 0
    for cid, chunk in reader.chunks.items():
        tokens = " ".join(chunk.text.lower().split()).split()
        for i in range(0, max(0, len(tokens) - 4), 7):
            for n in (2, 3, 4):
                phrase = " ".join(tokens[i : i + n])
                cut = phrase[1:-1] if len(phrase) > 12 else phrase  # inside longer words
                for p in {phrase, cut}:
                    held = tables.may_hold(p)
                    if held:
                        narrowed += 1
                        assert all(cid in ids for ids in held), (p, cid)
                    checked += 1
    assert checked > 1000 and narrowed > checked / 2
    # And the narrowing narrows: a phrase of words few chunks share.
    held = tables.may_hold("Safeguarding Children Board")
    assert 0 < len(set.intersection(*held)) < len(reader.chunks) / 4


def test_the_tables_stamp_covers_every_module_they_are_worked_out_by():
    """Tables stored by other code are worked out again, so the stamp must change with
    every module whose code works them out (one left out leaves an upgraded index's tables
    stale) and with nothing else: a change to answering keeps an index's tables."""
    stamped = {module.__name__ for module in word_tables.TABLES_CODE}
    assert stamped == imported_closure("assistant.index.word_tables") - {"assistant.types"}
    assert not any(m.startswith(("assistant.answer", "assistant.retrieve")) for m in stamped)
