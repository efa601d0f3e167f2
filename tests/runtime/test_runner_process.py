"""The runner as a real process: one per database, a clean stop on SIGTERM, and crash safety under kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import config
from engine.delivery.adapters.webhook import WebhookChannel
from engine.runtime.lease import status
from engine.runtime.run import Engine
from storage.db import data_dir, open_database
from storage.models import Enrollment, OutboxMessage, StepLog
from tests.conftest import ROOT
from tests.runtime.shop import Shop
from tests.runtime.test_rules import INFO, build

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals")
NOW = "2026-03-02T10:00"
KILLS = int(os.environ.get("DANGOL_CRASH_KILLS", "50"))


class Provider:
    """A local fake SMS provider: records the Idempotency-Key of every request it receives."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                json.loads(self.rfile.read(length))
                time.sleep(0.002)
                with provider.lock:
                    provider.keys.append(self.headers["Idempotency-Key"])
                body = json.dumps({"id": f"p{len(provider.keys)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider() -> Iterator[Provider]:
    fake = Provider()
    yield fake
    fake.close()


def runner(db_path: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "--now", NOW, "runner",
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def prepare(shop: Shop, provider: Provider) -> Path:
    build(shop, [("message.sms", INFO), ("message.email", {**INFO, "subject": "안내"})])
    with shop.db.session() as session:
        config.set_values(session, {"sms.provider": "webhook", "email.provider": "webhook",
                                    "delivery.webhook_url": provider.url})
    return Path(shop.db.url.removeprefix("sqlite:///"))


def wait_running(shop: Shop, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if status(shop.db).state == "running":
            return
        time.sleep(0.05)
    raise AssertionError("the runner did not start")


def test_second_runner_exits_2_and_sigterm_stops_cleanly(shop: Shop, provider: Provider) -> None:
    path = prepare(shop, provider)
    first = runner(path)
    try:
        wait_running(shop)
        second = runner(path)
        _out, err = second.communicate(timeout=30)
        assert second.returncode == 2
        assert err.strip().startswith("error: another runner is already running") and len(err.strip().splitlines()) == 1
        assert "Traceback" not in err
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0
    assert status(shop.db).state == "stopped"
    again = runner(path, "--max-ticks", "1")  # a stopped runner's lease is free at once
    again.communicate(timeout=30)
    assert again.returncode == 0


# In one transaction per pass (a few due rows), or pipelined: batches of 4 rows committed by a writer
# process of the runner's (from 2 batches on), so kills also land while that process writes.
PIPELINES = {"one batch": ({}, KILLS),
             "writer process": ({"DANGOL_RUNNER_BATCH": "4", "DANGOL_WRITER_PROCESS_FROM": "2"}, max(KILLS // 2, 10))}


@pytest.mark.parametrize("pipeline", list(PIPELINES))
def test_kill_9_never_sends_twice_or_loses_a_customer(shop: Shop, provider: Provider, pipeline: str) -> None:
    path = prepare(shop, provider)
    env, kills = PIPELINES[pipeline]
    rng = random.Random(20261125)
    customers: list[int] = []
    killed: set[str] = set()
    for _ in range(kills):
        customers += [shop.signup("2026-03-02 09:59") for _ in range(6)]
        process = runner(path, env=env)
        started = time.monotonic()  # until this runner holds the lease (a loaded PC takes seconds to start)
        while status(shop.db).pid != process.pid and time.monotonic() - started < 60:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.1, 1.2))  # then into its passes: entering, queueing, sending, writing
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        killed.add(str(process.pid))
    # the PC comes back: passes run until nothing is left to do
    db = open_database(path)
    engine = Engine(db, {name: WebhookChannel(provider.url) for name in ("sms", "email", "kakao", "owner")})
    for _ in range(5):
        engine.run_once(shop.clock)
    received = Counter(provider.keys)
    assert not [key for key, count in received.items() if count > 1], "a message was sent twice"
    with db.session() as session:
        rows = session.execute(select(OutboxMessage.idem_key, OutboxMessage.status, OutboxMessage.reason,
                                      OutboxMessage.claimed_by)).all()
        enrollments = session.execute(select(Enrollment.customer_id, Enrollment.status)).all()
        entered = session.execute(select(StepLog.enrollment_id, func.count()).where(StepLog.event == "entered")
                                  .group_by(StepLog.enrollment_id)).all()
    assert sorted(c for c, _ in enrollments) == sorted(customers)  # each customer entered exactly once
    assert {s for _, s in enrollments} == {"exited"}  # every one reached the exit node
    assert all(count == 1 for _, count in entered)
    assert len(rows) == 2 * len(customers)
    for key, state, reason, claimed_by in rows:
        assert state in {"sent", "held"}, (key, state, reason)
        if state == "sent":
            assert received[key] == 1, key
        else:  # held for review only when its sender was killed while it was in flight
            assert reason == "ambiguous_send" and claimed_by.rpartition(":")[2] in killed
    held = sum(1 for row in rows if row[1] == "held")
    assert held <= kills  # at most the one message in flight at each kill
    if env:  # the killed runners did write through writer processes
        logs = "".join(path.read_text(encoding="utf-8") for path in (data_dir() / "logs").glob("*.log*"))
        assert "writes through writer process" in logs
    print(f"kills={kills} customers={len(customers)} messages={len(rows)} held={held} received={len(received)}")
