"""Does a sentence supply the kind of answer asked for? Plain patterns, checked on
sentences of the kind the reports contain."""

from __future__ import annotations

import pytest

from assistant.answer.answer_types import (
    answer_type_score,
    asks_publication,
    publication_score,
    tense_mismatch,
)
from assistant.retrieve.question import analyse

pytestmark = pytest.mark.unit

LOWER = {"father", "figures", "killed", "were", "and"}


def score(question: str, sentence: str, known: frozenset[str] = frozenset()) -> float:
    return answer_type_score(analyse(question), sentence, LOWER, known)


@pytest.mark.parametrize(
    "question,sentence,expected",
    [
        # The thing counted must be what was asked about, not a word near some number.
        ("How many case files were reviewed?", "It viewed 21 child protection case files.", 1.0),
        ("How many new posts were created?", "Published on: 24 March 2021 Publication types", 0.0),
        ("How many recommendations were made?", "We inspected the force in 2018.", 0.0),
        ("How many recommendations were made?", "Officers reviewed 21 case files.", 0.5),
        # A span of time is not a count of people, unless time is what is counted.
        ("How many officers were trained?", "Training ran over the past two years.", 0.2),
        ("How many months did the review take?", "It took 12 months.", 1.0),
        # A list item's number is not a count of anything.
        (
            "How many more officers manage offenders?",
            "## Improvements since 2019\n\n1. More officers now manage offenders.",
            0.0,
        ),
        # An age is a number of years old, not any number.
        ("How old were the children?", "2 year-old Dylan and 1 year-old Evelyn-Rose", 1.0),
        ("How old were the children?", "It cited missed opportunities in two deaths.", 0.3),
        ("How old was Ryan Coleman?", "Ryan Coleman, 23, was jailed for life.", 1.0),
        # Time is not a population, and "a third inspection" is not a share.
        ("What is the population of the county?", "It improved over the past two years.", 0.2),
        ("By what percentage did reports rise?", "A third inspection was carried out.", 0.0),
        ("How large is the PDF?", "Get the report (PDF document, 317kB)", 1.0),
        # A duration is a number of units of time; an age is not.
        ("How soon will they return?", "They will return no more than 12 months after.", 1.0),
        ("What minimum term was he given?", "2 year-old Dylan was killed.", 0.3),
        ("How long did it take?", "a 25% reduction in time taken", 0.3),
        # "How often" wants a frequency; "each police force" is not one.
        ("How often are forces inspected?", "Forces are inspected every two years.", 1.0),
        ("How often are forces inspected?", "It will assess each police force in England.", 0.0),
        # "On what date" wants a day; a month alone half answers it.
        ("On what date was she killed?", "She was killed in April last year.", 0.5),
        ("On what date was it published?", "It was published on 24 July 2019.", 1.0),
        # "What percentage?" wants a share; another number only partly answers it.
        ("What percentage of files were inadequate?", "A quarter were inadequate.", 1.0),
        ("What percentage of files were inadequate?", "It viewed 21 case files.", 0.3),
        # "How much did it cost?" wants an amount of money, not a share or a count.
        ("How much did the force spend on it?", "It spent £1.2 million on the unit.", 1.0),
        ("How much did the force spend on it?", "Demand rose by 70% in a year.", 0.0),
        ("What is the budget of the team?", "Officers carry 31 cases each.", 0.0),
        # "How many times had it ...?" is answered by "a third inspection".
        (
            "How many times had HMICFRS inspected the force?",
            "It carried out a third inspection.",
            1.0,
        ),
        # "What year" is answered by a year as fully as by a day.
        ("In what year was the force first inspected?", "It was inspected in 2018.", 1.0),
        ("When was the force first inspected?", "It was inspected in 2018.", 0.6),
        # "Which month?" wants a month: a season or a year is a rung or two vaguer, and
        # "last year" is a year.
        ("In which month of 2021 did they return?", "They returned in May 2021.", 1.0),
        ("In which month did they return?", "They returned in the autumn of 2021.", 0.5),
        ("In which month of 2021 did they return?", "They returned last year (2021).", 0.3),
        ("When did they return?", "They returned in the autumn of 2021.", 1.0),
        ("When did they return?", "They returned last year.", 0.6),
        # "What time" and "what hours" want a time of day, not a date.
        ("What time was the story posted?", "Posted 24 July 2019, 17:13.", 1.0),
        ("When is the press office open?", "It is open 9:00am – 5:00pm, Monday to Friday.", 1.0),
        ("What time was the story posted?", "The story was posted on 24 July 2019.", 0.3),
        ("When was she killed?", "She was killed in April last year.", 1.0),
        # A part of the day is a time of day.
        ("At what point in the day was it published?", "A report, published this morning.", 1.0),
        # The dates the question gives are not the answer.
        ("Which period is the March 2021 report based on?", "Published 24 March 2021.", 0.0),
        (
            "Which period is the March 2021 report based on?",
            "Between November and December 2020.",
            1.0,
        ),
        ("When in 2019 was the report published?", "It was published on 24 July 2019.", 1.0),
        # A grade is one of the inspectorate's, and not one the question gives.
        ("What grade did the force get in 2015?", "HMIC rates the force good overall.", 1.0),
        ("What grade did the force get in 2015?", "Inspectors looked at 81 cases.", 0.0),
        ("What was it rated after the inadequate 2014 grade?", "It was still inadequate.", 0.0),
        # A count of cases given one grade is not a count of those given another.
        ("How many were rated inadequate?", "18 were rated good;", 0.5),
        ("How many were rated inadequate?", "29 were rated inadequate.", 1.0),
        ("What percentage of files were inadequate?", "A quarter of the files were.", 0.5),
        ("How many cases required improvement?", "47 were judged to require improvement.", 1.0),
        # Nor are the numbers it gives: "81" is what it counts from, not how many.
        ("How many of the 81 cases were rated inadequate?", "Inspectors looked at 81 cases.", 0.0),
        ("How many of the 81 cases were rated inadequate?", "29 were rated inadequate.", 1.0),
    ],
)
def test_numbers_durations_frequencies_dates_and_grades(question, sentence, expected):
    assert score(question, sentence) == pytest.approx(expected)


