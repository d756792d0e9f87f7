"""What kind of answer a question wants, read off the question proper (lower-cased, its
leading clause and indirect opening taken off by `question.analyse`): its kind (a number,
a date, a person, a place, a finding ...), a finer shape (a duration, a share, a year),
its tense, the thing a number counts and the role a person holds. Plain rules, no model.
"""

from __future__ import annotations

import re

from assistant.text.terms import STOPWORDS, stem, words

# What a length of time is asked for as: "what minimum term", "what period".
_DURATION_NOUN = (
    r"(minimum |maximum |prison |jail )?(term|period|length of time|duration|"
    r"time ?(frame|scale|span|period))"
)


# "What time ...?" asks for a time of day; "what time frame" for a duration.
_CLOCK_TIME = r"time(?![ -]?(frame|scale|span|period))"


# The words a question opens with.
QUESTION_WORDS = (
    r"(what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|"
    r"has|have|had|should|will|would)"
)


# A question typed as keywords, not a sentence: "2013 HMIC return date".
_KEYWORDS = rf"^(?!({QUESTION_WORDS}|tell|give|show|list|name|i|we)\b)[\w'’ -]{{1,100}}\b"


# A purpose: "What was it meant to achieve?", "What is the aim of MADRA?"
_PURPOSE_ASKED = (
    r"\b(meant|intended|designed|supposed|set up|introduced|established) to (achieve|do)\b|"
    r"\bwhat (is|was|were|are) (the )?(aim|purpose|goal|point|objective)s?\b"
)


_PURPOSE = re.compile(_PURPOSE_ASKED)


# "At what point in the day ...?": a time of day.
_PART_OF_DAY = r"\b(what|which) (point|stage|part|time) (in|of) the day\b"


# "the exact publication date", "the precise start date"
_DATE_ADJECTIVES = r"((exact|precise|actual|official|publication|release|start|end|opening) ){0,2}"


# Roles that only a person fills.
_PERSON_ROLES = (
    r"(officers?|officials?|inspectors?|chief constable|constable|spokes(man|woman|person)|"
    r"judge|commissioner|minister|leader|director|executive|councillor|detective|"
    r"superintendent|sergeant|manager|victim|killer|father|mother|chair(man|woman|person)?|"
    r"journalist|reporter|author|writer)"
)


# A word describing the noun after "which" ("which police force"), not a verb or article
# ("what did the force ...").
_MODIFIER = (
    r"(?!(did|does|do|is|was|were|are|has|have|had|will|would|can|could|should|the|a|an|"
    r"this|that|these|those|its|their|his|her|kind|sort|type)\b)[\w-]+ "
)


