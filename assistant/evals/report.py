"""Eval output and the regression gate: a terminal table, a Markdown report, and the check
that aggregates stay above their committed thresholds and no case that passed in the
committed baseline fails now.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import yaml

from assistant.errors import ConfigError
from assistant.evals.runner import CaseResult

METRICS = (
    ("hit_at_1", "hit@1"),
    ("hit_at_5", "hit@5"),
    ("mrr", "MRR"),
    ("answer_correctness", "answer correct"),
    ("citation_validity", "citations valid"),
    ("right_document", "right document"),
    ("quotes_verbatim", "quotes verbatim"),
    ("abstention_precision", "abstain precision"),
    ("abstention_recall", "abstain recall"),
    ("passed", "cases passed"),
    ("median_words", "median words"),
    ("latency_p50_ms", "latency p50 ms"),
    ("latency_p95_ms", "latency p95 ms"),
    ("baseline_correctness", "baseline: correct"),
    ("baseline_median_words", "baseline: words"),
)
Summaries = dict[str, dict[str, float | int | None]]


def _fmt(value: float | int | None, key: str) -> str:
    if value is None:
        return "n/a"
    if key.endswith(("_ms", "words")) or key == "cases":
        return f"{value:g}"
    return f"{100 * value:.1f}%" if key != "mrr" else f"{value:.3f}"


def summary_table(summaries: Summaries) -> str:
    splits = list(summaries)
    width = max(len(label) for _, label in METRICS) + 2
    lines = [f"{'metric':<{width}}" + "".join(f"{s:>12}" for s in splits)]
    lines.append(f"{'cases':<{width}}" + "".join(f"{summaries[s]['cases']:>12}" for s in splits))
    for key, label in METRICS:
        lines.append(
            f"{label:<{width}}" + "".join(f"{_fmt(summaries[s][key], key):>12}" for s in splits)
        )
    return "\n".join(lines)


def case_table(results: Sequence[CaseResult]) -> str:
    lines = [f"{'case':<42} {'split':<8} {'rank':>4} {'result':<10} note"]
    for r in results:
        status = "pass" if r.passed else "FAIL"
        if not r.answerable:
            note = "abstained" if r.abstained else f"answered: {r.answer[:60]!r}"
        elif r.abstained:
            note = "abstained"
        else:
            note = f"missing {r.missing_facts}" if r.missing_facts else ""
        lines.append(f"{r.id[:42]:<42} {r.split:<8} {r.rank or '-':>4} {status:<10} {note}")
    return "\n".join(lines)


def markdown(results: Sequence[CaseResult], summaries: Summaries) -> str:
    splits = list(summaries)
    out = ["# Eval report", "", "| metric | " + " | ".join(splits) + " |"]
    out.append("|---|" + "---|" * len(splits))
    out.append("| cases | " + " | ".join(str(summaries[s]["cases"]) for s in splits) + " |")
    for key, label in METRICS:
        out.append(
            f"| {label} | " + " | ".join(_fmt(summaries[s][key], key) for s in splits) + " |"
        )
    out += [
        "",
        "## Cases",
        "",
        "| case | split | rank | passed | answer |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        answer = r.answer.replace("\n", " ").replace("|", "\\|")[:160]
        out.append(
            f"| {r.id} | {r.split} | {r.rank or '-'} | {'yes' if r.passed else 'NO'} | {answer} |"
        )
    return "\n".join(out) + "\n"


def load_thresholds(path: Path) -> dict[str, float]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read thresholds from {path}: {e}") from None
    unknown = set(raw) - {key for key, _ in METRICS}
    if unknown:
        raise ConfigError(f"{path}: unknown metrics {sorted(unknown)}")
    return {k: float(v) for k, v in raw.items()}


def load_baseline(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8"))["passing"])


def save_baseline(path: Path, results: Sequence[CaseResult]) -> None:
    passing = sorted(r.id for r in results if r.passed)
    path.write_text(json.dumps({"passing": passing}, indent=1) + "\n", encoding="utf-8")


def gate(
    results: Sequence[CaseResult],
    summaries: Summaries,
    thresholds: dict[str, float],
    baseline: set[str],
) -> list[str]:
    """What fails the gate: aggregates below threshold and cases that regressed. Empty
    means the gate passes."""
    failures = []
    for key, minimum in thresholds.items():
        value = summaries["all"][key]
        if value is None or value < minimum:
            failures.append(
                f"{key} is {_fmt(value, key)}, below the threshold {_fmt(minimum, key)}"
            )
    for r in results:
        if r.id in baseline and not r.passed:
            why = "abstained" if r.abstained else f"missing facts {r.missing_facts}"
            if not r.answerable:
                why = "answered instead of abstaining"
            elif not r.citation_valid and not r.missing_facts:
                why = "invalid citations"
            failures.append(
                f"regressed: {r.id} ({why})\n    question: {r.question}\n"
                f"    searched for: {r.searched_for}\n    answer: {r.answer[:400]}"
            )
    return failures
