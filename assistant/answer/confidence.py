"""How sure the extractive answerer is that the corpus answers: a fitted log-odds that its
best sentence holds the answer, from the sentence's score, its lead over the others and
the doubts about it (`abstain.Doubter`), against a threshold below which it abstains;
with the settings of how an answer is composed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.text.candidates import Candidate


@dataclass(frozen=True)
class AnswerConfig:
    # How sure the answerer is that the corpus answers: the log-odds that the best sentence
    # holds the answer, from a logistic regression (`python evals/fit_weights.py`) on the
    # tune cases of the seed set and the development set's two tune batches, with the
    # reader model's out-of-fold similarities, of what `confidence_inputs` gives. Below the
    # threshold (fitted with it, for the most tune cases passed) the answerer abstains;
    # `assistant eval --calibrate` re-checks it.
    abstain_threshold: float = 0.0374
    bias: float = -0.906
    score_weight: float = 0.443  # the best sentence's score
    lead_weight: float = 0.253  # its lead over the second best
    spread_weight: float = -0.016  # its lead over the fifth
    # What suggests the corpus cannot answer (`abstain.Doubter`), each lowering it by:
    unknown_word_penalty: float = 2.123  # per question name or year the corpus lacks
    absent_name_penalty: float = 1.524  # the question names what the best source never does
    missing_type_penalty: float = 2.777  # times how far the best sentence is from the kind asked
    tense_penalty: float = 0.811  # a plan for what happened, or a past event for what is to come
    unrelated_penalty: float = 1.355  # the best sentence is barely about the question at all
    other_subject_penalty: float = 2.013  # it gives that of another year or another team
    max_statements: int = 3
    # A further statement scores within this of the best. Chosen on the tune cases with
    # out-of-fold reader similarities: 0.3 / 0.5 / 0.7 / 0.9 / 1.2 put a required fact in
    # 78.1% / 81.3% / 82.9% / 83.7% / 84.3% of forced answers, at 36 / 44 / 55 / 64 / 74
    # median words.
    extra_margin: float = 0.7
    duplicate_similarity: float = 0.86  # cosine above which two sentences say the same

    def penalties(self) -> dict[str, float]:
        """Each doubt's penalty, by the doubt's name (`abstain.DOUBTS`)."""
        return {doubt: getattr(self, name) for doubt, name in _PENALTIES.items()}

    def weights(self) -> dict[str, float]:
        """The weight of each of `confidence_inputs`, by name."""
        leads = {k: getattr(self, f"{k}_weight") for k in LEADS}
        return leads | {k: -v for k, v in self.penalties().items()}

    def confidence(self, inputs: dict[str, float]) -> float:
        """The log-odds that the best sentence answers, from `confidence_inputs`."""
        weights = self.weights()
        return self.bias + sum(weights[k] * v for k, v in inputs.items())

    def with_weights(
        self, bias: float, weights: dict[str, float], threshold: float
    ) -> AnswerConfig:
        """This config with another confidence (weights by `confidence_inputs` name)."""
        changes: dict[str, Any] = {f"{k}_weight": weights[k] for k in LEADS}
        changes |= {name: -weights[doubt] for doubt, name in _PENALTIES.items()}
        return replace(self, bias=bias, abstain_threshold=threshold, **changes)


LEADS = ("score", "lead", "spread")  # the inputs that are not doubts


_PENALTIES = {
    "unknown_words": "unknown_word_penalty",
    "absent_name": "absent_name_penalty",
    "missing_type": "missing_type_penalty",
    "tense": "tense_penalty",
    "unrelated": "unrelated_penalty",
    "other_subject": "other_subject_penalty",
}


def confidence_inputs(ranked: Sequence[Candidate], doubts: dict[str, float]) -> dict[str, float]:
    """What the confidence is worked out from: the best sentence's score, how far it leads
    the second and the fifth (a clear winner against a crowd of near-equals), and the
    doubts about it."""

    def nth(i: int) -> float:
        return ranked[min(i, len(ranked) - 1)].score

    return {"score": nth(0), "lead": nth(0) - nth(1), "spread": nth(0) - nth(4)} | doubts
