"""Evals, built on the pipeline: known facts asked of the real index, scored, reported and
gated against a baseline (`evals/` at the top of the repository holds the sets).

- `runner`: run the cases (`evals/cases.yaml`, `evals/dev/`) and score each answer.
- `claim_check`: run the claim-check set (`evals/claims.yaml`).
- `report`: a terminal table, a Markdown report, and the regression gate.
- `cli`: `assistant eval`.
"""

from assistant.evals.claim_check import load_claim_cases, run_claims
from assistant.evals.report import gate, markdown
from assistant.evals.runner import Case, CaseResult, load_cases, run, summarise

__all__ = [
    "Case",
    "CaseResult",
    "gate",
    "load_cases",
    "load_claim_cases",
    "markdown",
    "run",
    "run_claims",
    "summarise",
]
