"""Delivery (issue #13): messages a second through the real dispatcher (engine/delivery/dispatch.py) to a
local SMTP server (aiosmtpd, one connection for the pass) and to a fake provider answering in 300 ms with a
10/s limit (the app must reach ≥ 95 % of it and never pass it: no 429), and 100,000 SMS through a fake
bulk API (NHN Cloud's, 1,000 recipients a request, 50 ms each) next to a bare loop posting the same 100
requests (`delivery_100k_bulk_s_floor`).

The queued messages are written with bare sqlite3 (what the runner would have queued); the timing is the
dispatcher's alone: claims, `sending` marks, the requests, the outcomes. Sizes can be shrunk:
DANGOL_BENCH_SCALE=0.1 python bench/run.py delivery
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from runtime_setup import NOW, make_customers, naive

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("DANGOL_BENCH_SCALE", "1"))
SMTP_COUNT = max(50, int(2_000 * SCALE))
RATED_COUNT = max(30, int(300 * SCALE))
BULK_COUNT = max(1_000, int(100_000 * SCALE))
LIMIT = 10  # requests a second the fake provider takes
LATENCY = 0.3
BULK_LATENCY = 0.05
BULK_SIZE = 1_000


def queue(path: Path, channel: str, count: int, personal: bool) -> None:
    """`count` informational messages due now, one per customer (bare sqlite3)."""
    stamp = naive(NOW)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany(
        "INSERT INTO outbox (idem_key, enrollment_id, customer_id, channel, is_ad, recipient, subject, body, status,"
        " not_before, due_at, lateness, lateness_hours, cap_policy, attempts, cost_won, created_at)"
        " VALUES (?, NULL, ?, ?, 0, ?, ?, ?, 'queued', ?, ?, 'send_late', 24, 'reschedule', 0, 20, ?)",
        ((f"bench:{channel}:{i}", i, channel, f"c{i}@example.com" if channel == "email" else f"010{20000000 + i}",
          "주문 안내" if channel == "email" else "",
          f"고객 {i}번님, 주문하신 상품이 출발했습니다." if personal else "이번 주 배송은 금요일에 출발합니다.",
          stamp, stamp, stamp) for i in range(1, count + 1)))
    con.commit()
    con.close()


def sent(path: Path, channel: str) -> int:
    with sqlite3.connect(path) as con:
        return int(con.execute("SELECT count(*) FROM outbox WHERE channel = ? AND status = 'sent'", (channel,))
                   .fetchone()[0])


def deliver(path: Path, channels: dict[str, Any]) -> float:
    from engine.clock import FixedClock
    from engine.delivery.dispatch import deliver_due
    from storage.db import open_database

    db = open_database(path)
    started = time.perf_counter()
    deliver_due(db, FixedClock(NOW), channels)
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def smtp_figures(folder: Path) -> dict[str, float]:
    from engine.delivery.adapters.smtp import SmtpChannel, SmtpSettings
    from tests.reliability.smtp_server import Server

    path = folder / "smtp.db"
    make_customers(path, SMTP_COUNT)
    queue(path, "email", SMTP_COUNT, personal=True)
    server = Server(folder, security="none", auth=False)
    try:
        channel = SmtpChannel(SmtpSettings(host="127.0.0.1", port=server.port, security="none",
                                           sender="shop@dangol-demo.kr", sender_name="단골상회"))
        elapsed = deliver(path, {"email": channel})
        received = len(server.mailbox.received)
    finally:
        server.stop()
    assert sent(path, "email") == SMTP_COUNT == received, (sent(path, "email"), received)
    return {"delivery_msgs_per_s_smtp": round(SMTP_COUNT / elapsed, 1)}


def _nhn(url: str) -> Any:
    from engine.delivery.adapters import nhn

    nhn.SMS_URL = url
    return nhn.NhnSms(nhn.NhnSettings(app_key="bench", secret_key="bench", sender="02-1234-5678", title="단골상회"))


def rated_figures(folder: Path) -> dict[str, float]:
    from tests.reliability.fake_nhn import FakeNhn

    path = folder / "rated.db"
    make_customers(path, RATED_COUNT)
    queue(path, "sms", RATED_COUNT, personal=True)  # personal texts: one request each
    fake = FakeNhn(latency=LATENCY, limit=LIMIT)
    try:
        channel = _nhn(fake.url)
        channel.rate_per_s = LIMIT
        elapsed = deliver(path, {"sms": channel})
    finally:
        fake.stop()
    assert sent(path, "sms") == RATED_COUNT
    return {"delivery_msgs_per_s_provider": round(RATED_COUNT / elapsed, 2),
            "delivery_rate_limit_ratio": round(fake.rate() / LIMIT, 3),
            "delivery_rate_limit_ratio_end_to_end": round(RATED_COUNT / elapsed / LIMIT, 3),
            "delivery_rate_limit_busiest_second": fake.busiest_second(),
            "delivery_rate_limit_429s": fake.refused_429,
            "delivery_provider_max_in_flight": fake.max_inflight}


def bulk_floor(url: str, count: int) -> float:
    """A bare loop posting the same requests (1,000 recipients each) to the same fake."""
    import httpx

    client = httpx.Client(timeout=30)
    started = time.perf_counter()
    for start in range(1, count + 1, BULK_SIZE):
        payload = {"body": "이번 주 배송은 금요일에 출발합니다.", "sendNo": "0212345678",
                   "recipientList": [{"recipientNo": f"010{20000000 + i}", "recipientGroupingKey": f"bench:sms:{i}"}
                                     for i in range(start, min(start + BULK_SIZE, count + 1))]}
        response = client.post(f"{url}/sms/v3.0/appKeys/bench/sender/sms", json=payload,
                               headers={"X-Secret-Key": "bench"})
        assert response.json()["header"]["isSuccessful"]
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed


def bulk_figures(folder: Path) -> dict[str, float]:
    from tests.reliability.fake_nhn import FakeNhn

    path = folder / "bulk.db"
    make_customers(path, BULK_COUNT)
    queue(path, "sms", BULK_COUNT, personal=False)  # one text to everyone: 1,000 a request
    fake = FakeNhn(latency=BULK_LATENCY)
    try:
        floor = bulk_floor(fake.url, BULK_COUNT)
        floor_requests = fake.requests
        elapsed = deliver(path, {"sms": _nhn(fake.url)})
        requests = fake.requests - floor_requests
    finally:
        fake.stop()
    assert sent(path, "sms") == BULK_COUNT
    return {"delivery_100k_bulk_s": round(elapsed, 2), "delivery_100k_bulk_s_floor": round(floor, 2),
            "delivery_100k_bulk_ratio": round(elapsed / floor, 1), "delivery_100k_bulk_requests": requests}


def run() -> dict[str, float]:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    folder = Path(tempfile.mkdtemp(prefix="dangol-bench-delivery-"))
    os.environ["DANGOL_HOME"] = str(folder)
    try:
        figures = smtp_figures(folder)
        figures.update(rated_figures(folder))
        figures.update(bulk_figures(folder))
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)
