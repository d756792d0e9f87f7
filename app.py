"""Serve the chat app: `python app.py [--host H] [--port P] [--allow-remote] [--corpus DIR]
[--index DIR]`. Reads the environment and flags into `Settings`; the app is `assistant.app.ui`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, ConfigError
from assistant.settings import Settings, apply_offline_defaults

# Before gradio or the model libraries are imported: no analytics, no downloads.
apply_offline_defaults(os.environ)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="app.py", description="The inspection reports assistant as a chat app in the browser."
    )
    parser.add_argument("--host", help="interface to listen on (env ASSISTANT_HOST; 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (env ASSISTANT_PORT or GRADIO_SERVER_PORT)")
    parser.add_argument(
        "--allow-remote", action="store_true",
        help="serve on a non-loopback address without a login (env ASSISTANT_ALLOW_REMOTE=1)",
    )  # fmt: skip
    parser.add_argument("--corpus", type=Path, help="documents folder (env ASSISTANT_CORPUS)")
    parser.add_argument("--index", type=Path, help="index folder (env ASSISTANT_INDEX)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    """Flags over `ASSISTANT_*` variables over Gradio's own GRADIO_SERVER_* ones."""
    overrides: dict[str, Any] = {"corpus": args.corpus, "index": args.index, "host": args.host}
    overrides["port"] = args.port
    if args.port is None and not env.get("ASSISTANT_PORT") and env.get("GRADIO_SERVER_PORT"):
        raw = env["GRADIO_SERVER_PORT"]
        if not raw.isdigit():
            raise ConfigError(f"GRADIO_SERVER_PORT={raw!r} is not a port number")
        overrides["port"] = int(raw)
    if args.host is None and not env.get("ASSISTANT_HOST") and env.get("GRADIO_SERVER_NAME"):
        overrides["host"] = env["GRADIO_SERVER_NAME"]
    if args.allow_remote:
        overrides["allow_remote"] = True
    return Settings.from_env(env, **overrides)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    try:
        settings = settings_from(args, os.environ)
        from assistant.app.server import serve

        serve(settings)
    except AssistantError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
