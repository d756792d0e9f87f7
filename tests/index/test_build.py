"""Incremental, failure-safe index builds, against a real Chroma store (fake embedder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.errors import CorpusError, IndexMissingError
from assistant.index.build import IndexBuilder
from assistant.index.generation import read_manifest
from assistant.index.store import IndexReader, embed_text
from assistant.ingest.corpus import load_corpus
from assistant.pipeline import Pipeline

pytestmark = pytest.mark.unit


def chroma_ids(pipeline: Pipeline) -> set[str]:
    return set(pipeline.reader.collection.get(include=[])["ids"])


def test_first_build_indexes_every_document_with_its_metadata(fake_pipeline):
    report = fake_pipeline.build()
    assert report.documents == 5 and len(report.added) == 5
    assert report.embedded_chunks == report.chunks > 5
    reader = fake_pipeline.reader
    assert reader.documents["003_934f7f560a60dbae"].meta.published == "2019-07-24"
    assert chroma_ids(fake_pipeline) == set(reader.chunks)
    stored = reader.collection.get(ids=[next(iter(reader.chunks))], include=["metadatas"])
    assert stored["metadatas"][0]["doc_id"] in reader.documents


def test_the_years_each_document_names_are_stored_with_the_index(fake_pipeline, monkeypatch):
    """Found once, when the document is read: a question weighing sources by year never
    scans a document's text for its years."""
    from assistant.text import dates

    fake_pipeline.build()
    reader = fake_pipeline.reader
    for doc in reader.documents.values():
        assert doc.years == tuple(dates.years_in(doc.text))
    assert 2019 in reader.documents["003_934f7f560a60dbae"].years

    def scanning(text: str) -> tuple[int, ...]:
        raise AssertionError("a document's text was scanned for years")

    monkeypatch.setattr(dates, "_years_in_text", scanning)
    for doc in reader.documents.values():
        assert dates.current_years(doc) and dates.doc_years(doc)
    fake_pipeline.ask("What did inspectors find in 2019?")


def test_a_second_build_re_embeds_nothing(fake_pipeline):
    fake_pipeline.build()
    embedded_before = fake_pipeline.embed_model.embedded
    report = fake_pipeline.build()
    assert report.embedded_chunks == 0
    assert fake_pipeline.embed_model.embedded == embedded_before
    assert len(report.unchanged) == 5 and not (report.added or report.updated or report.removed)


def test_a_build_with_nothing_changed_commits_no_new_generation(fake_pipeline, corpus_dir):
    fake_pipeline.build()
    index = fake_pipeline.settings.index
    before = read_manifest(index)
    manifest_file = (index / "manifest.json").stat()
    report = fake_pipeline.build()
    assert report.embedded_chunks == 0 and len(report.unchanged) == 5
    assert report.chunks == len(before.all_chunk_ids())
    assert read_manifest(index) == before
    assert (index / "manifest.json").stat().st_mtime_ns == manifest_file.st_mtime_ns
    assert sorted(p.name for p in index.glob("gen-*")) == [f"gen-{before.generation}"]
    # A touched file with the same bytes is still no change; new bytes are.
    path = corpus_dir / "002_8195b7b72e696d93.txt"
    path.write_text(path.read_text())
    assert read_manifest(index) == before and fake_pipeline.build().embedded_chunks == 0
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    assert fake_pipeline.build().updated == ("002_8195b7b72e696d93",)
    assert read_manifest(index).generation == before.generation + 1


def test_a_build_with_nothing_changed_loads_no_model(fake_pipeline):
    fake_pipeline.build()
    builder = IndexBuilder(fake_pipeline.settings, lambda: pytest.fail("model loaded"), "fake")
    corpus = load_corpus(fake_pipeline.settings.corpus)
    assert builder.build(corpus).embedded_chunks == 0


def test_a_build_over_a_store_that_lost_its_vectors_embeds_them_again(fake_pipeline):
    first = fake_pipeline.build()
    collection = fake_pipeline.reader.collection
    collection.delete(ids=sorted(fake_pipeline.reader.chunks)[:3])
    report = fake_pipeline.build()
    assert report.embedded_chunks == 3 and first.chunks == report.chunks
    assert chroma_ids(fake_pipeline) == set(fake_pipeline.reader.chunks)


