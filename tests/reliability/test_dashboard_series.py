"""The dashboard's series (engine/results/series.py) on a small shop worked out by hand.

Settings: at risk after 30 days, lapsed after 60. Times are Seoul time. Period 2026-03-01‥03-31.
  A  signed up 2025-12-01; orders 2026-01-10 20,000 · 03-05 30,000 · 03-31 23:30 1,000 (the period's last minutes)
  B  signed up 2026-02-15; no order
  C  signed up 2025-12-01; order 2025-12-20 40,000
  E  signed up 2026-03-01; 2026-03-15 9,000 cancelled (counts nowhere)
  F  signed up 2026-03-01; orders 03-02 10,000 · 03-20 20,000
  Z  signed up 2026-02-01; order 2026-02-28 23:30 7,000 (half an hour before the period: not in it)
  guest order 03-10 5,000
Revenue in the period 66,000 over 5 orders: new (F, first order in it) 30,000, returning (A) 31,000,
guest 5,000 — the report's figures.
Segment sizes at each month end (the instant the next month starts, Seoul):
  2025-12 (01-01): A new (no order yet), C active (12 days)                → new 1, active 1
  2026-01 (02-01): A active (22 days), C at risk (43 days)                  → active 1, at risk 1
  2026-02 (03-01): A at risk (50 days), C lapsed (71), B new, Z active (its 02-28 order) → 1, 1, 1, 1
  2026-03 (04-01): A active, F active, Z at risk (31 days), C lapsed, B and E new → new 2, active 2, 1, 1
  before 2025-12 nobody had signed up: all 0
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from engine import config
from engine.results.kpis import build_report
from engine.results.series import build_series, preset_period
from storage.db import open_database
from storage.models import Customer, Order

SEOUL = ZoneInfo("Asia/Seoul")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SEOUL)


def make_shop(path: Path):
    db = open_database(path)
    with db.session() as session:
        config.set_value(session, "segments.at_risk_days", "30")
        config.set_value(session, "segments.lapsed_days", "60")
        people = {}
        for name, signed in (("A", "2025-12-01 10:00"), ("B", "2026-02-15 10:00"), ("C", "2025-12-01 10:00"),
                             ("E", "2026-03-01 10:00"), ("F", "2026-03-01 10:00"), ("Z", "2026-02-01 10:00")):
            customer = Customer(source="test", external_id=name, name=name, signed_up_at=at(signed))
            session.add(customer)
            session.flush()
            people[name] = customer.id
        orders = [("A", "2026-01-10 12:00", 20_000, "paid"), ("A", "2026-03-05 12:00", 30_000, "confirmed"),
                  ("A", "2026-03-31 23:30", 1_000, "paid"), ("C", "2025-12-20 12:00", 40_000, "delivered"),
                  ("E", "2026-03-15 12:00", 9_000, "cancelled"), ("F", "2026-03-02 12:00", 10_000, "paid"),
                  ("F", "2026-03-20 12:00", 20_000, "shipped"), (None, "2026-03-10 12:00", 5_000, "paid"),
                  ("Z", "2026-02-28 23:30", 7_000, "paid")]
        for index, (who, when, amount, status) in enumerate(orders):
            session.add(Order(source="test", external_id=f"o{index}", customer_id=people[who] if who else None,
                              amount=amount, status=status, ordered_at=at(when)))
        session.commit()
    return db


def test_buckets_add_up_to_the_report_and_split_new_from_returning(tmp_path: Path) -> None:
    db = make_shop(tmp_path / "shop.db")
    period = preset_period("last_month", date(2026, 4, 10))
    assert (period.first_day, period.last_day) == (date(2026, 3, 1), date(2026, 3, 31))
    report = build_report(db, period).current
    assert (report.revenue, report.orders, report.new_revenue, report.returning_revenue, report.guest_revenue) == (
        66_000, 5, 30_000, 31_000, 5_000)
    monthly = build_series(db, period, "month")
    assert [(b.label, b.orders, b.revenue, b.new_revenue, b.returning_revenue, b.guest_revenue)
            for b in monthly.buckets] == [("2026-03", 5, 66_000, 30_000, 31_000, 5_000)]
    daily = build_series(db, period)
    assert daily.grain == "day" and len(daily.buckets) == 31
    by_day = {b.first_day: b for b in daily.buckets}
    assert by_day[date(2026, 3, 2)].new_revenue == 10_000 and by_day[date(2026, 3, 5)].returning_revenue == 30_000
    assert by_day[date(2026, 3, 31)].revenue == 1_000  # 23:30 Seoul is 14:30 UTC: still the 31st
    assert by_day[date(2026, 3, 15)].orders == 0  # the cancelled order
    assert sum(b.revenue for b in daily.buckets) == 66_000
    weekly = build_series(db, period, "week")
    assert [b.label for b in weekly.buckets] == ["2026-03-01~", "2026-03-02~", "2026-03-09~", "2026-03-16~",
                                                 "2026-03-23~", "2026-03-30~"]
    assert sum(b.revenue for b in weekly.buckets) == 66_000
    db.close()


def test_segment_sizes_at_each_month_end_come_from_the_orders(tmp_path: Path) -> None:
    db = make_shop(tmp_path / "shop.db")
    series = build_series(db, preset_period("custom", date(2026, 4, 10), date(2026, 3, 1), date(2026, 3, 31)))
    assert series.segment_months == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    table = {month: tuple(series.segment_sizes[stage][index] for stage in ("new", "active", "at_risk", "lapsed"))
             for index, month in enumerate(series.segment_months)}
    assert table["2025-11"] == (0, 0, 0, 0)
    assert table["2025-12"] == (1, 1, 0, 0)
    assert table["2026-01"] == (0, 1, 1, 0)
    assert table["2026-02"] == (1, 1, 1, 1)
    assert table["2026-03"] == (2, 2, 1, 1)
    db.close()


def test_period_presets() -> None:
    today = date(2026, 3, 2)
    assert preset_period("last7", today).first_day == date(2026, 2, 24)
    assert preset_period("last30", today).days == 30
    assert preset_period("last90", today).last_day == today
    assert (preset_period("this_month", today).first_day, preset_period("this_month", today).days) == (
        date(2026, 3, 1), 2)
    january = preset_period("last_month", date(2026, 1, 15))
    assert (january.first_day, january.last_day) == (date(2025, 12, 1), date(2025, 12, 31))
