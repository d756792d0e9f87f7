"""`python -m assistant` is the `assistant` command."""

from assistant.cli import entry

entry()
