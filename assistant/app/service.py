"""The app's side of the pipeline: one `Pipeline` shared by every browser tab and the API,
calls serialised by a lock, a missing index built in the background with progress, and an
existing one answering questions while a build brings it up to date.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.brief.briefing import make_briefing
from assistant.brief.claims import check_claim
from assistant.brief.timeline import make_timeline
from assistant.errors import AssistantError, IndexMissingError, QuestionError
from assistant.pipeline import Pipeline
from assistant.retrieve.followups import Turn
from assistant.types import (
    Answer,
    Briefing,
    BuildReport,
    ClaimCheck,
    Document,
    Filters,
    Timeline,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexStatus:
    """What the status line shows: loading, building (done of total chunks), updating (an
    index exists and answers while a build runs), ready, failed."""

    state: str
    message: str
    done: int = 0
    total: int = 0

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def answering(self) -> bool:
        """Questions are answered: the index is ready, or being updated behind the scenes."""
        return self.state in ("ready", "updating")


class Service:
    """Answers questions for the app; opens (or first builds) the index on `start`."""

    def __init__(self, pipeline: Pipeline, wait_seconds: float = 60.0) -> None:
        self.pipeline = pipeline
        # A question asked while the index is prepared waits this long for it, then is
        # told how far the build has got.
        self.wait_seconds = wait_seconds
        self._prepared = threading.Event()
        # The pipeline caches its reader and answerer; a build replaces them. One call at a time.
        self._lock = threading.Lock()
        self._status = IndexStatus("loading", "Opening the index…")
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> IndexStatus:
        return self._status

    def start(self) -> None:
        """Bring the index up to date with the corpus in the background (building it if
        there is none), then open it."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._prepare, name="index", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> IndexStatus:
        """Block until the index is ready or has failed (for scripts and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._status

    def _prepare(self) -> None:
        try:
            if self._open_existing():
                # Questions are answered from this index while the corpus is checked.
                report, warning = self._update()
            else:
                with self._lock:
                    first = "Building the index for the first time: reading the corpus…"
                    report, warning = self._build(first), ""
                    self._status = IndexStatus("loading", "Loading the embedding model…")
                    self.pipeline.answerer  # noqa: B018 - load the model now, not at a question
            with self._lock:
                self._status = self._ready_status(report, warning)
        except AssistantError as e:
            self._status = IndexStatus("failed", f"The index is not available: {e}")
        except Exception as e:  # a bug: keep its traceback in the log, say so in the page
            log.exception("preparing the index failed")
            self._status = IndexStatus("failed", f"Preparing the index failed: {e!r}")
        finally:
            self._prepared.set()

    def _open_existing(self) -> bool:
        """Open the index and load the model if there is an index: then questions can be
        answered while it is brought up to date."""
        with self._lock:
            try:
                self.pipeline.reader  # noqa: B018 - raises when there is no index yet
            except IndexMissingError:
                return False
            self._status = IndexStatus("loading", "Loading the embedding model…")
            self.pipeline.answerer  # noqa: B018
            summary = self._ready_status(None).message.removeprefix("Ready: ")
            self._status = IndexStatus(
                "updating",
                f"Answering from the last build ({summary.rstrip('.')}). "
                "Checking the corpus for new or changed documents…",
            )
            return True

    def _update(self) -> tuple[BuildReport | None, str]:
        """An incremental build (cheap when nothing changed), by a pipeline of its own so
        that questions keep being answered from the committed index until the new one is
        committed. If it fails, that index stays, with a warning."""
        builder = Pipeline(
            self.pipeline.settings, self.pipeline.embed_model, self.pipeline.model_id
        )
        try:
            report = builder.build(self._progress("updating", "; answering from the last build"))
        except AssistantError as e:
            return None, f" Could not update the index ({e}): answering from the last build."
        except Exception as e:  # a bug in a build must not take the working index away
            log.exception("updating the index failed")
            return None, f" Could not update the index ({e!r}): answering from the last build."
        changed = report.added or report.updated or report.removed or report.skipped
        return (report if changed else None), ""

    def _build(self, message: str) -> BuildReport:
        self._status = IndexStatus("building", message)
        return self.pipeline.build(self._progress("building"))

    def _progress(self, state: str, note: str = "") -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            message = f"Building the index: {done} of {total} passages embedded{note}"
            self._status = IndexStatus(state, message, done, total)

        return progress

    def _ready_status(self, report: BuildReport | None, warning: str = "") -> IndexStatus:
        reader = self.pipeline.reader
        years = [d.meta.year for d in reader.documents.values() if d.meta.year]
        span = f", published {min(years)} to {max(years)}" if years else ""
        message = f"Ready: {len(reader.documents)} documents, {len(reader.chunks)} passages{span}."
        if report is not None:
            message = f"Index updated in {report.seconds:.0f} s. " + message
            if report.skipped:
                names = ", ".join(f"{s.path} ({s.reason})" for s in report.skipped[:3])
                message += f" Skipped {len(report.skipped)} unreadable file(s): {names}."
        return IndexStatus("ready", message + warning)

    def documents(self) -> Mapping[str, Document]:
        """The indexed documents; empty until the index is ready."""
        if not self._status.answering:
            return {}
        with self._lock:
            return dict(self.pipeline.reader.documents)

    def ask(
        self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None
    ) -> Answer:
        """`Pipeline.ask`, or a readable error while the index is not ready."""
        self._check_ready()
        with self._lock:
            return self.pipeline.ask(question, history, filters)

    def brief(self, topic: str, filters: Filters | None = None) -> Briefing:
        """A briefing note on a topic, or a readable error while the index is not ready."""
        self._check_ready()
        with self._lock:
            return make_briefing(self.pipeline, topic, filters)

    def timeline(self, topic: str, filters: Filters | None = None) -> Timeline:
        """The dated events (on a topic, when given), or a readable error while the index
        is not ready."""
        self._check_ready()
        with self._lock:
            reader = self.pipeline.reader
            return make_timeline(reader.documents, reader.chunks.values(), topic, filters)

    def check(self, claim: str, filters: Filters | None = None) -> ClaimCheck:
        """A claim's verdict and passages, or a readable error while the index is not ready."""
        self._check_ready()
        with self._lock:
            return check_claim(self.pipeline, claim, filters)

    def _check_ready(self) -> None:
        """Wait for an index being built (a while), then say how far it has got; an index
        being updated answers at once, from its last build."""
        if self._thread is not None and not self._status.answering:
            self._prepared.wait(self.wait_seconds)
        status = self._status
        if status.answering:
            return
        if status.state == "failed":
            raise AssistantError(status.message)
        if self._thread is not None and not self._prepared.is_set():
            raise AssistantError(
                f"The index is still being prepared: {status.message.rstrip('.…')}. Ask again "
                "in a moment."
            )


def filters_from(
    doc_ids: Sequence[str] | None,
    kinds: Sequence[str] | None,
    year_from: int | str | None,
    year_to: int | str | None,
    subjects: Sequence[str] | None = None,
) -> Filters | None:
    """Filters from the app's controls (or the API's arguments); None when nothing is set."""
    lo, hi = _year(year_from, "from"), _year(year_to, "to")
    if lo is not None and hi is not None and lo > hi:
        raise QuestionError(f"the year range {lo} to {hi} is empty: swap the two years")
    filters = Filters(
        doc_ids=tuple(doc_ids or ()),
        kinds=tuple(kinds or ()),
        year_from=lo,
        year_to=hi,
        subjects=tuple(subjects or ()),
    )
    return filters if filters.active else None


def _year(value: int | str | None, which: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise QuestionError(f"the year {which} must be a year like 2019, not {value!r}") from None
    if not 1900 <= year <= 2100:
        raise QuestionError(f"the year {which} must be between 1900 and 2100, not {year}")
    return year
