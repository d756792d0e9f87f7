"""Whether the corpus answers at all: the doubts the best sentence found leaves (a name
the documents do not know, an answer of the wrong kind or of another year ...), and the
answer that says the documents do not answer. How much each doubt weighs is the
answerer's config (`confidence.AnswerConfig`), fitted by `evals/fit_weights.py`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from weakref import WeakKeyDictionary

from assistant.answer.answer_types import asks_publication, tense_mismatch
from assistant.index.store import IndexReader
from assistant.retrieve.names import Mentions, NameIndex, extends
from assistant.retrieve.question import Intent, question_sentence
from assistant.text.candidates import Candidate
from assistant.text.dates import MONTH_NAMES, current_years, human_date, years_in
from assistant.text.proper_names import ACRONYM_NAME, NOT_NAMES
from assistant.text.terms import stem, words
from assistant.types import Answer, Document, DocumentMeta, Passage, Suggestion

TYPED_KINDS = ("number", "date", "rating", "person", "place", "name", "title", "acronym")
# Cosine similarity (of the sentence or its window to the question) below which a
# sentence counts as unrelated, in proportion to how far below.
RELATED_SIMILARITY = 0.25
DOUBTS = ("unknown_words", "absent_name", "missing_type", "tense", "unrelated", "other_subject")
_DATE_STEMS = frozenset(stem(m.lower()) for m in MONTH_NAMES)
# Days and months ("on a Saturday", "Jan 2013") are capitalised but name nothing.
_CALENDAR = frozenset(
    [*calendar.day_name, *calendar.day_abbr, *calendar.month_name, *calendar.month_abbr, "Sept"]
) - {""}


class Doubter:
    """Weighs the signs that the corpus does not answer a question."""

    def __init__(self, reader: IndexReader, names: NameIndex) -> None:
        self.names = names
        self._years = reader.tables.years  # every year a document mentions

    def doubts(self, intent: Intent, best: Candidate) -> dict[str, float]:
        """Signs that the corpus does not answer, given the best sentence found, each in
        0..1 (or 0..2). (Unknown common words and a missing year were tried too: they do
        not separate answerable from unanswerable tune cases, since paraphrases are full of
        words the documents do not use.)"""
        # Names the corpus never mentions ("Leicestershire", "Canada") suggest another topic;
        # abbreviations ("PCs") are often just another word for something it does mention.
        proper = [
            w for w in intent.proper if w[:1].isupper() and w[1:].islower() and w not in _CALENDAR
        ]
        unknown = sum(not self.names.known(w) for w in proper)
        # So does an acronym they neither use nor spell out ("PEEL").
        unknown += sum(
            not self.names.acronym_known(w)
            for w in intent.proper
            if ACRONYM_NAME.fullmatch(w) and w not in NOT_NAMES
        )
        # So does a year no document mentions: a corpus of 2013 to 2021 cannot say what
        # happened in 2022.
        unknown += len(set(intent.years) - self._years)
        typed = intent.kind in TYPED_KINDS
        names_asked = self.names.asked(intent)
        return {
            "unknown_words": float(min(2, unknown)),
            # It names someone or something the source never mentions ("What did Ofsted
            # find in 2019?", "What did Billingham say about MADRA?").
            "absent_name": float(self.names.unmentioned(names_asked, best.doc) > 0),
            "missing_type": 1.0 - best.features["answer_type"] if typed else 0.0,
            "tense": float(tense_mismatch(intent, best.text)),
            # Of the kind asked but about something else: "Nick Adderley" for "who won the
            # world cup?". Every answerable tune case's best sentence is above 0.23. One
            # that is on topic by other signs is never unrelated ("Simon Bailey role").
            "unrelated": 0.0
            if _on_topic(intent, best, names_asked)
            else max(0.0, 1.0 - _relatedness(best) / RELATED_SIMILARITY),
            # A fact of the kind asked, but of another year or another team: "the 2019
            # report viewed 21 case files" for "how many in the 2018 inspection?", "POLIT
            # officers have 31 cases" for "what is the MOSOVO team's caseload?".
            "other_subject": float(typed and _about_another(intent, best.text, best.doc)),
        }


# "In which month of 2018 ...?", "when in 2019 ...?": a date inside that year is wanted (in
# "When did the 2019 report say ...?" the year names the report, not the date).
_DATE_WITHIN = re.compile(
    r"\b(?:(?:month|week|day|date|season|part|time|point)s? (?:of|in)|when in) ((?:19|20)\d\d)\b"
)


def _about_another(intent: Intent, text: str, doc: Document) -> bool:
    """Does the sentence count something in years the question does not ask about, date
    something in another year than the one a date is asked within, or name a team (an
    acronym) other than the ones the question names? (A person or a finding is
    often told with an earlier year for context: "Our 2018 inspection should have been an
    urgent wake-up call", said in 2019.)"""
    within = _DATE_WITHIN.findall(question_sentence(intent.text).lower())
    counts = intent.kind in ("number", "rating")  # a count or a grade is of a year
    asked_years = set(intent.years) if counts else {int(y) for y in within}
    if asked_years and intent.kind in ("number", "rating", "date"):
        # A count or grade with no year of its own is of the years its source is about.
        years = set(years_in(text)) or (current_years(doc) if counts else set())
        if years and not years & asked_years:
            return True
    asked = [w for w in intent.proper if ACRONYM_NAME.fullmatch(w) and w not in NOT_NAMES]
    if asked and intent.kind != "name":  # for "which programme?", another name is the answer
        named = [w for w in words(text) if ACRONYM_NAME.fullmatch(w) and w not in NOT_NAMES]
        same = any(a == n or extends(a, n) for a in asked for n in named)
        if named and not same:
            return True
    return False


def _relatedness(cand: Candidate) -> float:
    return max(cand.features["semantic"], cand.features["semantic_window"])


def _on_topic(intent: Intent, best: Candidate, names: list[list[str]]) -> bool:
    """Is the sentence about what the question asks, however little it shares with it in
    meaning? It is when it names (or quotes) who or what the question names; when it is
    the title or dateline asked for ("what was its headline?", "when was it published?");
    or when the question asks only what a source said ("What did Heart report on 24 July
    2019?") and the sentence is that source's."""
    named = [w for name in names for w in name]
    return (
        Mentions(_with_speaker(best)).any_of(named)
        or (intent.kind == "title" and best.features["answer_type"] == 1.0)
        or (asks_publication(intent) and best.is_label)
        or (_asks_only_source(intent, names) and Mentions(best.doc.meta.naming()).any_of(named))
    )


# Verbs of saying: "What did Heart report?" asks for what a source said, about anything.
_SAYING = frozenset(stem(w) for w in "report say said tell told write wrote publish state".split())


def _asks_only_source(intent: Intent, names: list[list[str]]) -> bool:
    """Does the question ask what a named source said, and nothing more ("What did Heart
    report on 24 July 2019?")?"""
    named = {stem(part) for name in names for w in name for part in w.split()}
    rest = [t for t in intent.terms if t not in named and t not in _SAYING and not date_term(t)]
    return bool(names) and not rest


def date_term(term: str) -> bool:
    """A question term that only dates: "24", "2019", "july"."""
    return term.isdigit() or term in _DATE_STEMS


def _with_speaker(cand: Candidate) -> str:
    """The sentence and who it quotes: a line of Adderley's statement is about what the
    question names when it asks about Adderley."""
    who = cand.quoting.speaker if cand.quoting else None
    return f"{cand.text} ({who})" if who else cand.text


def abstention(
    question: str,
    searched_for: str,
    passages: Sequence[Passage],
    reader: IndexReader,
    confidence: float = 0.0,
    about: Sequence[str] = (),
) -> Answer:
    """Say the documents do not answer, what they do cover, and the nearest passages. For a
    question about a place ("Cheshire"), it is the documents about that place that do not
    say, and the nearest passages are theirs."""
    suggestions = tuple(
        Suggestion(
            doc_id=p.meta.doc_id,
            title=p.meta.title,
            published=p.meta.published,
            url=p.meta.url,
            page=p.chunk.page,
            passage=p.chunk.text,
            score=round(p.score, 4),
        )
        for p in passages[:3]
    )
    metas: list[DocumentMeta] = []
    if about:
        metas = [reader.documents[d].meta for d in reader.about(about)]
        subject = about[0] if len(about) == 1 else " or ".join(about)
        text = (
            f"The documents about {subject} do not answer this question. "
            if metas
            else f"No document in the corpus is about {subject}. "
        )
    else:
        text = "The documents do not answer this question. "
    # What the documents about it cover, or all of them (the same for every question).
    text += coverage(metas) if metas else _covered(reader)
    if suggestions:
        text += " The nearest passages are listed below; they are suggestions, not an answer."
    return Answer(
        question=question,
        searched_for=searched_for,
        answer=text,
        abstained=True,
        suggestions=suggestions,
        confidence=round(confidence, 4),
    )


_COVERED: WeakKeyDictionary[IndexReader, str] = WeakKeyDictionary()


def _covered(reader: IndexReader) -> str:
    """What all the reader's documents cover (`coverage`), worked out once per index opened."""
    if reader not in _COVERED:
        _COVERED[reader] = coverage([d.meta for d in reader.documents.values()])
    return _COVERED[reader]


def coverage(documents: Sequence[DocumentMeta]) -> str:
    """What these documents cover: how many, and their date range."""
    metas = sorted(documents, key=lambda m: m.published or "")
    years = [m.year for m in metas if m.year]
    span = f", published {min(years)} to {max(years)}" if years else ""
    listed = "; ".join(f"{m.title} ({human_date(m.published)})" for m in metas[:6])
    more = f"; and {len(metas) - 6} more" if len(metas) > 6 else ""
    return f"They cover {len(metas)} documents{span}: {listed}{more}."
