"""Fit the extractive answerer's weights on the tune split of the eval set; held-out cases
are never read.

1. Sentence scoring (`ScoringConfig`): for every answerable tune case, the candidate
   sentences of the final turn are labelled by whether they hold a required fact, and a
   conditional-logit model (softmax over a case's candidates) learns which features pick
   the right sentence.
2. Abstention (`AnswerConfig` penalties and threshold): a logistic regression of
   "the corpus answers this" on the best sentence's score and the doubts about it.

Prints the values to paste into `assistant/evidence.py` and `assistant/answer.py`, with
in-sample and cross-validated figures. The reader model's similarity (the `answers`
feature) is taken out of fold from `evals/reader-oof.json.gz` (`train_reader.py --folds`):
the shipped adapter was trained on these very cases, and its similarities for them would
flatter it.

    .venv/bin/python evals/fit_weights.py
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from assistant.abstain import DOUBTS
from assistant.answer import AnswerConfig, SimilarityModel
from assistant.evalcli import fold_of
from assistant.evals import Case, best_cut, converse, fact_present, load_cases
from assistant.evidence import TENSE_DEMOTION, YEAR_FLOOR, Candidate, ScoringConfig
from assistant.pipeline import Pipeline
from assistant.query import Intent, analyse
from assistant.settings import Settings
from assistant.types import Answer

Ranking = list[tuple[np.ndarray, np.ndarray]]
OOF_PATH = Path("evals/reader-oof.json.gz")
# The development set's tune questions: the first batch, and the second, written by four
# more people from the same documents (`cases-2.yaml`).
DEV_TUNE = {"dev": Path("evals/dev/cases.yaml"), "dev-2": Path("evals/dev/cases-2.yaml")}


class OutOfFold:
    """The reader model's similarities for a case from the adapter that never saw it;
    the shipped adapter's for sentences that one did not score (earlier turns)."""

    def __init__(self, live: SimilarityModel | None, oof: dict[str, dict[str, float]]) -> None:
        self.live = live
        self.oof = oof
        self.case: dict[str, float] = {}

    @classmethod
    def load(cls, live: SimilarityModel | None, path: Path = OOF_PATH) -> OutOfFold:
        """The similarities `train_reader.py --folds` wrote."""
        return cls(live, json.loads(gzip.decompress(path.read_bytes())))

    def use(self, case_id: str) -> None:
        """Score the sentences of this case next."""
        self.case = self.oof.get(case_id, {})

    def similarities(self, question: str, texts: Sequence[str]) -> list[float]:
        live = self.live.similarities(question, texts) if self.live else [0.0] * len(texts)
        return [self.case.get(t, x) for t, x in zip(texts, live, strict=True)]


def final_turn(pipeline: Pipeline, case: Case) -> tuple[Answer, Intent, list[Candidate]]:
    """The case's last answer, and every candidate sentence it was chosen from, scored."""
    model = pipeline.extractive.model
    if isinstance(model, OutOfFold):
        model.use(case.id)
    turns, passages = converse(pipeline, case.questions)
    answer = turns[-1].answer
    intent = analyse(answer.searched_for)
    vector = pipeline.retriever().embed_query(answer.searched_for)
    return answer, intent, pipeline.extractive.rank(intent, passages, vector)


def ranking_data(pipeline: Pipeline, cases: list[Case]) -> Ranking:
    names = list(ScoringConfig().weights())
    data = []
    for case in cases:
        if not case.answerable:
            continue
        _, _, ranked = final_turn(pipeline, case)
        labels = np.array([any(fact_present(c.text, f) for f in case.facts) for c in ranked])
        if labels.any():
            data.append((np.array([[c.features[n] for n in names] for c in ranked]), labels * 1.0))
    return data


def top1(data: Ranking, w: np.ndarray) -> float:
    return float(np.mean([labels[np.argmax(x @ w)] for x, labels in data]))


