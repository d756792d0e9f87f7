"""Question analysis: validation, the kind of answer wanted, years, units and roles."""

from __future__ import annotations

import pytest

from assistant.errors import QuestionError
from assistant.retrieve.question import analyse, validate

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question,kind",
    [
        ("How many case files did inspectors review in 2019?", "number"),
        ("How much faster does the force find missing children?", "number"),
        ("What's the average caseload of a POLIT officer?", "number"),
        ("When was MADRA set up?", "date"),
        ("In which year was the post-inspection review?", "date"),
        ("Who is the HM Inspector of Constabulary?", "person"),
        ("Which chief constable responded in 2019?", "person"),
        ("Which team manages sex offenders?", "name"),
        ("Which police force was Simon Bailey chief constable of?", "name"),
        ("Besides HMIC, which other body reported on the force in 2013?", "name"),
        ("What did the police force say?", "finding"),
        # Plural roles ask which kind of officer; a person's job title is not a headline.
        ("Which officers' records showed children's views?", "finding"),
        ("Which officers were disciplined?", "person"),
        ("What was Zoe Billingham's official job title?", "finding"),
        ("What was the headline of the 2019 article?", "title"),
        ("What does MADRA stand for?", "acronym"),
        ("What is the NSCB?", "acronym"),
        ("What is NCPI short for?", "acronym"),
        ("Were children detained in custody?", "yesno"),
        ("What is a post-inspection review?", "definition"),
        # "Who is <a name>?" asks what they are, not for a name.
        ("Who is Simon Bailey?", "definition"),
        ("Who is the chief constable?", "person"),
        ("HMICFRS revisit timescale 2019", "number"),
        # Keywords end on the kind of thing wanted.
        ("MOSOVO budget 2021", "number"),
        ("What was the force's budget for child protection?", "number"),
        ("NSCB chair 2019", "person"),
        # However many words the keywords run to.
        (
            "Northamptonshire Police national child protection inspection report release date",
            "date",
        ),
        ("HMICFRS full name", "acronym"),
        ("Give me the full title of the HMICFRS report", "title"),
        ("What did the inspectorate say about the backlog of devices?", "finding"),
        # A scene-setting clause before the comma does not decide the kind.
        ("When someone rings the police, are call handlers quicker now?", "yesno"),
        ("In 2013, how many PCs were waiting to be examined?", "number"),
        ("On what exact date was the review published?", "date"),
        ("What minimum term was he given?", "number"),
        # A sentence setting the scene does not either.
        ("I'm reading up on 2013. Were the police slow to share information?", "yesno"),
        ("Briefing the board tomorrow. How many case files were viewed?", "number"),
        # "How much" naming the topic of what was said does not ask for a number.
        ("What did she say the inspection found about how much priority it gave?", "finding"),
        ("What warning did inspectors give in 2013 about how far it had to go?", "finding"),
        # Asked indirectly, a question wants what its direct form wants.
        ("Can you tell me when the statement was published?", "date"),
        ("Do you know how many case files were examined?", "number"),
        ("Remind me who spoke for the council.", "person"),
        ("I need the date the report came out.", "date"),
        ("Could you tell me whether the force improved?", "yesno"),
        ("Can you tell me what inspectors found in 2013?", "finding"),
        ("Name the chief constable in 2019.", "person"),
        # Other common ways of asking for a date, a number, a name.
        ("What was the date of the report?", "date"),
        ("The revisit happened when?", "date"),
        ("By when must the force improve?", "date"),
        ("What was the size of the backlog?", "number"),
        ("What age was Raphael Kennedy?", "number"),
        ("Which official spoke for the council?", "person"),
        ("Which judge sentenced Raphael Kennedy?", "person"),
        # A role with words before it is still a person's.
        ("Which senior police officer commented in 2021?", "person"),
        ("Which local newspaper reporter covered the 2013 story?", "person"),
        ("What was the name of the HMICFRS inspector in 2021?", "person"),
        ("What did the force spend on MADRA?", "number"),
        ("Where did Dylan Tiffin-Brown live?", "place"),
        ("Why are POLIT officers so busy?", "reason"),
        ("What prompted the force to set up MADRA?", "reason"),
        ("At which crown court were the two men sentenced?", "place"),
        ("What is the address of the press office?", "place"),
        # "Where" in a figurative sense, and "court" inside a word, are not places.
        ("Where did the inspectorate see the most progress?", "finding"),
        ("Which court-imposed conditions did he break?", "finding"),
        ("Which child protection jobs can only the police do?", "finding"),
        ("What organisation carried out the inspection?", "name"),
        ("How many warnings did inspectors give about how far it had to go?", "number"),
        ("What was the exact publication date of the Heart article?", "date"),
        ("What budget was given to the new command?", "number"),
        ("At what point in the day was the report made public?", "date"),
        ("Which period of inspection work is the report drawn from?", "date"),
        ("What period of time did the offenders wait?", "number"),
        ("What was MADRA meant to achieve?", "reason"),
        # A grade on the inspectorate's scale; a count of graded cases is a number.
        ("What overall grade did HMICFRS give the force in 2018?", "rating"),
        ("The force was rated what for protecting vulnerable people?", "rating"),
        ("What was the force rated for managing offenders?", "rating"),
        ("How many case files were rated inadequate?", "number"),
        ("What did the force change after inspectors rated it inadequate?", "finding"),
        ("Humberside PEEL 2017 vulnerability grade", "rating"),
        # Keywords, not a sentence: the last word says what is wanted.
        ("2013 HMIC return date", "date"),
        ("Evelyn-Rose Muggleton age", "number"),
        ("What was said on that day", "finding"),
    ],
)
def test_the_kind_of_answer_a_question_wants(question, kind):
    assert analyse(question).kind == kind


