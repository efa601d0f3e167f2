"""Stale shop data: customer messages wait (reason `stale_data`) while the newest sync is older than
`sync.stale_after_hours`, and go once the data is fresh again; no sync at all (the demo shop) holds nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import config
from engine.delivery.rules import stale_since
from engine.timeline import timeline
from storage.models import StepLog, SyncState
from tests.conftest import ROOT
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import INFO, build

SEOUL = ZoneInfo("Asia/Seoul")


def synced(shop: Shop, when: str, source: str = "file:cafe24") -> None:
    """What an import records: the source's data is as fresh as `when` (shop time)."""
    with shop.db.session() as session:
        state = session.get(SyncState, source) or SyncState(source=source)
        state.last_synced_at = at(when)
        state.last_status = "ok"
        session.add(state)


def stale_logs(shop: Shop, customer: int) -> list[StepLog]:
    with shop.db.session() as session:
        rows = list(session.scalars(select(StepLog).where(StepLog.customer_id == customer,
                                                          StepLog.reason == "stale_data")))
        session.expunge_all()
        return rows


def test_the_rule() -> None:
    now = at("2026-03-02 10:00")
    assert stale_since(None, now, 48) is None  # never synced: nothing to be stale
    assert stale_since(at("2026-02-27 10:00"), now, 48) == at("2026-02-27 10:00")
    assert stale_since(at("2026-02-28 10:00"), now, 48) is None  # exactly the limit: still fresh
    assert stale_since(at("2026-02-27 10:00"), now, 0) is None  # off


def test_a_message_waits_while_the_data_is_stale_and_goes_after_a_sync(shop: Shop) -> None:
    synced(shop, "2026-02-27 10:00")  # three days before the clock (default limit: 48 hours)
    build(shop, [("message.sms", INFO)])
    customer = shop.signup("2026-03-02 10:00")
    result = shop.run("2026-03-02 10:01")
    assert result["sent"] == 0 and shop.sent_files() == []
    [message] = shop.messages(customer)
    assert (message.status, message.reason) == ("queued", "stale_data")
    assert message.not_before == at("2026-03-02 11:01")  # looked at again in an hour
    [log] = stale_logs(shop, customer)
    assert log.event == "deferred" and log.detail["since"] == at("2026-02-27 10:00").isoformat()

    # still stale an hour later: still waiting, and the timeline is not told again every hour
    shop.run("2026-03-02 11:05")
    [message] = shop.messages(customer)
    assert (message.status, message.reason) == ("queued", "stale_data") and shop.sent_files() == []
    assert len(stale_logs(shop, customer)) == 1

    with shop.db.session() as session:
        [entry] = [entry for entry in timeline(session, customer) if entry.reason == "stale_data"]
        assert "쇼핑몰 데이터가 2026-02-27 10:00 이후 동기화되지 않아 보내지 않고 기다림" in entry.text(SEOUL, "ko")
        assert "shop data not synced since 2026-02-27 10:00; waiting" in entry.text(SEOUL, "en")

    synced(shop, "2026-03-02 11:30")  # a new import
    result = shop.run("2026-03-02 12:10")
    assert result["sent"] == 1
    [message] = shop.messages(customer)
    assert message.status == "sent" and len(shop.sent_files()) == 1


def test_the_lateness_rule_still_judges_a_message_held_too_long(shop: Shop) -> None:
    synced(shop, "2026-02-27 10:00")
    build(shop, [("message.sms", {**INFO, "lateness": "skip_if_late", "lateness_hours": 2})])
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    synced(shop, "2026-03-02 15:00")
    shop.run("2026-03-02 15:10")  # five hours after it was planned for: too late now
    [message] = shop.messages(customer)
    assert (message.status, message.reason) == ("skipped", "late") and shop.sent_files() == []


def test_a_shop_that_never_synced_holds_nothing(shop: Shop) -> None:
    with shop.db.session() as session:
        assert session.scalar(select(SyncState)) is None
    build(shop, [("message.sms", INFO)])
    customer = shop.signup("2026-03-02 10:00")
    assert shop.run("2026-03-02 10:01")["sent"] == 1
    assert stale_logs(shop, customer) == []


def test_zero_turns_the_hold_off(shop: Shop) -> None:
    synced(shop, "2026-01-01 10:00")
    with shop.db.session() as session:
        config.set_value(session, "sync.stale_after_hours", "0")
    build(shop, [("message.sms", INFO)])
    customer = shop.signup("2026-03-02 10:00")
    assert shop.run("2026-03-02 10:01")["sent"] == 1
    assert stale_logs(shop, customer) == []


def test_the_owner_channel_is_not_held(shop: Shop) -> None:
    synced(shop, "2026-02-27 10:00")
    build(shop, [("message.sms", INFO), ("action.notify_owner", {"text": "새 고객 {{ customer.first_name }}"})])
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    statuses = {message.channel: (message.status, message.reason) for message in shop.messages(customer)}
    assert statuses["sms"] == ("queued", "stale_data")
    assert statuses["owner"][0] == "sent"


def test_a_negative_limit_is_refused_in_one_line(tmp_path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "shop.db"), "config", "set",
                             "sync.stale_after_hours", "-1"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "0 to 8,760, got -1" in result.stderr
