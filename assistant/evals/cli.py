"""`assistant eval`: run the eval set (and the claim-check set), print or save its report,
apply the regression gate, update the baseline, or calibrate the abstention threshold on
the tune split.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import yaml

from assistant.evals.claim_check import (
    CLAIMS,
    accuracy,
    claim_gate,
    claim_markdown,
    claim_table,
    load_claim_cases,
    run_claims,
)
from assistant.evals.report import (
    case_table,
    gate,
    load_baseline,
    load_thresholds,
    markdown,
    save_baseline,
    summary_table,
)
from assistant.evals.runner import calibrate_threshold, load_cases, run, summaries
from assistant.pipeline import Pipeline
from assistant.settings import Settings

EVALS = Path("evals")


DEV = EVALS / "dev"


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        choices=("seed", "dev", "locked"),
        default="seed",
        help="seed: the five seed documents' cases; dev: the development corpus's tune folds "
        "(its own index); locked: its locked fold (score rarely: every run is logged)",
    )
    p.add_argument("--cases", type=Path, help="the eval set (default: the set's own)")
    p.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    p.add_argument("--report", type=Path, help="also write a Markdown report here")
    p.add_argument("--gate", action="store_true", help="fail on regressions (CI)")
    p.add_argument("--update-baseline", action="store_true", help="record today's passes")
    p.add_argument(
        "--calibrate", action="store_true", help="find the abstention threshold (tune split)"
    )
    p.add_argument("--thresholds", type=Path, default=EVALS / "thresholds.yaml")
    p.add_argument("--baseline", type=Path, default=EVALS / "baseline.json")
    p.add_argument("--no-build", action="store_true", help="do not update the index first")
    p.add_argument("--cases-table", action="store_true", help="print every case's result")
    p.add_argument(
        "--claims", type=Path, default=CLAIMS, help="the claim-check cases ('' to skip them)"
    )


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    folds: dict[str, str] = {}
    if args.set == "seed":
        cases = load_cases(args.cases or EVALS / "cases.yaml")
    else:
        # The development corpus has its own folder and index, whatever the settings say.
        settings = settings.replace(corpus=DEV / "corpus", index=DEV / ".index")
        default = DEV / ("locked-4.yaml" if args.set == "locked" else "cases.yaml")
        cases = load_cases(args.cases or default)
        folds = fold_of(DEV / "folds.yaml")
        if args.set == "locked":
            folds = dict.fromkeys(folds, "locked") | {"": "locked"}
    if args.split != "all":
        cases = [c for c in cases if c.split == args.split]
    if args.calibrate:
        settings = settings.replace(abstain_threshold=-1e9)  # answer everything, then sweep
    pipeline = Pipeline(settings)
    if not args.no_build:
        built = pipeline.build()
        print(f"index: {built.documents} documents, {built.chunks} chunks", file=sys.stderr)
    results = run(pipeline, cases, _progress())
    if folds:
        results = [
            r.model_copy(update={"split": _fold(folds, c.force)})
            for r, c in zip(results, cases, strict=True)
        ]
    sums = summaries(results)
    if args.set == "locked":
        log_locked_run(DEV / "locked-log.md", args.cases or default, sums)
    # The claim cases are about the seed documents.
    use_claims = str(args.claims) and args.set == "seed"
    claims, claim_minimum = load_claim_cases(args.claims) if use_claims else ([], None)
    claim_results = run_claims(pipeline, claims) if claims and not args.calibrate else []
    if args.calibrate:
        threshold, passed = calibrate_threshold(results)
        tune = sum(r.split == "tune" for r in results)
        print(f"abstention threshold {threshold} passes {passed}/{tune} tune cases")
        print("set it in AnswerConfig.abstain_threshold (or ASSISTANT_ABSTAIN_THRESHOLD)")
        return 0
    if args.json:
        payload = {
            "summary": sums,
            "cases": [r.model_dump() for r in results],
            "claims": {"accuracy": accuracy(claim_results),
                       "cases": [r.model_dump() for r in claim_results]},
        }  # fmt: skip
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        if args.cases_table or args.gate:
            print(case_table(results))
            print()
        print(summary_table(sums))
        if claim_results:
            print()
            print(claim_table(claim_results))
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        report = markdown(results, sums)
        if claim_results:
            report += "\n" + claim_markdown(claim_results)
        args.report.write_text(report, encoding="utf-8")
        print(f"report written to {args.report}", file=sys.stderr)
    if args.update_baseline:
        save_baseline(args.baseline, results)
        print(f"baseline updated: {args.baseline}", file=sys.stderr)
    if args.gate:
        failures = gate(
            results, sums, load_thresholds(args.thresholds), load_baseline(args.baseline)
        )
        failures += claim_gate(claim_results, claim_minimum)
        for failure in failures:
            print(f"GATE: {failure}", file=sys.stderr)
        if failures:
            print(f"eval gate failed ({len(failures)} problems)", file=sys.stderr)
            return 1
        print("eval gate passed", file=sys.stderr)
    return 0


def fold_of(path: Path) -> dict[str, str]:
    """Each force's fold, from the development set's folds file ("" for any other force)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    folds = {force: fold for fold, forces in raw["folds"].items() for force in forces}
    return folds | {"": raw["other"]}


def _fold(folds: dict[str, str], force: str | None) -> str:
    return folds.get(force or "", folds[""])


def log_locked_run(path: Path, cases: Path, sums: dict[str, dict[str, float | int | None]]) -> None:
    """Append this scoring of a locked fold to its log: when, at which commit, which
    questions, what."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="minutes")
    with path.open("a", encoding="utf-8") as log:
        log.write(
            f"- {stamp} commit {commit or 'unknown'} {cases.name}: {json.dumps(sums['all'])}\n"
        )


def _progress():  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(
                total=total, desc="eval", unit="case", file=sys.stderr, leave=False, disable=None
            )
        bar.update(done - bar.n)
        if done == total:
            bar.close()

    return update
