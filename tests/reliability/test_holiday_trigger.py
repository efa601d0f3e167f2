"""The holiday date trigger (issue 14): the named holiday's whole span is one holiday, days_before counts
from its first day, and it fires once a year (it matched "추석" inside "추석 전날" and fired on each day)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select

from engine.runtime.holiday_dates import holiday_start
from storage.models import Enrollment
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import INFO, build

SEOUL = ZoneInfo("Asia/Seoul")


def _first_day(name: str, year: int) -> date:
    """From the holidays package itself: the earliest day of the year whose Korean name is the holiday's."""
    days = holidays.country_holidays("KR", years=year, language="ko")
    return min(day for day, names in days.items() if any(part.startswith(name) for part in names.split("; ")))


def test_a_holiday_starts_on_its_first_day() -> None:
    assert holiday_start("추석", 2026) == _first_day("추석", 2026) == date(2026, 9, 24)  # 추석 전날
    assert holiday_start("설날", 2026) == _first_day("설날", 2026) == date(2026, 2, 16)  # 설날 전날
    assert holiday_start("Chuseok", 2026) == holiday_start(" 추석 ", 2026) == date(2026, 9, 24)
    assert holiday_start("어린이날", 2026) == date(2026, 5, 5)
    assert holiday_start("추", 2026) is None  # a piece of a name is not a holiday


def _entries(shop: Shop, journey_id: str) -> dict[int, list[date]]:
    with shop.db.session() as session:
        rows = session.execute(select(Enrollment.customer_id, Enrollment.entered_at)
                               .where(Enrollment.journey_id == journey_id)).all()
    found: dict[int, list[date]] = {}
    for customer_id, entered in rows:
        found.setdefault(customer_id, []).append(entered.astimezone(SEOUL).date())
    return found


def _run_daily(shop: Shop, start: date, end: date) -> None:
    day = start
    while day <= end:
        shop.run(f"{day.isoformat()} 10:30")
        day += timedelta(days=1)


def test_chuseok_three_days_before_fires_once_counted_from_its_first_day(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.date", settings={"reentry": "after_exit"},
                    trigger_params={"date_kind": "holiday", "holiday": "추석", "days_before": 3, "time": "10:00"})
    shop.run("2026-09-18 10:30")
    _run_daily(shop, date(2026, 9, 19), date(2026, 9, 30))
    entries = _entries(shop, journey)
    assert entries, "nobody entered"
    expected = _first_day("추석", 2026) - timedelta(days=3)
    assert expected == date(2026, 9, 21)
    assert all(days == [expected] for days in entries.values()), sorted({d for v in entries.values() for d in v})


def test_seollal_on_the_day_fires_once_on_its_first_day(shop: Shop) -> None:
    shop.clock.set(at("2026-02-10 09:00"))  # published before 설날 2026
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.date", settings={"reentry": "after_exit"},
                    trigger_params={"date_kind": "holiday", "holiday": "설날", "days_before": 0, "time": "10:00"})
    shop.run("2026-02-13 10:30")
    _run_daily(shop, date(2026, 2, 14), date(2026, 2, 20))
    entries = _entries(shop, journey)
    assert entries and all(days == [date(2026, 2, 16)] for days in entries.values()), entries
