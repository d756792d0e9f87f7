"""Check a development eval file before use: every case parses, ids are unique, each
answerable case's facts are in (one of) its documents word for word, and every case
names its force. Run: python evals/dev/check_cases.py evals/dev/cases.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from assistant.evals.runner import Case, fact_present
from assistant.ingest.corpus import load_corpus

CORPUS = Path(__file__).parent / "corpus"


def main(path: str) -> int:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["cases"]
    docs = {d.doc_id: d.text for d in load_corpus(CORPUS).documents}
    problems: list[str] = []
    seen: set[str] = set()
    cases = []
    for i, item in enumerate(raw):
        try:
            case = Case.model_validate(item)
        except ValueError as e:
            problems.append(f"case #{i}: {e}")
            continue
        cases.append(case)
        if case.id in seen:
            problems.append(f"{case.id}: duplicate id")
        seen.add(case.id)
        if not case.force:
            problems.append(f"{case.id}: no force")
        for d in case.docs:
            if d not in docs:
                problems.append(f"{case.id}: unknown document {d}")
        for variants in case.facts:
            if not any(fact_present(docs.get(d, ""), variants) for d in case.docs):
                problems.append(f"{case.id}: fact {variants} is in none of {case.docs}")
    for p in problems:
        print(p)
    unanswerable = sum(not c.answerable for c in cases)
    multi = sum(bool(c.turns) for c in cases)
    print(
        f"{len(cases)} cases, {unanswerable} unanswerable, {multi} multi-turn, "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
