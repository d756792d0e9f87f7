"""Fit the extractive answerer's weights on the tune split of the eval set; held-out cases
are never read.

1. Sentence scoring (`ScoringConfig`): for every answerable tune case, the candidate
   sentences of the final turn are labelled by whether they hold a required fact, and a
   conditional-logit model (softmax over a case's candidates) learns which features pick
   the right sentence.
2. Abstention (`AnswerConfig`'s confidence and threshold): a logistic regression of "the
   forced answer is right" on the best sentence's score, its lead over the others and
   the doubts about it (`answer.confidence.confidence_inputs`), each set also scored
   fitted without it.

Prints the values to paste into `assistant/answer/evidence.py` and
`assistant/answer/extractive.py`, with
in-sample and cross-validated figures. The reader model's similarity (the `answers`
feature) is taken out of fold from `evals/reader-oof.json.gz` (`train_reader.py --folds`):
the shipped adapter was trained on these very cases, and its similarities for them would
flatter it.

    .venv/bin/python evals/fit_weights.py
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from assistant.answer.abstain import DOUBTS
from assistant.answer.base import SimilarityModel
from assistant.answer.confidence import LEADS, AnswerConfig, confidence_inputs
from assistant.answer.evidence import TENSE_DEMOTION, YEAR_FLOOR, ScoringConfig
from assistant.evals.cli import fold_of
from assistant.evals.runner import Case, best_cut, converse, fact_present, load_cases
from assistant.pipeline import Pipeline
from assistant.retrieve.question import Intent, analyse
from assistant.settings import Settings
from assistant.text.candidates import Candidate
from assistant.types import Answer

Ranking = list[tuple[np.ndarray, np.ndarray]]
OOF_PATH = Path("evals/reader-oof.json.gz")
# The development set's tune questions: the first batch; the second, written by four more
# people from the same documents; the fourth and fifth, written as the first two locked
# folds and retired into tune (the third, `cases-3.yaml`, stays held out).
DEV_TUNE = {
    "dev": Path("evals/dev/cases.yaml"),
    "dev-2": Path("evals/dev/cases-2.yaml"),
    "dev-4": Path("evals/dev/cases-4.yaml"),
    "dev-5": Path("evals/dev/cases-5.yaml"),
}


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


def fit_ranking(data: Ranking, l2: float) -> np.ndarray:
    """The weights of a conditional logit (a softmax over each case's candidates) that
    make a fact-bearing sentence most likely, with an L2 penalty, fitted to convergence."""
    x = np.vstack([x for x, _ in data])
    y = np.concatenate([labels for _, labels in data])
    case = np.concatenate([np.full(len(labels), i) for i, (_, labels) in enumerate(data)])
    n = len(data)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.full(n, -np.inf)
        np.maximum.at(top, case, s)
        e = np.exp(s - top[case])
        every, right = np.bincount(case, e, n), np.bincount(case, e * y, n)
        grad = (e / every[case] - e * y / right[case]) @ x / n + 2 * l2 * w
        return float(-np.mean(np.log(right / every)) + l2 * w @ w), grad

    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x


def spread(data: Ranking, w: np.ndarray) -> float:
    """How far apart the weights put a case's candidates: the mean standard deviation of
    their scores."""
    return float(np.mean([np.std(x @ w) for x, _ in data]))


Rows = list[tuple[dict[str, float] | None, bool, bool]]  # inputs, answerable, answered right


# What each doubt cost, in the best score's units, before abstention was a regression (a
# grid search over the seed and first development batches, a doubt no tune case paid for
# kept at its most). The regression starts from them: it moves a doubt's weight only as
# far as the cases show, so one the tune cases barely meet keeps its weight ("What did
# the MASH find?", "Who won the world cup?").
PRIOR_PENALTIES = {
    "unknown_words": 5.0,
    "absent_name": 3.0,
    "missing_type": 3.0,
    "tense": 2.0,
    "unrelated": 3.0,
    "other_subject": 3.0,
}


def fit_confidence(rows: Rows, l2: float = 0.003) -> AnswerConfig:
    """A logistic regression of "the forced answer is right" on `confidence_inputs`, and
    the threshold on its log-odds that passes the most cases: an answer right, or a near
    miss refused (a case with nothing to quote is refused whatever the threshold). It is
    fitted on the score less the prior penalties, the leads (these three standardised) and
    each doubt again, on its own scale, so that what the cases add to a doubt's prior is
    shrunk alike for a rare doubt and a common one (standardised, a rare doubt's weight
    could grow without limit: "unrelated" came to weigh 38 scores on 9 cases). Then put
    back on the inputs' own scales: each doubt weighs its prior penalty in score, plus
    what the cases add."""
    kept = [(x, a, ok) for x, a, ok in rows if x is not None]
    prior = np.array([PRIOR_PENALTIES[k] for k in DOUBTS])
    x = np.array([[inputs[k] for k in (*LEADS, *DOUBTS)] for inputs, _, _ in kept])
    x[:, 0] -= x[:, 3:] @ prior
    right = np.array([a and ok for _, a, ok in kept], dtype=bool)
    mu, sd = x.mean(0), np.r_[x[:, :3].std(0) + 1e-9, np.ones(len(DOUBTS))]
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(6000):
        p = 1 / (1 + np.exp(-(z @ w)))
        w += 0.5 * (z.T @ (right - p) / len(z) - l2 * np.r_[w[:-1], 0])
    raw = w[:-1] / sd
    weights = dict(zip(LEADS, raw[:3], strict=True))
    weights |= {k: v - raw[0] * pk for k, v, pk in zip(DOUBTS, raw[3:], prior, strict=True)}
    bias = round(float(w[-1] - np.dot(w[:-1], mu / sd)), 3)
    rounded = {k: round(float(v), 3) for k, v in weights.items()}
    config = AnswerConfig().with_weights(bias, rounded, 0.0)
    refusable = np.array([not a for _, a, _ in kept])
    cut, _ = best_cut(confidences(kept, config), right, refusable)
    return replace(config, abstain_threshold=cut)


def confidences(rows: Rows, config: AnswerConfig) -> np.ndarray:
    return np.array([config.confidence(x) if x else -1e9 for x, _, _ in rows])


def passed(rows: Rows, config: AnswerConfig) -> int:
    """How many cases pass with this config's confidence and threshold."""
    answered = confidences(rows, config) >= config.abstain_threshold
    return sum(
        bool(ans and ok) if a else not ans for ans, (_, a, ok) in zip(answered, rows, strict=True)
    )


def eval_sets(dev: bool, locked_documents: bool = True) -> list[tuple[str, Pipeline, list[Case]]]:
    """The tune cases to fit on, each set with its own pipeline: the seed set's tune split
    and, with `dev`, the development set's tune folds (never its locked folds), each case
    named by its fold. The reader's similarities are out of fold for every case
    `train_reader.py --folds` recorded. The development index holds every document, as
    `assistant eval --set dev` does (a near miss naming a locked fold's force meets its
    documents); without `locked_documents`, only the tune folds', so that a model trained
    on the candidates never reads a locked document's sentence."""
    sets: list[tuple[str, Pipeline, list[Case]]] = []
    if "--no-seed" not in sys.argv:
        seed = Pipeline(Settings.from_env(os.environ, abstain_threshold=-1e9))
        seed.build()
        seed.extractive.model = OutOfFold.load(seed.reader_model)
        tune = [c for c in load_cases(Path("evals/cases.yaml")) if c.split == "tune"]
        sets.append(("seed", seed, tune))
    if dev:
        dev_dir = Path("evals/dev")
        folds = fold_of(dev_dir / "folds.yaml")
        corpus, index = dev_dir / "corpus", dev_dir / ".index"
        if not locked_documents:
            corpus, index = dev_dir / ".index-tune" / "corpus", dev_dir / ".index-tune" / "index"
            shutil.rmtree(corpus, ignore_errors=True)
            corpus.mkdir(parents=True)
            for doc in (dev_dir / "corpus").iterdir():
                if folds.get(doc.name.split("__")[0], folds[""]) != "locked":
                    shutil.copy(doc, corpus / doc.name)
        settings = Settings.from_env(os.environ, abstain_threshold=-1e9, corpus=corpus, index=index)
        pipeline = Pipeline(settings)
        pipeline.build()
        pipeline.extractive.model = OutOfFold.load(pipeline.reader_model)
        for batch, path in DEV_TUNE.items():
            for fold in sorted(set(folds.values()) - {"locked"}):
                cases = [c for c in load_cases(path) if folds.get(c.force or "", folds[""]) == fold]
                if cases:
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
    current, fitted = AnswerConfig(), fit_confidence(rows)
    print(
        f"abstention, tune cases passed: {passed(rows, fitted)}/{len(rows)} "
        f"(the current confidence and threshold: {passed(rows, current)})"
    )
    for name, rs in rows_by_set.items():
        others = [r for n, rr in rows_by_set.items() if n != name for r in rr]
        out = fit_confidence(others) if len(rows_by_set) > 1 else fitted
        print(
            f"  {name}: {passed(rs, current)}/{len(rs)} now, "
            f"{passed(rs, out)}/{len(rs)} fitted without it"
        )
    fitted_names = ("abstain_threshold", "bias", "_weight", "_penalty")
    print({k: v for k, v in asdict(fitted).items() if k.endswith(fitted_names)})
    return 0


# The penalties tried for the sentence weights; the one whose weights pick a fact-bearing
# sentence most often for each set when fitted on the others is kept.
RANKING_L2 = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)


