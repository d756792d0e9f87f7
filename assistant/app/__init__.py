"""The chat app, built on the pipeline: a Gradio front end with an API, served safely.

- `ui`: layout, event wiring and the `ask` API endpoint (`build_app`).
- `render`, `style`: the HTML of answers, sources and status, and the app's look.
- `prep`: the briefing-preparation tabs (timeline, claim check).
- `service`: the one pipeline every browser tab and the API share.
- `server`: loopback only unless a login is configured (`serve`).
"""

from assistant.app.server import serve
from assistant.app.service import Service
from assistant.app.ui import build_app

__all__ = ["Service", "build_app", "serve"]
