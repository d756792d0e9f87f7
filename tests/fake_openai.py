"""A small OpenAI-compatible chat server on 127.0.0.1 for tests: each reply is scripted (a
text, or a function of the request's messages), and can be slow or an HTTP error on purpose.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")


@dataclass(frozen=True)
class Reply:
    content: str = ""
    delay: float = 0.0  # seconds to wait before answering (to make the client time out)
    status: int = 200  # anything else is sent as an OpenAI-style error body


Messages = list[dict[str, Any]]
Script = str | Reply | Callable[[Messages], "str | Reply"]


class FakeOpenAI:
    """The server. Queue replies with `script(...)`; read what clients sent in `requests`."""

    def __init__(self, default: Script = "") -> None:
        self.default = default
        self.requests: list[dict[str, Any]] = []  # the JSON bodies received, in order
        self._queue: deque[Script] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Script) -> None:
        """Answer the next requests with these, in order; then with `default`."""
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    def messages(self, i: int = -1) -> Messages:
        """The chat messages of request `i`."""
        return list(self.requests[i]["messages"])

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            script = self._queue.popleft() if self._queue else self.default
        if callable(script):
            script = script(list(body.get("messages", [])))
        return script if isinstance(script, Reply) else Reply(content=script)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def completion(model: str, content: str) -> dict[str, Any]:
    """A chat.completion body in the OpenAI format."""
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def stream_chunks(model: str, content: str) -> Iterator[bytes]:
    """The same reply as server-sent events, for clients that ask to stream."""
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0}
    deltas = [{"role": "assistant", "content": content}, {}]
    for i, delta in enumerate(deltas):
        choice = {"index": 0, "delta": delta, "finish_reason": "stop" if i else None}
        yield f"data: {json.dumps({**base, 'model': model, 'choices': [choice]})}\n\n".encode()
    yield b"data: [DONE]\n\n"


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path.split("?")[0] not in CHAT_PATHS:
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            reply = fake.next_reply(body)
            time.sleep(reply.delay)
            model = str(body.get("model", "fake"))
            if reply.status != 200:
                error = {"message": "scripted failure", "type": "server_error", "code": None}
                self._send(reply.status, {"error": error})
            elif body.get("stream"):
                self._send_stream(stream_chunks(model, reply.content))
            else:
                self._send(200, completion(model, reply.content))

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timed out) first

        def _send_stream(self, chunks: Iterator[bytes]) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in chunks:
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