def fit_scoring(sets: list[tuple[str, Pipeline, list[Case]]]) -> ScoringConfig:
    """Sentence-scoring weights fitted on every set, the penalty chosen by each set's
    top-1 when fitted on the others. They are scaled so that a case's scores spread as
    the current ones do: the margins in score units (`AnswerConfig.extra_margin`, the
    briefing's) keep their meaning."""
    data_by_set = {name: ranking_data(pipeline, cases) for name, pipeline, cases in sets}
    data = [d for ds in data_by_set.values() for d in ds]
    current = np.array(list(ScoringConfig().weights().values()))
    print(f"{len(data)} answerable tune cases with a fact-bearing candidate", file=sys.stderr)
    print(f"top-1 sentence holds a fact, current weights: {top1(data, current):.3f}")
    held_out = {}
    for l2 in RANKING_L2:
        right = 0.0
        for name, ds in data_by_set.items():
            others = [d for n, dd in data_by_set.items() if n != name for d in dd]
            right += top1(ds, fit_ranking(others, l2)) * len(ds) if ds else 0.0
        held_out[l2] = right / len(data)
        print(f"  L2 {l2:g}: each set fitted without it {held_out[l2]:.3f}")
    w = fit_ranking(data, max(held_out, key=held_out.__getitem__))
    w *= spread(data, current) / spread(data, w)
    print(f"  in sample, fitted weights:                   {top1(data, w):.3f}")
    fitted = {k: round(float(v), 3) for k, v in zip(asdict(ScoringConfig()), w, strict=True)}
    fitted["year"] = max(fitted["year"], YEAR_FLOOR)  # product rules: at least these
    fitted["tense_mismatch"] = min(fitted["tense_mismatch"], TENSE_DEMOTION)
    scoring = ScoringConfig(**fitted)
    print(scoring)
    return scoring


def abstention_rows(
    sets: list[tuple[str, Pipeline, list[Case]]], scoring: ScoringConfig
) -> dict[str, Rows]:
    """Per set, each case's confidence inputs (None with nothing to quote), answerability
    and whether the forced answer holds its facts."""
    rows_by_set: dict[str, Rows] = {}
    for name, pipeline, cases in sets:
        answerer = pipeline.extractive
        answerer.scoring = scoring
        rows = rows_by_set.setdefault(name, [])
        for i, case in enumerate(cases, start=1):
            print(f"\r{name}: {i}/{len(cases)}", end="", file=sys.stderr, flush=True)
            forced, intent, ranked = final_turn(pipeline, case)
            if not ranked or forced.abstained:  # nothing to quote, or a force it has nothing on
                rows.append((None, case.answerable, False))
                continue
            correct = case.answerable and all(fact_present(forced.answer, f) for f in case.facts)
            inputs = confidence_inputs(ranked, answerer.doubter.doubts(intent, ranked[0]))
            rows.append((inputs, case.answerable, correct))
    return rows_by_set


if __name__ == "__main__":
    raise SystemExit(main())
