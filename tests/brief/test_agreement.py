"""Agreement of a sentence with a claim: figures, years, names, negation."""

from __future__ import annotations

import pytest

from assistant.brief.agreement import agree, closest_clause, figures, names_in, negated
from assistant.types import Document, DocumentMeta

pytestmark = pytest.mark.unit
DOC = Document(
    meta=DocumentMeta(doc_id="d", title="Report", publisher="HMICFRS", published="2019-07-24"),
    text="The 2019 report viewed 21 case files. Our 2018 inspection found delays.",
    sha256="x",
)
COMMON = {"police", "force", "the", "report", "inspectors"}


def test_figures_leave_years_out_and_read_words():
    assert figures("In 2019 it viewed twenty-one files, a 25% fall") == {"21", "25"}


def test_negation_is_read_in_the_clause_that_matches():
    sentence = "Arrangements were wholly inadequate, and children were not properly protected."
    assert closest_clause("arrangements were wholly inadequate", sentence).startswith(
        "Arrangements"
    )
    assert negated("the force is not managing risk") and not negated("no more than 12 months")


def test_names_are_capitalised_words_the_documents_never_write_in_lower_case():
    assert names_in("Nick Adderley said the Police were right", COMMON) == {"Nick", "Adderley"}
    assert names_in("The Police said so", COMMON) == set()


@pytest.mark.parametrize(
    ("claim", "problems", "gaps"),
    [
        ("The 2019 report viewed 21 case files.", (), ()),
        ("The 2019 report viewed 25 case files.", ("gives 21, not 25",), ()),
        ("The 2017 report viewed 21 case files.", ("is about 2019",), ()),
        ("The 2019 report did not view 21 case files.", ("does not deny it",), ()),
        ("Adderley said the 2019 report viewed 21 case files.", (), ("does not name Adderley",)),
    ],
)
def test_a_changed_figure_year_name_or_negation_disagrees(claim, problems, gaps):
    got = agree(claim, "The 2019 report viewed 21 case files.", DOC.text, DOC, COMMON)
    assert (got.problems, got.gaps) == (problems, gaps)
