"""Load test: the real app (`python app.py`) on loopback, and N concurrent clients asking
its `/ask` API for a fixed time, as scripts would with gradio_client. Reports requests,
errors, latency p50/p95 and the server's memory; exits 1 on any error or if memory keeps
growing. Bounded: loopback only, a fixed client count and duration.

    .venv/bin/python evals/loadtest.py [--clients 20] [--seconds 60] [--index DIR]

It serves the project's index (`ASSISTANT_INDEX`, default `index/`, as `make run` does),
which the app brings up to date with `corpus/` at start; `make test` has just built it
for the eval gate, so the whole run takes about two minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evals.runner import load_cases  # noqa: E402
from assistant.settings import apply_offline_defaults  # noqa: E402

# Memory is "steady" when the last quarter of the run sits within this of the first.
MEMORY_GROWTH_LIMIT = 0.10  # share of the starting RSS
MEMORY_SLACK_MB = 40.0  # allocator noise on top


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def questions(limit: int = 20) -> list[str]:
    """Single-turn questions from the eval set: answerable and not, in file order."""
    cases = load_cases(ROOT / "evals" / "cases.yaml")
    return [c.question for c in cases if c.question][:limit]


def start_server(index: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASSISTANT_INDEX": str(index), "ASSISTANT_PORT": str(port)}
    env["ASSISTANT_HOST"] = "127.0.0.1"
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float) -> Any:
    """A client once the app answers (it may first build the index)."""
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the app exited with code {server.returncode}")
        try:
            client = Client(url, verbose=False)
            client.predict("What does MADRA stand for?", api_name="/ask")
            return client
        except Exception:  # not up yet, or still building its index
            time.sleep(2)
    raise SystemExit(f"the app was not ready after {timeout:.0f} s")


def run_clients(url: str, qs: list[str], clients: int, seconds: float) -> dict[str, Any]:
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client_loop(n: int) -> None:
        client = Client(url, verbose=False)
        i = n
        while time.monotonic() < stop_at:
            question = qs[i % len(qs)]
            i += clients
            started = time.perf_counter()
            try:
                got = client.predict(question, api_name="/ask")
                ok = isinstance(got, dict) and "answer" in got
                problem = None if ok else f"unexpected reply {str(got)[:80]}"
            except Exception as e:
                problem = f"{type(e).__name__}: {str(e)[:120]}"
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    return {"latencies": latencies, "errors": errors}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--index", type=Path, default=Path(os.environ.get("ASSISTANT_INDEX", ROOT / "index")),
        help="the index to serve (default: ASSISTANT_INDEX or index/; built if missing)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "loadtest.json")
    args = parser.parse_args()
    apply_offline_defaults(os.environ)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    index = args.index
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(index, port, args.out.with_suffix(".server.log"))
    try:
        t0 = time.monotonic()
        client = wait_ready(url, server, timeout=300)
        qs = questions()
        for q in qs:  # warm-up: model, caches and every question once, before measuring
            client.predict(q, api_name="/ask")
        ready_s = time.monotonic() - t0
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1.0):
                samples.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = run_clients(url, qs, args.clients, args.seconds)
        done.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(30)
    lat = result["latencies"]
    quarter = max(1, len(samples) // 4)
    first, last = statistics.median(samples[:quarter]), statistics.median(samples[-quarter:])
    steady = last <= first * (1 + MEMORY_GROWTH_LIMIT) + MEMORY_SLACK_MB
    figures = {
        "clients": args.clients, "seconds": args.seconds, "requests": len(lat),
        "errors": len(result["errors"]), "throughput_per_s": round(len(lat) / args.seconds, 2),
        "p50_s": round(percentile(lat, 0.50), 3), "p95_s": round(percentile(lat, 0.95), 3),
        "max_s": round(max(lat, default=0.0), 3), "rss_first_quarter_mb": round(first, 1),
        "rss_last_quarter_mb": round(last, 1), "rss_peak_mb": round(max(samples), 1),
        "memory_steady": steady, "startup_and_warmup_s": round(ready_s, 1),
    }  # fmt: skip
    args.out.write_text(json.dumps({**figures, "error_samples": result["errors"][:10]}, indent=1))
    print(
        f"{args.clients} clients for {args.seconds:.0f} s: {len(lat)} answers, "
        f"{len(result['errors'])} errors; latency p50 {figures['p50_s']} s, "
        f"p95 {figures['p95_s']} s, max {figures['max_s']} s; server RSS {first:.0f} MB -> "
        f"{last:.0f} MB (peak {figures['rss_peak_mb']:.0f} MB, "
        f"{'steady' if steady else 'GROWING'})"
    )
    for problem in result["errors"][:10]:
        print(f"  error: {problem}")
    return 0 if not result["errors"] and steady and lat else 1


if __name__ == "__main__":
    sys.exit(main())
