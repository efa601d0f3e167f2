"""The runner at scale (issue #4): a due tick over 1,000,000 enrollments, an idle tick, a 14-day
catch-up over 300,000 customers, and the runner process's start time and memory.

Each figure that has one is reported next to a bare-sqlite3 floor doing the same row writes in the
same run (`NAME_floor`), so the ratio holds on any machine. Sizes can be shrunk for a quick look:
DANGOL_BENCH_SCALE=0.1 python bench/run.py runtime
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
from runtime_setup import NOW, enroll, line_journey, make_customers, naive, publish_journeys

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("DANGOL_BENCH_SCALE", "1"))
TOTAL = int(1_000_000 * SCALE)
DUE = int(100_000 * SCALE)
CATCHUP_CUSTOMERS = int(300_000 * SCALE)
BODY = "{{ customer.first_name }}님, 지난번 주문은 마음에 드셨나요? {{ shop.name }}에서 소식 전해요."


def _tick_journeys() -> list[dict[str, Any]]:
    return [line_journey(f"벤치 {i}", [
        ("wait", "wait.duration", {"duration": 24 * 60}),
        ("check", "condition@yes", {"rules": [{"field": "total_spent", "op": "gte", "value": 100000}]}),
        ("sms", "message.sms", {"is_ad": False, "body": BODY, "lateness": "send_late"}),
        ("end", "exit", {}),
    ]) for i in range(5)]


def _floor(path: Path) -> float:
    """Bare sqlite3: the same writes the engine makes for each due row (update, 3 log rows, 1 outbox row),
    in the same order (the earliest `window` due rows, taken in id order, `batch` rows a transaction)."""
    from engine.runtime.advance import BATCH as batch
    from engine.runtime.advance import WINDOW

    window = batch * WINDOW
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    stamp = naive(NOW)
    start = time.perf_counter()
    while True:
        due = sorted(con.execute(
            "SELECT id, customer_id FROM enrollments WHERE status = 'active' AND wake_at <= ?"
            " ORDER BY wake_at, id LIMIT ?", (stamp, window)).fetchall())
        for offset in range(0, len(due), batch):
            chunk = due[offset : offset + batch]
            con.execute("BEGIN IMMEDIATE")
            con.executemany("UPDATE enrollments SET node_id = 'end', status = 'exited', wake_at = NULL,"
                            " ended_at = ?, updated_at = ?, data = '{}' WHERE id = ?",
                            ((stamp, stamp, e) for e, _ in chunk))
            con.executemany("INSERT INTO step_log (at, customer_id, journey_id, version_id, enrollment_id, node_id,"
                            " event, reason, detail) VALUES (?, ?, NULL, 1, ?, 'x', 'resumed', NULL, '{}')",
                            ((stamp, c, e) for e, c in chunk for _ in range(3)))
            con.executemany("INSERT INTO outbox (idem_key, enrollment_id, customer_id, channel, is_ad, recipient,"
                            " subject, body, status, not_before, due_at, lateness, lateness_hours, cap_policy,"
                            " attempts, cost_won, created_at) VALUES (?, ?, ?, 'sms', 0, '+82100', '', ?, 'queued',"
                            " ?, ?, 'send_late', 24, 'reschedule', 0, 20, ?)",
                            ((f"floor:{e}", e, c, "안녕하세요 " * 8, stamp, stamp, stamp) for e, c in chunk))
            con.execute("COMMIT")
        if len(due) < window:
            break
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def tick_figures(folder: Path) -> dict[str, float]:
    from engine.clock import FixedClock
    from engine.runtime.advance import Advancer
    from engine.runtime.run import Engine
    from storage.db import open_database

    path = folder / "tick.db"
    customers = TOTAL // 5
    make_customers(path, customers)
    journeys = publish_journeys(path, _tick_journeys())
    rng = random.Random(3)
    due_slots = set(rng.sample(range(TOTAL), DUE))
    # every customer in every journey, entered in random order (as triggers enter them over months):
    # neighbouring enrollment ids belong to unrelated customers
    pairs = [(slot % 5, slot // 5 + 1) for slot in range(TOTAL)]
    random.Random(8).shuffle(pairs)
    rows = []
    for slot in range(TOTAL):
        journey, customer = pairs[slot]
        wake = NOW - timedelta(minutes=rng.randint(1, 600)) if slot in due_slots else NOW + timedelta(days=rng.randint(1, 30))
        rows.append((journey, customer, "wait", wake))
    enroll(path, journeys, rows)
    del rows, pairs, due_slots  # a runner holds none of the set-up's million tuples while it ticks
    gc.collect()
    floor_copy = folder / "floor.db"
    shutil.copy(path, floor_copy)
    floor = _floor(floor_copy)
    db = open_database(path)
    clock = FixedClock(NOW)
    advancer = Advancer()
    start = time.perf_counter()
    counts = advancer.advance_due(db, clock)
    tick = time.perf_counter() - start
    assert counts.advanced == DUE, counts
    with sqlite3.connect(path) as con:  # delivery is another part: mark the queued messages done
        con.execute("UPDATE outbox SET status = 'sent', sent_at = not_before")
    engine = Engine(db, {})
    engine.run_once(clock, deliver=False)  # warm
    idle = []
    for _ in range(15):
        started = time.perf_counter()
        engine.run_once(clock)
        idle.append((time.perf_counter() - started) * 1000)
    db.close()
    return {"tick_100k_due_s": round(tick, 2), "tick_100k_due_s_floor": round(floor, 2),
            "tick_100k_due_ratio": round(tick / floor, 1), "idle_tick_ms": round(statistics.median(idle), 1),
            "tick_queued": counts.queued, "tick_longest_write_ms": round(advancer.longest_write_ms, 1),
            "tick_write_p95_ms": round(sorted(advancer.write_ms)[int(len(advancer.write_ms) * 0.95)], 1),
            "_tick_db": str(path)}


def runner_figures(path: Path) -> dict[str, float]:
    """The runner process on the 1,000,000-row database: start to first finished tick, and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(path), "--now", naive(NOW)
                                .replace(" ", "T") + "+00:00", "runner", "--max-ticks", "1"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        try:  # the runner and any writer process it starts
            family = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(member.memory_info().rss for member in family) / 2**20)
        except psutil.Error:
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    _, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(err)
    return {"runner_start_s": round(elapsed, 2), "runner_rss_mb": round(peak, 1)}