def test_only_role_words_the_documents_use_are_required():
    question = "Who was the top official at the council?"
    sentence = "The chief executive of the county council, Paul Blantern, said so."
    assert score(question, sentence, known=frozenset({"chief", "execut", "council"})) == 1.0
    assert score(question, sentence, known=frozenset({"top", "offici"})) == 0.5


def test_a_role_is_answered_by_the_name_that_goes_with_it():
    question = "Who was Dylan Tiffin-Brown's father?"
    beside = "Dylan's father, Raphael Kennedy, 31, and Ryan Coleman, 23, were jailed for life."
    apart = "Dylan Tiffin-Brown and Evelyn-Rose Muggleton were killed by father figures."
    assert score(question, beside) == 1.0
    assert score(question, apart) == 0.5
    # Her mother's boyfriend is not her mother.
    mother = "What is the name of Evelyn-Rose Muggleton's mother?"
    assert score(mother, "Evelyn-Rose's mother's boyfriend, Ryan Coleman, 23, was jailed.") == 0.5


def test_a_plan_does_not_answer_what_happened_nor_the_past_what_is_to_come():
    found = analyse("What did HMIC find when it went back in October?")
    assert tense_mismatch(found, "We will return to the force in October to inspect progress.")
    assert not tense_mismatch(found, "The revisit found the force had made extensive changes.")
    upcoming = analyse("When is HMICFRS next going back to the force?")
    assert tense_mismatch(upcoming, "In March 2019 HMICFRS conducted a post-inspection review.")
    assert not tense_mismatch(upcoming, "We will return to the force in October.")


def test_the_name_asked_for_is_not_one_the_question_gives():
    question = "Which police force was CC Simon Bailey chief constable of?"
    assert score(question, "Many forces (and the national lead CC Simon Bailey) agree.") == 0.0
    assert score(question, "He was chief constable of Norfolk Constabulary.") == 1.0


def test_who_did_what_a_body_does_may_be_answered_by_a_body():
    assert score("Who wrote to the force?", "As a result, HMIC wrote to the force.") == 1.0
    assert score("Who found a legacy of harm?", "A damning OFSTED report found it.") == 1.0
    # A body does not chair, nor speak for the force: a person does.
    assert score("Who chaired the Safeguarding Board?", "The NSCB said so.") == 0.0
    assert score("Who spoke for the force?", "The HMICFRS report viewed case files.") == 0.0


def test_when_it_came_out_is_answered_by_a_dateline_more_than_by_a_date_it_reports():
    assert asks_publication(analyse("When was the Heart article first published?"))
    assert not asks_publication(analyse("When did the NCPI programme first inspect the force?"))
    assert asks_publication(analyse("Give me the date of the Heart article"))
    assert asks_publication(analyse("On what date did Heart report on the inspection?"))
    assert not asks_publication(analyse("When did the report say the children were killed?"))
    assert publication_score("24 July 2019, 17:13 | Updated: 24 July 2019", is_label=True) == 1.0
    assert publication_score("The report, published this morning, said.", is_label=False) == 1.0
    assert publication_score("They were killed in December 2017.", is_label=False) == 0.5


def test_a_team_can_be_named_by_its_acronym():
    question = "Which team has the heaviest workload in the force?"
    assert score(question, "POLIT officers have an average workload of 31 cases.") == 1.0
    assert score(question, "Officers have an average workload of 31 cases.") == 0.0
    assert score(question, "Read the report online (HTML).") == 0.0


def test_a_place_is_named_or_an_address_not_a_month():
    question = "Where did Dylan Tiffin-Brown live?"
    assert score(question, "They were jailed at Northampton Crown Court.") == 1.0
    assert score(question, "The family lived in Corby.") == 1.0
    assert score(question, "He was killed in December 2017.") == 0.0
    assert score(question, "It was set up due to COVID-19 lockdown restrictions.") == 0.0


def test_a_why_question_prefers_a_sentence_that_gives_a_reason():
    question = "Why was MADRA set up?"
    assert score(question, "It was set up in response to a rise in domestic abuse.") == 1.0
    assert score(question, "It was set up in April 2020.") == 0.0


def test_a_purpose_is_an_aim_not_the_occasion():
    question = "What was MADRA meant to achieve?"
    assert score(question, "The aim was to strengthen child safeguarding.") == 1.0
    assert score(question, "It was set up in response to a rise in domestic abuse.") == 0.0
