"""The `assistant` command: build the index, search it, ask questions, chat, run evals
(and, from `brief.cli`, brief, timeline and check).
Reads the environment and flags once into `Settings`; turns user errors into one line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from assistant.brief.cli import add_brief_commands
from assistant.errors import AssistantError, QuestionError
from assistant.evals.cli import add_eval_arguments, cmd_eval
from assistant.pipeline import Pipeline
from assistant.retrieve.followups import Turn
from assistant.settings import Settings, apply_offline_defaults
from assistant.text.dates import human_date
from assistant.types import Answer, BuildReport, Filters, Passage

EXIT_PARTIAL = 7  # the index was built, but some corpus files could not be read


# Commands that only read the index. The `assistant` command ends the process as soon as
# one is done and its output flushed: Python's orderly teardown of torch, transformers and
# Chroma, module by module, took ~1.4 s of a cold `assistant ask` (more than answering).
READ_ONLY = frozenset({"search", "ask", "chat", "brief", "timeline", "check"})


def entry() -> None:
    """The `assistant` command (and `python -m assistant`)."""
    args: list[argparse.Namespace] = []
    code = main(parsed=args.append)
    if args and getattr(args[0], "command", None) in READ_ONLY:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    raise SystemExit(code)


def main(
    argv: Sequence[str] | None = None,
    parsed: Callable[[argparse.Namespace], None] | None = None,
) -> int:
    """Run the command line `argv`, returning its exit code; `parsed` sees the arguments."""
    apply_offline_defaults(os.environ)
    parser = _parser()
    args = parser.parse_args(argv)
    if parsed is not None:
        parsed(args)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env(
            os.environ, corpus=getattr(args, "corpus", None), index=getattr(args, "index", None)
        )
        code: int = args.handler(args, settings)
        return code
    except AssistantError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `assistant ask ... | head`: the reader has gone, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus", type=Path, default=argparse.SUPPRESS,
        help="folder of documents (env ASSISTANT_CORPUS; default ./corpus)",
    )  # fmt: skip
    common.add_argument(
        "--index", type=Path, default=argparse.SUPPRESS,
        help="folder for the index (env ASSISTANT_INDEX; default ./index)",
    )  # fmt: skip
    common.add_argument("--json", action="store_true", help="machine-readable output")

    parser = argparse.ArgumentParser(
        prog="assistant",
        parents=[common],
        description="Answers questions about police inspection reports, citing its sources.",
    )
    sub = parser.add_subparsers(dest="command", metavar="command")

    p = sub.add_parser("index", parents=[common], help="build or update the index")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("search", parents=[common], help="show the passages that match a query")
    p.add_argument("query")
    p.add_argument("-k", "--top-k", type=int, default=None, help="how many passages")
    _filter_args(p)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("ask", parents=[common], help="answer a question, citing sources")
    p.add_argument("question", nargs="?", help="the question (or use --batch)")
    p.add_argument("--batch", metavar="FILE", help="one question per line; - for stdin")
    _filter_args(p)
    p.set_defaults(handler=cmd_ask)

    add_brief_commands(sub, common, _filter_args)

    p = sub.add_parser("chat", parents=[common], help="a conversation in the terminal")
    _filter_args(p)
    p.set_defaults(handler=cmd_chat)

    p = sub.add_parser("eval", parents=[common], help="run the known-facts eval set")
    add_eval_arguments(p)
    p.set_defaults(handler=cmd_eval)

    return parser


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--doc", action="append", default=[], help="only this document id")
    p.add_argument("--kind", action="append", default=[], help="only this kind of document")
    p.add_argument("--from-year", type=int, default=None, help="published in or after")
    p.add_argument("--to-year", type=int, default=None, help="published in or before")
    p.add_argument(
        "--subject", action="append", default=[], help="only documents about this force or body"
    )


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(
        doc_ids=tuple(args.doc),
        kinds=tuple(args.kind),
        year_from=args.from_year,
        year_to=args.to_year,
        subjects=tuple(args.subject),
    )


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    pipeline = Pipeline(settings)
    with _progress_bar("embedding") as progress:
        report = pipeline.build(progress)
    for skipped in report.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(_summary(report))
    return EXIT_PARTIAL if report.partial else 0


def _summary(r: BuildReport) -> str:
    lines = [
        f"Indexed {r.documents} documents ({r.chunks} chunks) in {r.index_path} "
        f"in {r.seconds:.1f} s",
        f"  added {len(r.added)}, updated {len(r.updated)}, removed {len(r.removed)}, "
        f"unchanged {len(r.unchanged)}; embedded {r.embedded_chunks} chunks "
        f"and {r.embedded_sentences} sentences",
    ]
    if r.skipped:
        lines.append(f"  skipped {len(r.skipped)} unreadable file(s): the build is partial")
    return "\n".join(lines)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if args.top_k:
        settings = settings.replace(top_k=args.top_k)
    passages = Pipeline(settings).search(args.query, filters_from(args))
    if args.json:
        print(TypeAdapter(list[Passage]).dump_json(passages, indent=2).decode())
        return 0
    if not passages:
        print("No passages match.")
    for rank, p in enumerate(passages, start=1):
        meta = p.meta
        page = f", p. {p.chunk.page}" if p.chunk.page else ""
        print(f"{rank}. {meta.title}")
        print(
            f"   {meta.publisher or 'publisher unknown'}, {human_date(meta.published)}{page}"
            f"  [{meta.doc_id}]  score {p.score:.4f}"
        )
        print("   " + _shorten(p.chunk.text, 400))
        print()
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.question is None) == (args.batch is None):
        raise QuestionError("give either a question or --batch FILE")
    pipeline = Pipeline(settings)
    filters = filters_from(args)
    if args.question is not None:
        answer = pipeline.ask(args.question, filters=filters)
        print(answer.model_dump_json(indent=2) if args.json else format_answer(answer))
        return 0
    failed = 0
    for line in _batch_lines(args.batch):
        try:
            answer = pipeline.ask(line, filters=filters)
        except QuestionError as e:
            failed += 1
            error = {"question": line[:200], "error": str(e)}
            print(json.dumps(error) if args.json else f"error: {e}\n", flush=True)
            continue
        print(answer.model_dump_json() if args.json else format_answer(answer) + "\n", flush=True)
    return QuestionError.exit_code if failed else 0


def _batch_lines(source: str) -> list[str]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as e:
        raise QuestionError(f"cannot read questions from {source}: {e.strerror}") from None
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    pipeline = Pipeline(settings)
    pipeline.reader  # noqa: B018 - fail now, not at the first question, if there is no index
    filters = filters_from(args)
    history: list[Turn] = []
    print("Ask about the reports. /new starts a new conversation, /quit (or Ctrl-D) leaves.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("/quit", "/exit"):
            return 0
        if question == "/new":
            history.clear()
            print("(new conversation)")
            continue
        if not question:
            continue
        try:
            answer = pipeline.ask(question, history, filters)
        except QuestionError as e:
            print(f"error: {e}")
            continue
        history.append(Turn(question, answer.searched_for, answer))
        print(answer.model_dump_json() if args.json else format_answer(answer))


def format_answer(answer: Answer) -> str:
    """An answer for the terminal: the text, what was searched, then numbered sources."""
    lines = [answer.answer, ""]
    if answer.searched_for != answer.question:
        lines.append(f"(searched for: {answer.searched_for})")
    if answer.notice:
        lines.append(f"Note: {answer.notice}")
    if answer.citations:
        lines.append("Sources:")
    for c in answer.citations:
        page = f", p. {c.page}" if c.page else ""
        details = ", ".join(x for x in (c.publisher, c.kind, human_date(c.published)) if x)
        lines.append(f"[{c.n}] {c.title}{page}")
        lines.append(f"    {details}  ({c.doc_id})")
        if c.about:
            lines.append(f"    about: {c.about}")
        if c.url:
            lines.append(f"    {c.url}")
        lines.append(f"    “{_shorten(c.quote, 600)}”")
    if answer.suggestions:
        lines.append("Nearest passages (suggestions, not an answer):")
    for i, s in enumerate(answer.suggestions, start=1):
        lines.append(f"  {i}. {s.title} ({human_date(s.published)}, {s.doc_id})")
        lines.append(f"     {_shorten(s.passage, 240)}")
    return "\n".join(lines).rstrip()


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


class _progress_bar:
    """A tqdm bar on a terminal; plain progress lines on stderr when it is a log or a pipe."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __enter__(self) -> Any:
        from tqdm import tqdm

        def update(done: int, total: int) -> None:
            if not sys.stderr.isatty():
                print(f"{self.label}: {done}/{total} chunks", file=sys.stderr, flush=True)
                return
            if self.bar is None:
                self.bar = tqdm(total=total, desc=self.label, unit="chunk")
            self.bar.update(done - self.bar.n)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
