"""The app's look and its one piece of page script: a theme with system fonts only (nothing
fetched from other hosts), the CSS for bubbles and source cards, and the marker-click handler.
"""

from __future__ import annotations

from typing import Any

SANS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]


def theme() -> Any:
    """Gradio's default theme with plain font names: the stock one pulls web fonts."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=SANS, font_mono=MONO
    ).set(body_background_fill="*neutral_50", body_background_fill_dark="*neutral_950")


# Clicking a marker [n] opens its answer's group in the sources panel and scrolls its card
# into view. Anchors alone would do the scrolling, but not open a folded group or flash.
MARKER_JS = """
() => {
  if (window.__citeHandler) return;
  window.__citeHandler = true;
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.cite") : null;
    if (!link) return;
    const target = document.getElementById((link.getAttribute("href") || "").slice(1));
    if (!target) return;
    event.preventDefault();
    const group = target.closest("details");
    if (group) group.open = true;
    target.scrollIntoView({behavior: "smooth", block: "nearest"});
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
  }, true);
}
"""

CSS = """
#briefing-note h1 { font-size: 1.45rem; margin: 0.6rem 0 0.4rem; }
#briefing-note h2 { font-size: 1.08rem; margin: 1.1rem 0 0.2rem; }
.briefing-intro { color: var(--body-text-color-subdued); margin: 0.2rem 0; }
.app-header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; }
.app-header h1 { font-size: 1.45rem; margin: 0; }
.app-header p { margin: 0; color: var(--body-text-color-subdued); }
.status { display: flex; align-items: center; gap: 8px; font-size: .9rem; padding: 6px 10px;
  border-radius: 8px; background: var(--block-background-fill);
  border: 1px solid var(--border-color-primary); }