def test_an_index_built_by_other_code_is_rewritten_once(fake_pipeline):
    fake_pipeline.build()
    index = fake_pipeline.settings.index
    manifest = read_manifest(index)
    stale = manifest.model_copy(update={"builder": "older-code"})
    (index / "manifest.json").write_text(stale.model_dump_json())
    fake_pipeline.build()
    rebuilt = read_manifest(index)
    assert rebuilt.generation == manifest.generation + 1 and rebuilt.builder == manifest.builder
    fake_pipeline.build()
    assert read_manifest(index).generation == rebuilt.generation


def test_editing_one_file_re_embeds_only_that_file(fake_pipeline, corpus_dir):
    first = fake_pipeline.build()
    path = corpus_dir / "002_8195b7b72e696d93.txt"
    path.write_text(path.read_text() + "\nA new paragraph about dogs and cats.\n")
    report = fake_pipeline.build()
    assert report.updated == ("002_8195b7b72e696d93",)
    new_chunks = [c for c in fake_pipeline.reader.chunks.values() if c.doc_id.startswith("002")]
    assert report.embedded_chunks == len(new_chunks) < first.chunks
    # The old version's vectors are gone from Chroma, the new ones searchable.
    assert chroma_ids(fake_pipeline) == set(fake_pipeline.reader.chunks)
    hits = fake_pipeline.search("dogs and cats")
    assert hits[0].chunk.doc_id == "002_8195b7b72e696d93" and "dogs" in hits[0].chunk.text


def test_editing_a_sidecar_re_indexes_that_document(fake_pipeline, corpus_dir):
    fake_pipeline.build()
    sidecar = corpus_dir / "003_934f7f560a60dbae.meta.yaml"
    sidecar.write_text(sidecar.read_text().replace("Heart (Four Counties)", "Heart Radio"))
    report = fake_pipeline.build()
    assert report.updated == ("003_934f7f560a60dbae",)
    assert fake_pipeline.reader.documents["003_934f7f560a60dbae"].meta.publisher == "Heart Radio"


def test_deleting_a_file_removes_its_chunks(fake_pipeline, corpus_dir):
    fake_pipeline.build()
    (corpus_dir / "001_db44794824846e28.txt").unlink()
    report = fake_pipeline.build()
    assert report.removed == ("001_db44794824846e28",)
    assert not any(cid.startswith("001_") for cid in chroma_ids(fake_pipeline))
    assert all(p.chunk.doc_id != "001_db44794824846e28" for p in fake_pipeline.search("HMIC 2013"))


def test_a_broken_file_is_skipped_and_the_rest_indexed(fake_pipeline, corpus_dir):
    (corpus_dir / "zz_broken.txt").write_bytes(b"\xff\xfe\x00\x00 not text")
    report = fake_pipeline.build()
    assert report.documents == 5 and report.partial
    assert [s.path for s in report.skipped] == ["zz_broken.txt"]


def test_a_file_that_breaks_later_keeps_its_last_good_version(fake_pipeline, corpus_dir):
    fake_pipeline.build()
    (corpus_dir / "003_934f7f560a60dbae.txt").write_bytes(b"\x00\x00 corrupted")
    report = fake_pipeline.build()
    assert report.partial and report.documents == 5
    assert "003_934f7f560a60dbae" in report.unchanged
    assert any(
        "21 child protection case files" in c.text for c in fake_pipeline.reader.chunks.values()
    )


def test_a_build_that_fails_part_way_leaves_the_previous_index_answering(fake_pipeline, corpus_dir):
    fake_pipeline.settings = fake_pipeline.settings.replace(embed_batch=4)
    fake_pipeline.build()
    before = fake_pipeline.search("missing children")
    manifest_before = read_manifest(fake_pipeline.settings.index)
    for name in ("000_f69caca4407db16f.txt", "004_16b96cc67d0bace7.txt"):
        path = corpus_dir / name
        path.write_text(path.read_text() + "\nExtra closing remarks about budgets.\n")
    fake_pipeline.embed_model.fail_after(9)  # dies after the first batch was stored
    with pytest.raises(RuntimeError, match="simulated crash"):
        fake_pipeline.build()
    assert read_manifest(fake_pipeline.settings.index) == manifest_before
    reopened = IndexReader(fake_pipeline.settings)
    assert [p.chunk.chunk_id for p in fake_pipeline.search("missing children")] == [
        p.chunk.chunk_id for p in before
    ]
    assert set(reopened.chunks) == manifest_before.all_chunk_ids()
    # The next build finishes the job, reusing the vectors the failed one stored.
    fake_pipeline.embed_model.fail_after(None)
    report = fake_pipeline.build()
    changed = [c for c in fake_pipeline.reader.chunks.values() if c.doc_id[:3] in ("000", "004")]
    assert report.embedded_chunks == len(changed) - 8  # two batches of 4 were kept
    assert chroma_ids(fake_pipeline) == set(fake_pipeline.reader.chunks)


