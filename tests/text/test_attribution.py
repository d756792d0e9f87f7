"""Who a quoted sentence quotes: named attributions, "She continued:", and where quotes end."""

from __future__ import annotations

import pytest

from assistant.text.attribution import attribution, quotations
from assistant.text.terms import words

pytestmark = pytest.mark.unit

TEXT = """Inspectors visited the force in 2019.

Commenting on the report, HM Inspector of Constabulary Jane Doe said:

"Child protection is one of our most important duties.

Progress has been slow."

The force was inspected again in 2020.

She continued:

“Some things have improved. Others have not.”

It said:

"Backlogs remain."

Chief Constable John Smith said: “We welcome the report.” He thanked his staff.
"""
QUOTES = quotations(TEXT, frozenset(w for w in words(TEXT) if w.islower()))


def quoted(sentence: str) -> str | None:
    found = attribution(TEXT, TEXT.index(sentence), QUOTES)
    return found.speaker if found else None


def test_a_quoted_sentence_is_attributed_to_the_person_named_before_it():
    assert quoted('"Child protection is one') == "Jane Doe"
    assert quoted("Progress has been slow") == "Jane Doe"  # a later sentence of the quote
    assert quoted("Others have not") == "Jane Doe"  # "She continued:"
    found = attribution(TEXT, TEXT.index("Progress has"), QUOTES)
    assert found is not None and "HM Inspector of Constabulary" in found.intro


def test_narrative_and_unnamed_speakers_are_not_attributed():
    assert quoted("Inspectors visited") is None  # before any quote
    assert quoted("The force was inspected again") is None  # the quote has closed
    assert quoted('"Backlogs remain') is None  # "It said:" is the report, not a person
    assert quoted("He thanked his staff") is None  # after the closing mark
    assert quoted("“We welcome") == "John Smith"