def fit_ranking(data: Ranking, w: np.ndarray, l2: float = 0.05) -> np.ndarray:
    w = w.copy()
    for _ in range(4000):
        grad = -2 * l2 * w
        for x, labels in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            pos = p * labels
            grad += (pos / pos.sum()) @ x - p @ x
        w += 0.05 * grad / len(data)
    return w


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1) -> np.ndarray:
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(20000):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (y - p) / len(y) - l2 * np.r_[w[:-1], 0]
        w += 0.1 * grad
    return w


def cross_validated(items: list, fit, score) -> float:  # type: ignore[no-untyped-def]
    results = []
    for k in range(5):
        train = [d for i, d in enumerate(items) if i % 5 != k]
        test = [d for i, d in enumerate(items) if i % 5 == k]
        results += score(test, fit(train))
    return float(np.mean(results))


def calibrate_abstention(
    rows: list[tuple[float, list[float], bool, bool]],
) -> tuple[int, tuple[float, ...], float]:
    """Grid search of the doubt penalties; for each, the threshold `best_cut` picks.
    Most tune cases passed wins; ties go to the widest margin around the threshold, then
    to larger penalties: a doubt that costs no tune case keeps its full weight, since it
    guards against questions the tune split barely has ("Who won the world cup in 2018?")."""
    grid = [0.0, 0.5, 1.0, 2.0, 3.0]
    best: tuple[int, float, float, tuple[float, ...], float] = (-1, 0.0, 0.0, (), 0.0)
    scores = np.array([s for s, _, _, _ in rows])
    doubts = np.array([d for _, d, _, _ in rows]).reshape(len(rows), len(DOUBTS))
    right = np.array([a and ok for _, _, a, ok in rows], dtype=bool)
    refusable = np.array([not a for _, _, a, _ in rows], dtype=bool)
    for penalties in itertools.product(grid, repeat=len(DOUBTS)):
        adjusted = scores - doubts @ np.array(penalties)
        cut, passed = best_cut(adjusted, right, refusable)
        margin = float(np.min(np.abs(adjusted - cut)))
        if (passed, round(margin, 1), sum(penalties)) > best[:3]:
            best = (passed, round(margin, 1), sum(penalties), penalties, cut)
    return best[0], best[3], best[4]


def passed_at(
    rows: list[tuple[float, list[float], bool, bool]], penalties: Sequence[float], cut: float
) -> int:
    """How many cases pass with these penalties and threshold."""
    return sum(
        (s - float(np.dot(penalties, d)) >= cut and ok)
        if answerable
        else s - float(np.dot(penalties, d)) < cut
        for s, d, answerable, ok in rows
    )


