"""Serving the app safely: loopback only unless a login is configured or remote use is
explicitly allowed; never a share link; Gradio's analytics, PWA and MCP server off; no
framing by other sites, no MIME sniffing, no server banner.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.app.style import CSS, MARKER_JS, theme
from assistant.app.ui import build_app
from assistant.errors import ConfigError
from assistant.pipeline import Pipeline
from assistant.settings import Settings


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Refuse to serve beyond this machine without a login, unless explicitly allowed."""
    if is_loopback(settings.host) or settings.auth or settings.allow_remote:
        return
    raise ConfigError(
        f"refusing to listen on {settings.host}: anyone on the network could use the app. "
        "Set ASSISTANT_AUTH=user:password for a login, or pass --allow-remote "
        "(ASSISTANT_ALLOW_REMOTE=1) to serve it without one."
    )


def auth_pair(auth: str) -> tuple[str, str] | None:
    if not auth:
        return None
    user, _, password = auth.partition(":")
    return user, password


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]  # fmt: skip

# What a security review expects on every response. The CSP sets only frame-ancestors:
# Gradio's page needs its inline scripts and styles, which a fuller policy would block.
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_REPLACED = {name for name, _ in SECURITY_HEADERS} | {b"server"}


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every HTTP response (plain ASGI, so
    streamed answers pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                message = {**message, "headers": [*kept, *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def launch(demo: gr.Blocks, settings: Settings, **options: Any) -> tuple[Any, str, str]:
    """Serve the app as `settings` say (after `check_exposure`): never a share link. Blocks
    until interrupted unless `prevent_thread_lock=True`."""
    check_exposure(settings)
    block = not options.pop("prevent_thread_lock", False)
    launched = demo.launch(
        server_name=settings.host, server_port=settings.port, share=False,
        auth=auth_pair(settings.auth), auth_message="Log in to the inspection reports assistant.",
        theme=theme(), css=CSS, js=MARKER_JS, footer_links=["api", "settings"], ssr_mode=False,
        pwa=False, mcp_server=False, prevent_thread_lock=True,
        app_kwargs={"middleware": [Middleware(SecurityHeaders)]}, **options,
    )  # fmt: skip
    _hide_server_banner(demo)
    if block:
        demo.block_thread()
    return launched


def _hide_server_banner(demo: gr.Blocks) -> None:
    """Drop uvicorn's `server: uvicorn` header: Gradio builds the server's config itself,
    so it is taken out of the running server's default headers (refreshed every second)."""
    server = getattr(demo, "server", None)
    config, state = getattr(server, "config", None), getattr(server, "server_state", None)
    if config is None or state is None:
        return
    config.encoded_headers = [(k, v) for k, v in config.encoded_headers if k != b"server"]
    state.default_headers = [(k, v) for k, v in state.default_headers if k != b"server"]


def serve(settings: Settings, pipeline: Pipeline | None = None, **options: Any) -> None:
    """Build the app and serve it until interrupted (what `python app.py` does)."""
    check_exposure(settings)  # before loading anything: a refusal should be instant
    demo = build_app(settings, pipeline)
    where = "this machine only" if is_loopback(settings.host) else "the network"
    # Gradio's own banner suggests share links, which this app never makes: say it plainly.
    print(f"Serving on http://{settings.host}:{settings.port}/ ({where}); Ctrl-C stops.")
    launch(demo, settings, quiet=True, **options)
