"""What every benchmark section shares: timing and percentiles, memory and disk sizes,
a Chroma server on loopback. Measurements only; no section logic here."""

from __future__ import annotations

import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], Any]) -> float:
    """Milliseconds `fn()` took."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def interleaved(
    paths: dict[str, Callable[[str], Any]], questions: list[str], repeat: int = 1
) -> dict[str, list[float]]:
    """Milliseconds per call of each path in a warm process (one call each first,
    unmeasured), the paths taking turns question by question: load from other work on a
    shared machine then falls on every path alike, and their ratios hold."""
    for fn in paths.values():
        fn(questions[0])
    found: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeat):
        for q in questions:
            for name, fn in paths.items():
                found[name].append(timed(partial(fn, q)))
    return found


def summary(values: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "n": len(values)}


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory now (MB)."""
    return _status_mb(pid, "VmRSS:")


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory so far (MB)."""
    if pid == "self":
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _status_mb(pid, "VmHWM:")


def _status_mb(pid: int | str, field: str) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


@contextmanager
def chroma_server(data: Path) -> Iterator[tuple[str, int]]:
    """A Chroma server on 127.0.0.1 storing under `data`: its URL and process id."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        raise RuntimeError("the chroma command comes with the chromadb package")
    port = free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/api/v2/heartbeat")
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def growth(sizes: list[int], values: list[float]) -> float | None:
    """How a measure grows with size: the exponent b of value ~ size^b, from the end points
    (0: flat, 1: linear)."""
    import math

    if len(sizes) < 2 or values[0] <= 0 or values[-1] <= 0:
        return None
    return round(math.log(values[-1] / values[0]) / math.log(sizes[-1] / sizes[0]), 3)
