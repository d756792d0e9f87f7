"""Claim-check evals: run the claims in `evals/claims.yaml` through `check_claim` on the
real pipeline, score the verdicts against the expected ones (overall, per split and per
expected verdict), render them for the eval report, and apply the set's own gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, field_validator

from assistant.brief.claims import VERDICTS, check_claim
from assistant.errors import ConfigError
from assistant.pipeline import Pipeline

CLAIMS = Path("evals") / "claims.yaml"


class ClaimCase(BaseModel):
    id: str
    claim: str
    verdict: str
    split: str = "tune"
    tags: list[str] = []

    @field_validator("verdict")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {value!r}")
        return value


class ClaimResult(BaseModel):
    id: str
    split: str
    claim: str
    expected: str
    got: str
    evidence: list[str]  # "supports 003_...: reason", one per passage weighed

    @property
    def passed(self) -> bool:
        return self.expected == self.got


def load_claim_cases(path: Path) -> tuple[list[ClaimCase], float | None]:
    """The cases, and the least share of them that must pass (the set's gate), if set."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = [ClaimCase.model_validate(c) for c in raw["cases"]]
        minimum = (raw.get("gate") or {}).get("accuracy")
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read claim cases from {path}: {e}") from None
    if len({c.id for c in cases}) != len(cases):
        raise ConfigError(f"{path}: case ids must be unique")
    return cases, float(minimum) if minimum is not None else None


def run_claims(pipeline: Pipeline, cases: Sequence[ClaimCase]) -> list[ClaimResult]:
    results = []
    for case in cases:
        check = check_claim(pipeline, case.claim)
        by_n = {c.n: c.doc_id for c in check.citations}
        evidence = [
            f"{e.stance} {by_n[e.citation]}: {e.reason}"
            for e in (*check.supporting, *check.contradicting)
        ]
        results.append(
            ClaimResult(id=case.id, split=case.split, claim=case.claim,
                        expected=case.verdict, got=check.verdict, evidence=evidence)
        )  # fmt: skip
    return results


def accuracy(results: Sequence[ClaimResult]) -> float | None:
    return round(sum(r.passed for r in results) / len(results), 4) if results else None


def claim_summary(results: Sequence[ClaimResult]) -> dict[str, tuple[int, float | None]]:
    """(cases, share with the expected verdict) overall, per split and per expected verdict."""
    groups: dict[str, list[ClaimResult]] = {"all": list(results)}
    for r in results:
        groups.setdefault(f"split {r.split}", []).append(r)
    for verdict in VERDICTS:
        groups[f"expected {verdict}"] = [r for r in results if r.expected == verdict]
    return {name: (len(rs), accuracy(rs)) for name, rs in groups.items() if rs}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def claim_table(results: Sequence[ClaimResult]) -> str:
    """The summary for the terminal, then the cases that got another verdict."""
    lines = ["claim check: verdicts as expected"]
    for name, (n, share) in claim_summary(results).items():
        lines.append(f"  {name:<28} {_pct(share):>7}  ({n} cases)")
    for r in results:
        if not r.passed:
            lines.append(f"  FAIL {r.id}: expected {r.expected}, got {r.got}")
    return "\n".join(lines)


def claim_markdown(results: Sequence[ClaimResult]) -> str:
    """The claim-check section of the eval report."""
    out = ["## Claim check", "", "| group | cases | verdict as expected |", "|---|---|---|"]
    for name, (n, share) in claim_summary(results).items():
        out.append(f"| {name} | {n} | {_pct(share)} |")
    out += ["", "| case | split | expected | got | passages |", "|---|---|---|---|---|"]
    for r in results:
        mark = "" if r.passed else " **(miss)**"
        evidence = "; ".join(r.evidence).replace("|", "\\|")[:200]
        out.append(f"| {r.id} | {r.split} | {r.expected} | {r.got}{mark} | {evidence} |")
    return "\n".join(out) + "\n"


def claim_gate(results: Sequence[ClaimResult], minimum: float | None) -> list[str]:
    share = accuracy(results)
    if minimum is None or share is None or share >= minimum:
        return []
    return [f"claim-check accuracy is {_pct(share)}, below the threshold {_pct(minimum)}"]
