"""Serving the app safely: loopback only unless a login is configured or remote use is
explicitly allowed; never a share link; Gradio's analytics, PWA and MCP server off.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import gradio as gr

from assistant.errors import ConfigError
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.ui import build_app
from assistant.ui_style import CSS, MARKER_JS, theme


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


def launch(demo: gr.Blocks, settings: Settings, **options: Any) -> tuple[Any, str, str]:
    """Serve the app as `settings` say (after `check_exposure`): never a share link."""
    check_exposure(settings)
    return demo.launch(
        server_name=settings.host, server_port=settings.port, share=False,
        auth=auth_pair(settings.auth), auth_message="Log in to the inspection reports assistant.",
        theme=theme(), css=CSS, js=MARKER_JS, footer_links=["api", "settings"], ssr_mode=False,
        pwa=False, mcp_server=False, **options,
    )  # fmt: skip


def serve(settings: Settings, pipeline: Pipeline | None = None, **options: Any) -> None:
    """Build the app and serve it until interrupted (what `python app.py` does)."""
    check_exposure(settings)  # before loading anything: a refusal should be instant
    demo = build_app(settings, pipeline)
    where = "this machine only" if is_loopback(settings.host) else "the network"
    # Gradio's own banner suggests share links, which this app never makes: say it plainly.
    print(f"Serving on http://{settings.host}:{settings.port}/ ({where}); Ctrl-C stops.")
    launch(demo, settings, quiet=True, **options)
