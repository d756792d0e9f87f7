"""The abstention fit (`evals/fit_weights.py`): a logistic regression on the answerer's own
confidence inputs, put back on their scales, so the answerer refuses what it learned to."""

from __future__ import annotations

import random
import sys

import pytest

from assistant.answer.abstain import DOUBTS
from assistant.answer.confidence import AnswerConfig
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "evals"))
from fit_weights import confidences, fit_confidence, passed


def _rows(n: int, seed: int) -> list:
    """Answerable cases whose best sentence leads its runners-up and is of the kind asked;
    near misses whose best sentence is of another kind, with a score as high."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        answerable = i % 3 != 0
        inputs = dict.fromkeys(("score", "lead", "spread", *DOUBTS), 0.0)
        inputs["score"] = rnd.gauss(3.0, 0.5)
        inputs["lead"] = rnd.gauss(0.6 if answerable else 0.1, 0.15)
        inputs["spread"] = inputs["lead"] + abs(rnd.gauss(0.5, 0.2))
        inputs["missing_type"] = float(not answerable and rnd.random() < 0.7)
        rows.append((inputs, answerable, answerable and rnd.random() < 0.9))
    return [*rows, (None, False, False), (None, True, False)]  # nothing to quote


@pytest.mark.unit
def test_the_fitted_confidence_refuses_near_misses_the_best_score_cannot_tell_apart():
    train, test = _rows(300, 0), _rows(300, 1)
    fitted = fit_confidence(train)
    weights = fitted.weights()
    assert weights["lead"] > 0 and fitted.penalties()["missing_type"] > 0
    # The score alone cannot separate them (the same spread either way): fitted, most
    # of the unseen cases pass; with the best score alone, far fewer.
    score_only = AnswerConfig().with_weights(0.0, dict.fromkeys(weights, 0.0) | {"score": 1.0}, 3.0)
    assert passed(test, fitted) > 0.8 * len(test) > passed(test, score_only) + 0.15 * len(test)
    # A case with nothing to quote is refused whatever the weights.
    assert confidences(test[-2:], fitted).max() < fitted.abstain_threshold
