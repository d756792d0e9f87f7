"""The data that crosses pipeline stages: documents, chunks, passages, citations, answers.

Frozen pydantic models; the JSON the CLI and the app print is their serialisation.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DocumentMeta(_Frozen):
    """What a citation says about its source document."""

    doc_id: str
    title: str
    publisher: str | None = None
    kind: str | None = None
    published: str | None = None  # ISO date "2021-03-24", or a bare year "2013"
    published_note: str | None = None  # e.g. why a date is inferred
    url: str | None = None
    source: str = ""  # path relative to the corpus folder
    subject: str | None = None  # the force or body the document is about
    subject_note: str | None = None  # e.g. that the subject was inferred from the text
    places: tuple[str, ...] = ()  # every place whose force it is about ("Northants", ...)

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published else None

    @property
    def about(self) -> str | None:
        """What a source card says the document is about: "Cheshire Constabulary (inferred
        from the title and text)"."""
        if not self.subject:
            return None
        return f"{self.subject} ({self.subject_note})" if self.subject_note else self.subject

    def naming(self) -> str:
        """The words people name the document by: its title, publisher and kind."""
        return " ".join(x for x in (self.title, self.publisher, self.kind) if x)


class PageSpan(_Frozen):
    """Where one PDF page's text starts and ends in the document text."""

    page: int
    start: int
    end: int


class Document(_Frozen):
    """A loaded document: its body text (what offsets point into) and metadata."""

    meta: DocumentMeta
    text: str
    sha256: str  # of the source file's bytes plus any sidecar
    pages: tuple[PageSpan, ...] = ()
    # The four-digit years the text names, in order: found when the document is read from
    # the corpus and stored with the index, so no question scans its text for them (None
    # in an index stored before; then `dates` finds them on first need).
    years: tuple[int, ...] | None = None

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    def page_at(self, offset: int) -> int | None:
        for span in self.pages:
            if span.start <= offset < span.end:
                return span.page
        return None