def test_an_empty_corpus_changes_nothing_and_says_why(fake_pipeline, corpus_dir):
    fake_pipeline.build()
    generation = read_manifest(fake_pipeline.settings.index).generation
    for path in corpus_dir.iterdir():
        path.unlink()
    (corpus_dir / "bad.pdf").write_bytes(b"garbage")
    with pytest.raises(CorpusError, match="no readable documents"):
        fake_pipeline.build()
    assert read_manifest(fake_pipeline.settings.index).generation == generation


def test_changing_the_chunk_size_re_embeds_everything(fake_pipeline):
    first = fake_pipeline.build()
    fake_pipeline.settings = fake_pipeline.settings.replace(chunk_tokens=300, chunk_overlap=40)
    report = fake_pipeline.build()
    assert len(report.updated) == 5 and report.embedded_chunks == report.chunks < first.chunks


def test_chunks_cut_differently_by_new_code_get_vectors_of_their_own_text(
    fake_pipeline, monkeypatch
):
    """An upgrade that splits sentences differently moves chunk boundaries: the next build
    must embed each chunk's new text, not keep the vector its id had."""
    import assistant.index.build as build
    from assistant.text import sentences

    monkeypatch.setattr(
        sentences, "_punkt", lambda: lambda block: [(0, len(block))] if block.strip() else []
    )
    monkeypatch.setattr(sentences, "splitter_id", lambda: "older-splitter")
    monkeypatch.setattr(build, "chunker_id", lambda: "older-chunker")
    fake_pipeline.build()
    monkeypatch.undo()
    report = fake_pipeline.build()
    assert report.embedded_chunks == report.chunks
    reader = fake_pipeline.reader
    docs = reader.documents
    ids = sorted(reader.chunks)
    got = reader.collection.get(ids=ids, include=["embeddings"])
    stored = dict(zip(got["ids"], np.asarray(got["embeddings"]), strict=True))
    embedder = fake_pipeline.embed_model
    for cid in ids:
        chunk = reader.chunks[cid]
        expected = embedder.get_text_embedding(embed_text(chunk, docs[chunk.doc_id]))
        assert np.allclose(stored[cid], expected), cid


def test_searching_before_any_build_is_a_clear_error(fake_pipeline):
    with pytest.raises(IndexMissingError, match="assistant index"):
        fake_pipeline.search("anything")


def test_the_manifest_records_model_and_chunking(fake_pipeline):
    fake_pipeline.build()
    manifest = json.loads((fake_pipeline.settings.index / "manifest.json").read_text())
    assert manifest["model"] == "fake"
    assert manifest["chunking"] == {"tokens": 160, "overlap": 32}


def test_a_reader_sees_a_build_committed_by_another_process(fake_pipeline, corpus_dir):
    fake_pipeline.build()
    other = Pipeline(fake_pipeline.settings, embed_model=fake_pipeline.embed_model, model_id="fake")
    reader = other.reader
    assert not reader.is_stale() and other.reader is reader  # unchanged: no reopening
    (corpus_dir / "new.md").write_text("# Otters\n\nA note about otters and beavers.\n")
    fake_pipeline.build()
    assert reader.is_stale()
    assert "new" in other.reader.documents and other.reader is not reader


def stored_vectors_match_chroma(pipeline: Pipeline) -> None:
    reader = pipeline.reader
    ids = list(reader.chunks)
    got = reader.collection.get(ids=ids, include=["embeddings"])
    in_chroma = dict(zip(got["ids"], got["embeddings"], strict=True))
    assert reader.chunk_vectors is not None
    kept = reader.chunk_vectors.of(ids)
    assert kept.keys() == in_chroma.keys() == set(ids)
    for cid in ids:
        assert kept[cid] == pytest.approx(list(in_chroma[cid]), abs=0)