def catchup_figures(folder: Path) -> dict[str, float]:
    """14 days without a runner; 300,000 customers waiting in 5 journeys with different lateness rules."""
    from engine.clock import FixedClock
    from engine.delivery.adapters.base import SendResult
    from engine.runtime.run import Engine
    from storage.db import open_database

    path = folder / "catchup.db"
    make_customers(path, CATCHUP_CUSTOMERS, seed=9)
    policies = [("skip_if_late", 24), ("send_late", 0), ("next_window", 0), ("skip_if_late", 72), ("send_late", 0)]
    graphs = [line_journey(f"캐치업 {i}", [
        ("wait", "wait.duration", {"duration": 60}),
        ("sms", "message.sms", {"is_ad": i % 2 == 0, "body": BODY, "lateness": policy, "lateness_hours": hours}),
        ("wait2", "wait.duration", {"duration": 2 * 24 * 60}),
        ("email", "message.email", {"is_ad": False, "subject": "안내", "body": BODY, "lateness": policy,
                                    "lateness_hours": hours}),
        ("end", "exit", {}),
    ]) for i, (policy, hours) in enumerate(policies)]
    journeys = publish_journeys(path, graphs)
    rng = random.Random(4)
    start_at = NOW - timedelta(days=14)
    rows = [(c % 5, c, "wait", start_at + timedelta(seconds=rng.randint(0, 14 * 86400)))
            for c in range(1, CATCHUP_CUSTOMERS + 1)]
    enroll(path, journeys, rows)

    class Counting:
        sent = 0

        def send(self, message: Any) -> SendResult:
            Counting.sent += 1
            return SendResult("bench")

        def send_many(self, messages: list[Any]) -> list[SendResult]:  # like a provider's bulk API
            Counting.sent += len(messages)
            return [SendResult("bench") for _ in messages]

    db = open_database(path)
    channel = Counting()
    engine = Engine(db, {"sms": channel, "email": channel, "kakao": channel, "owner": channel})
    clock = FixedClock(NOW)
    started = time.perf_counter()
    engine.run_once(clock)
    elapsed = time.perf_counter() - started
    with sqlite3.connect(path) as con:
        too_late = con.execute(
            "SELECT count(*) FROM outbox WHERE status = 'sent' AND lateness = 'skip_if_late'"
            " AND (julianday(sent_at) - julianday(due_at)) * 24 > lateness_hours").fetchone()[0]
        states = dict(con.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
        left = con.execute("SELECT count(*) FROM enrollments WHERE status = 'active' AND wake_at <= ?",
                           (naive(NOW),)).fetchone()[0]
    db.close()
    return {"catchup_14d_s": round(elapsed, 1), "catchup_sent": states.get("sent", 0),
            "catchup_skipped": states.get("skipped", 0), "catchup_deferred": states.get("queued", 0),
            "catchup_sent_beyond_lateness": too_late, "catchup_due_left": left}


def run() -> dict[str, float]:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    folder = Path(tempfile.mkdtemp(prefix="dangol-bench-"))
    os.environ["DANGOL_HOME"] = str(folder)
    try:
        figures = tick_figures(folder)
        figures.update(runner_figures(Path(str(figures.pop("_tick_db")))))
        figures.update(catchup_figures(folder))
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)