class Chunk(_Frozen):
    """A token-sized, sentence-aligned slice of a document: text == document.text[start:end]."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int
    page: int | None = None
    tokens: int


class Passage(_Frozen):
    """A retrieved chunk with its score and the ranks each retriever gave it."""

    chunk: Chunk
    meta: DocumentMeta
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    similarity: float | None = None  # cosine between question and chunk, when known


class Citation(_Frozen):
    """One numbered source of an answer: the quoted sentence(s) and where they are."""

    n: int
    doc_id: str
    title: str
    publisher: str | None
    kind: str | None
    published: str | None
    published_note: str | None = None
    url: str | None
    page: int | None
    about: str | None = None  # the force or body the source is about (`DocumentMeta.about`)
    quote: str
    start: int
    end: int
    passage: str
    passage_start: int
    chunk_id: str


QUOTE_MARKS = '"“”'
# A line break after a line with no closing punctuation: a headline or heading, shown apart
# from the sentence under it rather than run into it.
# Markdown's bold and heading marks, which a reader should not see in a quote (not "__":
# identifiers hold it).
_MARKUP = re.compile(r"\*\*(?=\S)|(?<=\S)\*\*|^[ \t]*#{1,6}[ \t]+", re.M)
_HEADING_BREAK = re.compile(r"(?<=[^\s.?!:;,\"”’])[ \t]*\n\s*(?=[A-Z“\"‘])")


class Statement(_Frozen):
    """One sentence of an answer and the citation numbers that back it."""

    text: str
    citations: tuple[int, ...]
    label: str | None = None  # e.g. "2019" when sources of different years are shown apart
    speaker: str | None = None  # the person it quotes, when the sentence does not say

    def shown(self) -> str:
        """The sentence as a reader sees it: whitespace tidied and, when it quotes someone
        it does not name, with who said it."""
        text = " ".join(_HEADING_BREAK.sub(" — ", _MARKUP.sub("", self.text)).split())
        return f"{self.speaker} said: “{text.strip(QUOTE_MARKS)}”" if self.speaker else text


class Suggestion(_Frozen):
    """A nearest passage shown when the assistant abstains: not an answer."""

    doc_id: str
    title: str
    published: str | None
    url: str | None
    page: int | None
    passage: str
    score: float


class Answer(_Frozen):
    """What `assistant ask --json` prints and the app's `ask` endpoint returns."""

    question: str
    searched_for: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    statements: tuple[Statement, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    notice: str | None = None
    answerer: str = "extractive"
    confidence: float = 0.0
    timings_ms: dict[str, float] = Field(default_factory=dict)


class BuildReport(_Frozen):
    """What `assistant index` did."""

    documents: int
    chunks: int
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    embedded_chunks: int = 0
    embedded_sentences: int = 0  # texts the models embedded for the stored sentence vectors
    skipped: tuple[SkippedFile, ...] = ()
    seconds: float = 0.0
    index_path: str = ""

    @property
    def partial(self) -> bool:
        return bool(self.skipped)


class SkippedFile(_Frozen):
    """A corpus file that could not be read, or was left out on purpose, and why."""

    path: str
    reason: str
    # True for a copy of another document or a link out of the corpus: a version indexed
    # before is dropped. False (unreadable): a version indexed before is kept.
    excluded: bool = False


BuildReport.model_rebuild()


class Filters(_Frozen):
    """Restrict retrieval to some documents, kinds of document, or years of publication."""

    doc_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    subjects: tuple[str, ...] = ()  # places ("Cheshire") whose force documents are about

    @property
    def active(self) -> bool:
        return bool(self.doc_ids or self.kinds or self.year_from or self.year_to or self.subjects)

    def allows(self, meta: DocumentMeta) -> bool:
        year = meta.year
        asked = {s.lower() for s in self.subjects}
        return (
            (not self.doc_ids or meta.doc_id in self.doc_ids)
            and (not self.kinds or (meta.kind or "") in self.kinds)
            and (not asked or bool(asked & {p.lower() for p in meta.places}))
            and (self.year_from is None or (year is not None and year >= self.year_from))
            and (self.year_to is None or (year is not None and year <= self.year_to))
        )


class BriefingSection(_Frozen):
    """What one document says on a briefing's topic: its quotes, in document order."""

    meta: DocumentMeta
    statements: tuple[Statement, ...]


class Briefing(_Frozen):
    """A note on a topic: what each document said, when, with quotes and sources."""

    topic: str
    sections: tuple[BriefingSection, ...]
    citations: tuple[Citation, ...]
    empty_reason: str | None = None  # why there is nothing to report, when there is not


class TimelineEvent(_Frozen):
    """One dated event (an inspection, revisit, review, publication, initiative) and what
    it found, as one verbatim sentence, with every source that reports it."""

    date: str  # as precise as the documents say: "2013", "2019-03", "2019-07-24"
    date_label: str  # as people read it: "2013", "March 2019", "November to December 2020"
    kind: str  # inspection | revisit | review | publication | initiative
    text: str  # the sentence (and what it found, when the next sentence says), verbatim
    citations: tuple[int, ...]  # the first is where `text` is quoted from


class Timeline(_Frozen):
    """What `assistant timeline --json` prints: events in the order they happened."""

    topic: str | None
    events: tuple[TimelineEvent, ...]
    citations: tuple[Citation, ...]
    empty_reason: str | None = None


class ClaimEvidence(_Frozen):
    """A passage's sentence weighed against a claim, and why it counts for or against it."""

    citation: int  # its number in `ClaimCheck.citations`
    text: str
    stance: str  # supports | contradicts | qualifies
    reason: str  # e.g. "gives 21, not 25"


class ClaimCheck(_Frozen):
    """What `assistant check --json` prints: a verdict on a claim, and the passages."""

    claim: str
    verdict: str  # supported | partly supported | contradicted | not found
    explanation: str
    supporting: tuple[ClaimEvidence, ...] = ()
    contradicting: tuple[ClaimEvidence, ...] = ()  # contradicting or qualifying
    citations: tuple[Citation, ...] = ()
