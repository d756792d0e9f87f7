"""Conversations: follow-up questions ("what about 2019?", "who leads that team?") are
rewritten into stand-alone ones from the earlier turns before searching, without a
language model, and the answer says what was searched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.retrieve.question_kinds import QUESTION_WORDS
from assistant.text.dates import years_in
from assistant.text.proper_names import person_names
from assistant.text.terms import STOPWORDS, content_stems, words
from assistant.types import Answer


@dataclass(frozen=True)
class Turn:
    question: str
    searched_for: str
    answer: Answer


_ELLIPSIS = re.compile(
    r"^\s*(and\s+)?(what|how)\s+about\s+|^\s*(and|also|same for|what of|and what of)\s+", re.I
)
_QUESTION_WORD = re.compile(rf"\s*{QUESTION_WORDS}\b", re.I)
_LEADING_AND = re.compile(r"^\s*(and|also|so|then|ok|okay)[, ]+", re.I)
_ENTITY_QUESTION = re.compile(
    r"^\s*(which|who|whom|what (is|are|was|were|does|do)( the| an?)?)\b", re.I
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|theirs|he|she|him|his|her|hers)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(that|this|those|these|the same)\s+([a-z][a-z-]+)\b", re.I)
_BARE_THAT = re.compile(r"\b(that|this)\s*[?.!]?\s*$", re.I)
# A capitalised phrase ("Multi Agency Daily Risk Assessment", "MOSOVO team") or an acronym.
_PHRASE = re.compile(
    r"\b(?:[A-Z][\w’'-]*(?:\s+(?:of|and|or|for|&)\s+|\s+))*[A-Z][\w’'-]*(?:\s+(?:team|unit|board))?"
)
_SENTENCE_START_WORDS = frozenset(
    "what which who whom whose when where why how is are was were do does did can could "
    "the a an in on and but".split()
)


def rewrite(question: str, history: Sequence[Turn]) -> str:
    """A stand-alone version of `question` given the conversation so far (unchanged when it
    already stands alone)."""
    if not history:
        return question
    previous = history[-1].searched_for
    if (m := _ELLIPSIS.match(question)) and not _QUESTION_WORD.match(question[m.end() :]):
        rest = question[m.end() :].strip(" ?.!")
        return _swap_topic(previous, rest) if rest else previous
    question = _LEADING_AND.sub("", question)
    if not _needs_context(question):
        # "Who responded for the force?" after a question about 2019: the same year, unless
        # the question names its own year or subject.
        return carry_years(question, previous) if names_nothing(question) else question
    last = history[-1].answer
    if _BARE_THAT.search(question) and last.statements and not last.abstained:
        # "Who said that?": "that" is what the last answer said.
        said = " ".join(last.statements[0].text.split()[:40])
        return f"{question.rstrip()} ({said})"
    referents = _referents(history[-1])
    sure = _sure_of(question, history[-1], referents)
    resolved = _resolve(question, referents) if sure else question
    if resolved == question or _CAUSED.search(question):
        # Nothing sure to substitute, or "what prompted it?": carry the earlier question
        # along whole rather than guess. ("What type of cases does it go through?" after
        # "What did the force set up in 2020?": "it" is what the answer named, not the
        # force; in "what prompted it?", the event the earlier question asked about.)
        resolved = f"{question.rstrip()} ({previous.rstrip(' ?')})"
    return carry_years(resolved, previous)


_CAUSED = re.compile(
    r"\b(prompted|caused|triggered|led to|lay behind|was behind|sparked|drove|motivated)\s+"
    r"(it|that|this|them)\b",
    re.I,
)


def _sure_of(question: str, turn: Turn, referents: list[str]) -> bool:
    """Is it clear what the question's pronoun or "that ..." points to? It is when the last
    question asked for a name ("Which team ...?": the one its answer gives), when "he" or
    "she" needs a person, or when the noun after "that" is in a phrase of the last turn
    ("that team" after the MOSOVO team). "That decision" after a question about what
    Heart reported is none of these."""
    if _ENTITY_QUESTION.match(turn.searched_for):
        return True
    pronoun = _outer_pronoun(question)
    if pronoun and pronoun.group(1).lower() in _PERSONAL:
        return True
    return any(
        m.group(2).lower() in ref.lower()
        for m in _DEMONSTRATIVE.finditer(question)
        for ref in referents
    )


def names_nothing(question: str) -> bool:
    """A short question with no name or year of its own."""
    tokens = words(question)
    return len(tokens) <= 8 and not any(w[:1].isupper() for w in tokens[1:])


def _needs_context(question: str) -> bool:
    if _outer_pronoun(question) or _DEMONSTRATIVE.search(question) or _BARE_THAT.search(question):
        return True
    return not content_stems(question) or bool(re.search(r"\bthe two\b|\bboth\b", question))


def _outer_pronoun(question: str) -> re.Match[str] | None:
    """A pronoun that points outside the question. One that follows a name ("How did
    Leicestershire Police do in its inspection?") or enough of the question's own words
    ("How many case files were reviewed in 2019, and how were they rated?") refers to
    something the question itself says."""
    for m in _PRONOUN.finditer(question):
        before = question[: m.start()]
        if any(w[:1].isupper() for w in words(before)[1:]) or len(content_stems(before)) >= 3:
            continue
        return m
    return None


def _swap_topic(previous: str, new: str) -> str:
    """'what about 2019?' swaps the year; 'what about sex offenders?' swaps the topic."""
    new_years = years_in(new)
    old_years = years_in(previous)
    if new_years and len(content_stems(new)) <= len(new_years):
        if old_years:
            swapped = previous
            for old, fresh in zip(
                old_years, new_years + new_years[-1:] * len(old_years), strict=False
            ):
                swapped = re.sub(rf"\b{old}\b", str(fresh), swapped)
            return swapped
        return f"{previous.rstrip(' ?')} in {new_years[0]}?"
    m = list(re.finditer(r"\b(about|on|regarding|for|of|with)\b", previous))
    if m:
        # "And about sex offenders?" after "... say about missing children in 2021?"
        new = re.sub(r"^(about|on|regarding|for|of|with)\s+", "", new, flags=re.I)
        return carry_years(previous[: m[-1].end()] + " " + new + "?", previous)
    return f"{previous.rstrip(' ?')}: {new}?"


def _referents(turn: Turn) -> list[str]:
    """Things the last turn was about, most salient first: phrases of its question, then
    of its answer's first statement; the answer first when the question asked for a
    name ("Which team ...?": "that team" is the one the answer names)."""
    found: list[str] = []
    sources = [turn.searched_for]
    if turn.answer.statements and not turn.answer.abstained:
        first = turn.answer.statements[0]
        answer = f"{first.speaker} said: {first.text}" if first.speaker else first.text
        if _ENTITY_QUESTION.match(turn.searched_for):
            sources.insert(0, answer)
        else:
            sources.append(answer)
    for text in sources:
        phrases = [_trim_phrase(m.group(0)) for m in _PHRASE.finditer(text)]
        if text == turn.searched_for and (m := _LAST_THING.search(text)):
            # "When was the post-inspection review?": what it asks about, in lower case
            phrases.append(f"the {m.group(1)}")
        for phrase in phrases:
            if phrase and phrase not in found:
                found.append(phrase)
    if not found:
        terms = [w for w in words(turn.searched_for) if w.lower() not in STOPWORDS]
        if terms:
            found.append(" ".join(terms[-3:]))
    return found


def _trim_phrase(phrase: str) -> str:
    tokens = phrase.split()
    while tokens and tokens[0].lower() in _SENTENCE_START_WORDS:
        tokens.pop(0)
    if len(tokens) == 1 and not tokens[0].isupper():
        return ""  # a lone capitalised word is usually just a sentence start
    return " ".join(tokens)


# The thing a question ends on: "When was the post-inspection review?"
_LAST_THING = re.compile(r"\bthe ((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s*[?.!]?\s*$")
_PERSONAL = frozenset("he she him his her hers".split())


def _resolve(question: str, referents: list[str]) -> str:
    if not referents:
        return question
    resolved = question

    def demonstrative(m: re.Match[str]) -> str:
        noun = m.group(2)
        for ref in referents:
            if noun.lower() in ref.lower():
                return ref if ref.startswith("the ") else "the " + ref
        # "that team" after a question about MOSOVO: the MOSOVO team
        return f"the {referents[0]} {noun}"

    resolved = _DEMONSTRATIVE.sub(demonstrative, resolved)
    if resolved == question and (m := _outer_pronoun(question)):
        referent = referents[0]
        if m.group(1).lower() in _PERSONAL:  # "she": the person named, not the body
            people = [p for ref in referents for p in person_names(ref, frozenset())]
            referent = people[0] if people else referent
        replacement = _pronoun(m.group(1), referent)
        resolved = question[: m.start()] + replacement + question[m.end() :]
    return resolved


def _pronoun(pronoun: str, referent: str) -> str:
    if pronoun.lower() in ("its", "their", "his", "her", "theirs", "hers"):
        return f"{referent}'s"
    return referent


def carry_years(resolved: str, previous: str) -> str:
    old = years_in(previous)
    if old and not years_in(resolved):
        return f"{resolved.rstrip(' ?')} in {' and '.join(map(str, old))}?"
    return resolved