.status .dot { width: 9px; height: 9px; border-radius: 50%; background: #94a3b8; flex: none; }
.status-ready .dot { background: #16a34a; }
.status-building .dot, .status-loading .dot, .status-updating .dot { background: #f59e0b; }
.status-failed { border-color: #dc2626; }
.status-failed .dot { background: #dc2626; }
.status progress { flex: 1; max-width: 260px; }

.msg-label { font-size: .72rem; font-weight: 700; letter-spacing: .06em;
  text-transform: uppercase; margin-bottom: 4px; color: #15803d; }
.msg-meta { font-weight: 400; letter-spacing: 0; text-transform: none;
  color: var(--body-text-color-subdued); margin-left: 6px; }
.msg-answer p, .msg-abstain p, .msg-error p { margin: 0 0 .5em 0; }
.answer-lines p { padding-left: .2em; }
.year-label { font-weight: 700; }
.searched { font-size: .85rem; color: var(--body-text-color-subdued); font-style: italic; }
.notice { font-size: .85rem; color: #b45309; }
a.cite { display: inline-block; text-decoration: none !important; font-size: .78em;
  font-weight: 600; line-height: 1.3; padding: 0 .35em; margin: 0 1px; border-radius: 4px;
  background: #dbeafe; color: #1d4ed8 !important; vertical-align: super; cursor: pointer; }
a.cite:hover { background: #bfdbfe; }
.msg-abstain { border-left: 4px solid #f59e0b; padding: 6px 10px; background: #fffbeb;
  color: #1f2937; border-radius: 4px; }
.msg-abstain .msg-label { color: #b45309; }
.msg-abstain ul { margin: 0; padding-left: 1.2em; }
.msg-abstain a.cite { display: inline; vertical-align: baseline; font-size: 1em; padding: 0;
  background: none; color: #92400e !important; text-decoration: underline !important; }
.suggest-head { font-weight: 600; }
.msg-error { border-left: 4px solid #dc2626; padding: 4px 0 4px 10px; }
.msg-error .msg-label { color: #b91c1c; }
.msg-pending .pending { color: var(--body-text-color-subdued); font-style: italic; }
.cursor { opacity: .6; }

#sources-panel { position: sticky; top: 8px; max-height: calc(100vh - 120px);
  overflow-y: auto !important; padding-right: 6px; }
.panel-title { font-weight: 700; font-size: 1.05rem; margin: 2px 0 8px 0; }
.sources-empty, .empty { color: var(--body-text-color-subdued); font-size: .92rem;
  padding: 8px 2px; }
details.turn { margin-bottom: 10px; }
details.turn > summary { cursor: pointer; font-weight: 600; padding: 6px 2px; }
details.turn .qnum { display: inline-block; font-size: .75rem; padding: 1px 6px;
  border-radius: 4px; background: var(--neutral-200); color: var(--neutral-700);
  margin-right: 4px; }
.group-note.abstain { color: #b45309; font-weight: 600; font-size: .9rem; margin: 4px 0 8px; }
.card { background: var(--block-background-fill); border: 1px solid var(--border-color-primary);
  border-radius: 10px; padding: 10px 14px; margin: 0 0 10px 0; scroll-margin: 16px;
  transition: box-shadow .3s, border-color .3s; }
.card.flash { border-color: #3b82f6; box-shadow: 0 0 0 3px rgba(59, 130, 246, .35); }
.card header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.card .num { display: inline-flex; align-items: center; justify-content: center; min-width: 22px;
  height: 22px; border-radius: 11px; background: #1d4ed8; color: white; font-weight: 700;
  font-size: .8rem; }
.card .date, .corpus .date { font-weight: 700; }
.card .date-note { display: block; width: 100%; font-size: .78rem;
  color: var(--body-text-color-subdued); font-style: italic; }
.card .page { font-size: .8rem; color: var(--body-text-color-subdued); }
.card .title { font-size: .98rem; margin: 6px 0 2px 0; line-height: 1.3; }
.card .byline, .card .about { margin: 0; font-size: .85rem; color: var(--body-text-color-subdued); }
.card .url { margin: 2px 0 6px 0; font-size: .8rem; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.no-url { color: var(--body-text-color-subdued); font-style: italic; }
.card .passage { margin: 6px 0 0 0; padding: 8px 10px; font-size: .86rem; line-height: 1.5;
  border-left: 3px solid var(--border-color-primary); background: var(--background-fill-secondary);
  white-space: normal; }
.card mark { background: #fde68a; color: #1f2937; padding: 0 1px; border-radius: 2px; }
.card.suggestion { border-style: dashed; border-color: #f59e0b; }
.card .tag { font-size: .72rem; font-weight: 700; text-transform: uppercase;
  letter-spacing: .05em; color: #b45309; background: #fef3c7; padding: 1px 6px;
  border-radius: 4px; }

a.source-link { padding: 0 !important; }
.corpus tr, .corpus thead, .corpus tbody { border: none !important; }
.corpus table { width: 100%; border-collapse: collapse; font-size: .92rem;
  border: none !important; }
.corpus th, .corpus td { text-align: left; vertical-align: top; padding: 8px 10px;
  border: none !important; border-bottom: 1px solid var(--border-color-primary) !important; }
.corpus th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--body-text-color-subdued); }
.corpus .c-date { white-space: nowrap; }
.corpus .title { font-weight: 600; }
.corpus .url { white-space: normal; word-break: break-all; margin: 2px 0; }
.corpus .date-note { font-size: .8rem; font-style: italic; color: var(--body-text-color-subdued); }
.corpus code { font-size: .78rem; }
.corpus-head { margin: 4px 0 10px 0; }
/* Timeline and Check tabs */
.timeline { list-style: none; padding: 0; margin: 8px 0; }
.timeline .event { border-left: 3px solid #2563eb; padding: 4px 0 8px 12px; margin: 0 0 6px 6px; }
.timeline .when { display: block; margin: 0; font-size: .9rem; }
.timeline .kind { color: var(--body-text-color-subdued); }
.timeline .entry { display: block; margin: 2px 0; }
.timeline .marks, .evidence b { color: #2563eb; }
.claim-check .verdict { display: inline-block; font-weight: 700; padding: 4px 12px;
  border-radius: 999px; color: white; margin: 4px 0; }
.verdict-supported { background: #16a34a; }
.verdict-partly { background: #d97706; }
.verdict-contradicted { background: #dc2626; }
.verdict-not-found { background: #64748b; }
.evidence-list { list-style: none; padding: 0; }
.evidence { border-left: 3px solid #16a34a; padding-left: 10px; margin-bottom: 8px; }
.evidence.contradicts { border-left-color: #dc2626; }
.evidence.qualifies { border-left-color: #d97706; }
"""
