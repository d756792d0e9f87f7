"""One `Settings` object, read once from `ASSISTANT_*` variables and flags at the edge
(CLI, app) and passed down; library code never reads the environment itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

PREFIX = "ASSISTANT_"
# Set at the edge (CLI, app) before model or UI libraries load: the model is local,
# nothing should phone home (Gradio analytics, Chroma telemetry) or draw progress bars,
# and the model's threads should share the CPU politely.
OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    # PyTorch's OpenMP threads sleep between operations instead of spinning: on a machine
    # whose cores other work is using, a spinning thread waits for one that is not running,
    # and embedding a question took ~480 ms instead of ~12 ms (2 cores, load average 3).
    "OMP_WAIT_POLICY": "PASSIVE",
}


def apply_offline_defaults(environ: MutableMapping[str, str]) -> None:
    """Fill in `OFFLINE_DEFAULTS` where the user has not set a value."""
    for name, value in OFFLINE_DEFAULTS.items():
        environ.setdefault(name, value)


@dataclass(frozen=True)
class LLMSettings:
    """An optional generative answerer; `provider` empty means extractive only."""

    provider: str = ""  # "", "openai" (any OpenAI-compatible endpoint) or "ollama"
    model: str = ""
    base_url: str = ""
    api_key: str = ""
    timeout: float = 60.0

    @property
    def enabled(self) -> bool:
        return bool(self.provider)


@dataclass(frozen=True)
class Settings:
    corpus: Path = Path("corpus")
    index: Path = Path("index")
    chroma_url: str = ""  # empty: the embedded store under `index`; else a Chroma server
    collection: str = "passages"
    chunk_tokens: int = 160
    chunk_overlap: int = 32
    embed_batch: int = 64  # chunks embedded (and stored) per step of a build
    top_k: int = 12
    fusion: str = "rrf"  # "rrf" or "weighted"
    dense_weight: float = 0.5  # used by the weighted fusion only
    abstain_threshold: float | None = None  # None: the calibrated default
    max_question_chars: int = 2000
    max_file_mb: float = 20.0  # a larger corpus file is reported and skipped, not read
    llm: LLMSettings = field(default_factory=LLMSettings)
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password" for the app's login
    queue_size: int = 64  # requests waiting in the app's queue before new ones are refused
    allow_remote: bool = False  # serve on a non-loopback address without auth

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from `ASSISTANT_*` variables, then explicit overrides (flags) on top."""
        values: dict[str, Any] = {}
        llm: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "llm":
                continue
            raw = env.get(PREFIX + f.name.upper())
            if raw not in (None, ""):
                values[f.name] = _parse(PREFIX + f.name.upper(), raw, f.type)
        for f in dataclasses.fields(LLMSettings):
            name = "LLM" if f.name == "provider" else "LLM_" + f.name.upper()
            raw = env.get(PREFIX + name)
            if raw not in (None, ""):
                llm[f.name] = _parse(PREFIX + name, raw, f.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["llm"] = LLMSettings(**llm) if "llm" not in overrides else overrides["llm"]
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.fusion not in ("rrf", "weighted"):
            raise ConfigError(f"ASSISTANT_FUSION must be 'rrf' or 'weighted', not {self.fusion!r}")
        if not 16 <= self.chunk_tokens <= 2048:
            raise ConfigError(f"chunk size must be 16-2048 tokens, not {self.chunk_tokens}")
        if not 0 <= self.chunk_overlap < self.chunk_tokens // 2:
            raise ConfigError(
                f"chunk overlap must be below half the chunk size, not {self.chunk_overlap}"
            )
        if self.llm.provider not in ("", "openai", "ollama"):
            raise ConfigError(
                f"ASSISTANT_LLM must be 'openai' or 'ollama' (or unset), not {self.llm.provider!r}"
            )
        if self.max_file_mb <= 0:
            raise ConfigError(f"ASSISTANT_MAX_FILE_MB must be positive, not {self.max_file_mb}")
        if self.auth and ":" not in self.auth:
            raise ConfigError("ASSISTANT_AUTH must look like user:password")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _parse(var: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    try:
        if "bool" in kind:
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if "Path" in kind:
            return Path(raw).expanduser()
        if kind.startswith("int"):
            return int(raw)
        if "float" in kind:
            return float(raw)
    except ValueError:
        raise ConfigError(f"{var}={raw!r} is not a valid {kind}") from None
    return raw