def test_the_copy_of_every_chunk_vector_kept_with_the_index_stays_chromas(
    fake_pipeline, corpus_dir
):
    """Restricted searches and BM25-only hits read chunk vectors from the generation's own
    copy: after edits and deletions it must still hold exactly what Chroma holds."""
    fake_pipeline.build()
    stored_vectors_match_chroma(fake_pipeline)
    edited = corpus_dir / "003_934f7f560a60dbae.txt"
    edited.write_text(edited.read_text() + "\nThe force later appointed a lead for online abuse.\n")
    (corpus_dir / "001_db44794824846e28.txt").unlink()
    report = fake_pipeline.build()
    assert report.updated == ("003_934f7f560a60dbae",) and report.removed
    stored_vectors_match_chroma(fake_pipeline)


def test_a_search_restricted_to_some_documents_ranks_every_chunk_of_theirs(
    fake_pipeline, monkeypatch
):
    """Without Chroma's filtered query (30-80 ms at 76k chunks however few it allowed):
    the same chunks, in the same order, as Chroma's own exact ranking of so few."""
    fake_pipeline.build()
    reader = fake_pipeline.reader
    docs = sorted(reader.documents)[:2]
    allowed = frozenset(c for c, chunk in reader.chunks.items() if chunk.doc_id in docs)
    vector = fake_pipeline.embed_model.get_query_embedding("the backlog of devices")
    chroma = reader.collection.query(
        query_embeddings=[vector], n_results=5, where={"doc_id": {"$in": docs}},
        include=["distances"],
    )  # fmt: skip
    query, filtered = reader.collection.query, []

    def counting(*args: object, **kwargs: object) -> object:
        filtered.append(kwargs.get("where"))
        return query(*args, **kwargs)

    monkeypatch.setattr(reader.collection, "query", counting)
    hits = reader.dense(vector, 5, allowed)
    assert filtered == []
    assert [cid for cid, _ in hits] == chroma["ids"][0]
    for (_, similarity), distance in zip(hits, chroma["distances"][0], strict=True):
        assert similarity == pytest.approx(1 - distance, abs=1e-5)


def test_a_small_index_is_searched_exactly_and_a_large_one_through_chroma(
    fake_pipeline, monkeypatch
):
    """Up to `_EXACT_ALL_UP_TO` chunks, every chunk is compared with the question: the
    nearest by cosine, in order, whatever Chroma's approximate graph would have found (it
    differs from one build of the same documents to the next); past it, Chroma's index."""
    fake_pipeline.build()
    reader = fake_pipeline.reader
    vector = fake_pipeline.embed_model.get_query_embedding("the backlog of devices")
    ids = list(reader.chunk_vectors.lexical.chunk_ids)
    vectors = np.asarray(reader.chunk_vectors.vectors, dtype=float)
    cosine = vectors @ vector / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(vector))
    exact = [ids[i] for i in np.argsort(-cosine, kind="stable")[:5]]
    query, asked = reader.collection.query, []

    def counting(*args: object, **kwargs: object) -> object:
        asked.append(kwargs)
        return query(*args, **kwargs)

    monkeypatch.setattr(reader.collection, "query", counting)
    assert [cid for cid, _ in reader.dense(vector, 5)] == exact
    assert asked == []
    monkeypatch.setattr("assistant.index.store._EXACT_ALL_UP_TO", len(reader.chunks) - 1)
    reader.dense(vector, 5)
    assert len(asked) == 1


def test_a_filter_on_places_allows_the_chunks_of_exactly_their_documents(fake_pipeline):
    """Found from the documents about each place (kept when the index opens), not by asking
    every document: the same chunks as asking each, whatever the case of the place; and
    the searches rank those chunks' rows, worked out from each document's."""
    from assistant.types import Filters

    fake_pipeline.build()
    reader = fake_pipeline.reader
    places = sorted({p for d in reader.documents.values() for p in d.meta.places})
    kinds = sorted({d.meta.kind for d in reader.documents.values() if d.meta.kind})
    assert places and kinds
    positions = reader.lexical.positions
    for filters in (
        Filters(subjects=(places[0].upper(),)),
        Filters(subjects=tuple(places)),
        Filters(subjects=(places[0],), year_from=2019),
        Filters(subjects=("Atlantis",)),
        Filters(kinds=(kinds[0],)),
    ):
        asked_each = {cid for cid, c in reader.chunks.items() if filters.allows(reader.meta(c))}
        allowed = reader.allowed_ids(filters)
        assert allowed == asked_each
        assert reader.lexical.rows(allowed).tolist() == sorted(positions[c] for c in allowed)
    about = [d for d, doc in reader.documents.items() if doc.meta.places]
    assert reader.about([p.lower() for p in places]) == about
