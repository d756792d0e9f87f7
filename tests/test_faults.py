"""Faults: builds killed with SIGKILL at random points, questions asked while a build runs
(in another process, and in the app's own background update), a full or read-only disk.
Real Chroma stores; the fake embedder keeps each build short enough to kill many times."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant import cli
from assistant.app.service import Service
from assistant.errors import IndexWriteError
from assistant.index import build
from assistant.index.generation import read_manifest
from assistant.ingest.corpus import load_corpus
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

EDITED = "003_934f7f560a60dbae.txt"
REMOVED = "001_db44794824846e28.txt"


def set_corpus(corpus: Path, state: str) -> dict[str, str]:
    """State A is the seed corpus; B edits one document, removes one and adds twelve.
    Returns the document set the state should index: {doc id: sha256}."""
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(CORPUS, corpus)
    if state == "B":
        (corpus / REMOVED).unlink()
        edited = corpus / EDITED
        edited.write_text(edited.read_text() + "\nA later note: the force hired more staff.\n")
        paragraphs = (CORPUS / EDITED).read_text().split("\n\n")
        for i in range(12):
            body = "\n\n".join(f"Extra {i}.{j}: {p}" for j, p in enumerate(paragraphs[i % 4 :: 2]))
            (corpus / f"extra_{i:02d}.txt").write_text(f"Extra document {i}\n\n{body}\n")
    return {d.doc_id: d.sha256 for d in load_corpus(corpus).documents}


def indexed(settings: Settings) -> dict[str, str]:
    """The document set the index holds, opened afresh in another process (as after a
    crash), after checking it is whole: every chunk the manifest names is in the
    generation's records and has its vector in Chroma, and a question is answered."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.build_worker", "--check", str(settings.corpus),
         str(settings.index)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.splitlines()[-1])
    assert got["records_match"] and got["vectors_missing"] == 0 and got["answered"], got
    return dict(got["documents"])


def worker(settings: Settings, delay: float, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.build_worker", str(settings.corpus), str(settings.index),
         str(delay)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, **kwargs,  # type: ignore[call-overload]
    )  # fmt: skip


def started(proc: subprocess.Popen[str]) -> float:
    """Wait for the worker's imports to finish (the build begins); returns that moment."""
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    return time.monotonic()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(corpus=tmp_path / "corpus", index=tmp_path / "index", embed_batch=4)


