"""The words of a text: tokens, stems and the words that carry meaning."""

from __future__ import annotations

import pytest

from assistant.text.terms import content_stems, stem, words

pytestmark = pytest.mark.unit


def test_a_past_form_is_the_same_word_as_its_verb():
    # "Did it say the force understood ...?" is answered by "It understands ...".
    assert stem("understood") == stem("understands")
    assert stem("found") == stem("finds")
    assert stem("led") == stem("leads")


def test_accents_are_folded_so_both_spellings_of_a_name_match():
    assert (
        words("Zoë Billingham said")
        == words("Zoe Billingham said")
        == [
            "Zoe",
            "Billingham",
            "said",
        ]
    )


def test_only_the_words_that_carry_meaning_are_kept_once_each_in_order():
    assert content_stems("What does MADRA stand for, and what does MADRA do?") == [stem("MADRA")]
    assert content_stems("Nobody but the chief constable spoke") == [
        stem(w) for w in ("only", "chief", "constable", "spoke")
    ]
