"""Evidence for an extractive answer: the sentences of the retrieved passages, each scored
for how well it answers the question (meaning, shared words, the kind of answer wanted,
the years named, the passage's rank). Spans stay offsets into the document text.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache

import numpy as np

from assistant.answer.answer_types import (
    answer_type_score,
    asks_publication,
    publication_score,
    tense_mismatch,
)
from assistant.ingest.chunking import sentence_spans
from assistant.retrieve.question import Intent
from assistant.text.attribution import Attribution, Quotations, attribution
from assistant.text.dates import current_years, doc_years
from assistant.text.terms import LIST_NUMBER, STOPWORDS, content_stems, flat, stem, words
from assistant.types import Document, Passage

# A question that names a year prefers sources about that year: a product rule, so the
# year weight never falls below this, whatever the fit on the tune split says.
YEAR_FLOOR = 0.3
# A plan offered for what was found, or the reverse, is demoted, so that the next sentence
# gets its chance ("What did inspectors find in 2013?" was refused because "We will return
# in October" came first). A product rule too: few tune sentences have it, so it is not fitted.
TENSE_DEMOTION = -0.5


@dataclass(frozen=True)
class ScoringConfig:
    """Weights of the sentence features: a conditional logit of which sentence holds the
    answer, fitted with `python evals/fit_weights.py --dev` on the tune cases of the seed
    set and the development set, with the reader model's out-of-fold similarities."""

    semantic: float = -0.014
    semantic_window: float = -0.076
    lexical: float = 0.268
    window: float = 1.588
    phrase: float = 0.463
    answer_type: float = 0.922
    passage_rank: float = 0.272
    passage_similarity: float = -0.077
    year: float = 0.3  # YEAR_FLOOR: the fit gives ~0
    short: float = -0.179
    length: float = 0.249
    tense_mismatch: float = TENSE_DEMOTION
    answers: float = 4.302  # the reader model's similarity of question and sentence

    def weights(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


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


class CorpusStats:
    """Document frequencies of word stems over the chunks, for weighting question words
    (worked out with the index: `word_tables.WordTables.stats`)."""

    def __init__(
        self, n: int, df: dict[str, int], vocab: set[str], lowercase: frozenset[str]
    ) -> None:
        self.n = max(n, 1)
        self.df = df
        self.vocab = vocab  # every word of the chunks, in lower case
        self.lowercase = lowercase  # words the corpus writes in lower case somewhere
        self.quotes = Quotations(lowercase, None)  # who documents quote (stored: word_tables)

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 0.5))

    def known(self, word: str) -> bool:
        low = word.lower()
        return low in self.vocab or self.df.get(stem(low), 0) > 0


@lru_cache(maxsize=4096)
def _doc_sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def _stems_between(doc: Document, start: int, end: int) -> set[str]:
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


