"""Warm question latency in this process, every path over the same Chroma collection and
embedder: the floor (embed the question, one bare Chroma query), llama-index's stock
retriever, our hybrid retrieval, and the full extractive answer."""

from __future__ import annotations

from typing import Any

from assistant.evals.runner import load_cases
from assistant.pipeline import Pipeline
from benchmarks.common import ROOT, interleaved, summary


def questions(limit: int) -> list[str]:
    """Eval questions, spread over the whole set (`limit` of them)."""
    cases = load_cases(ROOT / "evals" / "cases.yaml")
    asked = [c.questions[-1] for c in cases]
    step = max(1, len(asked) // limit)
    return asked[::step][:limit]


def stock_retriever(pipeline: Pipeline) -> Any:
    """llama-index's own path: `VectorStoreIndex.from_vector_store(...).as_retriever()`."""
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    store = ChromaVectorStore(chroma_collection=pipeline.reader.collection)
    index = VectorStoreIndex.from_vector_store(store, embed_model=pipeline.embed_model)
    return index.as_retriever(similarity_top_k=pipeline.settings.top_k)


def measure(pipeline: Pipeline, asked: list[str], repeat: int = 1) -> dict[str, Any]:
    """p50/p95 of each path, and each path's ratio to the floor."""
    reader, embed = pipeline.reader, pipeline.embed_model
    top_k = pipeline.settings.top_k
    pipeline.ask(asked[0])  # load the reader model and open everything first

    def floor(q: str) -> object:
        vector = embed.get_query_embedding(q)
        return reader.collection.query(
            query_embeddings=[vector], n_results=top_k, include=["distances"]
        )

    stock = stock_retriever(pipeline)
    paths = interleaved(
        {
            "floor": floor,
            "stock_llamaindex": stock.retrieve,
            "retrieval": pipeline.search,
            "answer": pipeline.ask,
        },
        asked,
        repeat,
    )
    out: dict[str, Any] = {name: summary(values) for name, values in paths.items()}
    base = out["floor"]
    for name in ("stock_llamaindex", "retrieval", "answer"):
        out[name]["x_floor_p50"] = round(out[name]["p50"] / base["p50"], 2)
        out[name]["x_floor_p95"] = round(out[name]["p95"] / base["p95"], 2)
    out["chunks"] = len(reader.chunks)
    out["documents"] = len(reader.documents)
    out["questions"] = len(asked)
    return out


def profile_answers(pipeline: Pipeline, asked: list[str]) -> str:
    """A pyinstrument profile of answering (text), to see where the time goes."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    with profiler:
        for q in asked:
            pipeline.ask(q)
    return str(profiler.output_text(unicode=False, color=False, show_all=False))
