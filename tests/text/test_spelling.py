"""A name written differently from the documents is put right, and nothing else is."""

from __future__ import annotations

import pytest

from assistant.text.spelling import NameSpeller

pytestmark = pytest.mark.unit

SPELLER = NameSpeller.of_texts(
    [
        "2 year-old Dylan Tiffin-Brown was killed. Chief Constable Nick Adderley said so.",
        "The Hi-Tech Crime Unit and the Early Help Hub. Ryan Coleman and Paul Colman.",
        "POLIT officers have 31 cases, the highest of any team, the hub said.",
    ]
)


@pytest.mark.parametrize(
    "question,expected",
    [
        # A name the documents only write hyphenated.
        ("How old was Dylan Tiffin Brown?", "How old was Dylan Tiffin-Brown?"),
        ("What is the Hi Tech Crime Unit?", "What is the Hi-Tech Crime Unit?"),
        # A hyphen the documents never write.
        ("What is the Early-Help Hub?", "What is the Early Help Hub?"),
        # One slip from one name: a letter missing, extra or swapped.
        ("What did Nick Adderly say?", "What did Nick Adderley say?"),
        ("What did Nick Aderley say?", "What did Nick Adderley say?"),
        ("What did Nick Adderlye say?", "What did Nick Adderley say?"),
        # Left alone: names the documents lack, words they use, and a slip from two names.
        ("What did Leicestershire Police say?", "What did Leicestershire Police say?"),
        ("What did Nick Adderley say?", "What did Nick Adderley say?"),
        ("What did Ryan Colean say?", "What did Ryan Colean say?"),
        ("what did nick adderly say?", "what did Nick Adderley say?"),
        ("ryan colean", "Ryan colean"),  # one slip from two names: left alone
        # Typed in lower case: people's names and acronyms, as the documents write them;
        # not words the documents also write in lower case.
        ("what did nick adderley say?", "what did Nick Adderley say?"),
        ("polit caseload", "POLIT caseload"),
        (
            "what did the hub say about the early help hub?",
            "what did the hub say about the early help hub?",
        ),
    ],
)
def test_a_name_is_written_as_the_documents_write_it(question, expected):
    assert SPELLER.respell(question) == expected


def test_an_acronym_one_slip_from_one_the_documents_use_is_put_right():
    speller = NameSpeller.of_texts(["The MOSOVO team and the POLIT team met the MASH."])
    assert speller.respell("MOSOVA team supervision") == "MOSOVO team supervision"
    assert speller.respell("What is PEEL?") == "What is PEEL?"  # too short to guess at
    assert speller.respell("What is MOSOVO?") == "What is MOSOVO?"
