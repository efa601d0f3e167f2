"""The KPI report reads the counted orders into arrays and groups them in numpy (issue 16's 2-second figure
over a million orders). Before, one SQL GROUP BY computed the same figures; that query is kept in
report_reference.py, and here both must agree on every figure, both periods and the cohort table, for shops
built to hit the edges: orders at the exact first instant of a period, of a cohort month and of each
settings window, one second before them, guests, every status, customers without a grade, membership tiers,
a shop with no orders at all, and the demo shop."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine import config
from engine.clock import FixedClock
from engine.customers.segments import thresholds
from engine.customers.stats import refresh_stats
from engine.customers.tiers import Tier, save_tiers
from engine.demo import create_demo_shop
from engine.results.kpis import Figures, Period, compute_report
from storage.db import Database, open_database
from storage.models import Customer, Order
from tests.reliability.report_reference import reference_figures

SEOUL = ZoneInfo("Asia/Seoul")
STATUSES = ("paid", "shipped", "delivered", "confirmed", "cancelled", "refunded", "pending")
GRADES = (None, None, "일반", "실버", "골드", "=SUM(1)")


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SEOUL)


def edges(period: Period, lapsed: int, at_risk: int, vip: int) -> list[datetime]:
    """Instants where a figure's window starts or ends, for the period and the one before."""
    found = []
    for one in (period, period.before()):
        start, end = midnight(one.first_day), midnight(one.last_day + timedelta(days=1))
        found += [start, end, end - timedelta(days=vip), end - timedelta(days=365), end - timedelta(days=lapsed),
                  end - timedelta(days=2 * lapsed), start - timedelta(days=at_risk), start - timedelta(days=lapsed)]
    for back in range(14):  # cohort months
        index = period.last_day.year * 12 + period.last_day.month - 1 - back
        found.append(midnight(date(index // 12, index % 12 + 1, 1)))
    return found


def random_shop(path: Path, period: Period, seed: int, *, tiers: bool) -> Database:
    rng = random.Random(seed)
    db = open_database(path)
    lapsed, at_risk, vip = rng.choice((60, 90, 365)), rng.choice((20, 30)), rng.choice((30, 180))
    boundaries = edges(period, lapsed, at_risk, vip)
    first = midnight(period.before().first_day) - timedelta(days=2 * lapsed + 60)
    span = (midnight(period.last_day + timedelta(days=10)) - first).total_seconds()
    with db.write_session() as session:
        for key, value in (("segments.at_risk_days", at_risk), ("segments.lapsed_days", lapsed),
                           ("segments.vip_window_days", vip), ("segments.vip_min_spent", 100_000),
                           ("segments.vip_min_orders", 3)):
            config.set_value(session, key, str(value))
        number = 0
        for index in range(300):
            customer = Customer(source="test", external_id=f"C{index}", name=f"고객{index}", grade=rng.choice(GRADES))
            session.add(customer)
            session.flush()
            for _ in range(rng.choice((0, 1, 1, 2, 3, 5, 9))):
                number += 1
                if rng.random() < 0.35:  # on an edge, a second or a microsecond before it
                    when = rng.choice(boundaries) - timedelta(microseconds=rng.choice((0, 0, 1, 1_000_000)))
                else:
                    when = first + timedelta(seconds=rng.random() * span)
                session.add(Order(source="test", external_id=f"O{number}", customer_id=customer.id,
                                  status=rng.choice(STATUSES), amount=rng.randint(1, 200) * 1000, ordered_at=when))
        for guest in range(25):
            session.add(Order(source="test", external_id=f"G{guest}", customer_id=None, status=rng.choice(STATUSES),
                              amount=rng.randint(1, 90) * 1000, ordered_at=first + timedelta(seconds=rng.random() * span),
                              buyer_name="비회원"))
        session.flush()
        refresh_stats(session)
        if tiers:
            save_tiers(session, [Tier("일반"), Tier("실버", 100_000, 2), Tier("골드", 300_000, 4)],
                       midnight(period.last_day), 12)
    return db


def agree(db: Database, period: Period, months: int = 12) -> None:
    with db.session() as session:
        report = compute_report(session, period, cohort_months=months)
        limits = thresholds(session)
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
        current, previous, cohorts = reference_figures(session, period, period.before(), zone, limits, months)
    for ours, theirs in ((report.current, current), (report.previous, previous)):
        assert isinstance(theirs, Figures)
        for name in Figures.__dataclass_fields__:
            mine, reference = getattr(ours, name), getattr(theirs, name)
            if name == "days_between" and mine is not None and reference is not None:
                # the arrays count whole seconds, the SQL julianday fractions: the same to the hundredth of a day
                assert mine == pytest.approx(reference, abs=0.011), name
            else:
                assert mine == reference, (period, name, mine, reference)
    assert report.cohorts == cohorts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_array_pass_agrees_with_the_sql_reference_on_edge_heavy_shops(tmp_path: Path, seed: int) -> None:
    periods = [Period(date(2026, 3, 1), date(2026, 3, 31)), Period(date(2026, 2, 14), date(2026, 2, 14)),
               Period(date(2025, 3, 1), date(2026, 2, 28))]
    db = random_shop(tmp_path / "shop.db", periods[0], seed, tiers=seed == 2)
    try:
        for period in periods:
            agree(db, period)
        agree(db, periods[0], months=3)
    finally:
        db.close()


def test_a_shop_with_no_orders(tmp_path: Path) -> None:
    db = open_database(tmp_path / "empty.db")
    try:
        agree(db, Period(date(2026, 3, 1), date(2026, 3, 31)))
        with db.session() as session:
            report = compute_report(session, Period(date(2026, 3, 1), date(2026, 3, 31)))
        assert report.current.orders == 0 and report.current.revenue == 0 and report.cohorts.sizes == [0] * 12
    finally:
        db.close()


def test_the_demo_shop(tmp_path: Path) -> None:
    db = open_database(tmp_path / "demo.db")
    try:
        create_demo_shop(db, seed=7, customers=600, clock=FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
        for period in (Period(date(2026, 2, 1), date(2026, 3, 1)), Period(date(2025, 3, 2), date(2026, 3, 1))):
            agree(db, period)
    finally:
        db.close()
