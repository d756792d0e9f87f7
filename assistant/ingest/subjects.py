"""What a document is about: the police force (or other body) it reports on, read from
its title and text when its metadata does not say, and which of those subjects a
question names. Retrieval narrows to a named subject's documents; citations show it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from assistant.types import DocumentMeta

# "Cheshire Constabulary", "Avon and Somerset Constabulary", "City of London Police": a run
# of capitalised words (joined by "and", "of", "&") before the word naming a force.
_FORCE = re.compile(
    r"\b((?:[A-Z][\w'’-]+|and|of|&)(?:\s+(?:[A-Z][\w'’-]+|and|of|&))*?)\s+"
    r"(Police|Constabulary)\b(?!\s+(?:and|&)\s+Crime)"
)
_JOINERS = frozenset({"and", "of", "&"})
# Words that start a sentence or a title, not a force's name.
_NOT_PLACE = frozenset("The A An This That Our Today Local National Neighbouring".split())
_TITLE_WEIGHT = 3  # a place named in the title counts as three mentions in the text
# A capitalised word inside a sentence just before a place: "North" in "in North Yorkshire"
# makes it another place ("In" opening "In Cheshire, ..." does not).
_LONGER_NAME = re.compile(r"[\w,;:'’\"]\s+[A-Z][a-z]+\s$")


def forces_named(text: str) -> Counter[str]:
    """How often each place is named with a force ("Cheshire Police" and "Cheshire
    Constabulary" are one force, counted under "Cheshire"). Every tail of a run of
    capitalised words counts, so "the Chief Constable of Cheshire Police" counts for
    "Cheshire" as well as for "Constable of Cheshire"; the most named wins."""
    found: Counter[str] = Counter()
    for m in _FORCE.finditer(text):
        parts = m.group(1).split()
        if parts and parts[-1] in _JOINERS:  # "Inspectorate of Constabulary" names none
            continue
        for i, part in enumerate(parts):
            if part not in _JOINERS and part not in _NOT_PLACE:
                found[" ".join(parts[i:])] += 1
    return found


def _best(counts: Counter[str]) -> tuple[str, int, int]:
    """The most named place (the longer of equals: "Avon and Somerset", not "Somerset"),
    its count, and the count of the most named place that is not part of it."""
    top = max(counts, key=lambda p: (counts[p], len(p)))
    others = [n for p, n in counts.items() if not (top.endswith(p) or p.endswith(top))]
    return top, counts[top], max(others, default=0)


def infer_subject(title: str, text: str) -> str | None:
    """The force a document is about: the one its title and text name most, if one stands
    out (a national report naming many forces alike has none)."""
    counts = forces_named(text)
    counts.update(forces_named(title))
    in_title = [p for p in counts if _as_word(p).search(title)]
    for place in in_title:
        counts[place] += _TITLE_WEIGHT
    if not counts:
        return None
    top, n, runner_up = _best(counts)
    if (n < 2 and not in_title) or n < 2 * runner_up:
        return None
    return f"{top} {_usual_word(top, text + ' ' + title)}"


def _usual_word(place: str, text: str) -> str:
    """'Police' or 'Constabulary', as the document calls the force."""
    words = Counter(m.group(2) for m in _FORCE.finditer(text) if m.group(1).endswith(place))
    return words.most_common(1)[0][0] if words else "Police"


def place_of(subject: str) -> str:
    """The place part of a subject ("Cheshire Constabulary" -> "Cheshire")."""
    return re.sub(r"\s+(Police|Constabulary)$", "", subject.strip())


def subjects_named(question: str, subjects: Iterable[str]) -> list[str]:
    """Which of the corpus's subjects a question names, by their place ("What did inspectors
    find in Cheshire?" names "Cheshire Constabulary"), longest place first so that "North
    Yorkshire" is not also read as "Yorkshire"."""
    named: list[str] = []
    taken: list[tuple[int, int]] = []
    for subject in sorted(set(subjects), key=lambda s: -len(place_of(s))):
        for m in _as_word(place_of(subject), re.I).finditer(question):
            if _LONGER_NAME.search(question[: m.start()]):
                continue  # "Yorkshire" in "North Yorkshire" names another place
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append(m.span())
                named.append(subject)
                break
    return named


def places_about(title: str, text: str, least: int = 2) -> set[str]:
    """Every place a document is about: each force it names whose place it names at least
    `least` times, alone or with the force ("Northants Police" and "vulnerable children in
    Northamptonshire": the article is about both)."""
    body = title + "\n" + text
    named = set(forces_named(body))
    return {
        place
        for place in named
        if not any(other.endswith(" " + place) for other in named)  # "Somerset" of "Avon and"
        and len(_as_word(place).findall(body)) >= least
    }


# The police forces of the United Kingdom, by their usual names: a question naming one
# by its place alone ("Dorset's 2019 inspection") asks about that force, whether or not
# the corpus has a document about it.
FORCES = (
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police",
    "Cumbria Constabulary", "Derbyshire Constabulary", "Devon and Cornwall Police",
    "Dorset Police", "Durham Constabulary", "Dyfed-Powys Police", "Essex Police",
    "Gloucestershire Constabulary", "Greater Manchester Police", "Gwent Police",
    "Hampshire Constabulary", "Hertfordshire Constabulary", "Humberside Police",
    "Kent Police", "Lancashire Constabulary", "Leicestershire Police",
    "Lincolnshire Police", "Merseyside Police", "Metropolitan Police",
    "Norfolk Constabulary", "North Wales Police", "North Yorkshire Police",
    "Northamptonshire Police", "Northumbria Police", "Nottinghamshire Police",
    "South Wales Police", "South Yorkshire Police", "Staffordshire Police",
    "Suffolk Constabulary", "Surrey Police", "Sussex Police", "Thames Valley Police",
    "Warwickshire Police", "West Mercia Police", "West Midlands Police",
    "West Yorkshire Police", "Wiltshire Police", "British Transport Police",
    "Police Scotland", "Police Service of Northern Ireland",
)  # fmt: skip


def other_forces_named(question: str, subjects: Iterable[str]) -> list[str]:
    """Forces a question names ("Surrey Police", or "Dorset" of the forces above) that no
    document in the corpus is about."""
    known = {place_of(s).lower() for s in subjects}
    counts = forces_named(question)
    if counts:
        top, _, _ = _best(counts)
        return [] if top.lower() in known else [f"{top} {_usual_word(top, question)}"]
    return [f for f in subjects_named(question, FORCES) if place_of(f).lower() not in known]


class SubjectIndex:
    """The places the corpus's documents are about, and which of them a question names.
    A short form ("Beds", "Northants") is read as the place it abbreviates when the corpus
    has that place too, so "Bedfordshire" also finds the article on "Beds Police"."""

    def __init__(self, metas: Iterable[DocumentMeta]) -> None:
        self.places = sorted({p for m in metas for p in m.places})
        self._aliases = {
            p: [p, *(a for a in self.places if _abbreviates(a, p) or _abbreviates(p, a))]
            for p in self.places
        }

    def named(self, question: str) -> tuple[str, ...]:
        """The places a question names, with their short forms."""
        return tuple(a for p in subjects_named(question, self.places) for a in self._aliases[p])

    def unknown(self, question: str) -> list[str]:
        """Forces the question names in full ("Surrey Police") that no document is about."""
        return other_forces_named(question, self.places)


def _abbreviates(short: str, place: str) -> bool:
    """Is `short` a county's short form of `place` ("Beds" for "Bedfordshire", "Northants"
    for "Northamptonshire"): one word ending in "s", shorter, sharing its first letters?"""
    if " " in short or " " in place or not short.endswith("s") or len(short) >= len(place):
        return False
    pairs = zip(short.lower(), place.lower(), strict=False)
    shared = next((i for i, (a, b) in enumerate(pairs) if a != b), len(short))
    return shared >= 3 and shared >= len(short) // 2


def _as_word(phrase: str, flags: int = 0) -> re.Pattern[str]:
    """`phrase` as a whole word or words ("Durham", not "Durham-based")."""
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", flags)
