"""Question latency on a large synthetic index: the project's own build over a synthetic
corpus (`synthetic.corpus_folder`, seed documents retold) with stand-in vectors (a real
embedding of 100k chunks and their sentences would take days here), then the real model
answering questions from it, beside the floor, as `latency.measure` does at 50 documents.

The stand-in vectors are unit vectors seeded from each text's hash: dense hits are
arbitrary at this size (BM25's are real), so the figures time the work a question costs,
not the answers' quality.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.answer.reader_model import load_reader
from assistant.index.build import IndexBuilder
from assistant.index.embed import MODEL_ID
from assistant.index.sentence_vectors import Encoder
from assistant.ingest.corpus import load_corpus
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from benchmarks import latency
from benchmarks.common import folder_mb, rss_mb
from benchmarks.synthetic import FORCE_NAMED, FORCES, corpus_folder

DIM = 384
CHUNKS_PER_DOCUMENT = 6.4  # measured: 76,377 chunks of 11,884 synthetic documents
# The first questions after opening that name a body, a person, an acronym and one the
# documents never write: they read the name index, the speller, the acronym glossary and
# (the last) what runs of the documents' words spell, worked out on first need.
NAMED = (
    "What did the Safeguarding Children Board review find?",
    "What did Nick Adderley say about the inspection?",
    "What does MADRA stand for?",
    "What did the PEEL inspection conclude about crime recording?",
)


def hashed_vectors(texts: list[str]) -> np.ndarray:
    """A unit vector per text, seeded from its hash."""
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        out[i] = np.random.default_rng(seed).standard_normal(DIM)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


class HashedEmbedding(BaseEmbedding):
    """Stand-in vectors for the build (`hashed_vectors`)."""

    def _get_query_embedding(self, query: str) -> list[float]:
        return hashed_vectors([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return hashed_vectors([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return hashed_vectors(texts).tolist()


def naming_a_force(limit: int) -> list[str]:
    """Eval questions that name the seeds' force, each asked of another of the synthetic
    corpus's forces in turn (a few thousand chunks apiece at 76k)."""
    named = [q for q in latency.questions(10_000) if FORCE_NAMED.search(q)]
    step = max(1, len(named) // limit)
    picked = named[::step][:limit]
    return [FORCE_NAMED.sub(FORCES[i % len(FORCES)], q) for i, q in enumerate(picked)]


def measure(chunks: int, folder: Path, asked: list[str]) -> dict[str, Any]:
    """Build a synthetic index of about `chunks` chunks, then time questions on it."""
    documents = max(5, round(chunks / CHUNKS_PER_DOCUMENT))
    corpus = corpus_folder(folder / "corpus", documents)
    settings = Settings(corpus=corpus, index=folder / "index", embed_batch=512)
    reader_id = load_reader().model_id
    builder = IndexBuilder(
        settings,
        HashedEmbedding(embed_batch_size=512),
        MODEL_ID,
        [Encoder("reader", reader_id, hashed_vectors, windows=False)],
    )
    started = time.perf_counter()
    report = builder.build(load_corpus(corpus))
    build = time.perf_counter() - started
    before = rss_mb()
    started = time.perf_counter()
    pipeline = Pipeline(settings)
    _ = pipeline.reader, pipeline.speller, pipeline.subjects, pipeline.extractive
    opened = time.perf_counter() - started
    grown = rss_mb() - before
    named = {}
    for question in NAMED:
        started = time.perf_counter()
        pipeline.ask(question)
        named[question] = round(time.perf_counter() - started, 2)
    out = latency.measure(pipeline, asked)
    # Most questions over many forces name one, and so search only its documents' chunks.
    out["naming_a_force"] = latency.measure(pipeline, naming_a_force(len(asked)))
    out.update(
        {
            "build_s": round(build, 1),
            "sentence_texts": report.embedded_sentences,
            "open_s": round(opened, 2),
            "open_rss_growth_mb": round(grown, 1),
            "first_named_questions_s": named,
            "tables_worked_out": pipeline.reader.tables.worked_out,
            "index_mb": folder_mb(settings.index),
        }
    )
    return out
