"""The `assistant` command end to end: the real model, a real Chroma store, subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def run(
    *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=600,
    )  # fmt: skip
    if check and proc.returncode not in (0,):
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def dirs(corpus_dir: Path, tmp_path: Path) -> list[str]:
    return ["--corpus", str(corpus_dir), "--index", str(tmp_path / "index")]


def index_json(dirs: list[str], **kw: object) -> tuple[dict, subprocess.CompletedProcess[str]]:
    proc = run("index", "--json", *dirs, **kw)  # type: ignore[arg-type]
    return json.loads(proc.stdout), proc


def test_index_then_incremental_updates(dirs, corpus_dir):
    report, _proc = index_json(dirs)
    assert report["documents"] == 5 and report["chunks"] > 5
    assert report["embedded_chunks"] == report["chunks"]

    again, _ = index_json(dirs)
    assert again["embedded_chunks"] == 0 and len(again["unchanged"]) == 5

    edited = corpus_dir / "003_934f7f560a60dbae.txt"
    edited.write_text(
        edited.read_text() + "\nThe force later appointed a new lead for online abuse.\n"
    )
    updated, _ = index_json(dirs)
    assert updated["updated"] == ["003_934f7f560a60dbae"]
    assert 0 < updated["embedded_chunks"] < report["chunks"] / 2

    (corpus_dir / "001_db44794824846e28.txt").unlink()
    removed, _ = index_json(dirs)
    assert removed["removed"] == ["001_db44794824846e28"] and removed["documents"] == 4
    hits = json.loads(run("search", "--json", "HMIC January 2013 wholly inadequate", *dirs).stdout)
    assert all(h["chunk"]["doc_id"] != "001_db44794824846e28" for h in hits)


def test_summary_is_readable_and_env_vars_pick_the_folders(corpus_dir, tmp_path):
    env = {"ASSISTANT_CORPUS": str(corpus_dir), "ASSISTANT_INDEX": str(tmp_path / "ix")}
    proc = run("index", env=env)
    assert "Indexed 5 documents" in proc.stdout and "embedded" in proc.stdout
    assert (tmp_path / "ix" / "manifest.json").is_file()


def test_a_broken_file_is_named_and_the_build_is_partial(dirs, corpus_dir):
    (corpus_dir / "scan.pdf").write_bytes(b"%PDF-1.4 nonsense")
    proc = run("index", *dirs, check=False)
    assert proc.returncode == 7
    assert "skipped scan.pdf: not a readable PDF" in proc.stderr
    assert "Indexed 5 documents" in proc.stdout


def test_search_missing_children_located_finds_the_documents_that_discuss_it(dirs):
    run("index", *dirs)
    proc = run("search", "missing children located", *dirs)
    docs_shown = proc.stdout
    assert "004_16b96cc67d0bace7" in docs_shown  # "25% reduction in time taken to locate"
    assert "24 March 2021" in docs_shown  # every hit shows its date
    hits = json.loads(run("search", "--json", "missing children located", *dirs).stdout)
    top = [h["chunk"]["doc_id"] for h in hits[:4]]
    assert "004_16b96cc67d0bace7" in top
    assert all(h["meta"]["published"] for h in hits)
    text = " ".join(h["chunk"]["text"] for h in hits[:4]).lower()
    assert "missing" in text and "locate" in text


def test_search_filters_by_year(dirs):
    run("index", *dirs)
    hits = json.loads(
        run(
            "search",
            "--json",
            "inspection findings",
            "--from-year",
            "2019",
            "--to-year",
            "2019",
            *dirs,
        ).stdout
    )
    assert hits and {h["chunk"]["doc_id"] for h in hits} == {"003_934f7f560a60dbae"}


def test_search_without_an_index_says_how_to_build_one(tmp_path):
    proc = run("search", "anything", "--index", str(tmp_path / "none"), check=False)
    assert proc.returncode == 3
    assert "no index at" in proc.stderr and "assistant index" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_killed_build_leaves_the_old_index_answering(dirs, corpus_dir):
    run("index", *dirs)
    before = json.loads(run("search", "--json", "case files rated", *dirs).stdout)
    # Enough new text that the build is still embedding when we kill it.
    sentences = (corpus_dir / "003_934f7f560a60dbae.txt").read_text().split("\n\n")
    for i in range(150):
        body = "\n\n".join(f"Note {i}.{j}: {s}" for j, s in enumerate(sentences[i % 5 :: 3]))
        (corpus_dir / f"extra_{i:03d}.txt").write_text(f"Extra document {i}\n\n{body}\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", *dirs],
        cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "ASSISTANT_EMBED_BATCH": "2"},
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("embedding: "):
            break
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL

    after = json.loads(run("search", "--json", "case files rated", *dirs).stdout)
    assert [h["chunk"]["chunk_id"] for h in after] == [h["chunk"]["chunk_id"] for h in before]
    # The next build completes, reusing what the killed one had already stored.
    report, _ = index_json(dirs)
    assert report["documents"] == 155 and len(report["added"]) == 150
    assert 0 < report["embedded_chunks"] < report["chunks"] - len(before)
