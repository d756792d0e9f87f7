"""Follow-up questions are rewritten from the conversation before searching."""

from __future__ import annotations

import pytest

from assistant.retrieve.followups import Turn, rewrite
from assistant.types import Answer, Statement

pytestmark = pytest.mark.unit


def turn(question: str, answer: str = "", abstained: bool = False) -> Turn:
    statements = (Statement(text=answer, citations=(1,)),) if answer else ()
    return Turn(
        question,
        question,
        Answer(question=question, searched_for=question, answer=answer,
               abstained=abstained, statements=statements),
    )  # fmt: skip


def test_a_question_that_stands_alone_is_unchanged():
    history = [turn("What does MADRA stand for?")]
    q = "How did Leicestershire Police do in its national child protection inspection?"
    assert rewrite(q, history) == q
    assert rewrite("What does MOSOVO stand for?", history) == "What does MOSOVO stand for?"
    assert rewrite("When was it set up?", []) == "When was it set up?"


def test_what_about_a_year_swaps_the_year():
    history = [turn("How many case files were reviewed in 2019?")]
    assert rewrite("What about 2020?", history) == "How many case files were reviewed in 2020?"
    assert rewrite("And in 2018?", history) == "How many case files were reviewed in 2018?"


def test_what_about_a_topic_swaps_the_topic():
    history = [turn("What did the 2019 report say about missing children?")]
    assert rewrite("What about sex offenders?", history) == (
        "What did the 2019 report say about sex offenders?"
    )


def test_a_pronoun_is_resolved_from_the_last_turn():
    history = [turn("What is the Multi Agency Daily Risk Assessment?")]
    assert "Multi Agency Daily Risk Assessment" in rewrite("When was it set up?", history)


def test_that_team_is_the_team_the_last_answer_named():
    history = [
        turn(
            "Which team manages sex offenders?",
            "One is the MOSOVO (Management of Sexual or Violent Offenders) team specifically",
        )
    ]
    assert "MOSOVO" in rewrite("Who leads that team?", history)


def test_the_year_of_the_conversation_carries_over():
    history = [turn("What did the 2019 report say about the force?")]
    rewritten = rewrite("How did the case files it examined come out?", history)
    assert "2019" in rewritten


def test_who_said_that_carries_what_was_said():
    history = [
        turn("What was wholly inadequate?", "child protection arrangements were wholly inadequate")
    ]
    assert "wholly inadequate" in rewrite("Who said that?", history)


def test_a_leading_and_does_not_make_a_full_question_elliptical():
    history = [turn("What concerns came out of the 2018 inspection?")]
    rewritten = rewrite("And what did the follow-up review in 2019 conclude?", history)
    assert rewritten.lower().startswith("what did the follow-up review in 2019 conclude")


def test_a_pronoun_with_its_own_antecedent_stands_alone_even_after_another_topic():
    history = [turn("What is the recipe for lasagne?", abstained=True)]
    q = "How many case files did inspectors review in 2019, and how were they rated?"
    assert rewrite(q, history) == q


def test_and_about_a_topic_keeps_the_year_and_says_about_once():
    history = [turn("What did the force say about missing children in 2021?")]
    assert rewrite("And about sex offenders?", history) == (
        "What did the force say about sex offenders in 2021?"
    )


def test_she_is_the_person_the_last_answer_named_not_the_body():
    history = [
        turn(
            "Who was the HM Inspector quoted in 2019?",
            "Commenting on the report, HMICFRS's HM Inspector of Constabulary Zoe Billingham said:",
        )
    ]
    rewritten = rewrite("What else did she say?", history)
    assert "Zoe Billingham" in rewritten and "HMICFRS" not in rewritten


def test_it_is_the_thing_the_last_question_asked_about():
    history = [
        turn(
            "When was the post-inspection review?",
            "In March 2019 HMICFRS conducted a post-inspection review.",
        )
    ]
    assert "the post-inspection review" in rewrite("What did it conclude?", history)


def test_what_prompted_it_is_the_event_the_last_question_asked_about():
    # "it" is the third visit, not HMICFRS, the name the last question opens with.
    history = [turn("When did HMICFRS make its third visit to the force?")]
    assert "third visit" in rewrite("What had prompted it?", history)


def test_a_short_follow_up_without_a_subject_of_its_own_keeps_the_year():
    history = [turn("What did the 2019 report find about case files?")]
    assert rewrite("Who responded for the force?", history) == (
        "Who responded for the force in 2019?"
    )
    # One with a name or a year of its own stands alone.
    assert rewrite("What does MOSOVO stand for?", history) == "What does MOSOVO stand for?"
    assert rewrite("Who responded in 2021?", history) == "Who responded in 2021?"


def test_it_after_what_did_someone_do_is_not_guessed_to_be_the_doer():
    # "it" is what the force set up (the answer), not the force: the earlier question
    # comes along whole instead of a wrong name.
    history = [
        turn(
            "What did Northamptonshire Police introduce in April 2020?",
            "A positive initiative introduced by the Force called the Multi Agency Daily "
            "Risk Assessment (MADRA), established in April 2020.",
        )
    ]
    rewritten = rewrite("Who takes part in it?", history)
    assert not rewritten.startswith("Who takes part in Northamptonshire Police")
    assert "What did Northamptonshire Police introduce in April 2020" in rewritten


def test_that_with_a_noun_the_last_turn_never_used_is_not_glued_to_a_name():
    history = [turn("What did Heart say the inspectorate would do in 2019?")]
    rewritten = rewrite("Why did it make that choice?", history)
    assert "Heart choice" not in rewritten and "Heart's choice" not in rewritten
    assert "What did Heart say the inspectorate would do in 2019" in rewritten
