"""The stores at scale, on a synthetic corpus (`synthetic.chunk_texts`) with synthetic unit
vectors (embedding a million chunks would take days here): for the embedded Chroma, a
Chroma server and the BM25 index, the build time, query p50/p95, memory and disk at
each size, and how each grows."""

from __future__ import annotations

import gc
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.lexical import LexicalIndex
from assistant.index.store import chroma_collection
from assistant.settings import Settings
from benchmarks.common import chroma_server, folder_mb, growth, peak_rss_mb, rss_mb, summary
from benchmarks.synthetic import chunk_texts

DIM = 384
BATCH = 5000
QUERIES = 40
TOP_K = 24  # what `IndexReader.dense` asks Chroma for with top_k 12


def unit_vectors(n: int, seed: int) -> Iterator[np.ndarray]:
    """`n` random unit vectors in batches of `BATCH`."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, BATCH):
        v = rng.standard_normal((min(BATCH, n - start), DIM)).astype(np.float32)
        yield v / np.linalg.norm(v, axis=1, keepdims=True)


def dense(n: int, folder: Path, url: str | None, server_pid: int | None) -> dict[str, Any]:
    """Build a collection of `n` vectors through the project's own store code, query it."""
    settings = Settings(index=folder, chroma_url=url or "", collection=f"scale-{n}")
    before = rss_mb(server_pid or "self")
    collection = chroma_collection(settings)
    started = time.perf_counter()
    for i, batch in enumerate(unit_vectors(n, seed=n)):
        ids = [f"c{i * BATCH + j}" for j in range(len(batch))]
        metas = [{"doc_id": f"d{(i * BATCH + j) // 8}"} for j in range(len(batch))]
        collection.add(ids=ids, embeddings=batch, metadatas=metas)
    build = time.perf_counter() - started
    queries = next(unit_vectors(QUERIES, seed=1))
    collection.query(query_embeddings=[queries[0]], n_results=TOP_K)  # load, unmeasured
    times = []
    for q in queries:
        t = time.perf_counter()
        collection.query(query_embeddings=[q], n_results=TOP_K, include=["distances"])
        times.append((time.perf_counter() - t) * 1000)
    pid = server_pid or "self"
    return {
        "build_s": round(build, 2),
        "query_ms": summary(times),
        "rss_growth_mb": round(rss_mb(pid) - before, 1),
        "peak_rss_mb": round(peak_rss_mb(pid), 1),
        "disk_mb": folder_mb(folder),
    }


def lexical(texts: list[str], folder: Path) -> dict[str, Any]:
    """Build, save, reopen and query the BM25 index over the texts."""
    ids = [f"c{i}" for i in range(len(texts))]
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    LexicalIndex.build(ids, texts).save(folder)
    build = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    index = LexicalIndex.load(folder)
    load = time.perf_counter() - started
    loaded = rss_mb()
    asked = [t.split(". ")[0][:80] for t in texts[:: max(1, len(texts) // QUERIES)][:QUERIES]]
    index.search(asked[0], 12)
    times = []
    for q in asked:
        t = time.perf_counter()
        index.search(q, 12)
        times.append((time.perf_counter() - t) * 1000)
    allowed = frozenset(ids[: len(ids) // 10])  # as the index reader gives a filter's chunks
    filtered = []
    for q in asked[:10]:
        t = time.perf_counter()
        index.search(q, 12, allowed)
        filtered.append((time.perf_counter() - t) * 1000)
    del index
    return {
        "build_s": round(build, 2),
        "load_s": round(load, 2),
        "query_ms": summary(times),
        "filtered_query_ms": summary(filtered),
        "rss_after_load_mb": round(loaded - before, 1),
        "disk_mb": folder_mb(folder),
    }


def run(
    sizes: list[int],
    server_sizes: list[int],
    out: dict[str, Any],
    log: Callable[[str], None] = print,
    save: Callable[[], None] = lambda: None,
    stores: set[str] | None = None,
) -> None:
    """Every store at every size into `out`, then growth exponents of query p50, build
    time and disk; `save` is called after each measurement."""
    out.update({"sizes": sizes, "embedded": {}, "server": {}, "bm25": {}})
    wanted = stores or {"bm25", "embedded", "server"}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = Path(tmp)
        for n in sizes:
            if "bm25" in wanted:
                log(f"scale: {n} chunks: texts, BM25")
                out["bm25"][n] = lexical(chunk_texts(n, seed=n), root / f"bm25-{n}")
                save()
            if "embedded" in wanted:
                log(f"scale: {n} chunks: embedded Chroma")
                out["embedded"][n] = dense(n, root / f"embedded-{n}", None, None)
                save()
        for n in server_sizes:
            log(f"scale: {n} chunks: Chroma server")
            with chroma_server(root / f"server-{n}") as (url, pid):
                out["server"][n] = dense(n, root / f"server-{n}", url, pid)
            save()
    for store in ("embedded", "server", "bm25"):
        done = sorted(out[store])
        if len(done) >= 2:
            out[f"{store}_growth"] = {
                "query_p50": growth(done, [out[store][n]["query_ms"]["p50"] for n in done]),
                "build_s": growth(done, [out[store][n]["build_s"] for n in done]),
                "disk_mb": growth(done, [out[store][n]["disk_mb"] for n in done]),
            }
    save()
