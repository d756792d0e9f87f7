"""The kind of answer a sentence supplies: a number of the thing asked about, a date, a
person's name, a named body, the words an acronym stands for (the names themselves are
`text.proper_names`'). Plain patterns, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set

from assistant.answer.quantities import date_score, grades, grades_asked, number_score
from assistant.retrieve.question import Intent, question_sentence
from assistant.text.dates import MONTH_NAMES
from assistant.text.proper_names import (
    bare,
    expansion,
    has_name,
    other_people,
)
from assistant.text.terms import content_stems, stem

# What a body, not only a person, does: "Who published ...?", "Who found ...?"
_BODY_DOES = re.compile(
    r"\s*who\s+((had|has|have|did|was|were|first)\s+)?(published|publishes|carried out|"
    r"conducted|inspected|wrote|written|found|finds|reviewed|said|says|critici[sz]ed|rated|"
    r"assessed|warned|recogni[sz]ed|concluded|reported|raised|identified|flagged|introduced|"
    r"set up|established|investigated|monitors|monitored|described|praised|welcomed|issued|"
    r"produced|released|commissioned|requested|highlighted|called)\b",
    re.I,
)


def answer_type_score(
    intent: Intent, text: str, lowercase: Set[str], known: Set[str] = frozenset()
) -> float:
    """How well a sentence supplies the kind of answer the question wants (0 to 1).
    `lowercase`: words the corpus writes in lower case; `known`: stems it uses at all."""
    if intent.kind == "acronym" and intent.acronym:
        return 1.0 if expansion(intent.acronym, text) else 0.0
    if intent.kind == "number":
        # A count of cases graded one way is not a count of those graded another way.
        # The sentence must say which: "A quarter of the files were." does not.
        asked = grades_asked(intent.text)
        score = number_score(intent, text)
        return min(0.5, score) if asked and not asked & grades(text) else score
    if intent.kind == "date":
        return date_score(intent, text)
    if intent.kind == "rating":  # a grade the question does not give already
        return 1.0 if grades(text) - grades_asked(intent.text) else 0.0
    if intent.kind == "person":
        people = other_people(text, lowercase, intent.proper)
        if not people:
            # "Who wrote to the force?" may be answered by a body ("HMIC wrote immediately
            # to the force"); "who chaired ...?" or "who spoke for ...?" by a person only.
            by_body = _BODY_DOES.match(question_sentence(intent.text))
            return 1.0 if by_body and has_name(text, exclude=intent.proper) else 0.0
        # Only role words the documents use can be looked for ("the top official" may be
        # their "chief executive").
        # The name goes with the role ("Dylan's father, Raphael Kennedy"), not just a name
        # somewhere in a sentence that has the word ("killed by father figures").
        said = set(content_stems(text))
        role = [r for r in intent.role if r in known] if known else list(intent.role)
        if not role or (all(r in said for r in role) and _beside_role(text, role, people)):
            return 1.0
        return 0.5
    if intent.kind == "name":
        return 1.0 if has_name(text, exclude=intent.proper) else 0.0
    if intent.kind == "place":
        return 1.0 if has_place(text) else 0.0
    if intent.kind == "reason":
        return 1.0 if (_AIM if intent.shape == "purpose" else _CAUSE).search(text) else 0.0
    return 0.0


# "because", "due to", "as a result of", "in response to": a sentence that gives a reason.
_CAUSE = re.compile(
    r"\b(because|due to|owing to|as a result|in response to|resulting from|caused by|led to|"
    r"leading to|prompted|so that|in order to|to (address|tackle|improve|strengthen|ensure)|"
    r"compounded|given that|since the)\b",
    re.I,
)
# "The aim was to ...", "in order to", "designed to": what something is for.
_AIM = re.compile(
    r"\b((aim|aims|purpose|goal|objective) (was|is|of)|aim(ed|s|ing)? to|designed to|"
    r"intended to|in order to|so that|so as to|to (address|tackle|improve|strengthen|ensure|"
    r"reduce|protect|prevent|support|identify))\b",
    re.I,
)


# "in Northampton", "at Northampton Crown Court", "Wootton Hall Park", "NN4 0JQ"
_PLACE = re.compile(
    r"\b(in|at|from|near|outside)\s+(the\s+)?(?P<name>[A-Z][a-z][\w’'-]*(\s+[A-Z][\w’'-]*)*)|"
    r"\b[A-Z][\w’'-]+\s+(Court|School|Academy|College|Prison|Hospital|Station|Street|Road|"
    r"Lane|Avenue|Park|House|Hall|Centre|Square)\b|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s?\d[A-Z]{2}\b"
)
_NOT_PLACES = frozenset(MONTH_NAMES) | frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
# "from the Northamptonshire Safeguarding Children Board" names a body, not a place.
_BODIES = frozenset(
    "Board Council Police Constabulary Inspectorate Team Unit Service Services Office "
    "Agency Command Programme Department Force".split()
)


def has_place(text: str) -> bool:
    """A named place or an address: not "in December", nor "from the ... Board"."""
    for m in _PLACE.finditer(text):
        name = m.group("name")
        if name is None:
            return True
        run = name.split()
        if run[0] not in _NOT_PLACES and not _BODIES & set(run):
            return True
    return False


_PUBLICATION = re.compile(
    r"\b(publish\w*|publication|released?|came out|come out|issued|updated|posted|"
    r"went (up|online)|dated|written|reported|did [\w'’ ]{1,30}? report( on| about|\s*\??$)|"
    # "the date of the Heart article": a document's date is when it came out
    r"(date|day) of (the |its |their )?([\w'’-]+ ){0,3}(article|story|statement|release|"
    r"page|piece|report)s?$)\b",
    re.I,
)


def asks_publication(intent: Intent) -> bool:
    """Does a date question ask when something came out ("When was the article published?"),
    which a dateline answers, rather than when something happened?"""
    return intent.kind == "date" and bool(_PUBLICATION.search(question_sentence(intent.text)))


def publication_score(text: str, is_label: bool) -> float:
    """For "when was it published?": a dateline, or a sentence that says "published"; any
    other date (of an event the article reports) counts half."""
    return 1.0 if is_label or _PUBLICATION.search(text) else 0.5


_WILL = re.compile(r"\b(will|shall|won’t|won't|plans? to|intends? to|aims? to)\b", re.I)
_DONE = re.compile(r"\b(was|were|had|did|found|said|concluded|conducted|carried out)\b", re.I)


def tense_mismatch(intent: Intent, text: str) -> bool:
    """A plan offered for what happened ("We will return in October" for "what did they
    find in October?"), or only what happened for what is to come ("When is HMICFRS next
    going back?")."""
    if intent.tense == "past":
        return bool(_WILL.search(text)) and not _DONE.search(text)
    if intent.tense == "future":
        return not _WILL.search(text)
    return False


def _beside_role(text: str, role: Sequence[str], people: Iterable[str]) -> bool:
    """Is one of the people's names within a few words of a role word? Not of a possessive
    one: "Evelyn-Rose's mother's boyfriend, Ryan Coleman" is not her mother."""
    tokens = re.findall(r"[\w’'-]+", text)
    at_role = [
        i
        for i, t in enumerate(tokens)
        if stem(bare(t).lower()) in role and not re.search(r"['’]s$", t)
    ]
    for name in people:
        first = name.split()[0]
        starts = [i for i, t in enumerate(tokens) if bare(t) == first]
        if any(abs(i - j) <= 4 for i in starts for j in at_role):
            return True
    return False
