"""Claim check on the real corpus: supported, not supported when a figure or year is
changed, contradicted when a report says the opposite, not found when unrelated."""

from __future__ import annotations

import pytest

from assistant.answer.citations import normalise
from assistant.brief.claims import check_claim
from assistant.errors import QuestionError
from assistant.evals.claim_check import CLAIMS, accuracy, load_claim_cases, run_claims
from assistant.ingest.corpus import load_corpus
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration
DOCS = {d.doc_id: d for d in load_corpus(CORPUS).documents}
HEART_2019 = "003_934f7f560a60dbae"


def test_a_true_figure_is_supported_by_the_passage_that_gives_it(real_pipeline):
    check = check_claim(real_pipeline, "Inspectors viewed 21 child protection case files in 2019.")
    assert check.verdict == "supported" and not check.contradicting
    [support] = check.supporting
    citation = check.citations[support.citation - 1]
    assert citation.doc_id == HEART_2019 and "viewed 21 child protection case files" in support.text
    assert DOCS[citation.doc_id].text[citation.start : citation.end] == citation.quote
    assert normalise(support.text) == normalise(citation.quote)


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("Inspectors viewed 25 child protection case files in 2019.", "gives 21, not 25"),
        ("Inspectors viewed 21 child protection case files in 2017.", "is about 2019"),
        ("MADRA was established in April 2019.", "is about 2020"),
    ],
)
def test_a_changed_number_or_year_is_not_supported(real_pipeline, claim, reason):
    check = check_claim(real_pipeline, claim)
    assert check.verdict not in ("supported", "partly supported") and not check.supporting
    assert any(e.reason == reason for e in check.contradicting)


def test_a_claim_a_later_report_denies_is_contradicted(real_pipeline):
    check = check_claim(real_pipeline, "The force is effectively managing risk.")
    assert check.verdict == "contradicted"
    assert all(e.stance == "contradicts" for e in check.contradicting)
    assert any("not effectively managing risk" in e.text for e in check.contradicting)


def test_an_unrelated_claim_is_not_found_and_a_paraphrase_with_its_figure_is_found(real_pipeline):
    unrelated = check_claim(real_pipeline, "The force bought three new helicopters in 2015.")
    assert unrelated.verdict == "not found" and unrelated.citations == ()
    paraphrase = check_claim(real_pipeline, "The force now finds missing children 25% faster.")
    assert paraphrase.verdict == "supported"
    assert "25% reduction in time taken to locate missing children" in paraphrase.supporting[0].text


def test_the_person_a_claim_names_must_be_the_one_who_said_it(real_pipeline):
    said = "said child protection arrangements were wholly inadequate."
    assert check_claim(real_pipeline, f"Zoë Billingham {said}").verdict == "supported"
    assert check_claim(real_pipeline, f"Nick Adderley {said}").verdict == "not found"


def test_an_empty_claim_is_refused(real_pipeline):
    with pytest.raises(QuestionError):
        check_claim(real_pipeline, "  ")


def test_the_claim_eval_set_covers_every_verdict_and_is_scored(real_pipeline):
    # The whole set runs in `assistant eval --gate` (make test); here, that it loads and
    # that a run scores verdicts against the expected ones.
    cases, minimum = load_claim_cases(ROOT / CLAIMS)
    assert len(cases) >= 30 and minimum is not None
    assert {c.verdict for c in cases} == {
        "supported",
        "partly supported",
        "contradicted",
        "not found",
    }
    sample = [c for c in cases if c.id in ("case-files-21-2019", "helicopters")]
    results = run_claims(real_pipeline, sample)
    assert [r.got for r in results] == ["supported", "not found"] and accuracy(results) == 1.0
