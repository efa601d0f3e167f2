"""A message skipped or delayed after the PC was off tells when it was planned and when that was decided
(issue 11, defect 8)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.timeline import TimelineEntry, timeline
from storage.db import open_database
from tests.runtime.conftest import demo_template  # noqa: F401  (the session's demo shop, copied per test)
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import AD, build

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def shop(demo_template: Path, tmp_path: Path) -> Shop:  # noqa: F811
    copy = tmp_path / "shop.db"
    copy.write_bytes(demo_template.read_bytes())
    return Shop(open_database(copy), tmp_path)


def _entries(shop: Shop, customer: int) -> list[TimelineEntry]:
    with shop.db.session() as session:
        return timeline(session, customer)


def test_a_week_off_shows_planned_and_decided_times(shop: Shop) -> None:
    build(shop, [("wait.duration", {"duration": 60}),
                 ("message.sms", {**AD, "lateness": "skip_if_late", "lateness_hours": 24})], name="늦으면 건너뜀")
    build(shop, [("message.sms", {**AD, "lateness": "send_late"})], name="동의 철회")
    build(shop, [("wait.duration", {"duration": 60}),
                 ("message.email", {**AD, "subject": "안내", "lateness": "next_window"})], name="다음 창")
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01", deliver=False)  # one ad is queued for 10:00; then the PC is off for a week
    shop.set_consent(customer, "sms", False)
    shop.run("2026-03-09 15:00")

    entries = {(entry.journey, entry.event): entry for entry in _entries(shop, customer)}
    late = entries[("늦으면 건너뜀", "skipped")]  # decided as the step ran, a week late
    assert (late.reason, late.planned, late.decided) == ("late", at("2026-03-02 11:00"), at("2026-03-09 15:00"))
    assert late.text(SEOUL).endswith(
        "message not sent (planned 03-02 11:00, skipped 03-09 15:00: too late to send)")
    assert late.text(SEOUL, "ko").endswith(
        "메시지 보내지 않음 (예정 03-02 11:00, 03-09 15:00에 건너뜀: 너무 늦어서 보내지 않음)")
    assert late.to_json()["planned"] == at("2026-03-02 11:00").isoformat()
    assert late.to_json()["decided"] == at("2026-03-09 15:00").isoformat()

    consent = entries[("동의 철회", "skipped")]  # decided at delivery, a week after it was due
    assert (consent.reason, consent.planned, consent.decided) == (
        "no_consent", at("2026-03-02 10:00"), at("2026-03-09 15:00"))
    assert "(planned 03-02 10:00, skipped 03-09 15:00: no consent for this channel)" in consent.text(SEOUL)
    assert "(예정 03-02 10:00, 03-09 15:00에 건너뜀: 이 채널 수신 동의 없음)" in consent.text(SEOUL, "ko")

    moved = entries[("다음 창", "deferred")]
    assert (moved.planned, moved.decided) == (at("2026-03-02 11:00"), at("2026-03-09 15:00"))
    assert "(planned 03-02 11:00, delayed 03-09 15:00: moved to the same time the next day)" in moved.text(SEOUL)


def test_a_decision_on_time_shows_one_time(shop: Shop) -> None:
    build(shop, [("message.sms", {**AD, "lateness": "send_late"})], name="바로")
    customer = shop.signup("2026-03-02 10:00", sms=False)
    shop.run("2026-03-02 10:00")
    skipped = [entry for entry in _entries(shop, customer) if entry.event == "skipped"]
    assert len(skipped) == 1 and skipped[0].planned == skipped[0].decided == at("2026-03-02 10:00")
    assert skipped[0].text(SEOUL).endswith("message not sent (no consent for this channel)")
    assert "planned" not in skipped[0].text(SEOUL) and "예정" not in skipped[0].text(SEOUL, "ko")
