"""Briefing, built on the pipeline: for people preparing a briefing, what the documents
said on a topic and when, and whether they back a sentence someone means to say.

- `briefing`: a briefing note, each finding quoted with its source and date.
- `timeline`, `chart`: the dated events the documents report, listed and plotted.
- `claims`, `agreement`: the passages that support a claim, and those that contradict it.
- `markdown`, `docx`: a conversation or briefing to paste or hand over (`docx` loads
  python-docx, so it is imported where a Word file is asked for).
- `cli`: `assistant brief`, `assistant timeline`, `assistant check`.
"""

from assistant.brief.briefing import BriefingConfig, make_briefing
from assistant.brief.claims import ClaimConfig, check_claim
from assistant.brief.markdown import briefing_markdown, conversation_markdown
from assistant.brief.timeline import make_timeline

__all__ = [
    "BriefingConfig",
    "ClaimConfig",
    "briefing_markdown",
    "check_claim",
    "conversation_markdown",
    "make_briefing",
    "make_timeline",
]
