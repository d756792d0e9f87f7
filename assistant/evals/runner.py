"""Known-facts evals: run the cases in `evals/cases.yaml` through the real pipeline and
measure retrieval (hit@1, hit@5, MRR), answers (required facts present), citations
(quotes verbatim, a supporting document cited), abstention, length and latency, for the
tune and held-out splits apart. Rendering and the regression gate are in `report`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, model_validator

from assistant.answer.citations import normalise
from assistant.errors import ConfigError
from assistant.pipeline import Pipeline
from assistant.retrieve.followups import Turn
from assistant.types import Answer, Passage

SPLITS = ("tune", "heldout")


class Case(BaseModel):
    id: str
    split: str = "tune"
    tags: list[str] = []
    question: str | None = None
    turns: list[str] | None = None
    answerable: bool = True
    facts: list[list[str]] = []
    docs: list[str] = []
    note: str | None = None
    force: str | None = None  # development set: the force (fold) the question is about

    @model_validator(mode="after")
    def _check(self) -> Case:
        if bool(self.question) == bool(self.turns):
            raise ValueError(f"case {self.id}: give exactly one of question or turns")
        if self.split not in SPLITS:
            raise ValueError(f"case {self.id}: split must be one of {SPLITS}")
        if self.answerable and not (self.facts and self.docs):
            raise ValueError(f"case {self.id}: an answerable case needs facts and docs")
        return self

    @property
    def questions(self) -> list[str]:
        return self.turns or [self.question or ""]


class CaseResult(BaseModel):
    id: str
    split: str
    tags: list[str]
    question: str
    searched_for: str
    answer: str
    answerable: bool
    abstained: bool
    confidence: float
    correct: bool | None  # answerable cases: every required fact is in the answer
    forced_correct: bool  # ... or would be, had it not abstained
    missing_facts: list[str]
    quotes_verbatim: bool  # every citation's quote is in its document
    cites_support: bool | None  # answerable: a citation comes from a supporting document
    rank: int | None  # rank of the first passage from a supporting document
    words: int
    latency_ms: float
    baseline_correct: bool | None  # the top retrieved chunk, as the answer
    baseline_words: int

    @property
    def citation_valid(self) -> bool:
        return self.quotes_verbatim and self.cites_support is not False

    @property
    def passed(self) -> bool:
        if not self.answerable:
            return self.abstained
        return not self.abstained and bool(self.correct) and self.citation_valid


def load_cases(path: Path) -> list[Case]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = [Case.model_validate(c) for c in raw["cases"]]
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read eval cases from {path}: {e}") from None
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: case ids must be unique")
    return cases


def fact_present(text: str, variants: Sequence[str]) -> bool:
    """Is one of the variants in the text, as whole words ("21 files" is not in "2021
    files"), ignoring case and runs of whitespace?"""
    haystack = normalise(text).lower()
    return any(
        re.search(rf"(?<![\w]){re.escape(normalise(v).lower())}(?![\w])", haystack)
        for v in variants
    )


def answer_words(answer: Answer) -> int:
    return sum(len(st.text.split()) for st in answer.statements)


def converse(pipeline: Pipeline, questions: Sequence[str]) -> tuple[list[Turn], list[Passage]]:
    """Ask the questions in order, as one conversation: its turns, and the passages
    retrieved for the last one."""
    turns: list[Turn] = []
    passages: list[Passage] = []
    for q in questions:
        answer, passages = pipeline.ask_traced(q, turns)
        turns.append(Turn(q, answer.searched_for, answer))
    return turns, passages


def run_case(pipeline: Pipeline, case: Case) -> CaseResult:
    turns, passages = converse(pipeline, case.questions)
    answer = turns[-1].answer  # a case has at least one question (validated)
    documents = pipeline.reader.documents
    quotes_ok = all(
        c.doc_id in documents and normalise(c.quote) in normalise(documents[c.doc_id].text)
        for c in answer.citations
    )
    answered_text = "" if answer.abstained else answer.answer
    forced_text = " ".join(st.text for st in answer.statements) or answered_text
    missing = [v[0] for v in case.facts if not fact_present(answered_text, v)]
    rank = next((i for i, p in enumerate(passages, 1) if p.chunk.doc_id in case.docs), None)
    top = passages[0].chunk.text if passages else ""
    return CaseResult(
        id=case.id,
        split=case.split,
        tags=case.tags,
        question=case.questions[-1],
        searched_for=answer.searched_for,
        answer=answer.answer,
        answerable=case.answerable,
        abstained=answer.abstained,
        confidence=answer.confidence,
        correct=(not missing) if case.answerable else None,
        forced_correct=all(fact_present(forced_text, v) for v in case.facts),
        missing_facts=missing,
        quotes_verbatim=quotes_ok,
        cites_support=any(c.doc_id in case.docs for c in answer.citations)
        if case.answerable and not answer.abstained
        else None,
        rank=rank if case.answerable else None,
        words=answer_words(answer),
        latency_ms=answer.timings_ms.get("total", 0.0),
        baseline_correct=all(fact_present(top, v) for v in case.facts) if case.answerable else None,
        baseline_words=len(top.split()),
    )


def run(
    pipeline: Pipeline,
    cases: Sequence[Case],
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    results = []
    for i, case in enumerate(cases, start=1):
        results.append(run_case(pipeline, case))
        if progress:
            progress(i, len(cases))
    return results


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def summarise(results: Sequence[CaseResult]) -> dict[str, float | int | None]:
    """Aggregate metrics over some results."""
    answerable = [r for r in results if r.answerable]
    answered = [r for r in results if not r.abstained]
    abstained = [r for r in results if r.abstained]
    ranks = [r.rank for r in answerable]
    return {
        "cases": len(results),
        "hit_at_1": _share([r is not None and r <= 1 for r in ranks]),
        "hit_at_5": _share([r is not None and r <= 5 for r in ranks]),
        "mrr": round(statistics.fmean([1 / r if r else 0.0 for r in ranks]), 4) if ranks else None,
        "answer_correctness": _share([bool(r.correct) and not r.abstained for r in answerable]),
        "citation_validity": _share([r.citation_valid for r in answered]),
        "right_document": _share([bool(r.cites_support) for r in answerable if not r.abstained]),
        "quotes_verbatim": _share([r.quotes_verbatim for r in answered]),
        "abstention_precision": _share([not r.answerable for r in abstained]),
        "abstention_recall": _share([r.abstained for r in results if not r.answerable]),
        "passed": _share([r.passed for r in results]),
        "median_words": statistics.median([r.words for r in answered]) if answered else None,
        "latency_p50_ms": _percentile([r.latency_ms for r in results], 0.5),
        "latency_p95_ms": _percentile([r.latency_ms for r in results], 0.95),
        "baseline_correctness": _share([bool(r.baseline_correct) for r in answerable]),
        "baseline_median_words": statistics.median([r.baseline_words for r in answerable])
        if answerable
        else None,
    }


def summaries(results: Sequence[CaseResult]) -> dict[str, dict[str, float | int | None]]:
    """Metrics per split (or fold) and for all results together."""
    splits = sorted({r.split for r in results} | set(SPLITS), key=lambda s: (s not in SPLITS, s))
    groups = {s: summarise([r for r in results if r.split == s]) for s in splits}
    return {k: v for k, v in groups.items() if v["cases"]} | {"all": summarise(results)}


def calibrate_threshold(results: Sequence[CaseResult]) -> tuple[float, int]:
    """The abstention threshold for results of a run that never abstained (forced
    answers), on the tune split only. See `best_threshold`."""
    tune = [r for r in results if r.split == "tune"]
    rows = [(r.confidence, r.answerable, bool(r.forced_correct) and r.citation_valid) for r in tune]
    return best_threshold(rows)


def best_threshold(rows: Sequence[tuple[float, bool, bool]], slack: int = 1) -> tuple[float, int]:
    """Given (confidence, answerable, correct if answered) per case: the cut that passes
    the most cases (answered correctly, or abstained when unanswerable). Among cuts within
    `slack` cases of the best, the one furthest from any case wins: a threshold on a knife
    edge between two tune cases would not carry over to new questions. (Counted over the
    distinct confidences in numpy: the penalty grid of `evals/fit_weights.py` asks this
    15,625 times.)"""
    confidence = np.array([c for c, _, _ in rows], dtype=np.float64)
    right = np.array([answerable and ok for _, answerable, ok in rows], dtype=bool)
    refusable = np.array([not answerable for _, answerable, _ in rows], dtype=bool)
    return best_cut(confidence, right, refusable, slack)


def best_cut(
    confidence: np.ndarray, right: np.ndarray, refusable: np.ndarray, slack: int = 1
) -> tuple[float, int]:
    """`best_threshold` over arrays: each case's confidence, whether answering it is right,
    and whether refusing it is."""
    levels, at = np.unique(confidence, return_inverse=True)
    if len(levels) < 2:
        return 0.0, 0
    answered_right = np.bincount(at, weights=right, minlength=len(levels))
    refused_right = np.bincount(at, weights=refusable, minlength=len(levels))
    # The cut between levels i and i + 1 answers every case above level i.
    above = np.cumsum(answered_right[::-1])[::-1][1:]
    below = np.cumsum(refused_right)[:-1]
    passed = (above + below).astype(int)
    gaps = np.diff(levels)
    eligible = passed >= passed.max() - slack
    i = int(np.argmax(np.where(eligible, gaps, -np.inf)))  # the first of the widest
    return round(float((levels[i] + levels[i + 1]) / 2), 4), int(passed[i])
