"""Sentence vectors computed at index time: stored with the generation, reused by
incremental builds, and the only source of document vectors when a question is answered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.index.sentence_vectors import TextVectors, document_texts, load_sentence_vectors
from assistant.pipeline import Pipeline
from assistant.text.candidates import candidates
from assistant.types import Passage
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.unit

QUESTION = "How many case files did inspectors review in 2019?"


def embedder(pipeline: Pipeline) -> FakeEmbedder:
    model = pipeline.embed_model
    assert isinstance(model, FakeEmbedder)
    return model


def test_stored_vectors_are_found_by_text_and_survive_a_save(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    texts = ["Inspectors reviewed 21 case files.", "All were rated inadequate.", "x y z"]
    store, computed = TextVectors.build("fake", texts + texts[:1], fake.get_text_embedding_batch)
    assert computed == 3 and len(store) == 3
    store.save(tmp_path, "base")
    loaded = TextVectors.load(tmp_path, "base")
    assert loaded is not None and loaded.model_id == "fake"
    for text in texts:
        got = loaded.get(text)
        assert got is not None
        assert np.allclose(got, fake.get_text_embedding(text), atol=1e-6)
    assert loaded.get("a sentence no document has") is None
    assert TextVectors.load(tmp_path, "reader") is None


def test_a_rebuild_reuses_vectors_of_the_same_model_and_recomputes_for_another() -> None:
    fake = FakeEmbedder()
    old, _ = TextVectors.build(
        "fake", ["one two three", "four five"], fake.get_text_embedding_batch
    )
    before = fake.embedded
    _, computed = TextVectors.build(
        "fake", ["four five", "six"], fake.get_text_embedding_batch, old
    )
    assert computed == 1 and fake.texts[before:] == ["six"]
    _, computed = TextVectors.build("other", ["four five"], fake.get_text_embedding_batch, old)
    assert computed == 1  # another model's vectors are not this model's


def test_every_candidate_sentence_and_window_of_a_document_is_stored(fake_pipeline) -> None:
    fake_pipeline.build()
    reader = fake_pipeline.reader
    stored = reader.sentence_vectors["base"]
    for doc_id, doc in reader.documents.items():
        chunks = [c for c in reader.chunks.values() if c.doc_id == doc_id]
        passages = [Passage(chunk=c, meta=doc.meta, score=0.0) for c in chunks]
        for cand in candidates(passages, reader.documents):
            assert stored.get(cand.text) is not None
            assert stored.get(doc.text[cand.window[0] : cand.window[1]]) is not None


def test_answering_after_a_fresh_open_embeds_no_document_sentence(fake_pipeline) -> None:
    fake_pipeline.build()
    fresh = Pipeline(fake_pipeline.settings, embed_model=FakeEmbedder(), model_id="fake")
    answer = fresh.ask(QUESTION)
    assert answer.citations  # it did answer, from the documents' sentences
    # At most single question words the documents lack are embedded (to find their
    # neighbours in the vocabulary); never a sentence.
    assert all(" " not in text for text in embedder(fresh).texts)


def test_an_incremental_build_embeds_only_the_changed_documents_sentences(
    fake_pipeline, corpus_dir: Path
) -> None:
    fake_pipeline.build()
    fake = embedder(fake_pipeline)
    unchanged = fake_pipeline.build()
    assert unchanged.embedded_sentences == 0

    path = corpus_dir / "002_8195b7b72e696d93.txt"
    added = "Inspectors later found that the backlog of seized devices had halved."
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{added}\n", encoding="utf-8")
    before = len(fake.texts)
    report = fake_pipeline.build()
    assert report.updated == ("002_8195b7b72e696d93",)
    new_text = fake_pipeline.reader.documents["002_8195b7b72e696d93"].text
    sentences = [t for t in fake.texts[before:] if " " in t and "\n" not in t.strip()]
    # The new sentence, and the windows that now reach it; nothing of any other document.
    assert added in sentences
    assert 0 < report.embedded_sentences <= 4
    assert all(t in new_text for t in sentences)


def test_a_generation_without_stored_vectors_still_answers(fake_pipeline) -> None:
    """An index built before vectors were stored: the answerer embeds what it needs."""
    fake_pipeline.build()
    folder = fake_pipeline.settings.index
    generation = max(folder.glob("gen-*"))
    for path in (generation / "sentences").iterdir():
        path.unlink()
    fresh = Pipeline(fake_pipeline.settings, embed_model=FakeEmbedder(), model_id="fake")
    assert load_sentence_vectors(generation) == {}
    assert fresh.ask(QUESTION).citations
    assert any(" " in t for t in embedder(fresh).texts)


def test_document_texts_cover_sentences_then_windows() -> None:
    from assistant.types import Chunk, Document, DocumentMeta

    text = "First finding is here. Second finding is there. Third one ends it."
    doc = Document(text=text, sha256="0", meta=DocumentMeta(doc_id="d", title="T"))
    chunk = Chunk(chunk_id="d:0", doc_id="d", index=0, text=text, start=0, end=len(text), tokens=1)
    own = document_texts(doc, [chunk], windows=False)
    assert own == ["First finding is here.", "Second finding is there.", "Third one ends it."]
    assert text in document_texts(doc, [chunk], windows=True)  # the middle one's window


@pytest.mark.integration
def test_with_the_real_models_answers_embed_only_the_question_and_match_question_time_vectors(
    seed_index, real_embedder
) -> None:
    """The index stores both models' sentence vectors; answering from them embeds only the
    question, and gives the answers computing every vector per question gave."""
    from assistant.answer.reader_model import ReaderModel
    from assistant.index.embed import MODEL_ID

    stored_pipeline = Pipeline(seed_index, embed_model=real_embedder, model_id=MODEL_ID)
    reader_model = stored_pipeline.reader_model
    assert isinstance(reader_model, ReaderModel)
    vectors = stored_pipeline.reader.sentence_vectors
    assert vectors["reader"].model_id == reader_model.model_id and len(vectors["base"]) > 100

    computed: list[str] = []
    base, reader = type(real_embedder).get_text_embedding_batch, ReaderModel.compute

    def count_base(self, texts, **kwargs):  # type: ignore[no-untyped-def]
        computed.extend(texts)
        return base(self, texts, **kwargs)

    def count_reader(self, texts):  # type: ignore[no-untyped-def]
        computed.extend(texts)
        return reader(self, texts)

    questions = [QUESTION, "What does MADRA stand for?", "What did HMICFRS find in 2021?"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(real_embedder), "get_text_embedding_batch", count_base)
        patch.setattr(ReaderModel, "compute", count_reader)
        answers = [stored_pipeline.ask(q) for q in questions]
    # The reader model embeds each question; nothing else longer than a word is embedded.
    assert len([t for t in computed if " " in t]) <= len(questions)
    assert all(a.citations for a in answers[:2])

    fresh = Pipeline(seed_index, embed_model=real_embedder, model_id=MODEL_ID)
    fresh.reader.sentence_vectors.clear()  # as if nothing were stored: embed per question
    for question, answer in zip(questions, answers, strict=True):
        again = fresh.ask(question)
        assert (again.answer, again.abstained) == (answer.answer, answer.abstained)
        assert again.confidence == pytest.approx(answer.confidence, abs=1e-3)
