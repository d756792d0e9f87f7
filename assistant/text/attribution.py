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

from assistant.text.proper_names import person_names

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
# Each "<who> said:" in a text: where its quote opens, its lead ("HM Inspector ... Zoe
# Billingham") and the whole attribution. Finding them reads the whole text (~17 ms for
# a long report); they depend on the text alone, so the index stores them.
Openings = tuple[tuple[int, str, str], ...]


def openings(text: str) -> Openings:
    return tuple(
        (m.end(), m.group("lead"), " ".join(m.group(0).split()))
        for m in _ATTRIBUTION.finditer(text)
    )


def quotations(text: str, lowercase: frozenset[str]) -> Quotes:
    """Where each attribution's quote opens, and who speaks (`speakers`)."""
    return speakers(openings(text), lowercase)


def speakers(found: Openings, lowercase: frozenset[str]) -> Quotes:
    """Who speaks at each of a text's `openings` (None for "It said:" or "The report
    continued:", which are not people). "He added:" is the person named last.
    `lowercase` is the corpus's words written in lower case (not names)."""
    out: list[tuple[int, Attribution | None]] = []
    last: Attribution | None = None
    for end, lead, intro in found:
        names = person_names(lead, lowercase)
        if names:
            last = Attribution(names[-1], intro)
            out.append((end, last))
        else:
            out.append((end, last if _PRONOUN.search(lead) else None))
    return tuple(out)


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
    last = max(text.rfind("“"), text.rfind("”"))
    if last >= 0:
        return text[last] == "“"
    return text.count('"') % 2 == 1


class Quotations:
    """Each document's `quotations`, by document id, from its `openings` as the build
    stored them (`read` reads them on the first question: document id -> [a hash of
    its text, openings]), or else found on first need and kept (an index stored by older code)."""

    def __init__(
        self, lowercase: frozenset[str], read: Callable[[], dict[str, Any]] | None
    ) -> None:
        self.lowercase = lowercase
        self.read = read
        self._stored: dict[str, Any] | None = None
        self._found: dict[str, Quotes] = {}

    def of(self, doc_id: str, text: str) -> Quotes:
        if doc_id not in self._found:
            found = self._stored_openings(doc_id)
            self._found[doc_id] = speakers(
                openings(text) if found is None else found, self.lowercase
            )
        return self._found[doc_id]

    def _stored_openings(self, doc_id: str) -> Openings | None:
        """The document's openings as the build stored them, if it did."""
        if self.read is None:
            return None
        if self._stored is None:
            self._stored = self.read()
        entry = self._stored.get(doc_id)
        return tuple((e, lead, intro) for e, lead, intro in entry[1]) if entry else None
