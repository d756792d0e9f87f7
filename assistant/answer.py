"""Answer a question from retrieved passages. The default answerer is extractive: it
quotes the sentences that answer best, verbatim, each with its citation, merges the same
fact from two sources into one statement, says which year each source is from when they
differ, and abstains when nothing retrieved answers. Every answer's citations are
checked (`citations.checked`) before it is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.answer_types import (
    ACRONYM_NAME,
    NOT_NAMES,
    TITLE_WORDS,
    asks_publication,
    expansion,
    initialisms,
    tense_mismatch,
)
from assistant.citations import checked, make_citation, normalise
from assistant.dates import MONTH_NAMES, current_years, doc_years, human_date, years_in
from assistant.embed import VectorCache
from assistant.evidence import (
    Candidate,
    CorpusStats,
    ScoringConfig,
    candidates,
    context_start,
    continuation_end,
    score_all,
)
from assistant.query import (
    Intent,
    content_stems,
    question_sentence,
    stem,
    without_possessive,
    words,
)
from assistant.store import IndexReader
from assistant.types import (
    Answer,
    Chunk,
    Citation,
    Document,
    Filters,
    Passage,
    Statement,
    Suggestion,
)

# A run of capitalised words: one name ("Chief Constable Nick Adderley").
_NAME_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_DATE_WORDS = frozenset(m.lower() for m in MONTH_NAMES)
_DATE_STEMS = frozenset(stem(m) for m in _DATE_WORDS)
# What a heading or a dateline can answer: a document's title or name, or when it came out
# (not when an inspection happened).
_LABEL_KINDS = ("title", "name")
TYPED_KINDS = ("number", "date", "person", "place", "name", "title", "acronym")
# Cosine similarity (of the sentence or its window to the question) below which a
# sentence counts as unrelated, in proportion to how far below.
RELATED_SIMILARITY = 0.25


@dataclass(frozen=True)
class AnswerConfig:
    # Calibrated on the eval set's tune split with `python evals/fit_weights.py` (which
    # also fits the penalties below, on the reader model's out-of-fold similarities);
    # `assistant eval --calibrate` re-checks the threshold.
    abstain_threshold: float = 2.356
    max_statements: int = 3
    # A further statement scores within this of the best. Chosen on the tune split with
    # out-of-fold reader similarities: 0.3 / 0.5 / 0.7 / 0.9 gave 73.9% / 75.9% / 77.5% /
    # 77.9% of answerable cases right at 36 / 41 / 50 / 60 median words.
    extra_margin: float = 0.7
    duplicate_similarity: float = 0.86  # cosine above which two sentences say the same
    # What lowers confidence that the corpus answers at all:
    unknown_word_penalty: float = 2.0  # per question name or year the corpus lacks
    absent_name_penalty: float = 3.0  # the question names what the best source never does
    missing_type_penalty: float = 3.0  # times how far the best sentence is from the kind asked
    tense_penalty: float = 2.0  # a plan for what happened, or a past event for what is to come
    unrelated_penalty: float = 3.0  # the best sentence is barely about the question at all
    other_subject_penalty: float = 3.0  # it gives that of another year or another team


def _asks_label(intent: Intent) -> bool:
    return asks_publication(intent) if intent.kind == "date" else intent.kind in _LABEL_KINDS


class SimilarityModel(Protocol):
    def similarities(self, question: str, texts: Sequence[str]) -> list[float]: ...


class Answerer(Protocol):
    name: str

    def answer(
        self,
        question: str,
        searched_for: str,
        intent: Intent,
        passages: Sequence[Passage],
        question_vector: Sequence[float],
        filters: Filters | None = None,
    ) -> Answer: ...


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
        self.stats = CorpusStats(list(reader.chunks.values()))
        self._vectors = VectorCache(embed_model.get_text_embedding_batch)
        self._neighbours: dict[str, list[tuple[str, float]]] = {}  # question word: corpus words
        self._acronyms: dict[str, list[str]] | None = None  # acronym: chunks spelling it out
        docs = reader.documents.values()
        self._years = set().union(*map(doc_years, docs))  # every year the documents mention
        # Words of the documents' titles and publishers ("Heart"), known though not in a chunk.
        self._meta_words = {w.lower() for d in docs for w in words(d.meta.naming())}
        self._doc_words: dict[str, _Mentions] = {}  # document id: the names it uses
        self._where: dict[str, list[str]] | None = None  # word: ids of chunks using it
        self._chunk_words: dict[str, _Mentions] = {}  # chunk id: the names it uses
        self._last_names: tuple[Intent, list[list[str]]] | None = None  # ranked, then doubted
        self._initials: set[str] | None = None  # what runs of the documents' words spell
        self._texts: str | None = None  # every document's text

    def answer(
        self,
        question: str,
        searched_for: str,
        intent: Intent,
        passages: Sequence[Passage],
        question_vector: Sequence[float],
        filters: Filters | None = None,
    ) -> Answer:
        ranked = self.rank(intent, passages, question_vector, filters)
        confidence = self.confidence(intent, ranked[0]) if ranked else 0.0
        if confidence < self.config.abstain_threshold:
            return abstention(question, searched_for, passages, self.reader, confidence)
        statements, citations = self._compose(ranked)
        kept, kept_citations, problems = checked(
            statements, citations, self.reader.documents, verbatim=True
        )
        if not kept:
            return abstention(question, searched_for, passages, self.reader, confidence)
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
        names = self._names(intent)
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
            missing = {c.doc.doc_id: self._unmentioned(names, c.doc) for c in cands}
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

    def related_terms(self, intent: Intent) -> dict[str, list[tuple[str, float]]]:
        """For each question word the documents never use, corpus words near it in meaning
        ("youngsters": "children", "PCs": "computers")."""
        unknown = [(t, w) for t, w in zip(intent.terms, intent.term_words, strict=True)
                   if self.stats.df.get(t, 0) == 0]  # fmt: skip
        todo = [w for _, w in unknown if w not in self._neighbours]
        if todo:
            vectors = self.embed_model.get_text_embedding_batch(todo)
            for word, vector in zip(todo, vectors, strict=True):
                self._neighbours[word] = self.reader.vocabulary.neighbours(vector)
        return {t: self._neighbours[w] for t, w in unknown}

    def _glossary(self, intent: Intent, filters: Filters) -> list[Passage]:
        """For "what does X stand for?", chunks that spell X out, wherever they ranked
        (a few, among the documents the filters allow)."""
        if not intent.acronym:
            return []
        if self._acronyms is None:
            self._acronyms = acronym_index(self.reader.chunks.values())
        chunks = [self.reader.chunks[cid] for cid in self._acronyms.get(intent.acronym, [])]
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
            ids = self._chunks_naming(name)
            if any(p.chunk.chunk_id in ids for p in passages):
                continue
            chunks = [self.reader.chunks[cid] for cid in sorted(ids)]
            allowed = [c for c in chunks if filters.allows(self.reader.meta(c))]
            found += [Passage(chunk=c, meta=self.reader.meta(c), score=0.0) for c in allowed[:3]]
        return found

    def _chunks_naming(self, name: Sequence[str]) -> set[str]:
        """Ids of the chunks that mention the name (as `_Mentions` matches it)."""
        if self._where is None:  # a word (lower case) or an acronym: the chunks using it
            self._where = {}
            for chunk in self.reader.chunks.values():
                mentions = self._chunk_words[chunk.chunk_id] = _Mentions(chunk.text)
                for w in mentions.lower | set(mentions.acronyms):
                    self._where.setdefault(w, []).append(chunk.chunk_id)
        ids = {cid for w in name for cid in self._where.get(w.lower(), [])}
        for phrase in (w for w in name if " " in w):
            chunk_words = self._chunk_words.items()
            ids.update(cid for cid, mentions in chunk_words if mentions.any_of([phrase]))
        for w in (w for w in name if w.isupper()):
            acronyms = (k for k in self._where if k.isupper())
            ids.update(cid for k in acronyms if _extends(w, k) for cid in self._where[k])
        return ids

    def doubts(self, intent: Intent, best: Candidate) -> dict[str, float]:
        """Signs that the corpus does not answer, given the best sentence found. (Unknown
        common words and a missing year were tried too: they do not separate answerable
        from unanswerable tune cases, since paraphrases are full of words the documents
        do not use.)"""
        # Names the corpus never mentions ("Leicestershire", "Canada") suggest another topic;
        # abbreviations ("PCs") are often just another word for something it does mention.
        names = [w for w in intent.proper if w[:1].isupper() and w[1:].islower()]
        unknown = sum(not self.stats.known(w) and w.lower() not in self._meta_words for w in names)
        # So does an acronym they neither use nor spell out ("PEEL").
        unknown += sum(
            not self._acronym_known(w)
            for w in intent.proper
            if ACRONYM_NAME.fullmatch(w) and w not in NOT_NAMES
        )
        # So does a year no document mentions: a corpus of 2013 to 2021 cannot say what
        # happened in 2022.
        unknown += len(set(intent.years) - self._years)
        typed = intent.kind in TYPED_KINDS
        names_asked = self._names(intent)
        return {
            "unknown_words": float(min(2, unknown)),
            # It names someone or something the source never mentions ("What did Ofsted
            # find in 2019?", "What did Billingham say about MADRA?").
            "absent_name": float(self._unmentioned(names_asked, best.doc) > 0),
            "missing_type": 1.0 - best.features["answer_type"] if typed else 0.0,
            "tense": float(tense_mismatch(intent, best.text)),
            # Of the kind asked but about something else: "Nick Adderley" for "who won the
            # world cup?". Every answerable tune case's best sentence is above 0.23. One
            # that is on topic by other signs is never unrelated ("Simon Bailey role").
            "unrelated": 0.0
            if _on_topic(intent, best, names_asked)
            else max(0.0, 1.0 - _relatedness(best) / RELATED_SIMILARITY),
            # A fact of the kind asked, but of another year or another team: "the 2019
            # report viewed 21 case files" for "how many in the 2018 inspection?", "POLIT
            # officers have 31 cases" for "what is the MOSOVO team's caseload?".
            "other_subject": float(typed and _about_another(intent, best.text, best.doc)),
        }

    def _acronym_known(self, acronym: str) -> bool:
        if self.stats.known(acronym) or acronym.lower() in self._meta_words:
            return True
        if self._initials is None:
            self._initials = set().union(
                *(initialisms(d.text) for d in self.reader.documents.values())
            )
        return acronym.replace("&", "") in self._initials

    def _labels_topic(self, intent: Intent, label: Candidate) -> bool:
        """Does a heading or dateline name what the question asks about ("the PDF", "the
        publication type"), by a word that is not a date, not in most passages and not in
        the document's title? One that only repeats the date or title by which the question
        names the report ("the 24 March 2021 assessment") states no finding about it."""
        title = set(content_stems(label.doc.meta.title))
        shared = set(intent.terms) & set(content_stems(label.text)) - title
        return any(not _date_term(t) and self.stats.df.get(t, 0) < self.stats.n / 2 for t in shared)

    def _names(self, intent: Intent) -> list[list[str]]:
        """The people and bodies the question names that the documents know, one list of
        words per name ("Chief Constable Nick Adderley": ["Nick", "Adderley"]); a name
        made of common words is one phrase, as the documents write it ("Safeguarding
        Children Board": ["Safeguarding Children Board"]). Ranking and doubting a question
        both ask: it is worked out once."""
        if self._last_names is None or self._last_names[0] != intent:
            self._last_names = (intent, self._find_names(intent))
        return self._last_names[1]

    def _find_names(self, intent: Intent) -> list[list[str]]:
        names = []
        for run in _NAME_RUN.finditer(question_sentence(intent.text)):
            proper = [
                w for w in map(without_possessive, run.group(0).split()) if w in intent.proper
            ]
            named = [
                w
                for w in proper
                if w not in NOT_NAMES
                and w.lower() not in _DATE_WORDS
                and (self.stats.known(w) or w.lower() in self._meta_words)  # "Heart"
                and w.lower() not in self.stats.lowercase  # "Children" is a common word
            ]
            if named:
                names.append(named)
            elif phrase := self._phrase_name(proper):
                names.append([phrase])
        return names

    def _phrase_name(self, proper: list[str]) -> str | None:
        """The words, without the titles around them, if they are two or more and the
        documents write them so, in capitals ("Early Help Hub", "Press Office")."""
        while proper and proper[0] in TITLE_WORDS:
            proper = proper[1:]
        while proper and proper[-1] in TITLE_WORDS:
            proper = proper[:-1]
        if len(proper) < 2 or all(w in NOT_NAMES for w in proper):
            return None
        phrase = " ".join(proper)
        if self._texts is None:
            self._texts = "\n".join(d.text for d in self.reader.documents.values())
        return phrase if re.search(rf"\b{re.escape(phrase)}\b", self._texts) else None

    def _unmentioned(self, names: list[list[str]], doc: Document) -> int:
        """How many of the names the document never mentions."""
        if doc.doc_id not in self._doc_words:
            self._doc_words[doc.doc_id] = _Mentions(f"{doc.text} {doc.meta.naming()}")
        mentions = self._doc_words[doc.doc_id]
        return sum(not mentions.any_of(name) for name in names)

    def confidence(self, intent: Intent, best: Candidate) -> float:
        """The best sentence's score, less what suggests the corpus cannot answer."""
        cfg = self.config
        penalties = {
            "unknown_words": cfg.unknown_word_penalty,
            "absent_name": cfg.absent_name_penalty,
            "missing_type": cfg.missing_type_penalty,
            "tense": cfg.tense_penalty,
            "unrelated": cfg.unrelated_penalty,
            "other_subject": cfg.other_subject_penalty,
        }
        doubts = self.doubts(intent, best)
        return best.score - sum(penalties[k] * v for k, v in doubts.items())

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
            label = human_date(head.doc.meta.published)[-4:] if labelled else None
            statements.append(
                Statement(
                    text=head.text, citations=tuple(numbers), label=label, speaker=head.speaker
                )
            )
        return statements, citations

    def _same_fact(self, a: Candidate, b: Candidate) -> bool:
        """Two sentences that say the same thing, from sources of the same year."""
        if normalise(a.text) == normalise(b.text):
            return True
        if a.doc.meta.year != b.doc.meta.year:
            return False
        va, vb = self._vectors.get(a.text), self._vectors.get(b.text)
        if va is not None and vb is not None and np.dot(va, vb) >= self.config.duplicate_similarity:
            return True
        ta, tb = set(content_stems(a.text)), set(content_stems(b.text))
        if not (ta and tb):
            return False
        # Mostly the same words, or one a short form of the other (a list item, a headline).
        return len(ta & tb) / len(ta | tb) >= 0.6 or len(ta & tb) / min(len(ta), len(tb)) >= 0.85


_DEFINED = re.compile(r"\(\s*([A-Z][A-Z&]{1,9})\s*\)|\b([A-Z][A-Z&]{1,9})\s*\(")


def acronym_index(chunks: Iterable[Chunk]) -> dict[str, list[str]]:
    """Acronyms the chunks spell out ("Multi Agency ... (MADRA)"), with those chunks' ids."""
    found: dict[str, list[str]] = {}
    for chunk in chunks:
        for m in _DEFINED.finditer(chunk.text):
            acronym = m.group(1) or m.group(2)
            ids = found.setdefault(acronym, [])
            if chunk.chunk_id not in ids and expansion(acronym, chunk.text):
                ids.append(chunk.chunk_id)
    return found


class _Mentions:
    """The words of a text, to ask whether it mentions a name: the same word in any case,
    or for an acronym, one that extends it or that it extends ("HMIC" became "HMICFRS")."""

    def __init__(self, text: str) -> None:
        found = set(words(text))
        self.lower = {w.lower() for w in found}
        self.acronyms = [w for w in found if w.isupper() and len(w) >= 3]
        self.text = " ".join(text.lower().split())

    def any_of(self, name: Sequence[str]) -> bool:
        return any(
            w.lower() in self.lower
            or any(_extends(w, a) for a in self.acronyms)
            or (" " in w and w.lower() in self.text)
            for w in name
        )


# "In which month of 2018 ...?", "when in 2019 ...?": a date inside that year is wanted (in
# "When did the 2019 report say ...?" the year names the report, not the date).
_DATE_WITHIN = re.compile(
    r"\b(?:(?:month|week|day|date|season|part|time|point)s? (?:of|in)|when in) ((?:19|20)\d\d)\b"
)


def _about_another(intent: Intent, text: str, doc: Document) -> bool:
    """Does the sentence count something in years the question does not ask about, date
    something in another year than the one a date is asked within, or name a team (an
    acronym) other than the ones the question names? (A person or a finding is
    often told with an earlier year for context: "Our 2018 inspection should have been an
    urgent wake-up call", said in 2019.)"""
    within = _DATE_WITHIN.findall(question_sentence(intent.text).lower())
    asked_years = set(intent.years) if intent.kind == "number" else {int(y) for y in within}
    if asked_years and intent.kind in ("number", "date"):
        # A count with no year of its own is of the years its source is about.
        years = set(years_in(text)) or (current_years(doc) if intent.kind == "number" else set())
        if years and not years & asked_years:
            return True
    asked = [w for w in intent.proper if ACRONYM_NAME.fullmatch(w) and w not in NOT_NAMES]
    if asked and intent.kind != "name":  # for "which programme?", another name is the answer
        named = [w for w in words(text) if ACRONYM_NAME.fullmatch(w) and w not in NOT_NAMES]
        same = any(a == n or _extends(a, n) for a in asked for n in named)
        if named and not same:
            return True
    return False


def _extends(name: str, acronym: str) -> bool:
    return (
        name.isupper()
        and min(len(name), len(acronym)) >= 3
        and (acronym.startswith(name) or name.startswith(acronym))
    )


def _relatedness(cand: Candidate) -> float:
    return max(cand.features["semantic"], cand.features["semantic_window"])


def _on_topic(intent: Intent, best: Candidate, names: list[list[str]]) -> bool:
    """Is the sentence about what the question asks, however little it shares with it in
    meaning? It is when it names (or quotes) who or what the question names; when it is
    the title or dateline asked for ("what was its headline?", "when was it published?");
    or when the question asks only what a source said ("What did Heart report on 24 July
    2019?") and the sentence is that source's."""
    named = [w for name in names for w in name]
    return (
        _Mentions(_with_speaker(best)).any_of(named)
        or (intent.kind == "title" and best.features["answer_type"] == 1.0)
        or (asks_publication(intent) and best.is_label)
        or (_asks_only_source(intent, names) and _Mentions(best.doc.meta.naming()).any_of(named))
    )


# Verbs of saying: "What did Heart report?" asks for what a source said, about anything.
_SAYING = frozenset(stem(w) for w in "report say said tell told write wrote publish state".split())


def _asks_only_source(intent: Intent, names: list[list[str]]) -> bool:
    """Does the question ask what a named source said, and nothing more ("What did Heart
    report on 24 July 2019?")?"""
    named = {stem(part) for name in names for w in name for part in w.split()}
    rest = [t for t in intent.terms if t not in named and t not in _SAYING and not _date_term(t)]
    return bool(names) and not rest


def _date_term(term: str) -> bool:
    """A question term that only dates: "24", "2019", "july"."""
    return term.isdigit() or term in _DATE_STEMS


def _with_speaker(cand: Candidate) -> str:
    """The sentence and who it quotes: a line of Adderley's statement is about what the
    question names when it asks about Adderley."""
    who = cand.quoting.speaker if cand.quoting else None
    return f"{cand.text} ({who})" if who else cand.text


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


def abstention(
    question: str,
    searched_for: str,
    passages: Sequence[Passage],
    reader: IndexReader,
    confidence: float = 0.0,
) -> Answer:
    """Say the documents do not answer, what they do cover, and the nearest passages."""
    suggestions = tuple(
        Suggestion(
            doc_id=p.meta.doc_id,
            title=p.meta.title,
            published=p.meta.published,
            url=p.meta.url,
            page=p.chunk.page,
            passage=p.chunk.text,
            score=round(p.score, 4),
        )
        for p in passages[:3]
    )
    text = "The documents do not answer this question. " + coverage(reader)
    if suggestions:
        text += " The nearest passages are listed below; they are suggestions, not an answer."
    return Answer(
        question=question,
        searched_for=searched_for,
        answer=text,
        abstained=True,
        suggestions=suggestions,
        confidence=round(confidence, 4),
    )


def coverage(reader: IndexReader) -> str:
    """What the corpus covers: its documents and their date range."""
    metas = sorted((d.meta for d in reader.documents.values()), key=lambda m: m.published or "")
    years = [m.year for m in metas if m.year]
    span = f", published {min(years)} to {max(years)}" if years else ""
    listed = "; ".join(f"{m.title} ({human_date(m.published)})" for m in metas[:6])
    more = f"; and {len(metas) - 6} more" if len(metas) > 6 else ""
    return f"They cover {len(metas)} documents{span}: {listed}{more}."
