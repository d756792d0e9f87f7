"""Sentence splitting: sentences as print reads them, and the spans an index stores."""

from __future__ import annotations

import pytest

from assistant.ingest.corpus import load_corpus
from assistant.text import sentences
from assistant.text.sentences import remember_sentences, save_sentences, sentence_spans
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

SEEDS = load_corpus(CORPUS).documents


# What the splitter makes of print: each text, and the sentences it gives.
SPLITS = {
    "lines and bullets split, wrapped lines do not": (
        "The failings included:\n"
        "- Unacceptable delays in sharing information;\n"
        "- Missed opportunities to work with partners.\n"
        "A report that wraps\nonto the next line is one sentence. Another one.",
        [
            "The failings included:",
            "Unacceptable delays in sharing information;",
            "Missed opportunities to work with partners.",
            "A report that wraps\nonto the next line is one sentence.",
            "Another one.",
        ],
    ),
    "a numbered item is one sentence, without its number": (
        "## Improvements since 2019\n\n1. More officers manage offenders.\n"
        "2. Every officer has a camera.",
        [
            "## Improvements since 2019",
            "More officers manage offenders.",
            "Every officer has a camera.",
        ],
    ),
    "a question mark inside a sentence does not end it": (
        '"Missing children: who cares?" is the thematic report. Was it? Yes.',
        ['"Missing children: who cares?" is the thematic report.', "Was it?", "Yes."],
    ),
    "inline bullets are separate sentences": (
        "Delays in analysing computers; - Insufficient staff in the team.",
        ["Delays in analysing computers;", "Insufficient staff in the team."],
    ),
}


@pytest.mark.parametrize(("text", "expected"), SPLITS.values(), ids=SPLITS.keys())
def test_sentences_as_print_reads(text, expected):
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_sentences_stored_with_an_index_are_those_the_splitter_gives(tmp_path, monkeypatch):
    """An opened index supplies its documents' sentence spans (no tokenizer to load);
    spans stored by other splitting code, or for other bytes, are not used."""
    docs = {d.doc_id: d for d in SEEDS}
    expected = {d.doc_id: sentence_spans(d.text) for d in SEEDS}
    save_sentences(tmp_path, docs)
    monkeypatch.setattr(sentences, "_punkt", lambda: pytest.fail("tokenizer loaded"))
    remember_sentences(tmp_path, docs)
    remembered = {d.doc_id: sentence_spans(d.text) for d in SEEDS}
    assert remembered == expected
    assert all(type(o) is int for spans in remembered.values() for s in spans for o in s)
    edited = SEEDS[0].model_copy(update={"sha256": "other bytes"})
    remember_sentences(tmp_path, {edited.doc_id: edited})
    with pytest.raises(pytest.fail.Exception, match="tokenizer loaded"):
        sentence_spans(edited.text)
    monkeypatch.setattr(sentences, "splitter_id", lambda: "other code")
    remember_sentences(tmp_path, docs)
    with pytest.raises(pytest.fail.Exception, match="tokenizer loaded"):
        sentence_spans(SEEDS[1].text)
    monkeypatch.undo()
    remember_sentences(tmp_path / "no-index", {})