def score_all(
    cands: list[Candidate],
    intent: Intent,
    question_vector: Sequence[float],
    sentence_vectors: Sequence[Sequence[float]],
    window_vectors: Sequence[Sequence[float]],
    stats: CorpusStats,
    config: ScoringConfig,
    related: dict[str, list[tuple[str, float]]] | None = None,
    answers: Sequence[float] | None = None,
) -> None:
    """Fill in each candidate's features and weighted score. `related` maps a question
    term to corpus terms of like meaning, which count as partial matches; `answers` are
    the reader model's similarities of the question to each candidate."""
    q = np.asarray(question_vector)
    weights = {t: stats.idf(t) for t in intent.terms}
    total = sum(weights.values()) or 1.0
    related = related or {}

    def overlap(present: set[str]) -> float:
        found = 0.0
        for term, weight in weights.items():
            if term in present:
                found += weight
            elif term in related:
                found += weight * max((s for t, s in related[term] if t in present), default=0)
        return found / total

    bigrams = _bigrams(intent.text)
    publication = asks_publication(intent)
    w = config.weights()
    answers = answers if answers is not None else [0.0] * len(cands)
    rows = zip(cands, sentence_vectors, window_vectors, answers, strict=True)
    for cand, vector, window_vector, answer_similarity in rows:
        text = cand.text
        quotes = stats.quotes.of(cand.doc.doc_id, cand.doc.text)
        cand.quoting = attribution(cand.doc.text, cand.start, quotes)
        speaker = cand.quoting.speaker if cand.quoting else ""
        own = _stems_between(cand.doc, cand.start, cand.end)
        around = _stems_between(cand.doc, *cand.window)
        # "the press release", "the force's statement", "Heart", "Billingham"
        around |= _naming_stems(f"{cand.doc.meta.naming()} {speaker}")
        f = cand.features
        f["semantic"] = float(np.dot(q, np.asarray(vector)))
        f["semantic_window"] = float(np.dot(q, np.asarray(window_vector)))
        f["lexical"] = overlap(own)
        f["window"] = overlap(around)
        f["phrase"] = len(bigrams & _bigrams(text)) / len(bigrams) if bigrams else 0.0
        f["answer_type"] = (
            _title_score(cand)
            if intent.kind == "title"
            else answer_type_score(intent, text, stats.lowercase, stats.df.keys())
        )
        if publication:
            f["answer_type"] *= publication_score(text, cand.is_label)
        if intent.kind == "person" and cand.quoting and not _named(speaker, intent):
            # "Who said ...?": the person quoted, and their role ("which inspector ...?")
            with_speaker = f"{cand.quoting.intro} {text}"
            f["answer_type"] = max(
                f["answer_type"],
                answer_type_score(intent, with_speaker, stats.lowercase, stats.df.keys()),
            )
        f["passage_rank"] = 1.0 / cand.rank
        f["passage_similarity"] = cand.passage.similarity or 0.0
        f["year"] = _year_score(intent, cand)
        n_words = len(text.split())
        f["short"] = 1.0 if n_words < 8 else 0.0
        f["length"] = math.log1p(n_words) / 5
        f["tense_mismatch"] = float(tense_mismatch(intent, text))
        f["answers"] = answer_similarity
        cand.score = sum(w[name] * value for name, value in f.items())


@lru_cache(maxsize=4096)
def _naming_stems(naming: str) -> frozenset[str]:
    """The content stems of what names a document, and who it quotes (the same few for
    every sentence of it)."""
    return frozenset(content_stems(naming))


def _named(person: str, intent: Intent) -> bool:
    """Does the question name the person already ("What did Billingham say ...?")?"""
    return any(w in intent.proper for w in person.split())


def _title_score(cand: Candidate) -> float:
    """For "what was the headline ...?": 1 for a sentence that is its document's title."""
    return 1.0 if flat(cand.text).startswith(flat(cand.doc.meta.title)) else 0.0


@lru_cache(maxsize=100_000)  # every question scores the same sentences again
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    """Adjacent word pairs, but not pairs of function words ("of the") unless the first is
    a modal ("should have"), which often carries a question's point."""
    tokens = [t.lower() for t in words(text)]
    pairs = itertools.pairwise(tokens)
    return frozenset(
        (a, b) for a, b in pairs if a not in STOPWORDS or b not in STOPWORDS or a in _MODALS
    )


_MODALS = frozenset("should would could must will might may can".split())


def _year_score(intent: Intent, cand: Candidate) -> float:
    """How closely the sentence is tied to a year the question names."""
    if not intent.years:
        return 0.0
    years = [str(y) for y in intent.years]
    if any(y in cand.text for y in years):
        return 1.0
    if set(intent.years) & current_years(cand.doc):
        return 0.7
    if any(y in cand.doc.text[cand.window[0] : cand.window[1]] for y in years):
        return 0.5
    if any(y in cand.passage.chunk.text for y in years):
        return 0.3
    if set(intent.years) & doc_years(cand.doc):
        return 0.2
    return 0.0
