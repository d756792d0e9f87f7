"""Briefing notes: what each document said on a topic, when, quoted and cited."""

from __future__ import annotations

import pytest

from assistant.answer.citations import normalise
from assistant.brief.briefing import make_briefing
from assistant.brief.markdown import briefing_markdown
from assistant.errors import QuestionError
from assistant.ingest.corpus import load_corpus
from assistant.types import Filters
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration
DOCS = {d.doc_id: d for d in load_corpus(CORPUS).documents}


def test_a_briefing_goes_document_by_document_oldest_first(real_pipeline):
    briefing = make_briefing(real_pipeline, "missing children")
    dates = [s.meta.published for s in briefing.sections]
    assert dates == sorted(dates) and dates[0] == "2013" and len(dates) >= 3
    assert len({s.meta.doc_id for s in briefing.sections}) == len(briefing.sections)
    by_n = {c.n: c for c in briefing.citations}
    for section in briefing.sections:
        assert 1 <= len(section.statements) <= 3
        for st in section.statements:
            [n] = st.citations
            citation = by_n[n]
            assert citation.doc_id == section.meta.doc_id
            assert DOCS[citation.doc_id].text[citation.start : citation.end] == citation.quote
            assert normalise(st.text) in normalise(citation.quote)
    assert sorted(by_n) == list(range(1, len(by_n) + 1))
    everything = " ".join(st.text for s in briefing.sections for st in s.statements)
    assert "25% reduction" in everything and "missing" in everything


def test_the_markdown_note_is_ready_to_hand_over(real_pipeline):
    note = briefing_markdown(make_briefing(real_pipeline, "sex offender management"))
    assert note.startswith("# Briefing: sex offender management\n")
    assert "## 2013: HMIC: more must be done" in note
    assert note.index("## 2013") < note.index("## 24 July 2019") < note.index("## 24 March 2021")
    assert "## Sources" in note and "[1]" in note
    assert "Management of Sexual or Violent Offenders" in note


def test_filters_and_an_unknown_topic(real_pipeline):
    only_2019 = make_briefing(
        real_pipeline, "missing children", Filters(year_from=2019, year_to=2019)
    )
    assert [s.meta.doc_id for s in only_2019.sections] == ["003_934f7f560a60dbae"]
    nothing = make_briefing(real_pipeline, "the weather forecast for Spain")
    assert nothing.sections == () and "do not say enough" in nothing.empty_reason
    assert "do not say enough" in briefing_markdown(nothing)
    with pytest.raises(QuestionError):
        make_briefing(real_pipeline, "   ")
