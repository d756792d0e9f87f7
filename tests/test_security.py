"""The served app, probed over HTTP as an attacker or a security review would: no file
outside what it must serve, a login that works, no share link, nothing sent out,
and the headers that stop framing, sniffing and banner grabbing."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import gradio as gr
import httpx
import pytest

from assistant.app.server import launch
from assistant.app.ui import build_app
from assistant.errors import ConfigError
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.app.test_api import free_port
from tests.conftest import CORPUS, LOOPBACK, ROOT
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

OUTBOUND: list[object] = []  # every connection the app tried to open off this machine


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    """The real app (fake embedder) served on loopback, with analytics and share links
    requested by the environment, and every outbound connection recorded."""
    index = tmp_path_factory.mktemp("security") / "index"
    settings = Settings(corpus=CORPUS, index=index, port=free_port())
    real_connect = socket.socket.connect

    def recording(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK:
            OUTBOUND.append(address)
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", recording)
        mp.setenv("GRADIO_ANALYTICS_ENABLED", "True")  # asks for analytics; must get none
        mp.setenv("GRADIO_SHARE", "True")  # asks for a share link; must get none
        demo = build_app(settings, Pipeline(settings, FakeEmbedder(), "fake"))
        launch(demo, settings, prevent_thread_lock=True, quiet=True)
        try:
            assert demo.share_url is None and demo.share is False
            yield f"http://127.0.0.1:{settings.port}", settings
        finally:
            demo.close()


PASSWD = "root:x:0:0"
SEED_TEXT = (CORPUS / "003_934f7f560a60dbae.txt").read_text()[200:260]


def forbidden_paths(settings: Settings) -> list[str]:
    doc = CORPUS / "003_934f7f560a60dbae.txt"
    targets = [
        "/etc/passwd", "../../../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", str(doc), "corpus/003_934f7f560a60dbae.txt",
        "../corpus/003_934f7f560a60dbae.txt", str(settings.index / "manifest.json"),
        str(ROOT / "app.py"), "app.py", str(ROOT / ".git" / "config"),
    ]  # fmt: skip
    return [f"{prefix}{t}" for prefix in ("/file=", "/gradio_api/file=") for t in targets]


def test_no_file_outside_what_the_app_must_serve(app):
    url, settings = app
    with httpx.Client(base_url=url) as client:
        for path in forbidden_paths(settings):
            r = client.get(path)
            assert r.status_code in (403, 404), (path, r.status_code)
            assert PASSWD not in r.text and SEED_TEXT not in r.text, path


def test_the_same_file_urls_do_serve_a_folder_that_is_allowed(tmp_path):
    # The control: the URL form above is the one that serves files, when a folder is allowed.
    (tmp_path / "shared.txt").write_text("allowed content")
    settings = Settings(port=free_port())
    with gr.Blocks(analytics_enabled=False) as demo:
        gr.Markdown("control")
    launch(demo, settings, prevent_thread_lock=True, quiet=True, allowed_paths=[str(tmp_path)])
    try:
        r = httpx.get(f"http://127.0.0.1:{settings.port}/gradio_api/file={tmp_path}/shared.txt")
        assert r.status_code == 200 and r.text == "allowed content"
    finally:
        demo.close()


@pytest.mark.parametrize("path", ["/", "/gradio_api/info", "/gradio_api/file=/etc/passwd"])
def test_responses_carry_the_headers_a_security_review_expects(app, path):
    url, _ = app
    r = httpx.get(url + path)
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "server" not in r.headers  # no banner naming the server software


def test_nothing_is_sent_off_this_machine(app):
    url, _ = app
    with httpx.Client(base_url=url) as client:
        assert client.get("/").status_code == 200
        assert client.get("/gradio_api/info").status_code == 200
    assert OUTBOUND == []  # no analytics, no version check, no share-link tunnel


def test_a_login_is_required_and_works_when_set():
    settings = Settings(
        corpus=CORPUS, index=Path("/nonexistent-index"), port=free_port(), auth="staff:s3cret"
    )
    with gr.Blocks(analytics_enabled=False) as demo:
        gr.Markdown("behind a login")
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{settings.port}") as client:
            assert client.get("/gradio_api/info").status_code == 401
            wrong = client.post("/login", data={"username": "staff", "password": "guess"})
            assert wrong.status_code in (400, 401)
            right = client.post("/login", data={"username": "staff", "password": "s3cret"})
            assert right.status_code == 200
            # The cookie is marked Secure (for the TLS proxy in front); send it by hand here.
            cookies = "; ".join(f"{k}={v}" for k, v in right.cookies.items())
            assert client.get("/gradio_api/info", headers={"cookie": cookies}).status_code == 200
    finally:
        demo.close()


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_it_refuses_to_listen_beyond_loopback_without_a_login_or_the_flag(host):
    settings = Settings(host=host, port=free_port())
    with gr.Blocks(analytics_enabled=False) as demo:
        gr.Markdown("never served")
    with pytest.raises(ConfigError, match="refusing to listen"):
        launch(demo, settings, prevent_thread_lock=True, quiet=True)
    with socket.socket() as s:  # nothing was bound: the port is still free
        s.bind(("127.0.0.1", settings.port))
