"""`assistant eval`: run the eval set (and the claim-check set), print or save its report,
apply the regression gate, update the baseline, or calibrate the abstention threshold on
the tune split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.claim_evals import (
    CLAIMS,
    accuracy,
    claim_gate,
    claim_markdown,
    claim_table,
    load_claim_cases,
    run_claims,
)
from assistant.evalreport import (
    case_table,
    gate,
    load_baseline,
    load_thresholds,
    markdown,
    save_baseline,
    summary_table,
)
from assistant.evals import calibrate_threshold, load_cases, run, summaries
from assistant.pipeline import Pipeline
from assistant.settings import Settings

EVALS = Path("evals")


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cases", type=Path, default=EVALS / "cases.yaml", help="the eval set")
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
    cases = load_cases(args.cases)
    if args.split != "all":
        cases = [c for c in cases if c.split == args.split]
    if args.calibrate:
        settings = settings.replace(abstain_threshold=-1e9)  # answer everything, then sweep
    pipeline = Pipeline(settings)
    if not args.no_build:
        built = pipeline.build()
        print(f"index: {built.documents} documents, {built.chunks} chunks", file=sys.stderr)
    results = run(pipeline, cases, _progress())
    sums = summaries(results)
    claims, claim_minimum = load_claim_cases(args.claims) if str(args.claims) else ([], None)
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
