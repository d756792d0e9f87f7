"""Proper names: people, not the bodies and titles around them; acronyms and the runs of
words that spell them."""

import re

import pytest

from assistant.ingest.corpus import load_corpus
from assistant.text.proper_names import Initials, has_person
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

LOWER = {"father", "figures", "killed", "were", "and"}


def test_the_answer_to_who_is_not_a_person_the_question_already_names():
    sentence = "2 year-old Dylan Tiffin-Brown was killed in December 2017."
    assert not has_person(sentence, LOWER, exclude=("Dylan", "Tiffin-Brown's"))
    assert has_person(sentence, LOWER)
    assert has_person("Dylan's father, Raphael Kennedy, 31.", LOWER, exclude=("Dylan",))


def test_an_acronym_is_spelled_by_the_initials_of_a_run_of_words():
    text = "the Multi Agency Daily Risk Assessment and the Management of Offenders"
    spelled = Initials.of_texts([text])
    assert all(map(spelled.spell, ["MADRA", "MO", "MOO", "TMADRA", "MADRAATMOO"[:8]]))
    assert not any(map(spelled.spell, ["PEEL", "MADRAATMOO", "M", "ADRM"]))


def test_a_run_of_words_that_spells_an_acronym_lies_within_one_document():
    spelled = Initials.of_texts(["the Multi Agency", "Daily Risk Assessment"])
    assert spelled.spell("TMA") and spelled.spell("DRA")
    assert not spelled.spell("MADRA") and not spelled.spell("MA|DRA")


def _every_run_spells(text: str, longest: int = 8) -> set[str]:
    """What the runs of a text's words spell, each run worked out (as the answerer once did)."""
    tokens = [p for t in re.findall(r"[\w’'&-]+", text) for p in t.split("-") if p]
    found: set[str] = set()
    for i in range(len(tokens)):
        every, content = "", ""
        for token in tokens[i : i + longest]:
            every += token[0].upper()
            if token.lower() not in {"of", "and", "or", "for", "the", "&", "in", "on", "to", "a"}:
                content += token[0].upper()
            found.update(x for x in (every, content) if len(x) >= 2)
    return found


def test_acronyms_spelled_are_those_every_run_of_words_spells():
    """Every string of initials that some run of up to 8 of the seed documents' words
    spells, and no other (the strings of a run one word longer, and of letters shuffled)."""
    for doc in load_corpus(CORPUS).documents:
        runs, spelled = _every_run_spells(doc.text), Initials.of_texts([doc.text])
        assert all(spelled.spell(x) for x in runs)
        longer = {x + "Q" for x in runs if len(x) < 8} | {x[::-1] for x in runs}
        assert not any(spelled.spell(x) for x in longer - runs)
