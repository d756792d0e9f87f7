"""The kind of answer a sentence supplies: a number of the thing asked about, a date, a
person's name, a named body, the words an acronym stands for. Plain patterns, no model.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import replace
from functools import lru_cache

from assistant.retrieve.question import Intent, question_sentence
from assistant.text.dates import MONTH_NAMES
from assistant.text.terms import LIST_NUMBER, content_stems, stem, words

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


def _grades(text: str) -> set[str]:
    """The grades a text gives ("required improvement" is "requires improvement")."""
    return {re.sub(r"^requir\w*", "requires", g.lower()) for g in _GRADE.findall(text)}


@lru_cache(maxsize=256)
def _grades_asked(question: str) -> frozenset[str]:
    """The grades the question proper names (worked out once, not per candidate)."""
    return frozenset(_grades(question_sentence(question)))


# "17:13", "9:00am", "5pm", "Monday to Friday", "this morning", "overnight"
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s?([ap]\.?m\.?)?(?!\d)|\b\d{1,2}\s?[ap]\.?m\b|"
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(this|that|yesterday|tomorrow|in the|on \w+) (morning|afternoon|evening)\b|"
    r"\b(midday|noon|midnight|overnight|tonight)\b",
    re.I,
)
_NAME = re.compile(r"(?<!^)(?<![.:“\"] )\b[A-Z][\w’'-]+(?:\s+(?:and|of|or|for)?\s*[A-Z][\w’'-]+)+")
_FUNCTION = frozenset({"of", "and", "or", "for", "the", "&", "in", "on", "to", "a"})
_GENERIC = frozenset({"team", "unit", "programme", "program", "officers", "group", "scheme"})


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
        asked = _grades_asked(intent.text)
        score = _number_score(intent, text)
        return min(0.5, score) if asked and not asked & _grades(text) else score
    if intent.kind == "date":
        return _date_score(intent, text)
    if intent.kind == "rating":  # a grade the question does not give already
        return 1.0 if _grades(text) - _grades_asked(intent.text) else 0.0
    if intent.kind == "person":
        people = _other_people(text, lowercase, intent.proper)
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


def _number_score(intent: Intent, text: str) -> float:
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


def _date_score(intent: Intent, text: str) -> float:
    """1 for a date as precise as asked ("on what date": a day; "which month": a month,
    not "the summer" or "last year"), less for a vaguer one;
    for "what time" or "what hours", a time of day or a day of the week. The dates the
    question itself gives are not an answer ("which period is the March 2021 report
    drawn from?" is not answered by "Published on: 24 March 2021")."""
    text = _without_dates_asked(intent, text)
    if intent.shape == "time":
        return 1.0 if _CLOCK.search(text) else 0.3 * _date_score(replace(intent, shape=None), text)
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


def _without_dates_asked(intent: Intent, text: str) -> str:
    asked = question_sentence(intent.text)
    given = re.findall(rf"\b((19|20)\d\d|{_MONTHS})\b", asked, re.I)
    for word, _ in given:
        text = re.sub(rf"\b{word}\b", " ", text, flags=re.I)
    return text


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
        if stem(_bare(t).lower()) in role and not re.search(r"['’]s$", t)
    ]
    for name in people:
        first = name.split()[0]
        starts = [i for i, t in enumerate(tokens) if _bare(t) == first]
        if any(abs(i - j) <= 4 for i in starts for j in at_role):
            return True
    return False


def has_name(text: str, exclude: Iterable[str] = ()) -> bool:
    """A proper name of several words (a body, a team, a person), not opening the sentence,
    or an acronym anywhere ("POLIT officers have ..."), other than the names in `exclude`
    (those the question itself gives: "Which force was CC Simon Bailey chief constable
    of?" is not answered by "the national lead CC Simon Bailey")."""
    given = {_bare(w) for w in exclude}
    names = [m.group(0) for m in _NAME.finditer(text) if m.start() > 0]
    names += [
        m.group(0) for m in ACRONYM_NAME.finditer(text) if m.group(0) not in _NOT_ACRONYM_NAMES
    ]
    return any({_bare(w) for w in name.split()} - _FUNCTION - given for name in names)


# An acronym of three letters or more ("POLIT", "PEEL"), not a plural ("PCs").
ACRONYM_NAME = re.compile(r"\b[A-Z][A-Z&]{2,9}\b")
_NOT_ACRONYM_NAMES = frozenset({"PDF", "HTML", "URL", "COVID"})  # formats, not bodies


def has_person(text: str, lowercase: Set[str], exclude: Iterable[str] = ()) -> bool:
    """Does the text name a person, other than the names in `exclude` (those the question
    itself gives)?"""
    return bool(_other_people(text, lowercase, exclude))


def _other_people(text: str, lowercase: Set[str], exclude: Iterable[str]) -> list[str]:
    """The people the text names, but not those named only by words in `exclude`."""
    given = {_bare(w) for w in exclude}
    return [n for n in person_names(text, lowercase) if not set(n.split()) <= given]


def person_names(text: str, lowercase: Set[str]) -> list[str]:
    """People's names: two or three capitalised words in a row, none of which the corpus
    ever uses in lower case ("Nick Adderley", not "Northamptonshire Police"). Words that
    head a title or a body are cut off ("Constabulary Zoe Billingham": "Zoe Billingham")."""
    found = []
    for m in _PERSON.finditer(text):
        tokens = [_bare(t) for t in m.group(0).split()]
        name: list[str] = []
        for t in tokens:
            if t.lower() in lowercase or t.upper() == t or t in NOT_NAMES:
                name = []
            else:
                name.append(t)
        if 2 <= len(name) <= 3:
            found.append(" ".join(name))
    return found


def _bare(word: str) -> str:
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
