"""The `assistant` command: build the index, search it, ask questions, chat, run evals.
Reads the environment and flags once into `Settings`; turns user errors into one line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from assistant.dates import human_date
from assistant.errors import AssistantError
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.types import BuildReport, Filters, Passage

EXIT_PARTIAL = 7  # the index was built, but some corpus files could not be read


def main(argv: Sequence[str] | None = None) -> int:
    _quiet_libraries()
    parser = _parser()
    args = parser.parse_args(argv)
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

    return parser


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--doc", action="append", default=[], help="only this document id")
    p.add_argument("--kind", action="append", default=[], help="only this kind of document")
    p.add_argument("--from-year", type=int, default=None, help="published in or after")
    p.add_argument("--to-year", type=int, default=None, help="published in or before")


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(
        doc_ids=tuple(args.doc),
        kinds=tuple(args.kind),
        year_from=args.from_year,
        year_to=args.to_year,
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
        f"unchanged {len(r.unchanged)}; embedded {r.embedded_chunks} chunks",
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


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


class _progress_bar:  # noqa: N801 - used as a context manager, reads like a function
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


def _quiet_libraries() -> None:
    # The model is local (see embed.py); keep library chatter off the terminal.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
