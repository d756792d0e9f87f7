"""The words of a text: tokens (accents folded), stems (irregular past forms brought back
to their verb), and the content words that carry meaning. The question analysis, the
lexical index and sentence scoring all read text through these.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom whose why will with would you your
    yours yourself yourselves what's who's it's there's that's were weren't wasn't isn't
    aren't didn't doesn't don't hasn't haven't hadn't won't can't couldn't shouldn't
    wouldn't said say says tell told according many much""".split()
)
# Words that frame a question rather than say what it is about.
FRAME_WORDS = frozenset(
    """mean means meant stand stands short abbreviation acronym name named called exactly
    please know explain describe""".split()
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&-]*")


@cache
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    low = word.lower().replace("’", "'")
    return str(_stemmer().stemWord(_IRREGULAR.get(low, low)))  # type: ignore[attr-defined]


# Past forms a stemmer cannot bring back to their verb: "understood" is "understand".
_IRREGULAR = {
    past: verb
    for verb, forms in {
        "understand": "understood",
        "find": "found",
        "make": "made",
        "take": "took taken",
        "give": "gave given",
        "bring": "brought",
        "think": "thought",
        "tell": "told",
        "know": "knew known",
        "see": "saw seen",
        "hold": "held",
        "lead": "led",
        "keep": "kept",
        "meet": "met",
        "pay": "paid",
        "seek": "sought",
        "teach": "taught",
        "begin": "began begun",
        "write": "wrote written",
        "speak": "spoke spoken",
        "choose": "chose chosen",
        "fall": "fell fallen",
        "rise": "rose risen",
        "grow": "grew grown",
        "draw": "drew drawn",
        "buy": "bought",
        "build": "built",
        "spend": "spent",
        "send": "sent",
        "lose": "lost",
        "leave": "left",
        "feel": "felt",
        "catch": "caught",
        "fight": "fought",
        "become": "became",
        "come": "came",
        "get": "got gotten",
        "set": "set",
        "put": "put",
        "cut": "cut",
    }.items()
    for past in forms.split()
}


def flat(text: str) -> str:
    """The text in lower case, its runs of spaces one space: what a phrase is sought in."""
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    """The words of a text, with accents folded ("Zoë" is "Zoe", as some documents write it)."""
    return [w.strip("'’-") for w in _TOKEN.findall(fold_accents(text))]


def fold_accents(text: str) -> str:
    """Letters without their accents: "Zoë" is "Zoe"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Each distinct character is looked at once, not every character of the text (most
    # texts are not ASCII only for their curly quotes and dashes, and have no accent).
    for mark in {c for c in set(decomposed) if unicodedata.combining(c)}:
        decomposed = decomposed.replace(mark, "")
    return decomposed


# Ways of saying "only" that share no word with it.
_ONLY = re.compile(
    r"\b(nobody|no one|no-one|none|nothing)\s+(but|except|other than|else but)\b", re.I
)


def content_terms(text: str) -> dict[str, str]:
    """The words that carry meaning, as {stem: first word with that stem}, in order."""
    return dict(_content_terms(text))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order, without repeats."""
    return [s for s, _ in _content_terms(text)]


# Every question scores the same document sentences again: their terms are kept.
@lru_cache(maxsize=200_000)
def _content_terms(text: str) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for w in words(_ONLY.sub("only", text)):
        low = w.lower()
        if low in STOPWORDS or low in FRAME_WORDS or len(low) < 2:
            continue
        seen.setdefault(stem(low), low)
    return tuple(seen.items())
