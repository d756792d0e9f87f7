"""Does a sentence agree with a claim on what overlap of words cannot show: its figures,
its years, the people and bodies it names, and whether it is negated. Plain rules over
the text; deciding a verdict from these is `claims`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.answer.grounding import number_words_in, numbers_in
from assistant.text.dates import current_years, years_in
from assistant.text.terms import STOPWORDS, content_stems
from assistant.types import Document

_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|none|neither|cannot|without|nothing|nobody)\b|n['’]t\b", re.I
)
# "no more than 12 months", "not only": a negation word that does not deny the clause.
_NOT_DENIAL = re.compile(r"\b(?:no (?:more|less|later|sooner) than|not only|no doubt)\b", re.I)
_PROPER = re.compile(r"\b[A-Z][\w&-]*[a-zA-Z]\b")  # a possessive's "’s" is left off
# Words that make a clause a possibility, not a finding ("too early to say whether ...").
_HEDGE = re.compile(r"\b(?:whether|too early to say|may|might|could|possibly|perhaps)\b", re.I)


def figures(text: str) -> set[str]:
    """The numbers a text gives that are not years ("21", "25" of "25%", "twenty-one")."""
    found = numbers_in(text) | number_words_in(text)
    return {n for n in found if not re.fullmatch(r"(?:19|20)\d\d", n)}


def negated(text: str) -> bool:
    """Does the text deny what it says ("was not effectively managing risk")?"""
    return bool(_NEGATION.search(_NOT_DENIAL.sub(" ", text)))


_CLAUSE = re.compile(
    r"[,;:]\s+|\s+(?:but|while|whereas|although|and that)\s+|[“”\"]"
    r"|\s+and\s+(?=(?:the|it|they|we|he|she|this|there)\s)"  # "..., and the force is ..."
)


def closest_clause(claim: str, sentence: str) -> str:
    """The clause of `sentence` that shares most words with `claim`: a "not" elsewhere in
    the sentence ("..., and that children were not protected") does not deny the claim."""
    wanted = set(content_stems(claim))
    clauses = [c for c in _CLAUSE.split(sentence) if c.strip()] or [sentence]
    return max(clauses, key=lambda c: len(wanted & set(content_stems(c))))


def names_in(text: str, common: Collection[str]) -> set[str]:
    """Capitalised words that name someone or something: never written in lower case in
    the documents (`common`) and not function words, so "Police" and "The" are not
    names, "Billingham" and "Adderley" are."""
    found = set()
    for m in _PROPER.finditer(text):
        word = m.group(0)
        if word.lower() in common or word.lower() in STOPWORDS or len(word) < 3:
            continue
        found.add(word)
    return found


@dataclass(frozen=True)
class Agreement:
    """How a sentence stands on each point a claim makes; `problems` says what disagrees
    (a contradiction), `gaps` what it does not say (no support, no contradiction)."""

    problems: tuple[str, ...]
    gaps: tuple[str, ...]
    year_only: bool  # the only problem is the year: another year's finding


def agree(
    claim: str,
    sentence: str,
    context: str,
    doc: Document,
    common: Collection[str],
) -> Agreement:
    """Weigh `sentence` (with `context`: the sentences around it, the document's title,
    publisher and who it quotes) against `claim`."""
    problems: list[str] = []
    gaps: list[str] = []
    wanted, given = figures(claim), figures(sentence)
    if not wanted <= given:
        missing = ", ".join(sorted(wanted - given))
        if given:
            problems.append(f"gives {', '.join(sorted(given))}, not {missing}")
        else:
            gaps.append(f"does not give {missing}")
    year_problem, year_gap = _year_problem(claim, sentence, doc)
    problems += year_problem
    gaps += year_gap
    missing_names = names_in(claim, common) - names_in(f". {context}", ())
    if missing_names:
        gaps.append(f"does not name {', '.join(sorted(missing_names))}")
    clause = closest_clause(claim, sentence)
    if negated(claim) != negated(clause):
        problems.append("says the opposite" if negated(clause) else "does not deny it")
    elif _HEDGE.search(clause) and not _HEDGE.search(claim):
        gaps.append("only says it may be so")
    return Agreement(
        problems=tuple(problems),
        gaps=tuple(gaps),
        year_only=bool(year_problem) and len(problems) == 1,
    )


def _year_problem(claim: str, sentence: str, doc: Document) -> tuple[list[str], list[str]]:
    """A claim's years must be those the sentence names: naming another is a problem.
    A sentence that names none, in a document about other years, does not say when (a
    gap, not a contradiction)."""
    wanted = set(years_in(claim))
    if not wanted:
        return [], []
    named = set(years_in(sentence))
    if named:
        allowed = named | ({doc.meta.year} if doc.meta.year else set())
        if not wanted <= allowed:
            return [f"is about {', '.join(str(y) for y in sorted(named))}"], []
        return [], []
    about = current_years(doc)
    if not wanted & about:
        shown = ", ".join(str(y) for y in sorted(about)) or "an unknown year"
        return [], [f"does not say when (its report is about {shown})"]
    return [], []
