"""Proper names in text: people ("Nick Adderley", not "Northamptonshire Police"), named
bodies and acronyms, and the words an acronym stands for. Plain patterns, no model: the
answerer asks them of sentences, the index of every document once.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Set

from assistant.text.dates import MONTH_NAMES

_NAME = re.compile(r"(?<!^)(?<![.:“\"] )\b[A-Z][\w’'-]+(?:\s+(?:and|of|or|for)?\s*[A-Z][\w’'-]+)+")
_FUNCTION = frozenset({"of", "and", "or", "for", "the", "&", "in", "on", "to", "a"})
_GENERIC = frozenset({"team", "unit", "programme", "program", "officers", "group", "scheme"})


def has_name(text: str, exclude: Iterable[str] = ()) -> bool:
    """A proper name of several words (a body, a team, a person), not opening the sentence,
    or an acronym anywhere ("POLIT officers have ..."), other than the names in `exclude`
    (those the question itself gives: "Which force was CC Simon Bailey chief constable
    of?" is not answered by "the national lead CC Simon Bailey")."""
    given = {bare(w) for w in exclude}
    names = [m.group(0) for m in _NAME.finditer(text) if m.start() > 0]
    names += [
        m.group(0) for m in ACRONYM_NAME.finditer(text) if m.group(0) not in _NOT_ACRONYM_NAMES
    ]
    return any({bare(w) for w in name.split()} - _FUNCTION - given for name in names)


# An acronym of three letters or more ("POLIT", "PEEL"), not a plural ("PCs").
ACRONYM_NAME = re.compile(r"\b[A-Z][A-Z&]{2,9}\b")
_NOT_ACRONYM_NAMES = frozenset({"PDF", "HTML", "URL", "COVID"})  # formats, not bodies


def has_person(text: str, lowercase: Set[str], exclude: Iterable[str] = ()) -> bool:
    """Does the text name a person, other than the names in `exclude` (those the question
    itself gives)?"""
    return bool(other_people(text, lowercase, exclude))


def other_people(text: str, lowercase: Set[str], exclude: Iterable[str]) -> list[str]:
    """The people the text names, but not those named only by words in `exclude`."""
    given = {bare(w) for w in exclude}
    return [n for n in person_names(text, lowercase) if not set(n.split()) <= given]


def person_names(text: str, lowercase: Set[str]) -> list[str]:
    """People's names: two or three capitalised words in a row, none of which the corpus
    ever uses in lower case ("Nick Adderley", not "Northamptonshire Police"). Words that
    head a title or a body are cut off ("Constabulary Zoe Billingham": "Zoe Billingham")."""
    found = []
    for m in _PERSON.finditer(text):
        tokens = [bare(t) for t in m.group(0).split()]
        name: list[str] = []
        for t in tokens:
            if t.lower() in lowercase or t.upper() == t or t in NOT_NAMES:
                name = []
            else:
                name.append(t)
        if 2 <= len(name) <= 3:
            found.append(" ".join(name))
    return found


def bare(word: str) -> str:
    """A name without its possessive: "Dylan's" is "Dylan"."""
    return re.sub(r"[’']s?$", "", word)


_NAME_WORD = r"[A-Z][a-zà-ÿ’']+(?:-[A-Za-zà-ÿ’']+)*"  # "Tiffin-Brown", "Evelyn-Rose"
_PERSON = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})+\b")
# Titles before a name.
TITLE_WORDS = frozenset(
    "Her His Majesty Majesty’s HM Chief Constable Inspector Superintendent Detective Sergeant "
    "Commissioner Officer Mr Mrs Ms Dr Sir Dame Lord Lady".split()
)
NOT_NAMES = (
    TITLE_WORDS
    | frozenset(
        "England Wales Britain Scotland Ireland Northamptonshire Northants Covid COVID Monday "
        "Tuesday Wednesday Thursday Friday Saturday Sunday "
        # Head words of the names of bodies, not people.
        "Command Hub Unit Team Board Council Office Services Service Police Inspectorate "
        "Constabulary Department Agency Programme Report Review Inspection Assessment Court "
        "Authority Trust Partnership Committee Group Crime Children Force County".split()
    )
    | {m.capitalize() for m in MONTH_NAMES}
)


