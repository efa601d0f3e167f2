"""WooCommerce REST sync against a local server answering as WooCommerce documents: orders in, once;
changes become events; pages, 429, 5xx, a refused key and a broken body handled; a stopped sync resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Response

from engine import config
from engine.clock import FixedClock
from engine.sync.api import SyncError
from engine.sync.api.http import Http
from engine.sync.api.run import connect, disconnect, statuses, sync_source
from main import main
from storage.db import Database, open_database
from storage.models import Customer, Enrollment, Order, OrderItem, ShopEvent, SyncState
from tests.conftest import ROOT
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build
from tests.sync.api.woo import KEY, SECRET, T0, FakeWoo

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def woo(httpserver: HTTPServer) -> FakeWoo:
    return FakeWoo(httpserver)


def fast() -> Http:
    return Http("WooCommerce", backoff=0.01, timeout=5)


def connected(db: Database, woo: FakeWoo) -> None:
    connect(db, "woocommerce", {"url": woo.url, "consumer_key": KEY, "consumer_secret": SECRET}, NOW, http=fast())


def test_first_sync_brings_orders_members_and_guests_once(db: Database, woo: FakeWoo) -> None:
    woo.add(1, customer_id=7, total="45,000.00", items=2)
    woo.add(2, customer_id=0, phone="01099998888", email="guest@example.com", total="12000.00")
    woo.add(3, customer_id=0, phone="010-9999-8888", total="8000.00", created=T0 + timedelta(hours=1))  # same guest
    woo.add(4, status="wc-awaiting-shipment")  # a plugin's status: not counted, not stored
    connected(db, woo)
    assert config.read_secret("api.woocommerce.consumer_secret") == SECRET
    with db.session() as session:  # the secret is only in the keyring
        assert SECRET not in json.dumps(session.get(SyncState, "api:woocommerce").details)

    summary = sync_source(db, "woocommerce", FixedClock(NOW), http=fast())
    assert summary.status == "ok" and summary.written.orders_created == 3
    with db.session() as session:
        rows = session.execute(select(Order.external_id, Order.amount, Order.status, Order.customer_id)
                               .order_by(Order.external_id)).all()
        assert [(r[0], r[1], r[2]) for r in rows] == [("1", 45000, "paid"), ("2", 12000, "paid"), ("3", 8000, "paid")]
        assert rows[1].customer_id == rows[2].customer_id != rows[0].customer_id  # the guest matched by phone
        member = session.get(Customer, rows[0].customer_id)
        assert (member.source, member.external_id, member.phone) == ("woocommerce", "7", "+821012345678")
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 4
        state = session.get(SyncState, "api:woocommerce")
        assert state.last_status == "ok" and state.last_synced_at.replace(tzinfo=UTC) == NOW
        assert json.loads(state.cursor) == {"since": (NOW - timedelta(minutes=10)).isoformat()}

    again = sync_source(db, "woocommerce", FixedClock(NOW + timedelta(hours=1)), http=fast())
    assert again.status == "ok" and again.records == 0  # nothing changed since the last sync
    assert woo.requests[-1]["modified_after"] == "2026-03-02T02:50:00"


def test_a_changed_order_is_applied_and_becomes_an_event(db: Database, woo: FakeWoo) -> None:
    woo.add(1, customer_id=7)
    woo.add(2, customer_id=8)
    connected(db, woo)
    sync_source(db, "woocommerce", FixedClock(NOW), http=fast())
    woo.touch(1, NOW + timedelta(minutes=30), status="refunded")
    later = FixedClock(NOW + timedelta(hours=1))
    summary = sync_source(db, "woocommerce", later, http=fast())
    assert summary.records == 1 and summary.written.status_changes == 1
    with db.session() as session:
        assert session.scalar(select(Order.status).where(Order.external_id == "1")) == "refunded"
        kinds = session.scalars(select(ShopEvent.kind).order_by(ShopEvent.id)).all()
    assert kinds.count("order_status_changed") == 1


def test_pages_follow_the_total_pages_header(db: Database, woo: FakeWoo) -> None:
    for n in range(1, 251):
        woo.add(n, customer_id=n, phone=f"010-2000-{n:04d}", email=f"c{n}@example.com")
    connected(db, woo)
    summary = sync_source(db, "woocommerce", FixedClock(NOW), http=fast())
    assert summary.pages == 3 and summary.records == 250
    assert [r.get("page") for r in woo.requests if r.get("per_page") == "100"] == ["1", "2", "3"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 250


def test_a_429_waits_as_asked_and_5xx_is_tried_again(db: Database, woo: FakeWoo) -> None:
    woo.add(1)
    connected(db, woo)
    woo.failures.extend([Response("slow down", 429, headers={"Retry-After": "1"}),
                         Response("<html>Bad gateway</html>", 502), Response("", 503)])
    http = fast()
    summary = sync_source(db, "woocommerce", FixedClock(NOW), http=http)
    assert summary.status == "ok" and summary.records == 1
    assert summary.waited_s >= 1.0  # the Retry-After second, then short back-offs


def test_a_sync_stopped_by_errors_keeps_its_pages_and_resumes_after_them(db: Database, woo: FakeWoo) -> None:
    for n in range(1, 251):
        woo.add(n, customer_id=n, phone=f"010-2000-{n:04d}")
    connected(db, woo)
    woo.fail_on_page[3] = Response("", 500)
    http = Http("WooCommerce", backoff=0.01, attempts=1)
    summary = sync_source(db, "woocommerce", FixedClock(NOW), http=http)
    assert summary.status == "error" and summary.error_code == "server_error" and summary.pages == 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 200
        state = session.get(SyncState, "api:woocommerce")
        assert state.last_status == "error" and state.last_synced_at is None  # data not fresh: stale rule holds
        assert "서버 오류(500)" in state.details["error_ko"]
    woo.requests.clear()
    resumed = sync_source(db, "woocommerce", FixedClock(NOW + timedelta(minutes=5)), http=fast())
    assert resumed.status == "ok" and resumed.records == 50
    assert woo.requests[0]["page"] == "3"  # not from the start
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 250
        state = session.get(SyncState, "api:woocommerce")
        assert state.last_status == "ok" and state.last_error is None and "error_ko" not in state.details
        # the window is the interrupted sync's: it began at NOW
        assert json.loads(state.cursor) == {"since": (NOW - timedelta(minutes=10)).isoformat()}


def test_a_refused_key_and_a_broken_body_are_told_in_korean(db: Database, woo: FakeWoo) -> None:
    with pytest.raises(SyncError) as refused:
        connect(db, "woocommerce", {"url": woo.url, "consumer_key": KEY, "consumer_secret": "wrong"}, NOW, http=fast())
    assert refused.value.code == "unauthorized" and "인증 정보를 거절" in refused.value.ko
    assert config.read_secret("api.woocommerce.consumer_secret") is None  # nothing kept from a failed connect
    assert not statuses(db)[0].connected if statuses(db)[0].name == "woocommerce" else True

    woo.add(1)
    connected(db, woo)
    woo.failures.append(Response("<html>maintenance</html>", 200, content_type="text/html"))
    summary = sync_source(db, "woocommerce", FixedClock(NOW), http=fast())
    assert summary.error_code == "bad_response" and "JSON" in summary.error_ko
    status = next(s for s in statuses(db) if s.name == "woocommerce")
    assert status.connected and status.last_status == "error" and status.error("ko") == summary.error_ko


def test_one_sync_per_source_at_a_time_and_disconnect_forgets_the_key(db: Database, woo: FakeWoo) -> None:
    connected(db, woo)
    with db.write_session() as session:
        state = session.get(SyncState, "api:woocommerce")
        state.last_status = "running"
        state.details = {**state.details, "progress_at": datetime.now(UTC).isoformat()}
    with pytest.raises(SyncError) as busy:
        sync_source(db, "woocommerce", FixedClock(NOW), http=fast())
    assert busy.value.code == "busy"
    with db.write_session() as session:  # a mark left by a crash long ago does not block
        state = session.get(SyncState, "api:woocommerce")
        state.details = {**state.details, "progress_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
    assert sync_source(db, "woocommerce", FixedClock(NOW), http=fast()).status == "ok"
    assert disconnect(db, "woocommerce")
    assert config.read_secret("api.woocommerce.consumer_key") is None
    with pytest.raises(SyncError) as gone:
        sync_source(db, "woocommerce", FixedClock(NOW), http=fast())
    assert gone.value.code == "not_connected"


def test_a_live_first_order_journey_enrols_a_synced_first_order_and_nobody_for_history(
        demo_template: Path, tmp_path: Path, woo: FakeWoo, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "shop.db").write_bytes(demo_template.read_bytes())
    shop = Shop(open_database(tmp_path / "shop.db"), tmp_path)
    journey = build(shop, [("message.sms", {"body": "{{ customer.first_name }}님 첫 주문 감사합니다",
                                            "lateness": "send_late"})],
                    trigger="trigger.order_placed", trigger_params={"which": "first"}, name="첫 주문")
    shop.db.close()
    dbfile = str(tmp_path / "shop.db")
    now = "2026-03-02T12:00"
    moment = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    for n in range(1, 4):  # two years of history
        woo.add(n, customer_id=900 + n, created=datetime(2024, 5, n, tzinfo=UTC), phone=f"010-3000-000{n}",
                email=f"old{n}@example.com")
    assert main(["--db", dbfile, "--now", now, "source", "connect", "woocommerce", f"url={woo.url}",
                 f"consumer_key={KEY}", f"consumer_secret={SECRET}"]) == 0
    assert main(["--db", dbfile, "--now", now, "sync"]) == 0
    capsys.readouterr()
    assert main(["--db", dbfile, "--now", now, "run-once"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["history"] >= 3 and summary["entered"] == 0
    woo.add(50, customer_id=950, created=moment + timedelta(minutes=15), phone="010-5555-6666",
            email="new@example.com")  # ordered at 12:15 in Seoul, after the first sync
    assert main(["--db", dbfile, "--now", "2026-03-02T12:30", "sync", "woocommerce"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["records"] == 1
    assert main(["--db", dbfile, "--now", "2026-03-02T12:30", "run-once"]) == 0
    assert json.loads(capsys.readouterr().out)["entered"] == 1
    db = open_database(dbfile)
    with db.session() as session:
        entered = session.scalars(select(Customer.external_id).join(Enrollment, Enrollment.customer_id == Customer.id)
                                  .where(Enrollment.journey_id == journey)).all()
    db.close()
    assert entered == ["950"]


def test_the_cli_says_what_to_fix_in_one_line(db: Database, woo: FakeWoo, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(db.url)
    assert main(["--db", url, "sync"]) == 2
    assert "no shop is connected" in capsys.readouterr().err
    assert main(["--db", url, "source", "connect", "woocommerce", f"url={woo.url}"]) == 2
    assert "Consumer key is needed" in capsys.readouterr().err
    assert main(["--db", url, "source", "connect", "nosuch"]) == 2
    assert "no shop API called 'nosuch'" in capsys.readouterr().err


def test_the_runner_schedule_syncs_each_connected_shop_when_its_interval_has_passed(db: Database,
                                                                                    woo: FakeWoo) -> None:
    from engine.sync.api.run import sync_due

    woo.add(1)
    with db.write_session() as session:
        config.set_value(session, "sync.interval_minutes", "0")
    connected(db, woo)
    assert sync_due(db, FixedClock(NOW)) == []  # 0: the owner turned the schedule off
    with db.write_session() as session:
        config.set_value(session, "sync.interval_minutes", "30")
    first = sync_due(db, FixedClock(NOW))
    assert [(s.source, s.status, s.records) for s in first] == [("woocommerce", "ok", 1)]
    assert sync_due(db, FixedClock(NOW)) == []  # tried a moment ago: not due for 30 minutes
    with db.write_session() as session:
        state = session.get(SyncState, "api:woocommerce")
        state.details = {**state.details, "last_attempt_at": (datetime.now(UTC) - timedelta(minutes=31)).isoformat()}
    assert [s.source for s in sync_due(db, FixedClock(NOW))] == ["woocommerce"]


@pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals")
def test_kill_9_during_a_sync_loses_nothing_and_the_next_sync_resumes(tmp_path: Path, woo: FakeWoo) -> None:
    for n in range(1, 3001):
        woo.add(n, customer_id=n % 700, phone=f"010-4000-{n % 700:04d}", email=f"k{n % 700}@example.com")
    dbfile = tmp_path / "shop.db"
    db = open_database(dbfile)
    connected(db, woo)
    db.close()
    woo.delay = 0.25  # a shop answering a page every quarter second
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(dbfile), "--now",
                                "2026-03-02T12:00", "sync"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ})
    db = open_database(dbfile)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until a group of pages is written, then kill it mid-sync
        with db.session() as session:
            if session.scalar(select(func.count()).select_from(Order)):
                break
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with db.session() as session:
        written = session.scalar(select(func.count()).select_from(Order))
        cursor = json.loads(session.get(SyncState, "api:woocommerce").cursor)
    assert 0 < written < 3000 and cursor["page"] * 100 == written  # whole pages, with their cursor
    woo.requests.clear()
    woo.delay = 0
    summary = sync_source(db, "woocommerce", FixedClock(NOW), http=fast())  # not refused as "busy"
    assert summary.status == "ok" and woo.requests[0]["page"] == str(cursor["page"] + 1)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 3000
        assert session.scalar(select(func.count(func.distinct(Order.external_id)))) == 3000
    db.close()


def test_a_stopped_sync_is_not_a_failure_and_a_dead_syncs_mark_is_not_running(db: Database, woo: FakeWoo) -> None:
    import threading

    woo.add(1)
    connected(db, woo)
    assert sync_source(db, "woocommerce", FixedClock(NOW), http=fast()).status == "ok"
    stop = threading.Event()
    stop.set()
    stopped = sync_source(db, "woocommerce", FixedClock(NOW), http=fast(), stop=stop)
    assert stopped.error_code == "cancelled"
    status = next(s for s in statuses(db) if s.name == "woocommerce")
    assert status.last_status == "ok" and status.last_error is None and not status.running
    with db.write_session() as session:  # a sync killed a moment ago, on this PC
        state = session.get(SyncState, "api:woocommerce")
        state.last_status = "running"
        state.details = {**state.details, "progress_at": datetime.now(UTC).isoformat(), "running_pid": 2**22 + 7,
                         "running_host": __import__("socket").gethostname()}
    assert not next(s for s in statuses(db) if s.name == "woocommerce").running
    with db.write_session() as session:  # one alive (this process)
        state = session.get(SyncState, "api:woocommerce")
        state.details = {**state.details, "running_pid": os.getpid()}
    assert next(s for s in statuses(db) if s.name == "woocommerce").running
