"""Wires the stages together for the CLI, the app and the evals: settings in, a
ready retriever and answerer out. Loads the model and opens the index once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from threadpoolctl import threadpool_limits

from assistant.answer.abstain import abstention
from assistant.answer.base import Answerer
from assistant.answer.confidence import AnswerConfig
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.reader_model import ReaderModel, load_reader, reader_model_id
from assistant.index.build import IndexBuilder, Progress
from assistant.index.embed import (
    MODEL_ID,
    embed_together,
    load_embedder,
    set_threads,
    shared_threads,
    threads,
)
from assistant.index.sentence_vectors import Encoder
from assistant.index.store import IndexReader
from assistant.ingest.corpus import load_corpus
from assistant.ingest.subjects import SubjectIndex
from assistant.retrieve.compound import joined, parts
from assistant.retrieve.followups import Turn, rewrite
from assistant.retrieve.hybrid import HybridRetriever, RetrievalConfig
from assistant.retrieve.question import analyse, validate
from assistant.settings import Settings
from assistant.text.spelling import NameSpeller
from assistant.types import Answer, BuildReport, Filters, Passage


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        embed_model: BaseEmbedding | None = None,
        model_id: str = MODEL_ID,
    ) -> None:
        self.settings = settings
        self._embed_model = embed_model
        self.model_id = model_id
        self._reader: IndexReader | None = None
        self._answerer: Answerer | None = None
        self._extractive: ExtractiveAnswerer | None = None
        self._subjects: SubjectIndex | None = None
        self._pinned = False  # during a question: one generation from start to finish

    @cached_property
    def embed_model(self) -> BaseEmbedding:
        return self._embed_model or load_embedder()

    @cached_property
    def _pass_threads(self) -> int:
        return shared_threads()

    @cached_property
    def _ahead(self) -> ThreadPoolExecutor:
        # numpy's BLAS splits a product over every core, then waits for a busy one: beside
        # the other thread's model pass, ranking 2,000 chunk vectors took 6-8 ms where one
        # thread takes 0.05. Once questions are answered, it keeps to one (process-wide).
        threadpool_limits(1, user_api="blas")
        return ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="ahead",
            initializer=set_threads,
            initargs=(self._pass_threads,),
        )

    @cached_property
    def reader_model(self) -> ReaderModel | None:
        """The adapted model that judges which sentence answers; it goes with the bundled
        embedding model (a pipeline with another embedder, as in unit tests, has none)."""
        return load_reader() if self.model_id == MODEL_ID else None

    def build(self, progress: Progress | None = None) -> BuildReport:
        """Bring the index up to date with the corpus folder."""
        corpus = load_corpus(self.settings.corpus, int(self.settings.max_file_mb * 2**20))
        # The models load only if something is to be embedded: a build that finds nothing
        # changed takes well under a second instead of the models' seconds.
        builder = IndexBuilder(
            self.settings, lambda: self.embed_model, self.model_id, self.sentence_encoders()
        )
        report = builder.build(corpus, progress)
        self._reader = None
        return report

    @property
    def reader(self) -> IndexReader:
        """The open index, reopened when a newer build has been committed (between
        questions: a question is answered from one generation throughout)."""
        if self._reader is None or (not self._pinned and self._reader.is_stale()):
            self._reader = IndexReader(self.settings)
            self._answerer = self._extractive = None
            self._subjects = None
        return self._reader

    @property
    def speller(self) -> NameSpeller:
        """The names the indexed documents write, to put a question's names right."""
        return self.reader.tables.speller

    @property
    def extractive(self) -> ExtractiveAnswerer:
        """The extractive answerer (also what an LLM answerer falls back on)."""
        reader = self.reader
        if self._extractive is None:
            config = AnswerConfig()
            if self.settings.abstain_threshold is not None:
                config = AnswerConfig(abstain_threshold=self.settings.abstain_threshold)
            self._extractive = ExtractiveAnswerer(
                reader, self.embed_model, config, model=self._indexed_reader_model(reader)
            )
        return self._extractive

    def sentence_encoders(self) -> list[Encoder]:
        """The models whose sentence vectors the index stores besides the embedder's."""
        if self.model_id != MODEL_ID:
            return []

        def compute(texts: list[str]) -> np.ndarray:
            model = self.reader_model
            assert model is not None  # it goes with the bundled embedding model
            return model.compute(texts)

        return [Encoder("reader", reader_model_id(), compute, windows=False)]

    def _indexed_reader_model(self, reader: IndexReader) -> ReaderModel | None:
        """The reader model, reading sentence vectors from the index when it stores this
        model's (an index built with another adapter has to be embedded afresh)."""
        model = self.reader_model
        if model is None:
            return None
        stored = reader.sentence_vectors.get("reader")
        return model.indexed(stored if stored and stored.model_id == model.model_id else None)

    @property
    def answerer(self) -> Answerer:
        """The configured answerer: extractive, or an LLM writing from the same passages."""
        extractive = self.extractive
        if self._answerer is None:
            answerer: Answerer = extractive
            if self.settings.llm.enabled:
                # Imported here: the LLM client libraries load only when one is configured.
                from assistant.answer.llm import LLMAnswerer, make_llm

                llm = make_llm(self.settings.llm)
                answerer = LLMAnswerer(extractive, llm, self.settings.llm.timeout)
            self._answerer = answerer
        return self._answerer

    @property
    def subjects(self) -> SubjectIndex:
        """The places the indexed documents are about."""
        reader = self.reader
        if self._subjects is None:
            self._subjects = SubjectIndex(d.meta for d in reader.documents.values())
        return self._subjects

    def about_named(
        self, question: str, filters: Filters | None, history: Sequence[Turn] = ()
    ) -> Filters:
        """The filters, narrowed to the documents about the places a question names ("What
        did inspectors find in Cheshire?": the documents about Cheshire's force), unless
        the filters already choose subjects. A follow-up that names none stays with the
        place the conversation last named ("When was North Wales inspected?", then "What
        did the review two years later say?")."""
        filters = filters or Filters()
        if filters.subjects:
            return filters
        asked = [question, *(turn.searched_for for turn in reversed(history))]
        named = next((found for q in asked if (found := self.subjects.named(q))), ())
        return filters.model_copy(update={"subjects": named}) if named else filters

    def retriever(self, filters: Filters | None = None) -> HybridRetriever:
        s = self.settings
        config = RetrievalConfig(top_k=s.top_k, fusion=s.fusion, dense_weight=s.dense_weight)
        return HybridRetriever(self.reader, self.embed_model, config, filters)

    def search(self, query: str, filters: Filters | None = None) -> list[Passage]:
        return self.retriever(filters).search(query)

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer a question (a follow-up, given the earlier turns), citing its sources."""
        return self.ask_traced(question, history, filters)[0]

    def ask_traced(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> tuple[Answer, list[Passage]]:
        """`ask`, also returning the passages retrieved (for evals and debugging)."""
        started = time.perf_counter()
        question = validate(question, self.settings.max_question_chars)
        self.reader  # noqa: B018 - reopen now if a build was committed, then hold it
        self._pinned = True
        try:
            return self._ask(question, history, filters, started)
        finally:
            self._pinned = False

    def _ask(
        self, question: str, history: Sequence[Turn], filters: Filters | None, started: float
    ) -> tuple[Answer, list[Passage]]:
        searched = rewrite(self.speller.respell(question), history)
        filters = self.about_named(searched, filters, history)
        unknown = [] if filters.subjects else self.subjects.unknown(searched)
        # A question asking two things ("How many ... in 2017, and what did the 2022 review
        # say ...?") is answered part by part, about the places the whole question names.
        asks = [searched] if unknown else parts(searched)
        found = [self._answer(question, ask, filters, unknown) for ask in asks]
        passages = [p for _, ps in found for p in ps]
        if len(found) == 1:
            answer = found[0][0]
        else:
            answer = joined(question, searched, [a for a, _ in found])
        done = time.perf_counter()
        timings = {
            "retrieve": round(sum(a.timings_ms["retrieve"] for a, _ in found), 1),
            "answer": round(sum(a.timings_ms["answer"] for a, _ in found), 1),
            "total": round((done - started) * 1000, 1),
        }
        return answer.model_copy(update={"timings_ms": timings}), passages

    def _answer(
        self, question: str, searched: str, filters: Filters, unknown: list[str]
    ) -> tuple[Answer, list[Passage]]:
        """One question (or one part of one), answered from its own passages."""
        started = time.perf_counter()
        intent = analyse(searched)
        # What needs no vector of the question is worked out on another thread while this
        # one embeds it: the reader model's pass, then the BM25 hits. Torch lets two passes
        # run at once, each on its share of the cores: two each wanting all of them take
        # half as long again as one, where two on a share each take about as long as one.
        # The question's words the documents never use are embedded in the question's own
        # pass: a third pass queues on two cores.
        ahead = [self._ahead.submit(task) for task in self.extractive.ahead(intent)]
        retriever = self.retriever(filters)
        lexical = self._ahead.submit(retriever.lexical, searched)
        words = self.extractive.words_to_embed(intent)
        with threads(self._pass_threads):
            vector, word_vectors = embed_together(self.embed_model, searched, words)
        self.extractive.learn_words(words, word_vectors)
        passages = retriever.search(
            searched, vector=vector, years=intent.years, lexical=lexical.result()
        )
        for task in ahead:
            task.result()
        retrieved = time.perf_counter()
        if unknown:  # "What did Surrey Police find?" of a corpus with nothing on Surrey
            answer = abstention(question, searched, passages, self.reader, about=unknown)
        else:
            answer = self.answerer.answer(question, searched, intent, passages, vector, filters)
        timings = {
            "retrieve": (retrieved - started) * 1000,
            "answer": (time.perf_counter() - retrieved) * 1000,
        }
        return answer.model_copy(update={"timings_ms": timings}), passages
