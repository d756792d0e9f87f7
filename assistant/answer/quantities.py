"""Numbers and dates as answers: does a sentence give the count, share, sum, duration, age,
frequency, grade or date a question asks for, and not one the question gives itself?
Plain patterns, no model; `answer_types` asks them for number, date and rating questions.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from assistant.retrieve.question import Intent, question_sentence
from assistant.text.dates import MONTH_NAMES
from assistant.text.sentences import LIST_NUMBER
from assistant.text.terms import stem, words

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million dozen half quarter third"
).split()


_NUMBER = re.compile(
    r"(?<![\w/-])(\d[\d,.]*\s?(%|per ?cent|[kMG]B|bn)?|("
    + "|".join(_NUMBER_WORDS)
    + r")(-\w+)?)(?![\w/])",
    re.I,
)


_YEAR = re.compile(r"^(19|20)\d\d$")


_MONTHS = "|".join(MONTH_NAMES)


_MONTH = re.compile(rf"\b({_MONTHS}|last (month|week))\b")


_SEASON = re.compile(r"\b(spring|summer|autumn|winter)\b")


_DATE_NUM = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b(19|20)\d\d\b|\blast year\b")


# The grades of the inspectorate's scales (PEEL, child protection case audits, Ofsted).
_GRADE = re.compile(
    r"\b(outstanding|good|requir\w* improvement|adequate|inadequate)\b",
    re.I,
)


def grades(text: str) -> set[str]:
    """The grades a text gives ("required improvement" is "requires improvement")."""
    return {re.sub(r"^requir\w*", "requires", g.lower()) for g in _GRADE.findall(text)}


@lru_cache(maxsize=256)
def grades_asked(question: str) -> frozenset[str]:
    """The grades the question proper names (worked out once, not per candidate)."""
    return frozenset(grades(question_sentence(question)))


# "17:13", "9:00am", "5pm", "Monday to Friday", "this morning", "overnight"
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s?([ap]\.?m\.?)?(?!\d)|\b\d{1,2}\s?[ap]\.?m\b|"
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(this|that|yesterday|tomorrow|in the|on \w+) (morning|afternoon|evening)\b|"
    r"\b(midday|noon|midnight|overnight|tonight)\b",
    re.I,
)


_AGE = re.compile(
    r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")[- ](years?|months?)[- ]old\b|"
    r"\baged (about |around )?\d+|\bage of \d+|"
    r"\b[A-Z][\w’'-]+, \d{1,2},",  # "Ryan Coleman, 23, was jailed"
    re.I,
)


# "12 months", not "2 year-old".
_TIME_UNIT = re.compile(r"(years?|months?|weeks?|days?|hours?|minutes?)\b(?![-\s]old)", re.I)


_FREQUENCY = re.compile(
    r"\b(once|twice|annual|annually|yearly|monthly|weekly|daily|fortnightly|quarterly|"
    r"regularly|routinely|times a|(every|each|per|a) (\w+ )?(years?|months?|weeks?|days?))\b",
    re.I,
)


_MONTH_AFTER = re.compile(rf"\s*({_MONTHS})\b", re.I)


_ORDINAL_EVENT = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(st|nd|rd|th))\s+"
    r"(\w+\s+)?(time|inspection|visit|revisit|review|report|occasion|attempt)s?\b",
    re.I,
)


_SHARE = re.compile(
    r"\d\s?%|\bper ?cent\b|\b(half|quarter|third|two-thirds|three-quarters|majority|minority)\b|"
    r"\b(one|\d+) (in|out of) (every )?(\d+|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.I,
)


_MONEY = re.compile(
    r"[£$€]\s?\d|\b\d[\d,.]*\s?(pounds|euros|dollars|million|billion|bn|m|k)\b", re.I
)


_LIST_NUMBER = re.compile(rf"(?m)^[ \t]*{LIST_NUMBER}[ \t]+")


def number_score(intent: Intent, text: str) -> float:
    """1 for a number of the thing asked about ("21 case files" for "how many case
    files"; "12 months" for "how soon"; "every year" for "how often"), or any number when
    the question names no unit; 0.5 for a number of something else (0.3 for a share when
    a count is wanted, 0.2 for a span of time); 0 for none. A day of the month, a time, a
    year or an ordinal ("a third inspection") is not a number, and nor is one the question
    gives ("Inspectors looked at 81 cases" for "how many of the 81 cases were inadequate?")."""
    if intent.shape == "frequency":
        return 1.0 if _FREQUENCY.search(text) else 0.0
    if intent.shape == "count_of_times" and _ORDINAL_EVENT.search(text):
        return 1.0  # "How many times had it inspected?": "a third inspection"
    text = _ORDINAL_EVENT.sub(" ", text)  # "a third inspection" is not a number of anything
    text = _LIST_NUMBER.sub(" ", text)  # nor is a list item's "2."
    if intent.shape == "age":  # "2 year-old", "aged 15", not "two deaths"
        if _AGE.search(text):
            return 1.0
        return 0.3 if _any_number(text) else 0.0
    if intent.shape == "money":  # an amount, not "25%" or "31 cases"
        return 1.0 if _MONEY.search(text) else 0.0
    if intent.shape == "share":  # "25%", "half", "one in five"; any other number less
        if _SHARE.search(text):
            return 1.0
        return 0.3 if _any_number(text) else 0.0
    best = 0.0
    given = _numbers_given(intent.text)
    for m in _NUMBER.finditer(text):
        raw = m.group(0).strip().rstrip(".,")
        if _YEAR.match(raw) or raw.lower() in ("one", "half", "third") or raw.lower() in given:
            continue  # years and "one of ..." are rarely the number asked for
        if _MONTH_AFTER.match(text, m.end()) or text[m.end() : m.end() + 1] == ":":
            continue  # "24 March", "17:13"
        percent = "%" in raw or "cent" in raw.lower()
        counts_time = not percent and _TIME_UNIT.match(text[m.end() :].lstrip(" -"))
        if intent.shape == "duration":
            if counts_time:
                return 1.0
            best = max(best, 0.3)
            continue
        if counts_time and not (intent.unit and _TIME_UNIT.match(intent.unit[-1])):
            best = max(best, 0.2)  # "the past two years" counts time, not officers
            continue
        if not intent.unit:
            return 1.0
        best = max(best, 0.3 if percent else 0.5)  # a share is not a count
        after = [stem(w) for w in words(text[m.end() : m.end() + 60])][:5]
        if not percent and intent.unit[-1] in after:  # the thing counted: "case files"
            return 1.0
    return best


@lru_cache(maxsize=256)
def _numbers_given(question: str) -> frozenset[str]:
    """The numbers a question gives, as a sentence's are read (worked out once, not per
    candidate)."""
    return frozenset(m.group(0).strip().rstrip(".,").lower() for m in _NUMBER.finditer(question))


def _any_number(text: str) -> bool:
    """Is there a number other than a year ("two deaths" for an age, "31 cases" for a share)?"""
    return any(not _YEAR.match(m.group(0).strip()) for m in _NUMBER.finditer(text))


_DAY = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\b|\b({_MONTHS})\s+\d{{1,2}}(st|nd|rd|th)?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",
    re.I,
)


def date_score(intent: Intent, text: str) -> float:
    """1 for a date as precise as asked ("on what date": a day; "which month": a month,
    not "the summer" or "last year"), less for a vaguer one;
    for "what time" or "what hours", a time of day or a day of the week. The dates the
    question itself gives are not an answer ("which period is the March 2021 report
    drawn from?" is not answered by "Published on: 24 March 2021")."""
    text = _without_dates_asked(intent, text)
    if intent.shape == "time":
        return 1.0 if _CLOCK.search(text) else 0.3 * date_score(replace(intent, shape=None), text)
    if _DAY.search(text):
        return 1.0
    if _MONTH.search(text):
        return 0.5 if intent.shape == "day" else 1.0
    # Each rung down from the precision asked (day, month, season, year) halves or more.
    vague = 0.5 if intent.shape in ("day", "month") else 1.0
    if _SEASON.search(text):
        return vague
    if intent.shape == "year" and _DATE_NUM.search(text):
        return 1.0  # "What year ...?": "in 2018" is as precise as asked
    return 0.6 * vague if _DATE_NUM.search(text) or _CLOCK.search(text) else 0.0


def _without_dates_asked(intent: Intent, text: str) -> str:
    asked = question_sentence(intent.text)
    given = re.findall(rf"\b((19|20)\d\d|{_MONTHS})\b", asked, re.I)
    for word, _ in given:
        text = re.sub(rf"\b{word}\b", " ", text, flags=re.I)
    return text
