"""The errors a user can cause. The CLI turns them into one line and an exit code,
the app into a message in the chat; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base class: the message is written for the user and names the bad value."""

    exit_code = 1


class CorpusFileError(AssistantError):
    """A file in the corpus that cannot be read; the rest of the corpus still is."""

    def __init__(self, path: Path | str, reason: str, excluded: bool = False) -> None:
        self.path = str(path)
        self.reason = reason
        self.excluded = excluded  # left out on purpose (a copy, a link out), not unreadable
        super().__init__(f"{self.path}: {reason}")


class CorpusError(AssistantError):
    """The corpus folder itself is missing or holds nothing to index."""

    exit_code = 2


class IndexMissingError(AssistantError):
    """No index has been built at the given path yet."""

    exit_code = 3

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        super().__init__(
            f"no index at {self.path}: build it with `assistant index` "
            "(or point --index / ASSISTANT_INDEX at an existing one)"
        )


class QuestionError(AssistantError):
    """A question that cannot be asked as it is (empty, too long, ...)."""

    exit_code = 4


class BackendError(AssistantError):
    """A service the assistant was configured to use (Chroma server, LLM) failed."""

    exit_code = 5


class ModelIntegrityError(AssistantError):
    """The bundled embedding model is missing or its weights are not the expected ones."""

    exit_code = 6


class ConfigError(AssistantError):
    """A setting (environment variable or flag) has a value that cannot be used."""

    exit_code = 2


class IndexWriteError(AssistantError):
    """The index folder cannot be written (read-only, disk full); the last index stands."""

    exit_code = 8

    def __init__(self, path: Path | str, detail: str) -> None:
        self.path = str(path)
        super().__init__(
            f"cannot write the index in {self.path} ({detail}): free some space or make the "
            "folder writable, then build again; the previous index is unchanged"
        )
