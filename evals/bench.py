"""Benchmarks: model load, index build (full vs incremental), query latency (hybrid vs
dense-only retrieval, full answer vs the top-chunk baseline), memory and index size.
Everything is measured in this one process, so the ratios compare like with like on a
shared, noisy machine; absolute times are indicative only.

    .venv/bin/python evals/bench.py [--repeat 3] [--scale 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.evals import load_cases
from assistant.pipeline import Pipeline
from assistant.settings import Settings, apply_offline_defaults

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def latencies(fn: Callable[[str], object], questions: list[str], repeat: int) -> list[float]:
    fn(questions[0])  # warm up
    return [timed(lambda q=q: fn(q)) for _ in range(repeat) for q in questions]


def describe(name: str, values: list[float], baseline: list[float] | None = None) -> str:
    p50 = statistics.median(values)
    p95 = sorted(values)[int(0.95 * (len(values) - 1))]
    ratio = f"  x{p50 / statistics.median(baseline):.2f} of baseline p50" if baseline else ""
    return f"  {name:<34} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms{ratio}"


def scaled_corpus(target: Path, copies: int) -> None:
    """The seed corpus `copies` times over, each copy's text tagged so it is new content."""
    target.mkdir()
    for path in (ROOT / "corpus").iterdir():
        if path.suffix != ".txt":
            shutil.copy(path, target / path.name)
            continue
        text = path.read_text(encoding="utf-8")
        for i in range(copies):
            (target / f"{path.stem}_{i:03d}.txt").write_text(
                f"Copy {i}.\n\n{text}", encoding="utf-8"
            )


def bench_queries(pipeline: Pipeline, questions: list[str], repeat: int) -> None:
    hybrid = latencies(lambda q: pipeline.search(q), questions, repeat)
    dense_only = pipeline.retriever().with_config(fusion="weighted", dense_weight=1.0)
    dense = latencies(lambda q: dense_only.search(q), questions, repeat)
    # First time a question is asked, its candidate sentences are embedded; then cached.
    cold = latencies(lambda q: pipeline.ask(q), questions, 1)
    warm = latencies(lambda q: pipeline.ask(q), questions, repeat)
    print(describe("retrieval, dense only (baseline)", dense))
    print(describe("retrieval, hybrid (dense + BM25)", hybrid, dense))
    print(describe("answer, top chunk (baseline)", hybrid))
    print(describe("answer, extractive, new question", cold, hybrid))
    print(describe("answer, extractive, asked before", warm, hybrid))


def main() -> int:
    apply_offline_defaults(os.environ)
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10, help="corpus copies for the scale run")
    args = parser.parse_args()
    questions = [c.questions[-1] for c in load_cases(ROOT / "evals" / "cases.yaml")]
    print(f"memory at start: {rss_mb():.0f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus=ROOT / "corpus", index=Path(tmp) / "index")
        pipeline = Pipeline(settings)
        load = timed(lambda: pipeline.embed_model)
        print(f"model load: {load / 1000:.1f} s, memory {rss_mb():.0f} MB")
        full = timed(pipeline.build)
        noop = timed(pipeline.build)
        print(f"index build, seed corpus: {full / 1000:.2f} s; unchanged rebuild "
              f"{noop / 1000:.2f} s (x{noop / full:.2f} of the full build)")  # fmt: skip
        print(f"index size on disk: {folder_mb(settings.index):.1f} MB "
              f"({len(pipeline.reader.chunks)} chunks)")  # fmt: skip
        print(f"latency over {len(questions)} eval questions x{args.repeat}:")
        bench_queries(pipeline, questions, args.repeat)
        print(f"memory after queries: {rss_mb():.0f} MB (peak {peak_mb():.0f} MB)")

        corpus = Path(tmp) / "scaled"
        scaled_corpus(corpus, args.scale)
        big = Pipeline(settings.replace(corpus=corpus, index=Path(tmp) / "big"))
        big = Pipeline(big.settings, embed_model=pipeline.embed_model)  # load the model once
        build = timed(big.build)
        chunks = len(big.reader.chunks)
        growth = chunks / len(pipeline.reader.chunks)
        size = folder_mb(big.settings.index)
        print(f"\nscale run: {args.scale}x the corpus, {len(big.reader.documents)} documents, "
              f"{chunks} chunks: build {build / 1000:.1f} s (x{build / full:.1f} of the seed "
              f"build for x{growth:.0f} the chunks); index {size:.1f} MB")  # fmt: skip
        bench_queries(big, questions, args.repeat)
        print(f"memory at end: {rss_mb():.0f} MB (peak {peak_mb():.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
