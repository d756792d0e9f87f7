"""Answer a question from retrieved passages. The default answerer is extractive: it
quotes the sentences that answer best, verbatim, each with its citation, merges the same
fact from two sources into one statement, says which year each source is from when they
differ, and abstains when nothing retrieved answers. Every answer's citations are
checked (`citations.checked`) before it is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import islice

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.answer.abstain import Doubter, abstention, date_term
from assistant.answer.answer_types import asks_publication
from assistant.answer.base import SimilarityModel
from assistant.answer.citations import checked, make_citation, normalise
from assistant.answer.confidence import AnswerConfig, confidence_inputs
from assistant.answer.evidence import ScoringConfig, score_all
from assistant.answer.grounding import numbers_in
from assistant.index.embed import VectorCache
from assistant.index.store import IndexReader
from assistant.retrieve.names import NameIndex
from assistant.retrieve.question import Intent
from assistant.text.candidates import Candidate, candidates, context_start, continuation_end
from assistant.text.dates import doc_years
from assistant.text.terms import content_stems
from assistant.types import Answer, Citation, Filters, Passage, Statement

# What a heading or a dateline can answer: a document's title or name, or when it came out
# (not when an inspection happened).
_LABEL_KINDS = ("title", "name")


def _asks_label(intent: Intent) -> bool:
    return asks_publication(intent) if intent.kind == "date" else intent.kind in _LABEL_KINDS


class ExtractiveAnswerer:
    """Quotes the best sentences of the retrieved passages. Needs no language model."""

    name = "extractive"

    def __init__(
        self,
        reader: IndexReader,
        embed_model: BaseEmbedding,
        config: AnswerConfig | None = None,
        scoring: ScoringConfig | None = None,
        model: SimilarityModel | None = None,
    ) -> None:
        self.reader = reader
        self.embed_model = embed_model
        self.model = model  # the reader model; without it the `answers` feature is 0
        self.config = config or AnswerConfig()
        self.scoring = scoring or ScoringConfig()
        self.stats = reader.tables.stats
        # The documents' sentences were embedded when they were indexed: only text the
        # index lacks (none, unless it was built without them) is embedded here.
        stored = reader.sentence_vectors.get("base")
        self._vectors = VectorCache(embed_model.get_text_embedding_batch, stored=stored)
        self._neighbours: dict[str, list[tuple[str, float]]] = {}  # question word: corpus words
        self.names = NameIndex(reader, reader.tables.words)
        self.doubter = Doubter(reader, self.names)

    def answer(
        self,
        question: str,
        searched_for: str,
        intent: Intent,
        passages: Sequence[Passage],
        question_vector: Sequence[float],
        filters: Filters | None = None,
    ) -> Answer:
        about = filters.subjects if filters else ()
        ranked = self.rank(intent, passages, question_vector, filters)
        confidence = self.confidence(intent, ranked) if ranked else 0.0
        if not ranked or confidence < self.config.abstain_threshold:
            return abstention(question, searched_for, passages, self.reader, confidence, about)
        statements, citations = self._compose(ranked)
        kept, kept_citations, problems = checked(
            statements, citations, self.reader.documents, verbatim=True
        )
        if not kept:
            return abstention(question, searched_for, passages, self.reader, confidence, about)
        return Answer(
            question=question,
            searched_for=searched_for,
            answer=render(kept),
            abstained=False,
            citations=tuple(kept_citations),
            statements=tuple(kept),
            notice="Some sentences were left out: their sources could not be checked."
            if problems
            else None,
            answerer=self.name,
            confidence=round(confidence, 4),
        )

    def rank(
        self,
        intent: Intent,
        passages: Sequence[Passage],
        question_vector: Sequence[float],
        filters: Filters | None = None,
    ) -> list[Candidate]:
        """Every sentence of the passages, scored, best first."""
        names = self.names.asked(intent)
        extra = self._glossary(intent, filters or Filters())
        extra += self._naming(names, passages, filters or Filters())
        cands = candidates(list(passages) + extra, self.reader.documents)
        if not _asks_label(intent):
            cands = [c for c in cands if not c.is_label or self._labels_topic(intent, c)]
        if intent.years:
            # A question that names a year prefers sources about that year.
            about = [c for c in cands if set(intent.years) & doc_years(c.doc)]
            cands = about or cands
        if names and cands:
            # And one that names people or bodies, sources that mention them ("What did
            # the NSCB review criticise?": the article on the NSCB's review).
            docs = {c.doc.doc_id: c.doc for c in cands}
            missing = {d: self.names.unmentioned(names, doc) for d, doc in docs.items()}
            cands = [c for c in cands if missing[c.doc.doc_id] == min(missing.values())]
        if not cands:
            return []
        score_all(
            cands,
            intent,
            question_vector,
            self._embed(cands),
            self._embed(cands, window=True),
            self.stats,
            self.scoring,
            self.related_terms(intent),
            self.model.similarities(intent.text, [c.text for c in cands]) if self.model else None,
        )
        return sorted(cands, key=lambda c: c.score, reverse=True)

    def ahead(self, intent: Intent) -> list[Callable[[], object]]:
        """What ranking needs of the question alone that other threads can work out while
        the question is embedded and the passages are retrieved: the reader model's vector
        of the question, a pass of its own model. Ranking then finds it cached. (The words
        the documents never use go in the question's own pass: `words_to_embed`.)"""
        if self.model is None:
            return []
        return [partial(self.model.similarities, intent.text, [intent.text])]

    def related_terms(self, intent: Intent) -> dict[str, list[tuple[str, float]]]:
        """For each question word the documents never use, corpus words near it in meaning
        ("youngsters": "children", "PCs": "computers")."""
        todo = self.words_to_embed(intent)
        if todo:
            self.learn_words(todo, self.embed_model.get_text_embedding_batch(todo))
        return {t: self._neighbours[w] for t, w in self._unknown(intent)}

    def words_to_embed(self, intent: Intent) -> list[str]:
        """The question's words the documents never use whose corpus neighbours are not
        known yet: each needs the embedding model (then `learn_words`)."""
        return list(dict.fromkeys(w for _, w in self._unknown(intent) if w not in self._neighbours))

    def learn_words(self, words: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        """Keep the corpus words near each of these words (by its vector)."""
        for word, vector in zip(words, vectors, strict=True):
            self._neighbours[word] = self.reader.vocabulary.neighbours(vector)

    def _unknown(self, intent: Intent) -> list[tuple[str, str]]:
        """The question's (term, word) pairs the documents never use."""
        return [(t, w) for t, w in zip(intent.terms, intent.term_words, strict=True)
                if self.stats.df.get(t, 0) == 0]  # fmt: skip

    def _glossary(self, intent: Intent, filters: Filters) -> list[Passage]:
        """For "what does X stand for?", chunks that spell X out, wherever they ranked
        (a few, among the documents the filters allow)."""
        if not intent.acronym:
            return []
        spelled = self.reader.tables.glossary.get(intent.acronym, [])
        chunks = [self.reader.chunks[cid] for cid in spelled]
        allowed = [c for c in chunks if filters.allows(self.reader.meta(c))]
        return [Passage(chunk=c, meta=self.reader.meta(c), score=0.0) for c in allowed[:4]]

    def _naming(
        self, names: list[list[str]], passages: Sequence[Passage], filters: Filters
    ) -> list[Passage]:
        """For a name no retrieved passage mentions ("What did the NSCB review find?" when
        the passage on the NSCB ranked low in meaning), the chunks that do (a few, among
        the documents the filters allow)."""
        found: list[Passage] = []
        for name in names:
            naming = self.names.chunks_naming(name)
            if any(p.chunk.chunk_id in naming for p in passages):
                continue
            chunks = (self.reader.chunks[cid] for cid in naming)
            allowed = (c for c in chunks if filters.allows(self.reader.meta(c)))
            found += [
                Passage(chunk=c, meta=self.reader.meta(c), score=0.0) for c in islice(allowed, 3)
            ]
        return found

    def _labels_topic(self, intent: Intent, label: Candidate) -> bool:
        """Does a heading or dateline name what the question asks about ("the PDF", "the
        publication type"), by a word that is not a date, not in most passages and not in
        the document's title? One that only repeats the date or title by which the question
        names the report ("the 24 March 2021 assessment") states no finding about it."""
        title = set(content_stems(label.doc.meta.title))
        shared = set(intent.terms) & set(content_stems(label.text)) - title
        return any(not date_term(t) and self.stats.df.get(t, 0) < self.stats.n / 2 for t in shared)

    def confidence(self, intent: Intent, ranked: Sequence[Candidate]) -> float:
        """How sure it is that the best sentence answers (`AnswerConfig`)."""
        return self.config.confidence(
            confidence_inputs(ranked, self.doubter.doubts(intent, ranked[0]))
        )

    def vectors(self, texts: Sequence[str]) -> list[list[float]]:
        """The embedder's vectors of texts, cached (sentences recur across questions)."""
        return self._vectors(texts)

    def _embed(self, cands: list[Candidate], window: bool = False) -> list[list[float]]:
        """Vectors of the candidates' own text (or of their windows)."""
        return self._vectors([c.doc.text[slice(*c.window)] if window else c.text for c in cands])

    def _compose(self, ranked: list[Candidate]) -> tuple[list[Statement], list[Citation]]:
        cfg = self.config
        chosen: list[list[Candidate]] = []  # each statement: its sentence, then duplicates
        best = ranked[0].score
        for cand in ranked:
            if cand.score < best - cfg.extra_margin:
                break
            if any(_overlaps(cand, c) for group in chosen for c in group):
                continue
            home = next((g for g in chosen if self._same_fact(g[0], cand)), None)
            if home is not None:
                home.append(cand)
            elif len(chosen) < cfg.max_statements:
                end = continuation_end(cand.doc.text, cand.end)
                if not any(_overlaps(cand, c, end) for group in chosen for c in group):
                    cand.end = end  # unless what follows is already said
                start = context_start(cand.doc.text, cand.start)
                if not any(
                    c.doc.doc_id == cand.doc.doc_id and c.start < cand.start and c.end > start
                    for group in chosen
                    for c in group
                ):
                    cand.start = start  # so does what it points back at
                chosen.append([cand])
        labelled = len({g[0].doc.meta.year for g in chosen}) > 1
        if labelled:  # findings from different years: show them in time order, each dated
            chosen.sort(key=lambda g: g[0].doc.meta.published or "")
        statements: list[Statement] = []
        citations: list[Citation] = []
        for group in chosen:
            numbers = []
            for cand in group:
                n = len(citations) + 1
                citations.append(
                    make_citation(n, cand.doc, cand.start, cand.end, cand.passage.chunk)
                )
                numbers.append(n)
            head = group[0]
            year = head.doc.meta.year
            label = (str(year) if year else "an undated source") if labelled else None
            statements.append(
                Statement(
                    text=head.text, citations=tuple(numbers), label=label, speaker=head.speaker
                )
            )
        return statements, citations

    def _same_fact(self, a: Candidate, b: Candidate) -> bool:
        """Two sentences that say the same thing with the same figures, from sources of the
        same year (an undated source may be of any year: a press release and the undated
        article retelling it)."""
        if normalise(a.text) == normalise(b.text):
            return True
        ya, yb = a.doc.meta.year, b.doc.meta.year
        if (ya and yb and ya != yb) or numbers_in(a.text) != numbers_in(b.text):
            return False
        va, vb = self._vectors.get(a.text), self._vectors.get(b.text)
        if va is not None and vb is not None:
            similarity = np.dot(np.asarray(va, dtype=float), np.asarray(vb, dtype=float))
            if similarity >= self.config.duplicate_similarity:
                return True
        ta, tb = set(content_stems(a.text)), set(content_stems(b.text))
        if not (ta and tb):
            return False
        # Mostly the same words, or one a short form of the other (a list item, a headline).
        return len(ta & tb) / len(ta | tb) >= 0.6 or len(ta & tb) / min(len(ta), len(tb)) >= 0.85


def _overlaps(a: Candidate, b: Candidate, a_end: int | None = None) -> bool:
    """Do the sentences overlap (`a` running to `a_end`, if given)?"""
    end = a.end if a_end is None else a_end
    return a.doc.doc_id == b.doc.doc_id and a.start < b.end and b.start < end


def render(statements: Sequence[Statement]) -> str:
    """The answer text: each statement with its markers; dated when sources' years differ."""
    parts = []
    for st in statements:
        markers = "".join(f"[{n}]" for n in st.citations)
        prefix = f"From {st.label}: " if st.label else ""
        parts.append(f"{prefix}{st.shown()} {markers}")
    return ("\n" if any(st.label for st in statements) else " ").join(parts)
