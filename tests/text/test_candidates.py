"""Candidate sentences: a sentence that introduces a list comes with it, within reason."""

from __future__ import annotations

import pytest

from assistant.text.candidates import candidates, context_start
from assistant.types import Chunk, Document, DocumentMeta, Passage

pytestmark = pytest.mark.unit


def _candidate_texts(text: str) -> list[str]:
    meta = DocumentMeta(doc_id="d", title="T", publisher="P", published="2021-03-24")
    doc = Document(meta=meta, text=text, sha256="0" * 64)
    chunk = Chunk(chunk_id="d:0", doc_id="d", index=0, text=text, start=0, end=len(text), tokens=1)
    passage = Passage(chunk=chunk, meta=meta, score=1.0)
    return [c.text for c in candidates([passage], {"d": doc})]


def test_a_list_of_one_sentence_items_is_one_answer_with_its_introduction():
    texts = _candidate_texts(
        "The failings included:\n- Delays in sharing information;\n"
        "- Missed opportunities to work with partners.\n\nSomething else entirely."
    )
    assert texts[0].startswith("The failings included:")
    assert texts[0].endswith("Missed opportunities to work with partners.")


def test_a_list_of_paragraphs_is_not_swallowed_by_its_introduction():
    # A date in the third item must not make the introduction answer "when?".
    texts = _candidate_texts(
        "The report highlights improvements in these areas:\n\n"
        " * The response to missing children is better. It is now excellent.\n"
        " * A new risk meeting was set up in April 2020. Its aim was to protect children.\n"
    )
    intro = texts[0]
    assert intro.startswith("The report highlights")
    assert intro.endswith("The response to missing children is better.")
    assert "April 2020" not in intro
    assert any(t.startswith("A new risk meeting was set up in April 2020") for t in texts)


def test_a_sentence_that_points_back_comes_with_the_one_it_points_at():
    text = (
        "Progress since the first inspection was slow.\n\n"
        "  4. Due to these concerns, a third inspection was carried out.\n"
        "Today it is published. These findings matter."
    )
    due = text.index("Due to")
    assert context_start(text, due) == 0
    # Not every sentence: one that does not point back stands alone.
    assert context_start(text, text.index("Today")) == text.index("Today")
