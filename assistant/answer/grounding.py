"""Does a passage back a generated sentence? Split a language model's reply into sentences
with the passage numbers they cite, and check each against the passages: numbers exactly,
content words by share. Used by the LLM answerer; no model here.
"""

from __future__ import annotations

import re

from assistant.answer.citations import normalise
from assistant.text.dates import human_date
from assistant.text.sentences import LIST_NUMBER
from assistant.text.terms import content_stems
from assistant.types import Passage

# Share of a sentence's content words (stems) that a cited passage must contain. On the
# seed corpus, all on one topic, a sentence checked against a chunk it is not in passes in
# 6.6% of pairs (0.7: 3.5%); a sentence with 2 of its words swapped passes in 93% (0.7:
# 89%), 3 swapped in 87% (0.7: 67%). 0.7 would reject "Inspectors reviewed 21 case files..."
# for "the report viewed 21 case files" (4 of 6 words); numbers are checked exactly anyway.
MIN_WORD_SHARE = 0.6


def heading(passage: Passage) -> str:
    """ "Title (Publisher, 24 July 2019, page 3)": which source and year a passage is from."""
    meta = passage.meta
    parts = [meta.publisher or "publisher unknown", human_date(meta.published)]
    if passage.chunk.page:
        parts.append(f"page {passage.chunk.page}")
    return f"{meta.title} ({', '.join(parts)})"


_MARKS = r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]"  # [2], [1, 3]
_MARK = re.compile(_MARKS)
# A sentence ends at . ! or ? (after a closing quote or bracket, with markers after or
# before it), but not at the full stop of a common abbreviation.
_END = re.compile(
    rf"(?:(?:\s*{_MARKS})+\s*[.!?]+"
    rf"|(?<!\be\.g)(?<!\bi\.e)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)"
    rf"[.!?]+[\"”’')]*(?:\s*{_MARKS})*)(?=\s|$)"
)
_BULLET = re.compile(rf"(?m)^\s*(?:[-*•]|{LIST_NUMBER})\s+")
_THINKING = re.compile(r"<think>.*?</think>", re.S)


def parse_reply(reply: str) -> list[tuple[str, tuple[int, ...]]]:
    """The reply's sentences without their markers, each with the passage numbers it cites
    (in order, no repeats). A sentence without markers comes with an empty tuple."""
    text = _BULLET.sub("", _THINKING.sub(" ", reply).replace("**", ""))
    text = " ".join(text.split())
    pieces, start = [], 0
    for m in _END.finditer(text):
        pieces.append(text[start : m.end()])
        start = m.end()
    pieces.append(text[start:])
    sentences: list[tuple[str, tuple[int, ...]]] = []
    for piece in pieces:
        cited = [int(n) for mark in _MARK.findall(piece) for n in re.findall(r"\d+", mark)]
        words = re.sub(r"\s+([.,;:!?])", r"\1", normalise(_MARK.sub(" ", piece)))
        if words.strip(" .!?"):
            sentences.append((words, tuple(dict.fromkeys(cited))))
    return sentences


_DIGITS = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?!\w)")
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORD = re.compile(
    rf"\b({'|'.join(_TENS)})(?:[- ]({'|'.join(_UNITS[1:10])}))?\b|\b({'|'.join(_UNITS)})\b",
    re.I,
)


def numbers_in(text: str) -> set[str]:
    """The numbers written in digits ("21", "2019", "1,200" as "1200", "45%" as "45")."""
    found = set()
    for m in _DIGITS.finditer(text):
        raw = re.sub(r"(st|nd|rd|th)$", "", m.group(0)).replace(",", "")
        found.add(str(int(raw)) if raw.isdigit() else raw)
    return found


def number_words_in(text: str) -> set[str]:
    """Numbers written in words, as digits ("twenty-one" as "21")."""
    found = set()
    for m in _NUMBER_WORD.finditer(text):
        tens, unit, small = (g.lower() if g else "" for g in m.groups())
        if small:
            found.add(str(_UNITS.index(small)))
        else:
            found.add(str(20 + 10 * _TENS.index(tens) + (_UNITS.index(unit) if unit else 0)))
    return found


def support(sentence: str, passage: Passage) -> float:
    """How well the passage (with its heading: title, publisher, date) backs the sentence:
    0 unless every number the sentence writes in digits is in it, in digits or words;
    otherwise the share of the sentence's content words (as stems) it contains."""
    source = f"{heading(passage)}\n{passage.chunk.text}"
    if not numbers_in(sentence) <= numbers_in(source) | number_words_in(source):
        return 0.0
    words = {s for s in content_stems(sentence) if not s.isdigit()}
    if not words:  # nothing to check ("Yes."), so nothing to trust
        return 0.0
    return len(words & set(content_stems(source))) / len(words)


def supports(sentence: str, passage: Passage, min_word_share: float = MIN_WORD_SHARE) -> bool:
    """Does the passage back the sentence (`support` of at least `min_word_share`)?"""
    return support(sentence, passage) >= min_word_share