def test_builds_killed_at_random_points_leave_the_old_or_the_new_index(settings, tmp_path):
    states = {"A": set_corpus(settings.corpus, "A")}
    Pipeline(settings, embed_model=FakeEmbedder(), model_id="fake").build()
    states["B"] = set_corpus(settings.corpus, "B")
    # How long a whole build takes, on a copy, so that kills spread over all of it.
    calibrate = settings.replace(index=tmp_path / "calibrate")
    shutil.copytree(settings.index, calibrate.index)
    proc = worker(calibrate, 0.02, stderr=subprocess.DEVNULL)
    t0 = started(proc)
    assert proc.wait(120) == 0
    span = time.monotonic() - t0

    seed = int(os.environ.get("FAULT_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    current, outcomes = "A", []
    # A build after a killed one reuses what that one stored, so it is shorter and a late
    # kill may find it finished: go on until five kills have landed (at most 14 tries).
    kills = 0
    while kills < 5 and len(outcomes) < 14:
        target = "B" if current == "A" else "A"
        set_corpus(settings.corpus, target)
        proc = worker(settings, 0.02, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.0, span)
        time.sleep(max(0.0, started(proc) + delay - time.monotonic()))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        now = indexed(settings)
        assert now in (states[current], states[target]), f"half a build (seed {seed})"
        current = target if now == states[target] else current
        outcomes.append((round(delay / span, 2), proc.returncode, current))
        kills += proc.returncode == -signal.SIGKILL
    print(f"kills (seed {seed}): share of the build done, exit code, index after: {outcomes}")
    assert sum(1 for _, code, _ in outcomes if code == -signal.SIGKILL) >= 5, outcomes

    final = "B" if current == "A" else "A"
    set_corpus(settings.corpus, final)
    assert worker(settings, 0.0, stderr=subprocess.DEVNULL).wait(120) == 0  # it recovers
    assert indexed(settings) == states[final]
    folders = sorted(p.name for p in settings.index.glob("gen-*"))
    assert folders == [f"gen-{read_manifest(settings.index).generation}"]


def test_questions_during_a_build_in_another_process_are_answered_from_the_last_index(
    settings,
):
    old = set_corpus(settings.corpus, "A")
    pipeline = Pipeline(settings, embed_model=FakeEmbedder(), model_id="fake")
    pipeline.build()
    new = set_corpus(settings.corpus, "B")
    proc = worker(settings, 0.1, stderr=subprocess.DEVNULL)
    started(proc)
    seen: list[str] = []
    while proc.poll() is None:
        answer = pipeline.ask("How many case files did inspectors review in 2019?")
        assert answer.citations or answer.suggestions
        docs = {d: x.sha256 for d, x in pipeline.reader.documents.items()}
        seen.append("old" if docs == old else "new" if docs == new else "half")
    assert proc.returncode == 0
    assert seen.count("old") >= 3 and "half" not in seen
    assert seen == sorted(seen, key=["old", "new"].index)  # old until the commit, then new
    pipeline.ask("What does MADRA stand for?")
    assert {d: x.sha256 for d, x in pipeline.reader.documents.items()} == new


class GatedEmbedder(FakeEmbedder):
    """Embeds for the app's background build only when let through (questions never wait)."""

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        if threading.current_thread().name == "index":
            GATE.wait(30)
        return super()._get_text_embeddings(texts)


GATE = threading.Event()


def test_the_app_answers_from_the_last_index_while_it_updates(settings):
    GATE.clear()
    old = set_corpus(settings.corpus, "A")
    pipeline = Pipeline(settings, embed_model=GatedEmbedder(), model_id="fake")
    GATE.set()
    pipeline.build()
    GATE.clear()
    new = set_corpus(settings.corpus, "B")
    service = Service(pipeline)
    service.start()
    deadline = time.monotonic() + 30
    while service.status.state != "updating" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.status.state == "updating" and "Checking the corpus" in service.status.message
    answer = service.ask("What does MADRA stand for?")  # not refused while the build runs
    assert answer.citations and {c.doc_id for c in answer.citations} <= set(old)
    assert set(service.documents()) == set(old)
    GATE.set()
    status = service.wait(60)
    assert status.ready and "Index updated" in status.message, status.message
    assert set(service.documents()) == set(new)


@pytest.mark.parametrize("where", ["write_jsonl", "atomic_write"])
def test_a_full_disk_is_a_clear_message_and_the_index_stays(settings, monkeypatch, capsys, where):
    set_corpus(settings.corpus, "A")
    pipeline = Pipeline(settings, embed_model=FakeEmbedder(), model_id="fake")
    pipeline.build()
    before = read_manifest(settings.index)
    set_corpus(settings.corpus, "B")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build, where, full)
    with pytest.raises(IndexWriteError, match=r"\(No space left on device\): free some space"):
        pipeline.build()
    assert read_manifest(settings.index) == before
    assert pipeline.ask("What does MADRA stand for?").citations
    monkeypatch.setattr(cli, "Pipeline", lambda s: pipeline)
    assert cli.main(["index"]) == 8
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: cannot write the index in ")


def mount_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = "mount -t tmpfs -o size=1m tmpfs /mnt && umount /mnt"
    return subprocess.run(["unshare", "-m", "sh", "-c", probe], capture_output=True).returncode == 0


@pytest.mark.skipif(not mount_available(), reason="needs root and mount namespaces")
def test_a_real_full_disk_and_a_read_only_index_folder_give_clear_messages(settings):
    set_corpus(settings.corpus, "A")
    settings.index.mkdir()
    build = f"{sys.executable} -m tests.build_worker {settings.corpus} {settings.index} 0"
    search = f"{sys.executable} -m assistant search --index {settings.index} MADRA"
    script = (
        f"mount -t tmpfs -o size=400k tmpfs {settings.index} && {build}; echo full=$?; "
        f"umount {settings.index} && mount -t tmpfs -o size=64m tmpfs {settings.index} && "
        f"{build} >/dev/null 2>&1 && mount -o remount,ro {settings.index} && "
        f"echo 'A new note.' > {settings.corpus}/new.txt && {build}; echo readonly=$?; "
        f"{search}; echo search=$?"
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert "full=8" in run.stdout and "readonly=8" in run.stdout and "search=5" in run.stdout
    assert "(disk full: " in errors[0] and "the previous index is unchanged" in errors[0]
    assert "(read-only file system)" in errors[1]
    assert "read-only file system; Chroma writes to its files even to answer" in errors[2]
    assert "Traceback" not in run.stderr
