"""Cold start to the first answer, in fresh processes: the CLI (`assistant ask`) end to
end and by phase (interpreter, imports, model load, index open, first answer), and the
app (start to first answer over its API), with the app's peak memory serving questions.

    python -m benchmarks.cold phases INDEX CORPUS QUESTION   # prints the phases as JSON
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, free_port, peak_rss_mb, rss_mb, wait_for


def _env() -> dict[str, str]:
    from assistant.settings import apply_offline_defaults

    env = dict(os.environ)
    apply_offline_defaults(env)
    return env


def phases(index: str, corpus: str, question: str) -> dict[str, float]:
    """Run in a fresh process: milliseconds of each phase up to the first answer."""
    marks = [("start", time.perf_counter())]
    from assistant.pipeline import Pipeline
    from assistant.settings import Settings

    marks.append(("imports", time.perf_counter()))
    pipeline = Pipeline(Settings(corpus=Path(corpus), index=Path(index)))
    _ = pipeline.embed_model, pipeline.reader_model
    marks.append(("model_load", time.perf_counter()))
    _ = pipeline.reader
    marks.append(("index_open", time.perf_counter()))
    _ = pipeline.extractive
    marks.append(("answerer_setup", time.perf_counter()))
    pipeline.ask(question)
    marks.append(("first_answer", time.perf_counter()))
    return {b[0]: round((b[1] - a[1]) * 1000, 1) for a, b in itertools.pairwise(marks)}


def cli(index: Path, corpus: Path, question: str) -> dict[str, Any]:
    """Wall time of `assistant ask` in a fresh process, and its phases in another."""
    exe = str(Path(sys.executable).parent / "assistant")
    command = [exe, "--index", str(index), "--corpus", str(corpus), "ask", "--json", question]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=_env())
    wall = (time.perf_counter() - started) * 1000
    interpreter = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=_env())
    bare = (time.perf_counter() - interpreter) * 1000
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.cold", "phases", str(index), str(corpus), question],
        check=True, capture_output=True, text=True, cwd=ROOT, env=_env(),
    )  # fmt: skip
    return {
        "wall_ms": round(wall, 1),
        "interpreter_ms": round(bare, 1),
        "phases_ms": json.loads(out.stdout),
    }


def app(index: Path, corpus: Path, asked: list[str]) -> dict[str, Any]:
    """Start `app.py`, time it to its first answer over the API, then ask the rest and
    read the server's peak resident memory."""
    from gradio_client import Client

    port = free_port()
    command = [sys.executable, str(ROOT / "app.py"), "--port", str(port)]
    command += ["--index", str(index), "--corpus", str(corpus)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url, seconds=180)
        listening = time.perf_counter()
        client = Client(url, verbose=False)
        _first_answer(client, asked[0])
        first = time.perf_counter()
        served = []
        for q in asked[1:]:
            t = time.perf_counter()
            client.predict(q, api_name="/ask")
            served.append((time.perf_counter() - t) * 1000)
        return {
            "start_to_listening_ms": round((listening - started) * 1000, 1),
            "start_to_first_answer_ms": round((first - started) * 1000, 1),
            "questions_served": len(asked),
            "rss_mb": round(rss_mb(proc.pid), 1),
            "peak_rss_mb": round(peak_rss_mb(proc.pid), 1),
            "api_p50_ms": round(sorted(served)[len(served) // 2], 1) if served else None,
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _first_answer(client: Any, question: str, seconds: float = 300.0) -> None:
    """Ask until the app answers: it refuses questions while it brings the index up to
    date on start ("Ask again when the index is ready")."""
    from gradio_client.exceptions import AppError

    deadline = time.monotonic() + seconds
    while True:
        try:
            client.predict(question, api_name="/ask")
            return
        except AppError as e:
            if "index is ready" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


if __name__ == "__main__" and sys.argv[1:2] == ["phases"]:
    print(json.dumps(phases(*sys.argv[2:5])))