_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # A document's title, not a person's ("her job title" is a finding).
    ("title", (r"\b(headline|headlined|titled)\b|(?<!job )(?<!official )\btitle\b",)),
    ("date", (
        r"^(when|since when|by when)\b",
        rf"\b(what|which)( exact)? (date|day|year|month|{_CLOCK_TIME}|hours)\b",
        # "What was the exact publication date of ...?"
        rf"^(what|which) (is|was|were) the {_DATE_ADJECTIVES}(date|day|year|month)\b(?!['’])",
        rf"^the {_DATE_ADJECTIVES}(date|day|year|month)\b(?!['’])",
        _PART_OF_DAY,
        r"\b(what|which) (period(?! of time)|months?|weeks?) (of|did|were|was|is|are|does|do)\b",
        r"\bhow (early|long ago)\b",
        r"\bwhen (was|were|did|is|will)\b",
        r"\bwhen$",  # "The revisit happened when?"
        rf"{_KEYWORDS}(date|day)$",  # "2013 HMIC return date"
    )),
    # A grade on the inspectorate's scale: "What grade did it get?", "It was rated what?"
    ("rating", (
        r"\b(what|which) (overall )?(grade|rating|judge?ment)\b",
        r"\b(rated|graded|judged) (as )?what\b",
        r"^what (is|was|were|are) [\w'’ -]{1,40} (rated|graded)\b",
        rf"{_KEYWORDS}(grade|rating)( (19|20)\d\d)?$",  # "Humberside PEEL 2017 grade"
    )),
    ("number", (
        r"\bhow (many|much|often|long|soon|old|big|large|fast|far)\b",
        rf"\b(what|which) ({_DURATION_NOUN}|frequency)\b",
        r"\b(what|which) (number|percentage|proportion|share|amount|figure|rate|age|ages|"
        r"budget|cost|sum|caseload|salary)\b",
        # "What was the force's budget ...?"
        r"\bwhat('s| is| was| were) (the |its |their )?([\w-]+['’]s )?(average |total )?"
        r"(number|total|proportion|percentage|"
        r"size|population|age|ages|caseload|count|cost|budget|price|salary)\b",
        r"^(the )?(average |total )?(number|size|population|count) of\b",
        # "Evelyn-Rose age", "HMICFRS revisit timescale 2019", "MOSOVO budget 2021"
        rf"{_KEYWORDS}(age|number|count|total|percentage|timescale|time ?frame|duration|"
        r"budget|cost|costs|funding|spend|spending|size|population|caseload|workload|figure)"
        r"( (19|20)\d\d)?$",
        r"^what (did|does|do|will|would) .{1,60}\b(spend|cost|pay)\b",
    )),
    ("person", (
        r"^(who|whom|whose)\b",
        r"\b(who|whom) (is|was|were|are|did|said|leads|led|runs|ran|killed)\b",
        # Not "which officers' records ...": whose records, by a kind of officer, not a name.
        rf"\bwhich (?:{_MODIFIER}){{0,2}}(person|people|m[ae]n|wom[ae]n|{_PERSON_ROLES})\b(?!['’])",
        r"\bwhat is (his|her|their) name\b",
        rf"\bname of (the |an? )?([\w'’-]+ ){{0,3}}?{_PERSON_ROLES}\b",
        # "Dylan Tiffin-Brown father", "NSCB chair 2019"
        rf"{_KEYWORDS}(father|mother|killer|chair|chairman|chairwoman|chairperson|head|"
        r"leader|spokesperson|spokesman|spokeswoman|author|chief executive)( (19|20)\d\d)?$",
    )),
    ("place", (
        r"^where (is|are|was|were|did|does|do)\b.*\b(live[sd]?|born|based|located|held|"
        r"sentenced|tried|jailed|imprisoned|died|buried|headquartered|headquarters|hq|"
        r"offices?)\b",
        r"\b(what|which) (town|city|village|county|country|address|school|court|crown court|"
        r"prison|hospital|street|venue)(?![\w-])",
        r"\bthe (postal )?address of\b|\bwhat is the address\b",
    )),
    ("name", (
        r"\bwhat is the name\b|\bname of\b|\bcalled\b",
        # "Which team", "which police force", "which other body", "what local agency"
        rf"\b(what|which) (?:{_MODIFIER}){{0,2}}(team|unit|command|organi[sz]ation|body|agency|"
        r"board|charity|council|department|force|scheme|initiative|programme|hub|inspectorate|"
        r"regulator)s?\b",
        r"\bwhat (is|was) the (new )?(team|unit|command|organi[sz]ation|body|agency|board|"
        r"scheme|initiative|programme|hub)\b",
    )),
    ("reason", (
        r"^why\b",
        _PURPOSE_ASKED,
        r"\b(what|which) (prompted|caused|led to|triggered|was behind|lay behind)\b",
        r"\b(for what|the) reasons?\b",
    )),
    ("yesno", (
        r"^(is|are|was|were|do|does|did|can|could|has|have|had|should|will|would)\b",
        r"^(whether|if)\b",  # "Can you tell me whether ..."
    )),
    ("definition", (r"^(what|who)( is|'s|’s| are) (an? |the )?[\w -]{1,40}\??$",)),
)  # fmt: skip


_DURATION = re.compile(rf"\bhow (long|soon)\b|\b{_DURATION_NOUN}\b")


_AGE = re.compile(r"\bhow old\b|\bwhat ages?\b|\bages?( of)?$|\bthe ages? of\b")


_FREQUENCY = re.compile(r"\bhow often\b|\bfrequency\b|\bhow many times a\b")


_TIME_OF_DAY = re.compile(
    rf"\b(what|which) ({_CLOCK_TIME}|hours)\b|\bwhen (is|are|was|were)\b.*\bopen$|" + _PART_OF_DAY
)


# "the date of", not "which year": a day is wanted.
_DAY = re.compile(r"\b(what|which|exact|precise|publication|the) (date|day)\b")


# "What percentage ...?", "What proportion ...?": a share, not a count.
_SHARE = re.compile(r"\b(percentage|proportion|fraction|per ?cent|share of)\b")


# "How much did the force spend?", "What is the budget?": an amount of money.
_MONEY = re.compile(
    r"\bhow much (money|funding|cash)\b|\b(cost|costs|budget|spen[dt]|spending|paid|pay|"
    r"price|salary|funding|funded|invest|invested|worth)\b"
)


def shape_of(kind: str, low: str) -> str | None:
    if kind == "number" and _FREQUENCY.search(low):
        return "frequency"
    if kind == "number" and re.search(r"\bhow many times\b(?! a\b)", low):
        return "count_of_times"
    if kind == "number" and _SHARE.search(low):
        return "share"
    if kind == "number" and _MONEY.search(low) and not re.search(r"\bhow much time\b", low):
        return "money"
    if kind == "number" and _AGE.search(low):
        return "age"
    if kind == "number" and _DURATION.search(low):
        return "duration"
    if kind == "date" and _TIME_OF_DAY.search(low):
        return "time"
    if kind == "date" and _DAY.search(low):
        return "day"
    if kind == "date" and (precision := re.search(r"\b(what|which) (year|month)\b", low)):
        return precision[2]
    if kind == "reason" and _PURPOSE.search(low):
        return "purpose"
    return None


