"""The signs that the corpus does not answer, and the answer that says so."""

from __future__ import annotations

import pytest

from assistant.answer.abstain import DOUBTS, abstention, coverage
from assistant.answer.confidence import confidence_inputs
from assistant.retrieve.question import analyse
from assistant.types import Passage

pytestmark = pytest.mark.unit


@pytest.fixture
def answerer(fake_pipeline):
    fake_pipeline.build()
    return fake_pipeline.extractive


def doubts_for(answerer, question, doc_id=None):
    """The doubts about the best sentence of every chunk (of one document, if given)."""
    intent = analyse(question)
    chunks = [c for c in answerer.reader.chunks.values() if doc_id in (None, c.doc_id)]
    found = [Passage(chunk=c, meta=answerer.reader.meta(c), score=0.0) for c in chunks]
    ranked = answerer.rank(intent, found, answerer.embed_model.get_query_embedding(question))
    return answerer.doubter.doubts(intent, ranked[0])


def test_every_doubt_has_a_penalty(answerer):
    doubts = doubts_for(answerer, "How many case files were reviewed in 2019?")
    assert tuple(doubts) == DOUBTS
    assert tuple(answerer.config.penalties()) == DOUBTS


def test_the_answerer_is_as_confident_as_the_fit_scored_it(answerer):
    """`fit_weights.py` scores each tune case with `confidences` over the inputs it
    recorded; the answerer, given the fitted config, must reach the same number."""
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "evals"))
    from fit_weights import confidences

    weights = {"score": 0.2, "lead": 0.3, "spread": 0.4} | dict.fromkeys(DOUBTS, -1.5)
    answerer.config = answerer.config.with_weights(-0.5, weights, 0.0)
    question = "How many case files were reviewed in 2019?"
    intent = analyse(question)
    chunks = list(answerer.reader.chunks.values())
    found = [Passage(chunk=c, meta=answerer.reader.meta(c), score=0.0) for c in chunks]
    ranked = answerer.rank(intent, found, answerer.embed_model.get_query_embedding(question))
    inputs = confidence_inputs(ranked, answerer.doubter.doubts(intent, ranked[0]))
    assert inputs["lead"] > 0  # the test would not see a lead weighed wrongly
    fitted = confidences([(inputs, True, True)], answerer.config)[0]
    assert answerer.confidence(intent, ranked) == pytest.approx(fitted)


def test_names_years_and_acronyms_the_corpus_lacks_are_doubted(answerer):
    known = doubts_for(answerer, "What did Nick Adderley say in 2019?")
    unknown = doubts_for(answerer, "What did the PEEL inspection of Leicestershire find in 2024?")
    assert known["unknown_words"] == 0
    assert unknown["unknown_words"] == 2  # capped: three unknowns weigh as two


def test_days_and_months_are_not_names_the_corpus_lacks(answerer):
    # Capitalised, and in no document of the seed corpus, but they name nothing.
    for question in (
        "Could a journalist ring the press office on a Saturday?",
        "What did the HMIC letter of Jan 2013 ask for?",
    ):
        assert doubts_for(answerer, question)["unknown_words"] == 0, question
    assert doubts_for(answerer, "Could Leicestershire ring the press office?")["unknown_words"]


def test_a_count_from_another_year_is_doubted(answerer):
    # The 2019 article's counts are of 2019 (or 2018), never of 2016.
    question = "How many child protection case files were reviewed in 2016?"
    doubts = doubts_for(answerer, question, doc_id="003_934f7f560a60dbae")
    assert doubts["other_subject"] == 1.0


def test_a_grade_from_another_year_is_doubted(answerer):
    # The 2019 article's grades are of 2019 (or 2018), never of 2016.
    question = "What grade did inspectors give the force's child protection work in 2016?"
    doubts = doubts_for(answerer, question, doc_id="003_934f7f560a60dbae")
    assert doubts["other_subject"] == 1.0


def test_a_refusal_says_what_the_corpus_covers_and_offers_the_nearest_passages(answerer):
    reader = answerer.reader
    chunk = next(iter(reader.chunks.values()))
    nearest = [Passage(chunk=chunk, meta=reader.meta(chunk), score=0.5)]
    answer = abstention(
        "Who won the 2018 world cup?", "Who won the 2018 world cup?", nearest, reader
    )
    assert answer.abstained and not answer.citations
    assert answer.answer.startswith("The documents do not answer this question.")
    assert "They cover 5 documents, published 2013 to 2021" in coverage(
        [d.meta for d in reader.documents.values()]
    )
    assert "suggestions, not an answer" in answer.answer
    assert answer.suggestions[0].passage == chunk.text
