"""`make bench`: every benchmark in one run on this machine, so the ratios compare like
with like. Prints a table and writes JSON (`benchmarks/results/latest.json` unless
`--out`). Absolute times on a shared machine are indicative; the ratios are the point.

    python -m benchmarks.run [--quick | --full] [--sizes 1000,10000,100000] [--out FILE]

`--full` adds what takes too long for every run (about an hour here): 1M chunks in the
embedded store and BM25, the Chroma server at 100k, and answers on a 100k-chunk index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.index.embed import load_embedder
from assistant.settings import Settings, apply_offline_defaults
from benchmarks import answer_scale, build, cold, latency, scale, synthetic
from benchmarks.common import ROOT, peak_rss_mb
from benchmarks.report import table, targets

DOCUMENTS = 50  # the mid-size corpus: the seeds and 45 retellings


def machine() -> dict[str, Any]:
    with open("/proc/meminfo", encoding="ascii") as f:
        mem = int(f.readline().split()[1]) / 2**20
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(mem, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in load],
        "note": "2 cores shared with other work; absolute times are indicative",
    }


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def corpus_runs(
    tmp: Path, documents: int, asked: list[str], out: dict[str, Any], save: Callable[[], None]
) -> None:
    """Build and latency on the seed corpus and on a `documents`-document one; the
    profile of answering on the larger; cold starts against it. Saved as it goes."""
    embedder = load_embedder()
    big = synthetic.corpus_folder(tmp / "corpus-big", documents)
    for name, corpus in (("seed", ROOT / "corpus"), ("docs50", big)):
        log(f"build: {name}")
        settings = Settings(corpus=corpus, index=tmp / f"index-{name}")
        pipeline, built = build.measure(settings, embedder)
        log(f"latency: {name}")
        out[name] = {"build": built, "latency": latency.measure(pipeline, asked)}
        out[name]["profile"] = latency.profile_answers(pipeline, asked[:10])
        save()
    cold_runs(tmp / "index-docs50", big, asked, out, save)


def cold_runs(
    index: Path, corpus: Path, asked: list[str], out: dict[str, Any], save: Callable[[], None]
) -> None:
    log("cold start: CLI")
    out["cold_cli"] = cold.cli(index, corpus, asked[0])
    save()
    log("cold start: app")
    out["app"] = cold.app(index, corpus, asked[:20])
    save()


def _sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def main(argv: list[str] | None = None) -> int:
    apply_offline_defaults(os.environ)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scale to 10k chunks only")
    parser.add_argument(
        "--full", action="store_true", help="also 1M chunks and answers at 100k (about an hour)"
    )
    parser.add_argument(
        "--answer-at", type=int, help="chunks of the synthetic index answers are timed on"
    )
    parser.add_argument("--sizes", help="scale sizes, comma-separated (default 1k,10k,100k)")
    parser.add_argument("--server-sizes", help="sizes for the Chroma server (default: same)")
    parser.add_argument(
        "--stores", default="bm25,embedded,server", help="which stores the scale run measures"
    )
    parser.add_argument(
        "--cold-only",
        nargs=2,
        metavar=("INDEX", "CORPUS"),
        type=Path,
        help="skip the builds and latency; cold starts against this built index",
    )
    parser.add_argument("--only-scale", action="store_true", help="skip the corpus runs")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/latest.json")
    args = parser.parse_args(argv)
    default = "1000,10000" if args.quick else "1000,10000,100000"
    if args.full:
        default += ",1000000"
    sizes = _sizes(args.sizes or default)
    server_default = [n for n in sizes if n <= (100_000 if args.full else 10_000)]
    server_sizes = server_default if args.server_sizes is None else _sizes(args.server_sizes)
    answer_at = args.answer_at or (100_000 if args.full else None)
    stores = set(args.stores.split(","))

    result: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    started = time.perf_counter()
    asked = latency.questions(args.questions)
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        result["bench_peak_rss_mb"] = round(peak_rss_mb(), 1)
        result["targets"] = targets(result)
        args.out.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if args.cold_only:
            index, corpus = args.cold_only
            cold_runs(index, corpus, asked, result, save)
        elif not args.only_scale:
            corpus_runs(Path(tmp), args.documents, asked, result, save)
        if answer_at:
            log(f"answers on a synthetic index of {answer_at} chunks")
            folder = Path(tmp) / "answer-scale"
            result["answer_at_scale"] = {answer_at: answer_scale.measure(answer_at, folder, asked)}
            save()
        result["scale"] = {}
        scale.run(
            sizes, server_sizes if "server" in stores else [], result["scale"], log, save, stores
        )
    result["bench_s"] = round(time.perf_counter() - started, 1)
    save()
    print(table(result))
    log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