def expansion(acronym: str, text: str) -> tuple[int, int] | None:
    """The span of the words that spell out `acronym` next to it ("Multi Agency ... (MADRA)",
    or "MOSOVO (Management of ...)"), if the sentence has one."""
    for m in re.finditer(rf"\(\s*{re.escape(acronym)}\s*\)", text):
        before = list(re.finditer(r"[\w’'&-]+", text[: m.start()]))[-(2 * len(acronym) + 4) :]
        # "Integrated Offender Manager team (IOM)": a generic last word may not count.
        ends = [len(before)]
        if before and before[-1].group(0).lower() in _GENERIC:
            ends.append(len(before) - 1)
        for end in ends:
            for i in range(end):
                if _spells(acronym, [w.group(0) for w in before[i:end]]):
                    return before[i].start(), before[end - 1].end()
    for m in re.finditer(rf"\b{re.escape(acronym)}\s*\(([^)]{{3,120}})\)", text):
        inner = list(re.finditer(r"[\w’'&-]+", m.group(1)))
        if inner and _spells(acronym, [w.group(0) for w in inner]):
            return m.start(1), m.end(1)
    return None


_WORD_RUN = re.compile(r"[\w’'&]+")  # a word, hyphens splitting words


class Initials:
    """The initials of texts' words, to ask whether a run of up to `longest` of a text's
    words spells an acronym: every word's initial ("Multi Agency Daily Risk Assessment"
    spells "MADRA", "Management of Sexual or Violent Offenders" "MOSOVO"), or only those of
    its words other than function words (the latter also spells "MSVO"). Kept as two
    strings of initials, one letter a word and the texts apart ("|"), so an acronym is
    sought as a substring: working out every run's initials as a set took 140 s for 11,884
    documents. Each content word's `gaps` counts the words since the last one (at most 255),
    to tell how many words a run of content words spans. The index stores them
    (`word_tables`)."""

    def __init__(self, every: str, content: str, gaps: bytes, longest: int = 8) -> None:
        self.every = every
        self.content = content
        self.gaps = gaps
        self.longest = longest

    @classmethod
    def of_texts(cls, texts: Iterable[str], longest: int = 8) -> Initials:
        every: list[str] = []
        content: list[str] = []
        gaps = bytearray()
        for text in texts:
            tokens = _WORD_RUN.findall(text)
            initials = "".join(t[0].upper()[:1] for t in tokens)
            places = [i for i, t in enumerate(tokens) if t.lower() not in _FUNCTION]
            every.append(initials)
            content.append("".join(initials[i] for i in places))
            gaps += bytes(min(255, b - a) for a, b in itertools.pairwise([-1, *places]))
            gaps.append(0)  # the separator's
        return cls("|".join(every), "|".join(content), bytes(gaps[:-1]), longest)

    def spell(self, acronym: str) -> bool:
        n = len(acronym)
        if not 2 <= n <= self.longest or "|" in acronym:
            return False
        if acronym in self.every:
            return True
        at = self.content.find(acronym)
        while at != -1:
            if sum(self.gaps[at + 1 : at + n]) < self.longest:
                return True
            at = self.content.find(acronym, at + 1)
        return False


def _spells(acronym: str, tokens: list[str]) -> bool:
    """Can the tokens, in order, each give its initial (or, if a function word, nothing; if in
    capitals, its letters) to spell the acronym? The first and last tokens must count."""
    target = acronym.upper().replace("&", "")
    parts = [p for t in tokens for p in re.split(r"-", t) if p and p != "&"]

    def options(word: str) -> list[str]:
        opts = [word[0].upper()]
        if word.isupper() and len(word) > 1:
            opts.append(word.upper())
        low = word.lower()
        opts += [word[0].upper() + ch.upper() for ch in low[1:4] if ch.isalpha()]
        if low in _FUNCTION:
            opts.append("")
        return opts

    memo: dict[tuple[int, int], bool] = {}

    def fits(i: int, j: int) -> bool:
        if i == len(parts):
            return j == len(target)
        if (i, j) in memo:
            return memo[(i, j)]
        ok = False
        for opt in options(parts[i]):
            if opt == "" and i in (0, len(parts) - 1):
                continue
            if target.startswith(opt, j) and fits(i + 1, j + len(opt)):
                ok = True
                break
        memo[(i, j)] = ok
        return ok

    return bool(parts) and fits(0, 0)
