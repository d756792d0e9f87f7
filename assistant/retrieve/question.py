"""Understand a question before answering it: check it can be asked, what kind of answer
it wants (a number, a date, a name, an acronym's expansion, a finding), which years it
names and which of its words carry its meaning. Plain rules, no model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.errors import QuestionError
from assistant.retrieve.question_kinds import (
    WHO_IS_NAMED,
    is_keywords,
    kind_of,
    role_of,
    shape_of,
    tense_of,
    unit_of,
)
from assistant.text.dates import years_in
from assistant.text.terms import STOPWORDS, content_terms, words

_ACRONYM = re.compile(r"\b([A-Z][A-Z&]{1,9})s?\b")
_NOT_ACRONYMS = frozenset({"I", "UK", "TV", "OK", "AM", "PM"})


@dataclass(frozen=True)
class Intent:
    """What a question asks for."""

    text: str
    kind: str  # number | date | rating | person | place | name | title | acronym | reason
    # | definition | yesno | finding
    acronym: str | None
    unit: tuple[str, ...]  # for number questions: stems of the thing counted ("case files")
    # A finer shape of answer: a number question's "duration" ("how long", "what term"),
    # "frequency" ("how often"), "count_of_times" ("how many times had it ..."), "share"
    # ("what percentage") or "money" ("how much did it cost"); a date question's
    # "day" ("on what date"), "month" ("in which month"), "year" ("in which year") or "time"
    # ("what time", "what hours"); a reason question's "purpose" ("what was it meant to achieve?").
    shape: str | None
    # "past" for what was found or done ("What did HMIC find ...?"), "future" for what is
    # to come ("When is HMICFRS next going back?"); None when the question does not say.
    tense: str | None
    role: tuple[str, ...]  # for person questions: stems of the role ("chief constable")
    years: tuple[int, ...]
    terms: tuple[str, ...]  # content-word stems, in order, without repeats
    term_words: tuple[str, ...]  # a word as written for each stem in `terms`
    proper: tuple[str, ...]  # capitalised words and acronyms, as written


def validate(question: str, max_chars: int) -> str:
    """The question, stripped of control and invisible formatting characters (a NUL, an
    escape sequence, a right-to-left override); raises `QuestionError` for an empty or
    oversized one."""
    kept = (" " if unicodedata.category(ch) == "Cc" else ch for ch in question)
    text = " ".join("".join(ch for ch in kept if unicodedata.category(ch) != "Cf").split())
    if not text:
        raise QuestionError("the question is empty: type a question about the reports")
    if len(text) > max_chars:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Ask about one thing at a time, in a sentence or two."
        )
    if not any(ch.isalnum() for ch in text):
        raise QuestionError(f"the question {text[:40]!r} has no words in it")
    return text


def analyse(question: str) -> Intent:
    """What the question asks. Its kind, unit and role come from the question proper; words
    and years from all of it, including context a follow-up carries ("... (earlier question)")."""
    q = question.strip()
    main = _direct(_main_clause(question_sentence(q)))
    low = main.lower()
    acronym = _asked_acronym(main, low)
    kind = "acronym" if acronym else kind_of(low)
    if kind == "person" and WHO_IS_NAMED.match(main):
        kind = "definition"  # "Who is Simon Bailey?" asks what he is, not for a name
    return Intent(
        text=q,
        kind=kind,
        acronym=acronym,
        unit=tuple(unit_of(low)) if kind == "number" else (),
        shape=shape_of(kind, low),
        tense=tense_of(low),
        role=tuple(role_of(main)) if kind == "person" else (),
        years=tuple(years_in(q)),
        terms=tuple(content_terms(q)),
        term_words=tuple(content_terms(q).values()),
        proper=tuple(_proper_words(q)),
    )


# "When someone rings the police, are call handlers ...?": the clause before the comma
# sets the scene; the question proper, and so the kind of answer wanted, follows it.
_LEADING_CLAUSE = re.compile(
    r"^(when|if|after|before|since|while|once|as|in|during|following|given|now that|"
    r"apart from|according to|looking back)\b[^,?]{2,100},\s*(?=(what|which|who|whom|whose|"
    r"when|where|why|how|is|are|was|were|do|does|did|can|could|has|have|had|should|will|"
    r"would)\b)",
    re.I,
)


def _main_clause(question: str) -> str:
    return _LEADING_CLAUSE.sub("", question)


# A question asked indirectly ("Can you tell me when ...", "Do you know how many ...",
# "I need the date ...") asks what its direct form asks; "Name the chief constable" asks
# "Which chief constable".
_INDIRECT = re.compile(
    r"^(please\s+)?((can|could|would|will) (you|anyone) (please\s+)?(tell|give|remind|show|let)"
    r"( me| us)?( know)?|(do|does) (you|anyone) (happen to )?know|(tell|give|remind|show) (me|us)|"
    r"let (me|us) know|i('d| would) like to know|i (need|want)( to know| to find out)?|"
    r"i('m| am) (wondering|trying to (find|work) out))\b[\s,:]*",
    re.I,
)


def _direct(question: str) -> str:
    direct = _INDIRECT.sub("", question).strip()
    direct = re.sub(r"^(please\s+)?name (the|a|an)\b", "which", direct, flags=re.I)
    return direct if len(direct.split()) >= 2 else question


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def question_sentence(q: str) -> str:
    """The sentence that asks: "I'm reading up on 2013. Were the police slow ...?" asks the
    second (without a follow-up's context in brackets)."""
    asked = re.split(r"\?|\s\(", q, maxsplit=1)[0]
    return _SENTENCE_BREAK.split(asked)[-1]


def _asked_acronym(q: str, low: str) -> str | None:
    found = [m.group(1) for m in _ACRONYM.finditer(q) if m.group(1) not in _NOT_ACRONYMS]
    if not found:
        return None
    asks_meaning = re.search(
        r"\b(stand|stands) for\b|\bshort for\b|\bmean(s|ing)?\b|\babbreviat|"
        r"\b(full|whole) (name|form)\b|\bspelt out\b|\bspelled out\b",
        low,
    )
    bare = re.fullmatch(
        r"\s*(what|who)(\s+is|\s+are|'s|’s)\s+(the\s+|an?\s+)?[a-z&]+s?\s*(team|unit|programme)?\s*\??\s*",
        low,
    )
    return found[0] if asks_meaning or bare else None


def without_possessive(word: str) -> str:
    """ "Heart's" is "Heart"."""
    return re.sub(r"['’]s$", "", word)


_FIRST_PERSON = re.compile(r"I(['’](m|ve|d|ll))?$")


def _proper_words(q: str) -> list[str]:
    """Capitalised words other than a sentence's first, and other than "I'm": names of
    people, places, bodies, without a possessive ("Heart's" is "Heart")."""
    found: list[str] = []
    openers = {m.group(1) for m in re.finditer(r"(?:^|[.!?]\s+)(\w+)", q.strip())}
    if is_keywords(q):
        openers = set()  # keywords ("Adderley unequivocal"): a capital is a name, even first
    for w in words(q):
        if not w[:1].isupper() or (w in openers and not w.isupper()) or _FIRST_PERSON.match(w):
            continue
        w = without_possessive(w)
        if w.lower() in STOPWORDS or w in found:
            continue
        found.append(w)
    return found
