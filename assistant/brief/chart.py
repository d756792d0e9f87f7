"""The timeline as a chart (plotly, drawn by the app's bundled plotly.js, nothing fetched):
events on a date axis, one row per kind of event, the sentence and sources on hover.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import plotly.graph_objects as go

from assistant.brief.timeline import KINDS
from assistant.types import Timeline, TimelineEvent

ROWS = tuple(kind for kind, _ in KINDS)
COLOURS = {
    "inspection": "#2563eb", "revisit": "#7c3aed", "review": "#0891b2",
    "publication": "#d97706", "initiative": "#16a34a",
}  # fmt: skip


def plotted_day(iso: str) -> dt.date:
    """Where an event sits on the axis: a date known to the day on that day; one known
    to the month or year in the middle of it (the label keeps the real precision)."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return dt.date(parts[0], parts[1], parts[2])
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 15)
    return dt.date(parts[0], 7, 1)


def _hover(ev: TimelineEvent, timeline: Timeline) -> str:
    sources = {timeline.citations[n - 1].n: timeline.citations[n - 1] for n in ev.citations}
    cited = "<br>".join(
        f"[{n}] {_escape(c.title[:70])} ({_escape(c.publisher or 'publisher unknown')})"
        for n, c in sources.items()
    )
    sentence = "<br>".join(textwrap.wrap(_escape(ev.text[:400]), 80))
    return f"<b>{ev.date_label}</b> · {ev.kind}<br>{sentence}<br><i>{cited}</i>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def timeline_figure(timeline: Timeline) -> go.Figure:
    """Dates on the x axis, kinds of event as rows; each point labelled with its date as
    the text gives it, the entry and its sources on hover."""
    fig = go.Figure()
    for kind in ROWS:
        events = [ev for ev in timeline.events if ev.kind == kind]
        if not events:
            continue
        fig.add_trace(
            go.Scatter(
                x=[plotted_day(ev.date) for ev in events],
                y=[kind] * len(events),
                mode="markers+text",
                text=[ev.date_label for ev in events],
                # Alternate above and below, so neighbours' dates do not overprint.
                textposition=["top center" if i % 2 == 0 else "bottom center"
                              for i in range(len(events))],
                marker={"size": 14, "color": COLOURS.get(kind, "#475569"),
                        "line": {"width": 1, "color": "white"}},
                hovertext=[_hover(ev, timeline) for ev in events],
                hoverinfo="text",
                name=kind,
            )
        )  # fmt: skip
    fig.update_layout(
        height=360,
        margin={"l": 90, "r": 30, "t": 30, "b": 40},
        showlegend=False,
        hoverlabel={"align": "left"},
        xaxis={"title": "date of the event", "type": "date", "showgrid": True},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(ROWS))},
    )
    return fig
