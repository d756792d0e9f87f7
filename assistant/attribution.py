"""Who is speaking in a quoted sentence. News articles and press releases quote people
("Zoë Billingham said:", then "She continued:"), and a quoted sentence shown without its
speaker misleads: the chief constable's "we are confident this is a force which
safeguards children" is not the inspectorate's finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.answer_types import person_names

# "<who> said:" and the like, up to the colon that opens the quote.
_ATTRIBUTION = re.compile(
    r"(?P<lead>[^\n.:“”\"]{0,160}?)\b(?:said|says|added|continued|stated|commented|"
    r"explained|concluded|told [\w ]{1,40}?)\s*:",
)
_PRONOUN = re.compile(r"\b(he|she)\s*$", re.I)
# A quote runs at most this far after its attribution (several paragraphs, in news style).
_REACH = 1500


@dataclass(frozen=True)
class Attribution:
    speaker: str  # "Zoe Billingham"
    intro: str  # "HM Inspector of Constabulary Zoe Billingham said:", with their role


# Where each attribution in a document opens a quote, and who speaks there.
Quotes = tuple[tuple[int, Attribution | None], ...]


def quotations(text: str, lowercase: frozenset[str]) -> Quotes:
    """Where each attribution's quote opens, and who speaks (None for "It said:" or "The
    report continued:", which are not people). "He added:" is the person named last.
    `lowercase` is the corpus's words written in lower case (not names)."""
    found: list[tuple[int, Attribution | None]] = []
    last: Attribution | None = None
    for m in _ATTRIBUTION.finditer(text):
        names = person_names(m.group("lead"), lowercase)
        if names:
            last = Attribution(names[-1], " ".join(m.group(0).split()))
            found.append((m.end(), last))
        else:
            found.append((m.end(), last if _PRONOUN.search(m.group("lead")) else None))
    return tuple(found)


def attribution(text: str, start: int, quotes: Quotes) -> Attribution | None:
    """Who is quoted by the sentence at `start`, if it lies inside a quotation that an
    attribution naming a person opens (`quotes`: the text's `quotations`)."""
    opened = [(end, a) for end, a in quotes if end <= start]
    if not opened:
        return None
    end, found = opened[-1]
    if found is None or start - end > _REACH:
        return None
    between = text[end : start + 1]  # with the quotation mark the sentence may open with
    return found if _open_quote(between) else None


def _open_quote(text: str) -> bool:
    """Does a quotation opened in `text` run on past its end? Curly marks say which way
    they face (news style opens each quoted paragraph but closes only the last); straight
    ones alternate."""
    curly = [c for c in text if c in "“”"]
    if curly:
        return curly[-1] == "“"
    return text.count('"') % 2 == 1


class Quotations:
    """Each document's `quotations`, by document id: those the build stored with the
    index (`read` reads them, as `quotes_to_json` wrote them, on the first question;
    documents missing from them quote nobody), or else found on first need and kept (an
    index stored by older code)."""

    def __init__(
        self, lowercase: frozenset[str], read: Callable[[], dict[str, Any]] | None
    ) -> None:
        self.lowercase = lowercase
        self.read = read
        self._stored: dict[str, Any] | None = None
        self._found: dict[str, Quotes] = {}

    def of(self, doc_id: str, text: str) -> Quotes:
        if doc_id not in self._found:
            if self.read is None:
                self._found[doc_id] = quotations(text, self.lowercase)
            else:
                if self._stored is None:
                    self._stored = self.read()
                self._found[doc_id] = quotes_from_json(self._stored.get(doc_id, []))
        return self._found[doc_id]


def quotes_to_json(quotes: Quotes) -> list[list[Any]]:
    return [[end, a.speaker, a.intro] if a else [end] for end, a in quotes]


def quotes_from_json(rows: list[list[Any]]) -> Quotes:
    return tuple((r[0], Attribution(r[1], r[2]) if len(r) > 1 else None) for r in rows)