def test_years_units_roles_and_names_are_read_from_the_question():
    q = analyse("How many child protection case files did inspectors review in 2019?")
    assert q.years == (2019,) and q.unit == ("child", "protect", "case", "file")
    assert analyse("How much faster are children found?").unit == ()  # a rate, not a count
    assert analyse("Which chief constable responded?").role == ("chief", "constabl")
    assert analyse("What was the name of the inspector in 2021?").role == ("inspector",)
    assert analyse("Who was the HM Inspector quoted in 2019?").role == ("inspector",)
    assert analyse("What percentage of files were inadequate?").shape == "share"
    assert analyse("What did the force spend on MADRA?").shape == "money"
    assert analyse("What does MADRA stand for?").acronym == "MADRA"
    assert "Leicestershire" in analyse("How did Leicestershire Police do?").proper
    # The asker and the first word of each sentence are not names.
    context = analyse("I work in social care and I'm new. Did Leicestershire Police do well?")
    assert context.proper == ("Leicestershire", "Police")
    assert context.years == () and "social" in context.terms
    # In keywords, a capital is a name even on the first word; in a question it is not.
    assert analyse("Adderley unequivocal").proper == ("Adderley",)
    assert analyse("Quick one - when was the review?").proper == ()
    # ... and the role asked for is the word they end on.
    assert analyse("Dylan Tiffin-Brown father").role == ("father",)
    assert analyse("Who leads nationally on child abuse investigations?").role == ()
    # Accents are folded: the documents write both "Zoë" and "Zoe".
    assert analyse("What did Zoë Billingham say?").proper == ("Zoe", "Billingham")
    # A possessive is not part of the name: "Heart's story" names Heart.
    assert analyse("Heart's story on the 2019 report: when was it updated?").proper == ("Heart",)


@pytest.mark.parametrize(
    "question,shape",
    [
        ("How long did it take to find missing children?", "duration"),
        ("How soon will the inspectors come back?", "duration"),
        ("What minimum term was he given?", "duration"),
        ("POLIT demand rose 70% - over what time frame?", "duration"),
        ("How old were the two children?", "age"),
        ("What time was the report published?", "time"),
        ("How often does HMICFRS inspect each force?", "frequency"),
        ("On what date was the report published?", "day"),
        ("In which year was the review?", "year"),
        ("In which month of 2021 did inspectors go back?", "month"),
        ("At what point in the day was the report made public?", "time"),
        ("What is the aim of the Early Help Hub?", "purpose"),
        ("What budget was given to the new command?", "money"),
        ("How many case files were reviewed?", None),
    ],
)
def test_the_shape_of_a_number_or_date_answer(question, shape):
    assert analyse(question).shape == shape


@pytest.mark.parametrize(
    "question,tense",
    [
        ("What did HMIC find when it went back in October?", "past"),
        ("When is HMICFRS next going back to the force?", "future"),
        ("What will the force do about the backlog?", "future"),
        ("What did HMICFRS do next?", "past"),
        ("What did HMIC say it would do in October?", None),  # a plan may answer this
        ("What is MADRA?", None),
        # "Going to" a place is not "going to" do something.
        ("What did HMIC find about officers going to domestic incidents?", "past"),
        ("What is the force going to do next?", "future"),
    ],
)
def test_whether_a_question_asks_what_happened_or_what_is_to_come(question, tense):
    assert analyse(question).tense == tense


def test_a_role_is_its_common_words_not_the_names_that_say_whose():
    assert analyse("Who was Dylan Tiffin-Brown's father?").role == ("father",)
    assert analyse("Who was Northamptonshire's chief constable?").role == ("chief", "constabl")


@pytest.mark.parametrize("bad", ["", "   \n\t ", "?!?"])
def test_an_empty_question_is_refused_with_a_clear_message(bad):
    with pytest.raises(QuestionError, match=r"empty|no words"):
        validate(bad, 2000)


def test_a_huge_question_is_refused_naming_its_length_and_the_limit():
    with pytest.raises(QuestionError, match="100,000 characters long; the limit is 2,000"):
        validate("x" * 100_000, 2000)


def test_whitespace_is_tidied():
    assert validate("  What   is\nMADRA? ", 2000) == "What is MADRA?"
