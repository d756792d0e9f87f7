"""Scaling out: the same index built against a Chroma server instead of the embedded store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import BackendError
from assistant.index.embed import MODEL_ID
from assistant.pipeline import Pipeline
from assistant.settings import Settings

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma command comes with the chromadb package"
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the Chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_index_builds_and_answers_against_a_chroma_server(
    chroma_server, corpus_dir, tmp_path, real_embedder
):
    settings = Settings(corpus=corpus_dir, index=tmp_path / "index", chroma_url=chroma_server)
    pipeline = Pipeline(settings, embed_model=real_embedder, model_id=MODEL_ID)
    report = pipeline.build()
    assert report.documents == 5 and report.embedded_chunks == report.chunks
    assert not (tmp_path / "index" / "chroma").exists(), "vectors live on the server"
    assert pipeline.build().embedded_chunks == 0
    answer = pipeline.ask("How many case files were reviewed in 2019?")
    assert "21" in answer.answer and answer.citations[0].doc_id == "003_934f7f560a60dbae"


def test_an_unreachable_chroma_server_is_a_clear_error(tmp_path, corpus_dir):
    settings = Settings(
        corpus=corpus_dir, index=tmp_path / "i", chroma_url=f"http://127.0.0.1:{free_port()}"
    )
    from assistant.index.store import chroma_collection

    with pytest.raises(BackendError, match=r"cannot open the Chroma store at http://127\.0\.0\.1"):
        chroma_collection(settings)
