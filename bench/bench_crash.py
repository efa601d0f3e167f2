"""Crash safety at benchmark size (issue #4): the kill -9 test with 200 kills instead of CI's 50 (and
100 instead of 25 while passes write through a writer process).

Runs tests/runtime/test_runner_process.py::test_kill_9_never_sends_twice_or_loses_a_customer with
DANGOL_CRASH_KILLS=200; the test itself asserts 0 duplicate sends, every customer entered exactly once,
and every message sent or held with a reason. Figures: kills, messages, held for review, seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLS = 200


def run() -> dict[str, float]:
    env = {**os.environ, "DANGOL_CRASH_KILLS": str(KILLS), "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         "tests/runtime/test_runner_process.py::test_kill_9_never_sends_twice_or_loses_a_customer"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    found = re.findall(r"kills=(\d+) customers=(\d+) messages=(\d+) held=(\d+) received=(\d+)", result.stdout)
    if result.returncode != 0 or not found:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-2000:])
    # both pipelines of the test (one batch a pass; batches through a writer process), added up
    kills, customers, messages, held, received = (sum(int(run[i]) for run in found) for i in range(5))
    return {"crash_kills": kills, "crash_customers": customers, "crash_messages": messages, "crash_duplicate_sends": 0,
            "crash_held_for_review": held, "crash_provider_received": received, "crash_s": round(elapsed, 1)}
