"""Questions that ask two things: split into their parts, and the parts' answers joined
with citations numbered through."""

from __future__ import annotations

import pytest

from assistant.retrieve.compound import joined, parts
from assistant.types import Answer, Citation, Statement

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How many cases were rated inadequate in 2017, and what did the 2022 review say?",
            ["How many cases were rated inadequate in 2017?", "What did the 2022 review say?"],
        ),
        (
            "Cheshire was rated what for protecting vulnerable people, and who was HMI?",
            ["Cheshire was rated what for protecting vulnerable people?", "Who was HMI?"],
        ),
        # A short part naming nothing is of the year named before it.
        (
            "How many cases were examined in 2019, and how many were inadequate?",
            ["How many cases were examined in 2019?", "How many were inadequate in 2019?"],
        ),
        # One question: a clause, a keyword query, a pair of verbs.
        (
            "What is the difference between what inspectors found and what the force said?",
            ["What is the difference between what inspectors found and what the force said?"],
        ),
        ("Lincolnshire progress and what remains", ["Lincolnshire progress and what remains"]),
        ("What did inspectors find and recommend?", ["What did inspectors find and recommend?"]),
    ],
)
def test_a_question_is_split_into_the_questions_it_joins(question: str, expected: list[str]):
    assert parts(question) == expected


def _answer(ask: str, text: str = "", cites: int = 0) -> Answer:
    citations = tuple(
        Citation(
            n=n, doc_id=f"d{n}", title="t", publisher=None, kind=None, published=None,
            url=None, page=None, quote="q", start=0, end=1, passage="q", passage_start=0,
            chunk_id="c",
        )
        for n in range(1, cites + 1)
    )  # fmt: skip
    statements = tuple(Statement(text=text, citations=(c.n,)) for c in citations)
    return Answer(
        question="whole", searched_for=ask, answer=f"{text} [1]" if cites else "no",
        abstained=not cites, citations=citations, statements=statements, confidence=cites,
    )  # fmt: skip


def test_joined_answers_number_their_citations_through_and_name_what_is_unanswered():
    answer = joined(
        "whole",
        "whole?",
        [_answer("A?", "Fact a.", 1), _answer("B?"), _answer("C?", "Fact c.", 1)],
    )
    assert not answer.abstained
    assert answer.answer == "Fact a. [1]\nFact c. [2]"
    assert [c.n for c in answer.citations] == [1, 2]
    assert [st.citations for st in answer.statements] == [(1,), (2,)]
    assert answer.notice == "The documents do not answer this part of the question: “B?”"


def test_when_no_part_is_answered_the_whole_is_an_abstention():
    answer = joined("whole", "whole?", [_answer("A?"), _answer("B?")])
    assert answer.abstained and answer.searched_for == "whole?"
