"""Index builds with the real bundled model and a real Chroma store: the seed corpus,
incremental updates, broken files, and a build killed mid-way by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index.embed import MODEL_ID
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def pipeline(corpus_dir: Path, tmp_path: Path, real_embedder) -> Pipeline:
    settings = Settings(corpus=corpus_dir, index=tmp_path / "index")
    return Pipeline(settings, embed_model=real_embedder, model_id=MODEL_ID)


def live_ids(pipeline: Pipeline) -> set[str]:
    return set(pipeline.reader.collection.get(include=[])["ids"])


def test_the_seed_corpus_indexes_into_five_documents_with_metadata(pipeline):
    report = pipeline.build()
    assert report.documents == 5 and report.embedded_chunks == report.chunks
    docs = pipeline.reader.documents
    meta = docs["004_16b96cc67d0bace7"].meta
    assert (meta.publisher, meta.kind, meta.published) == (
        "Northamptonshire Police", "force statement", "2021-03-24",
    )  # fmt: skip
    assert docs["001_db44794824846e28"].meta.published == "2013"
    for chunk in pipeline.reader.chunks.values():  # offsets slice the stored text back
        assert docs[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
    assert live_ids(pipeline) == set(pipeline.reader.chunks)


def test_rebuilds_re_embed_only_what_changed_and_drop_what_was_removed(pipeline, corpus_dir):
    first = pipeline.build()
    again = pipeline.build()
    assert again.embedded_chunks == 0 and len(again.unchanged) == 5

    edited = corpus_dir / "003_934f7f560a60dbae.txt"
    edited.write_text(edited.read_text() + "\nThe force later appointed a lead for online abuse.\n")
    updated = pipeline.build()
    assert updated.updated == ("003_934f7f560a60dbae",)
    chunks_003 = [c for c in pipeline.reader.chunks.values() if c.doc_id.startswith("003")]
    assert updated.embedded_chunks == len(chunks_003) < first.chunks
    assert pipeline.search("lead for online abuse")[0].chunk.doc_id == "003_934f7f560a60dbae"

    (corpus_dir / "001_db44794824846e28.txt").unlink()
    removed = pipeline.build()
    assert removed.removed == ("001_db44794824846e28",) and removed.documents == 4
    assert not any(cid.startswith("001_") for cid in live_ids(pipeline))
    hits = pipeline.search("HMIC January 2013 wholly inadequate")
    assert hits and all(h.chunk.doc_id != "001_db44794824846e28" for h in hits)


def test_a_broken_file_is_reported_and_the_others_indexed(pipeline, corpus_dir):
    (corpus_dir / "notes.pdf").write_bytes(b"%PDF-1.4 not really")
    (corpus_dir / "empty.txt").write_text("")
    report = pipeline.build()
    assert report.documents == 5 and report.partial
    assert {s.path: s.reason for s in report.skipped} == {
        "empty.txt": "empty file",
        "notes.pdf": report.skipped[1].reason,
    }
    assert report.skipped[1].reason.startswith("not a readable PDF")


def test_a_build_killed_mid_way_leaves_the_old_index_answering(pipeline, corpus_dir):
    pipeline.build()
    before = [p.chunk.chunk_id for p in pipeline.search("case files rated inadequate")]
    old_chunks = len(pipeline.reader.chunks)
    sentences = (corpus_dir / "003_934f7f560a60dbae.txt").read_text().split("\n\n")
    for i in range(60):
        body = "\n\n".join(f"Note {i}.{j}: {s}" for j, s in enumerate(sentences[i % 5 :: 3]))
        (corpus_dir / f"extra_{i:03d}.txt").write_text(f"Extra document {i}\n\n{body}\n")
    settings = pipeline.settings
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--corpus", str(settings.corpus),
         "--index", str(settings.index)],
        cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "ASSISTANT_EMBED_BATCH": "1"},
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("embedding: 3/"):  # a few batches are already stored
            break
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL

    reopened = Pipeline(settings, embed_model=pipeline.embed_model, model_id=MODEL_ID)
    assert len(reopened.reader.documents) == 5
    assert [p.chunk.chunk_id for p in reopened.search("case files rated inadequate")] == before
    report = reopened.build()  # finishes the job, reusing the vectors already stored
    assert report.documents == 65 and len(report.added) == 60
    new_chunks = report.chunks - old_chunks
    assert 0 < report.embedded_chunks <= new_chunks - 3
