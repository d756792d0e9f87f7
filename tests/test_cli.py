"""The `assistant` command end to end: the real model, a real Chroma store, subprocesses."""

from __future__ import annotations

import json
import os
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


@pytest.fixture
def built(seed_index) -> list[str]:
    """The seed corpus, already indexed (read-only)."""
    return ["--corpus", str(seed_index.corpus), "--index", str(seed_index.index)]


def index_json(dirs: list[str], **kw: object) -> tuple[dict, subprocess.CompletedProcess[str]]:
    proc = run("index", "--json", *dirs, **kw)  # type: ignore[arg-type]
    return json.loads(proc.stdout), proc


def test_index_prints_a_summary_names_broken_files_and_reads_env_vars(corpus_dir, tmp_path):
    (corpus_dir / "scan.pdf").write_bytes(b"%PDF-1.4 nonsense")
    env = {"ASSISTANT_CORPUS": str(corpus_dir), "ASSISTANT_INDEX": str(tmp_path / "ix")}
    proc = run("index", env=env, check=False)
    assert proc.returncode == 7  # the build is partial
    assert "skipped scan.pdf: not a readable PDF" in proc.stderr
    assert "Indexed 5 documents" in proc.stdout and "embedded" in proc.stdout
    assert (tmp_path / "ix" / "manifest.json").is_file()
    report = json.loads(run("index", "--json", env=env, check=False).stdout)
    assert report["embedded_chunks"] == 0 and report["skipped"][0]["path"] == "scan.pdf"


def test_search_missing_children_located_finds_the_documents_that_discuss_it(built):
    proc = run("search", "missing children located", *built)
    docs_shown = proc.stdout
    assert "004_16b96cc67d0bace7" in docs_shown  # "25% reduction in time taken to locate"
    assert "24 March 2021" in docs_shown  # every hit shows its date
    hits = json.loads(run("search", "--json", "missing children located", *built).stdout)
    top = [h["chunk"]["doc_id"] for h in hits[:4]]
    assert "004_16b96cc67d0bace7" in top
    assert all(h["meta"]["published"] for h in hits)
    text = " ".join(h["chunk"]["text"] for h in hits[:4]).lower()
    assert "missing" in text and "locate" in text


def test_search_filters_by_year(built):
    hits = json.loads(
        run(
            "search",
            "--json",
            "inspection findings",
            "--from-year",
            "2019",
            "--to-year",
            "2019",
            *built,
        ).stdout
    )
    assert hits and {h["chunk"]["doc_id"] for h in hits} == {"003_934f7f560a60dbae"}


def test_search_without_an_index_says_how_to_build_one(tmp_path):
    proc = run("search", "anything", "--index", str(tmp_path / "none"), check=False)
    assert proc.returncode == 3
    assert "no index at" in proc.stderr and "assistant index" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ask_json_prints_one_object_with_checkable_citations(built):
    answer = json.loads(
        run("ask", "--json", "How many case files were reviewed in 2019?", *built).stdout
    )
    assert {"question", "answer", "abstained", "citations", "searched_for", "timings_ms"} <= set(
        answer
    )
    assert "21" in answer["answer"] and answer["abstained"] is False
    citation = answer["citations"][0]
    for field in (
        "n",
        "doc_id",
        "title",
        "publisher",
        "published",
        "url",
        "page",
        "quote",
        "start",
        "end",
        "passage",
    ):
        assert field in citation
    assert citation["doc_id"] == "003_934f7f560a60dbae" and citation["published"] == "2019-07-24"


def test_ask_prints_the_answer_then_numbered_sources(built):
    out = run("ask", "What does MADRA stand for?", *built).stdout
    answer, sources = out.split("Sources:")
    assert "Multi Agency Daily Risk Assessment" in answer and "[1]" in answer
    assert "[1] National child protection inspection" in sources
    assert "Northamptonshire Police, force statement, 24 March 2021" in sources


def test_ask_batch_answers_one_question_per_line_loading_once(built):
    questions = (
        "What does MADRA stand for?\n\n# a comment\nWhat is the recipe for lasagne?\n"
        + "x" * 3000
        + "\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "--batch", "-", *built],
        input=questions, capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line.get("abstained") for line in lines[:2]] == [False, True]
    assert "limit is 2,000" in lines[2]["error"]
    assert proc.returncode == 4  # one question was refused


def test_chat_understands_a_follow_up(built):
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "chat", *built],
        input="What does MADRA stand for?\nWhen was it set up?\n/quit\n",
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "(searched for: When was Multi Agency Daily Risk Assessment set up?)" in proc.stdout
    assert "April 2020" in proc.stdout.split("searched for")[1]


def test_brief_writes_a_markdown_note_or_json(built, tmp_path):
    out = tmp_path / "note.md"
    run("brief", "missing children", "--out", str(out), *built)
    assert out.read_text().startswith("# Briefing: missing children")


def test_brief_writes_a_word_note_by_its_extension_and_refuses_others(built, tmp_path):
    import docx

    out = tmp_path / "note.docx"
    run("brief", "missing children", "--out", str(out), *built)
    assert docx.Document(str(out)).paragraphs[0].text == "Briefing: missing children"
    bad = run("brief", "missing children", "--out", str(tmp_path / "note.pdf"), *built, check=False)
    assert bad.returncode == 4 and "can be written as .md or .docx" in bad.stderr


def test_timeline_and_check_print_text_or_json(built):
    timeline = json.loads(run("timeline", "--json", *built).stdout)
    labels = [(e["date_label"], e["kind"]) for e in timeline["events"]]
    assert ("November to December 2020", "inspection") in labels
    assert all(e["citations"] for e in timeline["events"])
    text = run("timeline", "MADRA", *built).stdout
    assert text.startswith("Timeline: MADRA") and "April 2020 · initiative" in text
    check = json.loads(
        run(
            "check", "--json", "POLIT officers have an average workload of 31 cases.", *built
        ).stdout
    )
    assert check["verdict"] == "supported" and check["contradicting"] == []
    assert check["citations"][0]["doc_id"] == "004_16b96cc67d0bace7"
    text = run("check", "POLIT officers have an average workload of 13 cases.", *built).stdout
    assert "Verdict: contradicted" in text and "gives 31, not 13" in text
