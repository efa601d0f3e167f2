"""kill -9 of the runner while it sends email to a real SMTP server (STARTTLS, login): no email twice."""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from engine import config
from engine.runtime.lease import status
from engine.runtime.run import Engine
from storage.db import open_database
from storage.models import Enrollment, OutboxMessage
from tests.reliability.smtp_server import PASSWORD, USER, Server
from tests.runtime.shop import Shop
from tests.runtime.test_rules import INFO, build
from tests.runtime.test_runner_process import KILLS, runner

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals")


def test_kill_9_while_emailing_never_sends_an_email_twice(shop: Shop, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    server = Server(tmp_path, security="starttls")
    server.mailbox.delay = 0.04  # a slow server: kills land while an email is in flight
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cafile))  # the runners (and this process) trust it
        build(shop, [("message.sms", INFO), ("message.email", {**INFO, "subject": "{{ customer.first_name }}님 안내"})])
        with shop.db.session() as session:
            config.set_values(session, {"email.provider": "smtp", "smtp.host": "127.0.0.1",
                                        "smtp.port": str(server.port), "smtp.security": "starttls",
                                        "smtp.user": USER, "smtp.password": PASSWORD,
                                        "email.from": "shop@example.com"})
        path = Path(shop.db.url.removeprefix("sqlite:///"))
        rng = random.Random(20261129)
        kills = max(KILLS // 6, 8)
        customers: list[int] = []
        killed: set[str] = set()
        for _ in range(kills):
            customers += [shop.signup("2026-03-02 09:59") for _ in range(6)]
            process = runner(path)
            started = time.monotonic()  # until this runner holds the lease (a loaded PC takes seconds to start)
            while status(shop.db).pid != process.pid and time.monotonic() - started < 60:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.1, 1.2))  # then into its first tick: entering, queueing, emailing
            os.kill(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)
            killed.add(str(process.pid))
        by_runners = len(server.mailbox.received)
        db = open_database(path)
        engine = Engine(db, main._channels(db, shop.clock))
        for _ in range(5):
            engine.run_once(shop.clock)
        received = Counter(server.mailbox.message_ids())
        assert not [mid for mid, count in received.items() if count > 1], "an email was sent twice"
        with db.session() as session:
            rows = session.execute(select(OutboxMessage.status, OutboxMessage.reason, OutboxMessage.provider_id,
                                          OutboxMessage.claimed_by).where(OutboxMessage.channel == "email")).all()
            statuses = {status for (status,) in session.execute(select(Enrollment.status))}
        assert len(rows) == len(customers) and statuses == {"exited"}
        for state, reason, provider_id, claimed_by in rows:
            assert state in {"sent", "held"}, (state, reason)
            if state == "sent":
                assert received[provider_id] == 1
            else:  # only the email in flight when its runner was killed
                assert reason == "ambiguous_send" and claimed_by.rpartition(":")[2] in killed
        held = sum(1 for row in rows if row[0] == "held")
        assert held <= kills and len(received) >= len(rows) - held
        assert by_runners > 0  # the killed runners did send (the kills land around the sends)
        print(f"kills={kills} emails={len(rows)} held={held} received={len(received)} by the killed runners={by_runners}")
    finally:
        server.stop()
