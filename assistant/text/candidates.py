"""The sentences an answer can quote: each sentence of the retrieved passages once, in
passage order, with the list or quote a colon introduces and the sentences around it; and
how far a quotation runs on or back to stand alone. The answerer scores them
(`answer.evidence`); the index embeds every chunk's ahead of time (`index.sentence_vectors`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.text.attribution import Attribution
from assistant.text.sentences import LIST_NUMBER, sentence_spans
from assistant.text.terms import content_stems, words
from assistant.types import Document, Passage


@dataclass
class Candidate:
    """A sentence of a retrieved passage (with the list or quote a colon introduces), the
    sentences around it, and its evidence features."""

    doc: Document
    start: int
    end: int
    passage: Passage
    rank: int  # best rank of a passage holding it, from 1
    window: tuple[int, int] = (0, 0)  # the sentence before through the sentence after
    quoting: Attribution | None = None  # who it quotes, if it is part of a quotation
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]

    @property
    def is_label(self) -> bool:
        """A heading, dateline or metadata line ("Published on: 24 March 2021"), with no
        sentence in it: it names and dates a document but states no finding."""
        return not self.text.rstrip().endswith(_SENTENCE_ENDS)

    @property
    def speaker(self) -> str | None:
        """Who the sentence quotes, when it does not name them itself."""
        who = self.quoting.speaker if self.quoting else None
        return who if who and who.split()[-1] not in self.text else None


@lru_cache(maxsize=4096)
def _doc_sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def stems_between(doc: Document, start: int, end: int) -> set[str]:
    """The content stems of a run of the document's sentences, from `start` to `end`: those
    of each sentence, each worked out once (a window of three sentences shares two with
    each neighbour's, and each is a candidate too)."""
    spans = _doc_sentences(doc.text)
    found: set[str] = set()
    for s, e in spans[bisect.bisect_left(spans, (start, 0)) :]:
        if s >= end:
            break
        found |= _sentence_stems(doc.text, s, e)
    return found


@lru_cache(maxsize=100_000)
def _sentence_stems(text: str, start: int, end: int) -> frozenset[str]:
    """The content stems of `text[start:end]`, kept by place: a document's text hashes
    once, where each slice of it would be hashed afresh to look its stems up."""
    return frozenset(content_stems(text[start:end]))


def candidates(passages: Sequence[Passage], documents: dict[str, Document]) -> list[Candidate]:
    """Every sentence of the passages once, in passage order; a sentence ending in a colon
    comes with what it introduces."""
    found: dict[tuple[str, int], Candidate] = {}
    for rank, passage in enumerate(passages, start=1):
        doc, chunk = documents[passage.chunk.doc_id], passage.chunk
        spans = _doc_sentences(doc.text)
        # The spans are in order and do not overlap: those of the chunk are a run of them.
        for i in range(bisect.bisect_left(spans, (chunk.start, 0)), len(spans)):
            s, e = spans[i]
            if e > chunk.end:
                break
            if (doc.doc_id, s) in found or len(words(doc.text[s:e])) < 3:
                continue
            e = _complete(doc.text, spans, i)
            before = spans[i - 1][0] if i > 0 else s
            after = next((spans[j][1] for j in range(i + 1, len(spans)) if spans[j][0] >= e), e)
            found[(doc.doc_id, s)] = Candidate(doc, s, e, passage, rank, (before, after))
    return list(found.values())


_SENTENCE_ENDS = (".", "?", "!", "”", '"')


def _complete(text: str, spans: Sequence[tuple[int, int]], i: int) -> int:
    """Where a unit starting at sentence `i` ends: a sentence ending in a colon runs on
    through the bulleted list, or the one sentence, it introduces; so does a heading (a
    short line without a full stop) through the line under it."""
    s, e = spans[i]
    if i + 1 >= len(spans):
        return e
    sentence = text[s:e].rstrip()
    heading = (
        not sentence.endswith((*_SENTENCE_ENDS, ";", ",", ":")) and len(sentence.split()) <= 12
    )
    if heading:
        return spans[i + 1][1]
    if not sentence.endswith(":"):
        return e
    following = list(spans[i + 1 : i + 9])
    if _is_bullet(text, following[0][0]):
        # Through the items while each is one sentence; a list of paragraphs is not one
        # answer, so only its first sentence comes along.
        end = following[0][1]
        for span in following[1:]:
            if not _starts_item(text, span[0]):
                break
            end = span[1]
        return end
    return following[0][1]


# A sentence that opens like this carries on from the one before: what it found, a
# "however", the consequence. Quoted without it, the sentence before is half the story.
_CONTINUES = re.compile(
    r"(Although|However|But|Despite|Nevertheless|As a result|Overall|Instead|"
    r"(We|It|They|Inspectors|The inspectorate|HMIC\w*) (found|concluded))\b"
)


def continuation_end(text: str, end: int) -> int:
    """Where a quote ending at `end` should end: after the next sentence if that sentence
    continues it (same paragraph, opening with a word like "However" or "We found")."""
    spans = _doc_sentences(text)
    following = next(((s, e) for s, e in spans if s >= end), None)
    if following is None or "\n\n" in text[end : following[0]]:
        return end
    return following[1] if _CONTINUES.match(text, following[0]) else end


# What opens a list item: a bullet ("-", "•") or a number ("4.", "2)").
_MARKER = rf"([-*•‣▪–]|{LIST_NUMBER})"


# A sentence that opens like this points back at the one before ("Due to these concerns,
# HMICFRS carried out a third inspection"): quoted alone, the reader cannot tell which.
_POINTS_BACK = re.compile(
    r"(Due to|Because of|As a result of|In response to|Given|Despite|In light of) "
    r"(these|this|those|such|that)\b|"
    r"(These|Those|Such|This) (concerns?|findings?|issues?|problems?|failings?|inspections?|"
    r"changes?|improvements?|recommendations?|areas?|risks?|delays?)\b"
)


def context_start(text: str, start: int) -> int:
    """Where a quote starting at `start` should start: at the sentence before, if this one
    points back at it ("Due to these concerns, ..."), and that one is a sentence, not a
    heading."""
    marker = _ITEM_MARKER.match(text, start)
    if not _POINTS_BACK.match(text, marker.end() if marker else start):
        return start
    spans = _doc_sentences(text)
    before = next(
        ((s, e) for s, e in reversed(spans) if e <= start and len(words(text[s:e])) >= 3), None
    )
    if before is None or not text[before[0] : before[1]].rstrip().endswith(_SENTENCE_ENDS):
        return start
    return before[0]


_ITEM_MARKER = re.compile(rf"\s*{_MARKER}\s+")


def _is_bullet(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return bool(re.match(rf"\s*{_MARKER}\s", text[line_start : start + 1]))


def _starts_item(text: str, start: int) -> bool:
    """Does a list item start here, on its own line or after "; - " (not a later sentence
    of an item)?"""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(re.fullmatch(rf"(.*;)?{_ITEM_MARKER.pattern}", text[line_start:start]))
