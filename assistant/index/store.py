"""The index opened for searching: chunk vectors in a Chroma collection, plus the chunk
records, document texts, BM25 lexical index and word tables of the generation its
manifest names (`generation`). Chunk ids are content-addressed, so unchanged documents
are never re-embedded and vectors from an interrupted build are reused by the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.errors import BackendError, IndexMissingError
from assistant.index.chunk_vectors import ChunkVectors
from assistant.index.generation import (
    load_chunks,
    load_documents,
    manifest_stamp,
    open_manifest,
    read_manifest,
    write_problem,
)
from assistant.index.lexical import LexicalIndex
from assistant.index.sentence_vectors import load_sentence_vectors
from assistant.index.vocabulary import Vocabulary
from assistant.index.word_tables import CorpusTables
from assistant.kept import kept
from assistant.settings import Settings
from assistant.text.sentences import remember_sentences
from assistant.types import Chunk, Document, DocumentMeta, Filters

log = logging.getLogger(__name__)


# Goes into every chunk id, so that changing what `embed_text` gives re-embeds every chunk.
EMBED_TEXT_VERSION = 2
_KEPT_FILTERS = 16  # the filters whose allowed chunks an open index keeps
# A search allowed at most this many chunks compares the question with each of them
# (~1 ms a 2,000 at 76k chunks; the block is copied out, 75 MB at the most). Chroma's
# filtered query took 30-80 ms at 76k however few it allowed, 0.4-0.9 s for thousands of
# documents.
_EXACT_UP_TO = 50_000
# And an index of at most this many chunks is searched exactly whatever the question:
# Chroma's HNSW graph is approximate, and differs from one build of the same documents
# to the next (on the 447 chunks of the development corpus, two builds' top 30 differed
# for 37-44 of 841 questions, and missed some of the exact nearest). Up to about here
# comparing every chunk is no slower than Chroma's query (random vectors, one thread:
# 0.3 against 0.9 ms at 5,000 chunks, 2.1 against 1.9 ms at 20,000).
_EXACT_ALL_UP_TO = 20_000


def embed_text(chunk: Chunk, doc: Document) -> str:
    """What is embedded and BM25-indexed for a chunk: a short header naming its document
    as people refer to it ("the Heart story", "the force's statement"), then its text."""
    meta = doc.meta
    about = ", ".join(x for x in (meta.publisher, meta.kind, meta.published or "undated") if x)
    return f"{meta.title} ({about})\n{chunk.text}"


def chroma_collection(settings: Settings, fresh: bool = False) -> Any:
    """The Chroma collection: embedded under the index folder, or on a Chroma server.
    `fresh`: read the embedded store from disk again rather than share this process's
    open copy (after another process, an `assistant index` run, has written to it)."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        else:
            path = settings.index / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            if fresh:  # clients already open on it move to the new copy when they next call
                SharedSystemClient._identifier_to_system.pop(str(path), None)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return client.get_or_create_collection(
            settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
    except Exception as e:  # chromadb raises its own errors, or bare ones, for these
        where = settings.chroma_url or str(settings.index / "chroma")
        problem = None if settings.chroma_url else write_problem(settings.index, e)
        detail = f"{problem}; Chroma writes to its files even to answer" if problem else e
        raise BackendError(f"cannot open the Chroma store at {where}: {detail}") from None


class IndexReader:
    """A built index opened for searching: one generation, as its manifest names it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        for attempt in range(3):
            self._stamp = manifest_stamp(settings.index)  # before reading: a later swap shows
            self.manifest = open_manifest(settings.index)
            try:
                self._load(self.manifest.generation)
                break
            except FileNotFoundError:
                # A build committed a newer generation and removed this one while it was
                # being read: read the manifest again and open the new one.
                if attempt == 2:
                    raise IndexMissingError(settings.index) from None
        self.collection = chroma_collection(settings)

    def _load(self, generation: int) -> None:
        folder = self.settings.index / f"gen-{generation}"
        self.documents = load_documents(self.settings.index, generation)
        self.chunks = {c.chunk_id: c for c in load_chunks(self.settings.index, generation)}
        self._by_document: dict[str, list[str]] = {}
        for chunk in self.chunks.values():
            self._by_document.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
        # What each filter asked of this generation allows, and those chunks' documents.
        self._allowed: dict[Filters, frozenset[str]] = {}
        self._documents_of: dict[frozenset[str], list[str]] = {}
        remember_sentences(folder, self.documents)
        self.lexical = LexicalIndex.load(folder / "bm25")
        self.chunk_vectors = ChunkVectors.load(folder, self.lexical)
        self.vocabulary = Vocabulary.load(folder)
        # Each model's vectors of the documents' sentences, by model name ("base", "reader").
        self.sentence_vectors = load_sentence_vectors(folder)
        # Which chunks use each word, acronyms spelled out, names: read when first needed.
        self.tables = CorpusTables(folder, self.chunks, self.documents)

    def is_stale(self) -> bool:
        """True once a newer build has been committed: reopen to see it. Asked before every
        question, so the manifest is only re-read when the file itself has changed."""
        stamp = manifest_stamp(self.settings.index)
        if stamp == self._stamp:
            return False
        current = read_manifest(self.settings.index)
        if current is None or current.generation == self.manifest.generation:
            self._stamp = stamp
            return False
        return True

    def meta(self, chunk: Chunk) -> DocumentMeta:
        return self.documents[chunk.doc_id].meta

    def allowed_ids(self, filters: Filters) -> frozenset[str] | None:
        """The chunks the filters allow: worked out once per filter (of the last 16), so a
        conversation about one force does not walk every document at every question."""
        if not filters.active:
            return None
        return kept(self._allowed, filters, self._allowing, _KEPT_FILTERS)

    def _allowing(self, filters: Filters) -> frozenset[str]:
        # Asked of each document rather than each chunk, and of a place's documents alone
        # when the filter names places (asking all 11,884 took ~15 ms at 76k chunks); those
        # are about the place, so only the filter's other conditions are left to ask (at
        # 100k chunks, asking a place's 429 documents again took 0.8 ms of a question's
        # first sight of the place).
        docs = self.about(filters.subjects) if filters.subjects else list(self._by_document)
        rest = filters.model_copy(update={"subjects": ()})
        if rest.active:
            docs = [d for d in docs if rest.allows(self.documents[d].meta)]
        allowed = frozenset(cid for doc_id in docs for cid in self._by_document.get(doc_id, ()))
        # Their rows in the BM25 index (and the chunk vectors' copy), for the searches to
        # rank: from each document's rows, where mapping each chunk id took ~1.4 ms.
        rows = [self._document_rows[d] for d in docs if d in self._document_rows]
        self.lexical.keep_rows(allowed, np.sort(np.concatenate(rows or [np.zeros(0, np.int64)])))
        return allowed

    @cached_property
    def _document_rows(self) -> dict[str, np.ndarray]:
        """Each document's chunks' rows in the BM25 index, worked out at the first filter."""
        return {doc_id: self.lexical.rows_of(ids) for doc_id, ids in self._by_document.items()}

    def about(self, places: Iterable[str]) -> list[str]:
        """The documents about any of these places (any case), in the index's order."""
        found = {d for p in places for d in self._about.get(p.lower(), ())}
        return sorted(found, key=self.ordinal.__getitem__)

    @cached_property
    def ordinal(self) -> dict[str, int]:
        """Each document's ordinal, in the index's order."""
        return {doc_id: i for i, doc_id in enumerate(self.documents)}

    @cached_property
    def _about(self) -> dict[str, list[str]]:
        by_place: dict[str, list[str]] = {}
        for doc_id, doc in self.documents.items():
            for place in {p.lower() for p in doc.meta.places}:
                by_place.setdefault(place, []).append(doc_id)
        return by_place

    def dense(
        self, vector: list[float], k: int, allowed: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The `k` nearest live chunks as (chunk id, cosine similarity)."""
        if allowed is not None and not allowed:
            return []
        if self.chunk_vectors is not None:
            if allowed is None and len(self.chunks) <= _EXACT_ALL_UP_TO:
                return self.chunk_vectors.nearest(vector, k)
            if allowed and len(allowed) <= _EXACT_UP_TO:
                return self.chunk_vectors.nearest(vector, k, allowed)
        # Vectors of a build that has not committed yet may be in the collection: over-fetch,
        # then keep the chunks this generation knows.
        where = {"doc_id": {"$in": self._documents(allowed)}} if allowed else None

        def query(collection: Any) -> Any:
            # Chroma gives what it has when asked for more: no count() first (on a server,
            # that was a second round trip per question).
            n = max(k * 2, k + 10)
            return collection.query(
                query_embeddings=[vector], n_results=n, where=where, include=["distances"]
            )

        found = self._chroma(query)
        hits = []
        for cid, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            if cid in self.chunks and (allowed is None or cid in allowed):
                hits.append((cid, 1.0 - float(distance)))
        return hits[:k]

    def _documents(self, allowed: frozenset[str]) -> list[str]:
        """The documents of the allowed chunks, sorted (kept as `allowed_ids`' sets are)."""
        return kept(
            self._documents_of,
            allowed,
            lambda ids: sorted({self.chunks[c].doc_id for c in ids}),
            _KEPT_FILTERS,
        )

    def vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        if self.chunk_vectors is not None:
            return self.chunk_vectors.of(chunk_ids)
        got = self._chroma(lambda c: c.get(ids=chunk_ids, include=["embeddings"]))
        return {
            cid: np.asarray(v, dtype=np.float64)
            for cid, v in zip(got["ids"], got["embeddings"], strict=True)
        }

    def _chroma(self, call: Callable[[Any], Any]) -> Any:
        """`call(collection)`; if it fails on the embedded store, once more on a fresh copy
        of it: another process writing to the store (a build) leaves this one's copy stale."""
        for attempt in (1, 2):
            try:
                return call(self.collection)
            except Exception as e:  # chromadb raises bare Exceptions for server faults
                if attempt == 2 or self.settings.chroma_url:
                    raise BackendError(f"Chroma query failed: {e}") from None
                log.warning("Chroma failed (%s): reopening the store", e)
                self.collection = chroma_collection(self.settings, fresh=True)
        raise AssertionError("unreachable")
