"""Timelines: the dated events the documents report (inspections, revisits, reviews,
publications, initiatives), each as a verbatim sentence with its sources, in the order the
events happened. Dates stay as precise as the text gives them; no day is made up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from assistant.answer.citations import make_citation, normalise, quote_problem
from assistant.text.candidates import continuation_end
from assistant.text.dates import MONTH_NAMES, MONTHS, human_date
from assistant.text.sentences import sentence_spans
from assistant.text.terms import content_stems
from assistant.types import Chunk, Citation, Document, Filters, Timeline, TimelineEvent

# Which kind of event a sentence reports, tried in this order ("a post-inspection review"
# is a review, "a follow-up inspection" a revisit).
KINDS = (
    ("review", re.compile(r"\breview(?:ed|s)?\b", re.I)),
    ("revisit", re.compile(r"\b(?:revisit(?:ed|s)?|follow-up|returned)\b", re.I)),
    ("inspection", re.compile(r"\binspect(?:ion|ions|ed|s)?\b", re.I)),
    ("publication", re.compile(r"\b(?:published|(?:19|20)\d\d report)\b", re.I)),
    ("initiative", re.compile(r"\b(?:established|introduced|launched|set up)\b", re.I)),
)
FAMILY = {"inspection": "inspection", "revisit": "inspection", "review": "inspection"}
_M = r"(jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|" \
     r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # fmt: skip
_RANGE = re.compile(rf"\bbetween {_M} and {_M} ((?:19|20)\d\d)\b", re.I)
_DAY = re.compile(rf"\b(\d{{1,2}}) {_M} ((?:19|20)\d\d)\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_M} ((?:19|20)\d\d)\b", re.I)
_MONTH = re.compile(rf"\b(?:in|during|by|since) {_M}\b(?! \d)", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# Said of the document's own day: the report it announces ("published this morning").
_TODAY = re.compile(r"\b(?:today|this morning|out today|a new report|latest report)\b", re.I)
_LAST_MONTH = re.compile(r"\blast month\b", re.I)
_PLAN = re.compile(r"\b(?:will|plans? to)\b", re.I)  # an event yet to happen
# The next sentence says what the event found ("This inspection raised ...").
_FINDING = re.compile(
    r"(?:This|The|That|Our) (?:inspection|review|revisit|report)s? "
    r"(?:raised|found|concluded|rated|revealed|said|showed)\b"
)
_FOUND = re.compile(r"\b(?:found|concluded|raised|rated|revealed|criticism)\b")
PER_DOCUMENT = 2  # sentences from one document for one event, at most


@dataclass(frozen=True)
class EventDate:
    iso: str  # "2013", "2019-03", "2019-07-24"
    label: str
    relative: bool = False  # read off the document's own date ("today")

    @property
    def key(self) -> tuple[int, int, int]:
        """Sort key: a date known to the year sorts after that year's dated months (the
        articles that give only a year report the year's later events)."""
        parts = [int(p) for p in self.iso.split("-")]
        return (parts[0], parts[1] if len(parts) > 1 else 13, parts[2] if len(parts) > 2 else 0)


def event_date(sentence: str, published: str | None) -> EventDate | None:
    """The date a sentence gives its event, as precise as it says; None if it gives none.
    A month without a year, or "today", takes its year (or day) from `published`."""
    if m := _RANGE.search(sentence):
        first, last, year = MONTHS[m[1].lower()], MONTHS[m[2].lower()], m[3]
        label = f"{MONTH_NAMES[first - 1]} to {MONTH_NAMES[last - 1]} {year}"
        return EventDate(f"{year}-{first:02d}", label)
    if m := _DAY.search(sentence):
        iso = f"{m[3]}-{MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}"
        return EventDate(iso, human_date(iso))
    if m := _MONTH_YEAR.search(sentence):
        iso = f"{m[2]}-{MONTHS[m[1].lower()]:02d}"
        return EventDate(iso, human_date(iso))
    if published and (m := _MONTH.search(sentence)):
        iso = f"{published[:4]}-{MONTHS[m[1].lower()]:02d}"
        if len(published) == 4 or iso <= published:
            return EventDate(iso, human_date(iso))
    if m := _YEAR.search(sentence):
        return EventDate(m[1], m[1])
    if published and _TODAY.search(sentence):
        return EventDate(published, human_date(published), relative=True)
    if published and _LAST_MONTH.search(sentence):
        year, month = published[:4], int(published[5:7] or 0) if len(published) > 4 else 0
        iso = f"{year}-{month - 1:02d}" if month > 1 else year
        return EventDate(iso, human_date(iso), relative=True)
    return None


def event_kind(sentence: str, date: EventDate) -> str | None:
    if date.relative and _TODAY.search(sentence):
        return "publication"
    return next((kind for kind, pattern in KINDS if pattern.search(sentence)), None)


