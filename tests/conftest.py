"""Shared fixtures: no network, a copy of the corpus, fake and real embedders."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.index.embed import MODEL_ID
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the network: only loopback connections are allowed."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK:
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the seed corpus that a test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_pipeline(corpus_dir: Path, tmp_path: Path) -> Pipeline:
    settings = Settings(corpus=corpus_dir, index=tmp_path / "index")
    return Pipeline(settings, embed_model=FakeEmbedder(), model_id="fake")


@pytest.fixture(scope="session")
def real_embedder() -> object:
    from assistant.index.embed import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def seed_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: object
) -> Iterator[Settings]:
    """The seed corpus indexed once with the real model, for read-only tests."""
    index = tmp_path_factory.mktemp("seed-index")
    settings = Settings(corpus=CORPUS, index=index)
    Pipeline(settings, embed_model=real_embedder, model_id=MODEL_ID).build()  # type: ignore[arg-type]
    yield settings


@pytest.fixture(scope="session")
def real_pipeline(seed_index: Settings, real_embedder: object) -> Pipeline:
    return Pipeline(seed_index, embed_model=real_embedder, model_id=MODEL_ID)  # type: ignore[arg-type]