_FUTURE = re.compile(
    r"^when is\b|\b(will|upcoming|in future|plans? to|planning to)\b|"
    r"\b(is|are|am|was|were)( \w+)? going to\b"  # not "officers going to incidents"
)


# Words that ask what someone intended or said, whose answer may well be a plan.
_INTENTION = re.compile(
    r"\b(would|will|plan\w*|promis\w*|pledg\w*|intend\w*|aim\w*|expect\w*|vow\w*|"
    r"commit\w*|say|said|tell|told|announc\w*|future)\b"
)


_PAST = re.compile(r"\b(did|was|were|had|found|went|happened)\b")


def tense_of(low: str) -> str | None:
    past = _PAST.search(low)
    if _FUTURE.search(low) or (re.search(r"\bnext\b", low) and not past):
        return "future"  # "when is it next going back?", not "what did it do next?"
    if past and not _INTENTION.search(low):
        return "past"
    return None


# "What did she say about how much priority the force gave?" wants what was said, and
# "What warning did they give about how far it had to go?" the warning: a "how much" or
# "how far" after "about" only names the topic.
_REPORTED_TOPIC = re.compile(r"^(what|which)\b.{1,80}?\babout (how|when|who|which|what|whether)\b")


WHO_IS_NAMED = re.compile(
    r"^[Ww]ho(['’]s| is| was| are| were) (CC |Mr |Mrs |Ms |Dr |Sir |Dame )?"
    r"[A-Z][\w’'-]+( [A-Z][\w’'-]+)*\s*\??$"
)


def kind_of(low: str) -> str:
    if _REPORTED_TOPIC.search(low):
        return "finding"
    for kind, patterns in _KINDS:
        if any(re.search(p, low) for p in patterns):
            return kind
    return "finding"


_AUXILIARIES = frozenset("did does do were was are is have had has will would can could".split())


_COMPARATIVES = frozenset("faster slower quicker more less higher lower better worse".split())


def unit_of(low: str) -> list[str]:
    m = re.search(r"\bhow (many|much)\s+(.*)", low)
    if not m:
        return []
    unit: list[str] = []
    for w in words(m.group(2)):
        if w in STOPWORDS or w in _AUXILIARIES:
            break
        if w in _COMPARATIVES:  # "how much faster": a rate or percentage, not a unit
            return []
        unit.append(stem(w))
    return unit


def role_of(main: str) -> list[str]:
    """ "Which chief constable ...", "Who was the force's chief constable ...": the role,
    in common words; the names in it say whose role, not which ("Dylan's father")."""
    m = re.search(
        r"\bwhich\s+(.*)|\bwho(?:m)?\s+(?:is|was|are|were)\s+(?:the\s+)?(.*)|"
        r"\bname of (?:the\s+|an?\s+)?(.*)",
        main,
        re.I,
    )
    if not m and is_keywords(main):
        # Keywords: the role is what they end on ("Dylan Tiffin-Brown father").
        last = re.sub(r"\s+(19|20)\d\d\s*\??$", "", main.strip(" ?")).split()[-1:]
        return [stem(w) for w in last if w.islower()]
    if not m:
        return []
    role: list[str] = []
    for w in words(m.group(1) or m.group(2) or m.group(3)):
        low = w.lower()
        if (w[:1].isupper() and w not in _TITLES) or (low.endswith(("'s", "’s")) and not role):
            continue  # "Northamptonshire's chief constable", "Dylan Tiffin-Brown's father"
        if (low in STOPWORDS and low != "of") or low in _AUXILIARIES or low in _ROLE_ENDS:
            break
        if low != "of":
            role.append(stem(low))
    return role


# Titles are roles, capitalised or not ("Which HM Inspector ...?").
_TITLES = frozenset(
    "Inspector Chief Constable Commissioner Superintendent Detective Sergeant Officer "
    "Executive Director Minister Judge".split()
)


_ROLE_ENDS = frozenset("quoted responded said led leads runs ran commented spoke told".split())


def is_keywords(q: str) -> bool:
    """Is the question typed as keywords ("Adderley unequivocal", "MADRA start date"), with
    no question word anywhere and no request ("tell me ...")?"""
    low = q.strip().lower()
    return bool(re.fullmatch(rf"{_KEYWORDS}\s*\??", low)) and not re.search(
        rf"\b{QUESTION_WORDS}\b", low
    )
