"""The tune split end to end with out-of-fold reader similarities: each case's candidate
sentences are scored by the adapter trained without its batch (`evals/reader-oof.json.gz`,
from `train_reader.py --folds`; a case retired into tune after the last training is not
in that file, and the shipped adapter, which never saw it, scores it). The shipped adapter
has seen the cases it was trained on, so `assistant eval`'s tune column flatters it; this
is the honest estimate for new questions, by batch and overall.

    .venv/bin/python evals/oof_eval.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from assistant.evals.runner import load_cases, run_case, summarise
from assistant.pipeline import Pipeline
from assistant.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from fit_weights import OutOfFold
from train_reader import batch_of

SHOWN = ("cases", "answer_correctness", "abstention_precision", "abstention_recall", "passed")


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pipeline = Pipeline(Settings.from_env(os.environ))
    model = OutOfFold.load(pipeline.reader_model)
    pipeline.extractive.model = model
    cases = [c for c in load_cases(Path("evals/cases.yaml")) if c.split == "tune"]
    results = []
    for case in cases:
        model.use(case.id)
        results.append(run_case(pipeline, case))
    batches = {c.id: batch_of(c) for c in cases}
    groups = {"all": results} | {
        b: [r for r in results if batches[r.id] == b] for b in sorted(set(batches.values()))
    }
    print(f"{'':8}" + "".join(f"{k:>22}" for k in SHOWN))
    for name, part in groups.items():
        summary = summarise(part)
        print(f"{name:8}" + "".join(f"{summary[k]!s:>22}" for k in SHOWN))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