def eval_sets(dev: bool) -> list[tuple[str, Pipeline, list[Case]]]:
    """The tune cases to fit on, each set with its own pipeline: the seed set's tune split
    and, with `dev`, the development set's tune folds (never its locked folds), each case
    named by its fold. The reader's similarities are out of fold for every case
    `train_reader.py --folds` recorded (the shipped adapter was trained on the seed tune
    split; one trained with `--dev`, on the development folds too)."""
    sets: list[tuple[str, Pipeline, list[Case]]] = []
    if "--no-seed" not in sys.argv:
        seed = Pipeline(Settings.from_env(os.environ, abstain_threshold=-1e9))
        seed.build()
        seed.extractive.model = OutOfFold.load(seed.reader_model)
        tune = [c for c in load_cases(Path("evals/cases.yaml")) if c.split == "tune"]
        sets.append(("seed", seed, tune))
    if dev:
        dev_dir = Path("evals/dev")
        settings = Settings.from_env(
            os.environ, abstain_threshold=-1e9, corpus=dev_dir / "corpus", index=dev_dir / ".index"
        )
        pipeline = Pipeline(settings)
        pipeline.build()
        pipeline.extractive.model = OutOfFold.load(pipeline.reader_model)
        folds = fold_of(dev_dir / "folds.yaml")
        for batch, path in DEV_TUNE.items():
            for fold in sorted(set(folds.values()) - {"locked"}):
                cases = [c for c in load_cases(path) if folds.get(c.force or "", folds[""]) == fold]
                sets.append((f"{batch}-{fold}", pipeline, cases))
    return sets


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sets = eval_sets("--dev" in sys.argv)  # (the pipelines load lazily)
    scoring = ScoringConfig() if "--no-ranking" in sys.argv else fit_scoring(sets)
    cache = next((Path(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--rows=")), None)
    if cache and cache.is_file():  # refit from the rows a run saved, without the pipeline
        rows_by_set = {k: [tuple(r) for r in v] for k, v in json.loads(cache.read_text()).items()}
    else:
        rows_by_set = abstention_rows(sets, scoring)
        if cache:
            cache.write_text(json.dumps(rows_by_set))
    rows = [r for rs in rows_by_set.values() for r in rs]
    current = AnswerConfig()
    now = [current.penalties()[k] for k in DOUBTS]
    best = calibrate_abstention(rows)
    print(
        f"abstention, tune cases passed: {best[0]}/{len(rows)} "
        f"(current penalties and threshold: {passed_at(rows, now, current.abstain_threshold)})"
    )
    for name, rs in rows_by_set.items():
        others = [r for n, rr in rows_by_set.items() if n != name for r in rr]
        out = calibrate_abstention(others) if len(rows_by_set) > 1 else best
        print(
            f"  {name}: {passed_at(rs, now, current.abstain_threshold)}/{len(rs)} now, "
            f"{passed_at(rs, out[1], out[2])}/{len(rs)} fitted without it"
        )
    print(f"  penalties {dict(zip(DOUBTS, best[1], strict=True))}; abstain below {best[2]:.3f}")
    return 0


def fit_scoring(sets: list[tuple[str, Pipeline, list[Case]]]) -> ScoringConfig:
    """Sentence-scoring weights fitted on every set, with each set's top-1 when fitted
    on the others."""
    data_by_set = {name: ranking_data(pipeline, cases) for name, pipeline, cases in sets}
    data = [d for ds in data_by_set.values() for d in ds]
    start = np.array(list(ScoringConfig().weights().values()))
    print(f"{len(data)} answerable tune cases with a fact-bearing candidate", file=sys.stderr)
    print(f"top-1 sentence holds a fact, current weights: {top1(data, start):.3f}")
    for name, ds in data_by_set.items():
        others = [d for n, dd in data_by_set.items() if n != name for d in dd]
        if ds and len(data_by_set) > 1:
            w_out = fit_ranking(others, start)
            print(
                f"  {name}: current {top1(ds, start):.3f}, fitted without it {top1(ds, w_out):.3f}"
            )
    w = fit_ranking(data, start)
    w = w / w[0]  # semantic similarity keeps weight 1, so scores stay on its scale
    print(f"  in sample, fitted weights:                   {top1(data, w):.3f}")
    fitted = {k: round(float(v), 3) for k, v in zip(asdict(ScoringConfig()), w, strict=True)}
    fitted["year"] = max(fitted["year"], YEAR_FLOOR)  # product rules, not fitted
    fitted["tense_mismatch"] = TENSE_DEMOTION
    scoring = ScoringConfig(**fitted)
    print(scoring)
    return scoring


Rows = list[tuple[float, list[float], bool, bool]]


def abstention_rows(
    sets: list[tuple[str, Pipeline, list[Case]]], scoring: ScoringConfig
) -> dict[str, Rows]:
    """Per set, each case's best score, doubts, answerability and whether the forced
    answer holds its facts."""
    rows_by_set: dict[str, Rows] = {}
    for name, pipeline, cases in sets:
        answerer = pipeline.extractive
        answerer.scoring = scoring
        rows = rows_by_set.setdefault(name, [])
        for i, case in enumerate(cases, start=1):
            print(f"\r{name}: {i}/{len(cases)}", end="", file=sys.stderr, flush=True)
            forced, intent, ranked = final_turn(pipeline, case)
            if not ranked or forced.abstained:  # nothing to quote, or a force it has nothing on
                rows.append((-1e9, [0.0] * len(DOUBTS), case.answerable, False))
                continue
            correct = case.answerable and all(fact_present(forced.answer, f) for f in case.facts)
            doubts = answerer.doubter.doubts(intent, ranked[0])
            rows.append((ranked[0].score, [doubts[k] for k in DOUBTS], case.answerable, correct))
    return rows_by_set


if __name__ == "__main__":
    raise SystemExit(main())
