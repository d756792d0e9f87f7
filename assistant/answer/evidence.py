"""Evidence for an extractive answer: the sentences of the retrieved passages, each scored
for how well it answers the question (meaning, shared words, the kind of answer wanted,
the years named, the passage's rank). Spans stay offsets into the document text.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from assistant.answer.answer_types import (
    answer_type_score,
    asks_publication,
    publication_score,
    tense_mismatch,
)
from assistant.index.postings import CorpusStats
from assistant.retrieve.question import Intent
from assistant.text.attribution import attribution
from assistant.text.candidates import Candidate, stems_between
from assistant.text.dates import current_years, doc_years
from assistant.text.terms import STOPWORDS, content_stems, flat, words

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
        own = stems_between(cand.doc, cand.start, cand.end)
        around = stems_between(cand.doc, *cand.window)
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
