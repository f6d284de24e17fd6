"""Running commands and timing them: wall-clock and CPU seconds, medians of several runs,
the load average beside every result.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

try:
    import resource  # CPU time of finished child processes (Unix)
except ImportError:  # pragma: no cover - Windows
    resource = None


REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh_CN")
KB = 1000


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (and theirs)."""
    if resource is None:  # pragma: no cover
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict[str, str], timeout: float = 900) -> dict:
    """Run a command; return its wall-clock and CPU seconds, exit status and output."""
    cpu = children_cpu()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        status, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as error:
        status, output = None, f"timed out after {timeout} s: {error.stdout or ''}"
    return {
        "wall": time.perf_counter() - start,
        "cpu": children_cpu() - cpu,
        "status": status,
        "output": output,
    }


def summarise(runs: list[dict]) -> dict:
    """Median wall-clock and CPU seconds of several runs, and every sample."""
    return {
        "median": statistics.median(r["wall"] for r in runs),
        "cpu_median": statistics.median(r["cpu"] for r in runs),
        "samples": [round(r["wall"], 3) for r in runs],
        "ok": all(r["status"] == 0 for r in runs),
        "load": load(),
    }


def repeat(command: list[str], env: dict[str, str], times: int) -> dict:
    runs = [run(command, env) for _ in range(times)]
    result = summarise(runs)
    if not result["ok"]:
        result["error"] = next(r["output"] for r in runs if r["status"] != 0)[-2000:]
    return result


def python_code(code: str, env: dict[str, str], times: int) -> dict:
    return repeat([sys.executable, "-c", code], env, times)