@dataclass
class _Event:
    date: EventDate
    kind: str
    quotes: list[tuple[Document, int, int]] = field(default_factory=list)

    @property
    def family(self) -> str:
        return FAMILY.get(self.kind, self.kind)


def find_events(documents: Iterable[Document]) -> list[_Event]:
    """Every sentence that dates an event, one `_Event` each (not merged yet)."""
    found = []
    for doc in documents:
        for s, e in sentence_spans(doc.text):
            sentence = doc.text[s:e]
            if not sentence.rstrip().endswith((".", "”", '"', "!")) or _PLAN.search(sentence):
                continue
            date = event_date(sentence, doc.meta.published)
            kind = event_kind(sentence, date) if date else None
            if date and kind:
                found.append(_Event(date, kind, [(doc, s, _with_finding(doc.text, e))]))
    return found


def _with_finding(text: str, end: int) -> int:
    """Where the entry ends: after the next sentence too when it says what the event
    found ("This inspection raised ...", "Although ..., we found ...")."""
    longer = continuation_end(text, end)
    if longer != end:
        return longer
    nxt = next(((s, e) for s, e in sentence_spans(text, end, min(len(text), end + 600))), None)
    if nxt and "\n\n" not in text[end : nxt[0]] and _FINDING.match(text, nxt[0]):
        return nxt[1]
    return end


def merge(events: list[_Event]) -> list[_Event]:
    """One event per date and kind of event, with every source that reports it. An event
    dated only to the year ("our 2018 inspection") joins the one event of its family that
    year given a month, when there is exactly one; otherwise (or when the year is the
    document's own, "this morning") it stays on its own, dated to the year."""
    merged: dict[tuple[str, str], _Event] = {}
    for ev in sorted(events, key=lambda ev: -len(ev.date.iso)):  # most precise first
        key = (ev.date.iso, ev.family)
        if len(ev.date.iso) == 4 and not ev.date.relative:
            same_year = [k for k in merged if k[1] == ev.family and k[0][:4] == ev.date.iso]
            if len(same_year) == 1:
                key = same_year[0]
        if key in merged:
            merged[key].quotes += ev.quotes
        else:
            merged[key] = _Event(ev.date, ev.kind, list(ev.quotes))
    return sorted(merged.values(), key=lambda ev: ev.date.key)


def make_timeline(
    documents: Mapping[str, Document],
    chunks: Iterable[Chunk],
    topic: str | None = None,
    filters: Filters | None = None,
) -> Timeline:
    """The dated events of the documents the filters allow (on `topic`, when given: an
    event's sentence holds at least half of the topic's words), in the order they
    happened, each citing every document that reports it."""
    allowed = [d for d in documents.values() if filters is None or filters.allows(d.meta)]
    events = merge(find_events(sorted(allowed, key=lambda d: (d.meta.published or "", d.doc_id))))
    if topic and topic.strip():
        events = [ev for ev in events if _on_topic(ev, topic)]
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    citations: list[Citation] = []
    out: list[TimelineEvent] = []
    for ev in events:
        numbers = []
        for doc, s, e in _chosen(ev):
            chunk = next(c for c in by_doc[doc.doc_id] if c.start <= s < c.end)
            citation = make_citation(len(citations) + 1, doc, s, e, chunk)
            if quote_problem(citation, dict(documents)) is None:
                citations.append(citation)
                numbers.append(citation.n)
        if numbers:
            text = normalise(citations[numbers[0] - 1].quote)
            label = ev.date.label
            out.append(TimelineEvent(date=ev.date.iso, date_label=label, kind=ev.kind,
                                     text=text, citations=tuple(numbers)))  # fmt: skip
    reason = None if out else _empty_reason(topic)
    return Timeline(topic=topic or None, events=tuple(out), citations=tuple(citations),
                    empty_reason=reason)  # fmt: skip


def _chosen(ev: _Event) -> list[tuple[Document, int, int]]:
    """The quotes an event shows: up to PER_DOCUMENT per document, no repeats; those
    that say what the event found first, then the most precisely dated."""
    picked: list[tuple[Document, int, int]] = []
    seen: set[tuple[str, str]] = set()
    for doc, s, e in sorted(ev.quotes, key=lambda q: not _FOUND.search(q[0].text[q[1] : q[2]])):
        key = (doc.doc_id, normalise(doc.text[s:e]))
        if key in seen or sum(d.doc_id == doc.doc_id for d, _, _ in picked) >= PER_DOCUMENT:
            continue
        seen.add(key)
        picked.append((doc, s, e))
    return picked


def _on_topic(ev: _Event, topic: str) -> bool:
    wanted = set(content_stems(topic))
    if not wanted:
        return True
    for doc, s, e in ev.quotes:
        if len(wanted & set(content_stems(doc.text[s:e]))) * 2 >= len(wanted):
            return True
    return False


def _empty_reason(topic: str | None) -> str:
    if topic:
        return f"No dated events on {topic!r} in the documents."
    return "The documents report no dated events."
