"""`assistant brief`, `assistant timeline` and `assistant check`: the commands for preparing
a briefing. Each prints text for people or, with --json, the model it made.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.brief.briefing import make_briefing
from assistant.brief.claims import check_claim
from assistant.brief.markdown import briefing_markdown
from assistant.brief.timeline import make_timeline
from assistant.errors import QuestionError
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.text.dates import human_date
from assistant.types import Citation, ClaimCheck, ClaimEvidence, Filters, Timeline

Handler = Callable[[argparse.Namespace, Settings], int]
BRIEF_FORMATS = (".md", ".docx")


def add_brief_commands(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: argparse.ArgumentParser,
    filter_args: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register the three commands on the `assistant` parser."""
    p = sub.add_parser("brief", parents=[common], help="a briefing note on a topic")
    p.add_argument("topic", help='e.g. "missing children"')
    p.add_argument(
        "--out", type=Path, help="write the note to this file: .md (Markdown) or .docx (Word)"
    )
    filter_args(p)
    p.set_defaults(handler=cmd_brief)

    p = sub.add_parser("timeline", parents=[common], help="the dated events, in order")
    p.add_argument("topic", nargs="?", default=None, help='optional, e.g. "missing children"')
    filter_args(p)
    p.set_defaults(handler=cmd_timeline)

    p = sub.add_parser("check", parents=[common], help="check a claim against the documents")
    p.add_argument("claim", help='e.g. "Inspectors viewed 21 case files in 2019."')
    filter_args(p)
    p.set_defaults(handler=cmd_check)


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        doc_ids=tuple(args.doc), kinds=tuple(args.kind),
        year_from=args.from_year, year_to=args.to_year,
    )  # fmt: skip


def cmd_brief(args: argparse.Namespace, settings: Settings) -> int:
    out: Path | None = args.out
    if out is not None and out.suffix.lower() not in BRIEF_FORMATS:
        raise QuestionError(f"--out {out}: the note can be written as .md or .docx")
    briefing = make_briefing(Pipeline(settings), args.topic, _filters(args))
    if args.json:
        print(briefing.model_dump_json(indent=2))
        return 0
    if out is None:
        print(briefing_markdown(briefing))
        return 0
    if out.suffix.lower() == ".docx":
        from assistant.brief.docx import briefing_docx

        out.write_bytes(briefing_docx(briefing))
    else:
        out.write_text(briefing_markdown(briefing), encoding="utf-8")
    print(f"briefing written to {out}", file=sys.stderr)
    return 0


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    reader = Pipeline(settings).reader
    timeline = make_timeline(reader.documents, reader.chunks.values(), args.topic, _filters(args))
    print(timeline.model_dump_json(indent=2) if args.json else format_timeline(timeline))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    result = check_claim(Pipeline(settings), args.claim, _filters(args))
    print(result.model_dump_json(indent=2) if args.json else format_check(result))
    return 0


def format_timeline(timeline: Timeline) -> str:
    """The events in order, each with its date, kind, sentence and markers; then sources."""
    title = f"Timeline: {timeline.topic}" if timeline.topic else "Timeline"
    lines = [title, ""]
    if not timeline.events:
        lines.append(timeline.empty_reason or "No dated events.")
    for ev in timeline.events:
        marks = "".join(f"[{n}]" for n in ev.citations)
        lines.append(f"{ev.date_label} · {ev.kind}")
        lines.append(f"  “{ev.text}” {marks}")
    lines += _sources(timeline.citations)
    return "\n".join(lines).rstrip()


def format_check(check: ClaimCheck) -> str:
    """The verdict, why, then the passages for and against with their sources."""
    lines = [f"Claim: {check.claim}", f"Verdict: {check.verdict}", check.explanation]
    groups: Sequence[tuple[str, Sequence[ClaimEvidence]]] = (
        ("Supporting", check.supporting),
        ("Contradicting or qualifying", check.contradicting),
    )
    for label, items in groups:
        if items:
            lines += ["", f"{label}:"]
        for e in items:
            lines.append(f"  [{e.citation}] “{e.text}”")
            lines.append(f"      {e.stance}: {e.reason}")
    lines += _sources(check.citations)
    return "\n".join(lines).rstrip()


def _sources(citations: Sequence[Citation]) -> list[str]:
    lines = ["", "Sources:"] if citations else []
    for c in citations:
        details = ", ".join(x for x in (c.publisher, c.kind, human_date(c.published)) if x)
        lines.append(f"[{c.n}] {c.title} ({details}; {c.doc_id})")
        if c.url:
            lines.append(f"    {c.url}")
    return lines
