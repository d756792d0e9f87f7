"""What the in-process BM25 index costs as the corpus grows: build, load, size on disk,
memory and query time for N synthetic chunks (120 words each, drawn from the corpus's
own vocabulary). Used for the table in docs/scaling.md.

    .venv/bin/python evals/lexical_scale.py 10000 50000
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chunking import chunk_document  # noqa: E402
from assistant.corpus import load_corpus  # noqa: E402
from assistant.lexical import LexicalIndex  # noqa: E402

QUESTIONS = (
    "How many case files did inspectors review in 2019?",
    "What does MADRA stand for?",
    "backlog of devices online abuse",
)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))


def measure(n: int, words: list[str]) -> str:
    rng = random.Random(0)
    texts = [" ".join(rng.sample(words, 120)) for _ in range(n)]
    ids = [f"c{i}" for i in range(n)]
    before = rss_mb()
    t = time.perf_counter()
    index = LexicalIndex.build(ids, texts)
    build = time.perf_counter() - t
    folder = Path(tempfile.mkdtemp()) / "bm25"
    index.save(folder)
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
    del index
    t = time.perf_counter()
    index = LexicalIndex.load(folder)
    load = time.perf_counter() - t
    memory = rss_mb() - before
    t = time.perf_counter()
    for _ in range(10):
        for q in QUESTIONS:
            index.search(q, 12)
    query = (time.perf_counter() - t) / (10 * len(QUESTIONS))
    allowed = set(ids[: n // 10])
    t = time.perf_counter()
    for q in QUESTIONS:
        index.search(q, 12, allowed)
    filtered = (time.perf_counter() - t) / len(QUESTIONS)
    return (
        f"| {n:,} | {build:.1f} s | {load:.1f} s | {size:.0f} MB | ~{memory:.0f} MB "
        f"| {query * 1000:.0f} ms | {filtered * 1000:.0f} ms |"
    )


def main() -> None:
    docs = load_corpus(ROOT / "corpus").documents
    words = " ".join(c.text for d in docs for c in chunk_document(d, 160, 32, d.doc_id)).split()
    print("| chunks | build | load | on disk | memory | query | filtered query |")
    for n in map(int, sys.argv[1:] or ["10000"]):
        print(measure(n, words), flush=True)


if __name__ == "__main__":
    main()
