"""Compare retrieval set-ups on the eval set: dense only, BM25 only, reciprocal rank fusion
and weighted blends, at a few chunk sizes. The choice is made on the tune split; the
held-out split is printed beside it for the record, never used to choose.

    .venv/bin/python evals/compare_retrieval.py [--chunk-sizes 120,160,256]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from assistant.evals.runner import Case, converse, load_cases
from assistant.pipeline import Pipeline
from assistant.settings import Settings, apply_offline_defaults

SETUPS = {
    "dense only": {"fusion": "weighted", "dense_weight": 1.0},
    "BM25 only": {"fusion": "weighted", "dense_weight": 0.0},
    "RRF": {"fusion": "rrf"},
    "weighted 0.3": {"fusion": "weighted", "dense_weight": 0.3},
    "weighted 0.5": {"fusion": "weighted", "dense_weight": 0.5},
    "weighted 0.7": {"fusion": "weighted", "dense_weight": 0.7},
}


def searched_for(pipeline: Pipeline, case: Case) -> str:
    """The question as the pipeline searches it (follow-ups rewritten from earlier turns)."""
    return converse(pipeline, case.questions)[0][-1].searched_for


def metrics(pipeline: Pipeline, queries: list[tuple[str, Case]], **setup: object) -> str:
    retriever = pipeline.retriever().with_config(**setup)
    ranks = []
    for query, case in queries:
        passages = retriever.search(query)
        ranks.append(next((i for i, p in enumerate(passages, 1) if p.chunk.doc_id in case.docs), 0))
    hit1 = statistics.fmean(r == 1 for r in ranks)
    hit5 = statistics.fmean(0 < r <= 5 for r in ranks)
    mrr = statistics.fmean(1 / r if r else 0 for r in ranks)
    return f"hit@1 {hit1:6.1%}  hit@5 {hit5:6.1%}  MRR {mrr:.3f}"


def main() -> int:
    apply_offline_defaults(os.environ)
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunk-sizes", default="160")
    args = parser.parse_args()
    cases = [c for c in load_cases(Path("evals/cases.yaml")) if c.answerable]
    base = Settings.from_env(os.environ)
    for size in [int(s) for s in args.chunk_sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            settings = base.replace(
                chunk_tokens=size, chunk_overlap=size // 5, index=Path(tmp), top_k=8
            )
            pipeline = Pipeline(settings)
            built = pipeline.build()
            print(f"\nchunks of {size} tokens ({built.chunks} chunks)")
            splits = {
                split: [(searched_for(pipeline, c), c) for c in cases if c.split == split]
                for split in ("tune", "heldout")
            }
            for name, setup in SETUPS.items():
                line = "   ".join(
                    f"{s}: {metrics(pipeline, q, **setup)}" for s, q in splits.items()
                )
                print(f"  {name:<13} {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
