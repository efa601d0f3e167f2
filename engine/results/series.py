"""The dashboard's figures over time: revenue and orders by day, week or month; new vs returning revenue in
each; lifecycle segment sizes as of each month end; and the period presets the dashboard offers.

Definitions (docs/metrics.md):
- Counted orders only (engine.customers.stats.COUNTED_STATUSES), by `ordered_at` in shop time.
- New vs returning: an order of the period is "new" when its customer's first counted order is in the
  period, "returning" when the customer had ordered before it, "guest" when it has no customer. Summed over
  the period's buckets they are the report's new_revenue, returning_revenue and guest_revenue.
- Segment sizes at a month end (the instant the next month starts, or the period's end for the last
  month): from the customers' counted orders before it, as engine.customers.segments.lifecycle decides
  today: active = an order in the last `at_risk_days`, at risk = none then but one in the last
  `lapsed_days`, lapsed = older orders only, new = signed up (or added) before it and no order yet.
  Nothing is stored per month; the sizes are worked out from the orders, so they stay right after an import
  that fills in old orders.

Everything is grouped in SQL (one pass per chart); `build_series(db, …)` opens its own read session, so it
runs on a worker thread like engine.results.kpis.build_report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.config import Snapshot
from engine.customers.segments import LIFECYCLE, Thresholds, thresholds
from engine.customers.stats import COUNTED_STATUSES
from engine.results.cohorts import month_starts
from engine.results.kpis import Period
from storage.models import Customer, Order
from storage.sql import day_index, scan

PRESETS = ("last7", "last30", "last90", "this_month", "last_month", "custom")
GRAINS = ("day", "week", "month")
SEGMENT_MONTHS = 12


def preset_period(preset: str, today: date, first_day: date | None = None, last_day: date | None = None) -> Period:
    """The period a dashboard preset means on shop day `today`; `custom` takes first_day‥last_day."""
    if preset in ("last7", "last30", "last90"):
        days = int(preset[4:])
        return Period(today - timedelta(days=days - 1), today)
    if preset == "this_month":
        return Period(today.replace(day=1), today)
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if preset == "custom":
        if first_day is None or last_day is None:
            raise ValueError("a custom period needs its first and last day")
        return Period(first_day, last_day)
    raise ValueError(f"unknown period preset {preset!r}")


def default_grain(period: Period) -> str:
    """Days up to three months, weeks up to a year, months beyond."""
    return "day" if period.days <= 92 else "week" if period.days <= 366 else "month"


@dataclass(frozen=True)
class Bucket:
    label: str  # "2026-03-05" (day), "2026-03-02~" (week, from its Monday or the period's first day), "2026-03"
    first_day: date
    orders: int = 0
    revenue: int = 0
    new_revenue: int = 0
    returning_revenue: int = 0
    guest_revenue: int = 0


@dataclass(frozen=True)
class Series:
    period: Period
    grain: str
    buckets: list[Bucket]
    segment_months: list[str]  # "YYYY-MM", oldest first
    segment_sizes: dict[str, list[int]] = field(default_factory=dict)  # lifecycle stage → size at each month end

    def to_rows(self) -> list[list[Any]]:
        """CSV rows (raw numbers; the caller neutralises)."""
        rows: list[list[Any]] = [["bucket", "first_day", "orders", "revenue", "new_revenue", "returning_revenue",
                                  "guest_revenue"]]
        rows += [[b.label, str(b.first_day), b.orders, b.revenue, b.new_revenue, b.returning_revenue,
                  b.guest_revenue] for b in self.buckets]
        rows.append([])
        rows.append(["segment_month", *LIFECYCLE])
        for index, month in enumerate(self.segment_months):
            rows.append([month, *(self.segment_sizes[stage][index] for stage in LIFECYCLE)])
        return rows


def build_series(db: Any, period: Period, grain: str | None = None) -> Series:
    """The series on its own read session of `db`: safe on a worker thread."""
    with db.session() as session:
        return compute_series(session, period, grain)


def compute_series(session: Session, period: Period, grain: str | None = None) -> Series:
    snapshot = Snapshot(session)
    zone = ZoneInfo(str(snapshot.get("shop.timezone")))
    limits = thresholds(session, snapshot)
    grain = grain or default_grain(period)
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    days = _daily(session, period, zone)
    buckets = _buckets(period, grain, days)
    months, sizes = _segment_sizes(session, period, zone, limits)
    return Series(period, grain, buckets, months, sizes)


def _daily(session: Session, period: Period, zone: ZoneInfo) -> dict[date, tuple[int, int, int, int, int]]:
    """Shop day → orders, revenue, new, returning, guest revenue (days without an order left out).

    The shop day of an order is its UTC instant plus the zone's offset at the period's start (zones without
    daylight saving, as Asia/Seoul, are exact; elsewhere an order within an hour of midnight on a changeover
    can land on the next or previous day).
    """
    start, end = period.bounds(zone)
    offset = start.utcoffset() or timedelta()
    at = scan(Order.ordered_at)
    first = (
        select(Order.customer_id.label("cid"), func.min(Order.ordered_at).label("first_at"))
        .where(Order.status.in_(COUNTED_STATUSES), Order.customer_id.is_not(None), Order.ordered_at < end)
        .group_by(Order.customer_id)
        .subquery("first")
    )
    day = day_index(Order.ordered_at, offset.total_seconds() / 86400).label("day")
    is_new = and_(Order.customer_id.is_not(None), first.c.first_at >= start)
    is_returning = and_(Order.customer_id.is_not(None), first.c.first_at < start)
    query = (
        select(
            day,
            func.count(),
            func.coalesce(func.sum(Order.amount), 0),
            func.coalesce(func.sum(case((is_new, Order.amount), else_=0)), 0),
            func.coalesce(func.sum(case((is_returning, Order.amount), else_=0)), 0),
            func.coalesce(func.sum(case((Order.customer_id.is_(None), Order.amount), else_=0)), 0),
        )
        .select_from(Order)
        .outerjoin(first, first.c.cid == Order.customer_id)
        .where(Order.status.in_(COUNTED_STATUSES), at >= start, at < end)
        .group_by(day)
    )
    epoch = date(1970, 1, 1)
    return {epoch + timedelta(days=int(row[0])): (int(row[1]), int(row[2]), int(row[3]), int(row[4]), int(row[5]))
            for row in session.execute(query)}


def _bucket_start(day: date, grain: str, period: Period) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return max(day - timedelta(days=day.weekday()), period.first_day)
    return max(day.replace(day=1), period.first_day)


def _buckets(period: Period, grain: str, days: dict[date, tuple[int, int, int, int, int]]) -> list[Bucket]:
    starts: list[date] = []
    day = period.first_day
    while day <= period.last_day:
        begin = _bucket_start(day, grain, period)
        if not starts or starts[-1] != begin:
            starts.append(begin)
        day += timedelta(days=1)
    totals = {begin: [0, 0, 0, 0, 0] for begin in starts}
    for day, values in days.items():
        if period.first_day <= day <= period.last_day:
            slot = totals[_bucket_start(day, grain, period)]
            for index, value in enumerate(values):
                slot[index] += value

    def label(begin: date) -> str:
        if grain == "day":
            return begin.isoformat()
        if grain == "week":
            return f"{begin.isoformat()}~"
        return f"{begin.year:04d}-{begin.month:02d}"

    return [Bucket(label(begin), begin, *totals[begin]) for begin in starts]


def _segment_sizes(session: Session, period: Period, zone: ZoneInfo,
                   limits: Thresholds) -> tuple[list[str], dict[str, list[int]]]:
    """Lifecycle sizes as of the end of each of the SEGMENT_MONTHS months up to the period's last day."""
    _start, end = period.bounds(zone)
    firsts = month_starts(period.last_day, SEGMENT_MONTHS)
    labels = [f"{day.year:04d}-{day.month:02d}" for day in firsts[:-1]]
    edges = [min(datetime.combine(day, time(), zone), end) for day in firsts[1:]]
    at = scan(Order.ordered_at)
    at_risk, lapsed = timedelta(days=limits.at_risk_days), timedelta(days=limits.lapsed_days)

    def flag(condition: Any) -> Any:
        return func.max(case((condition, 1), else_=0))

    columns: list[Any] = [Order.customer_id.label("cid")]
    for index, edge in enumerate(edges):
        columns += [
            flag(and_(at > edge - at_risk, at < edge)).label(f"a{index}"),
            flag(and_(at > edge - lapsed, at <= edge - at_risk)).label(f"r{index}"),
            flag(at < edge).label(f"b{index}"),
        ]
    per_customer = (
        select(*columns)
        .where(Order.status.in_(COUNTED_STATUSES), Order.customer_id.is_not(None), at < edges[-1])
        .group_by(Order.customer_id)
        .subquery("pc")
    )
    pc = per_customer.c
    joined = func.coalesce(Customer.signed_up_at, Customer.created_at)
    sums: list[Any] = []
    for index, edge in enumerate(edges):
        a, r, b = pc[f"a{index}"], pc[f"r{index}"], pc[f"b{index}"]
        bought = b == 1
        sums += [
            func.coalesce(func.sum(case((and_(joined < edge, or_(b.is_(None), b == 0)), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(bought, a == 1), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(bought, a == 0, r == 1), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(bought, a == 0, r == 0), 1), else_=0)), 0),
        ]
    query = select(*sums).select_from(Customer).outerjoin(per_customer, pc.cid == Customer.id)
    row = session.execute(query).one()
    sizes: dict[str, list[int]] = {stage: [] for stage in LIFECYCLE}
    for index in range(len(edges)):
        for offset, stage in enumerate(LIFECYCLE):
            sizes[stage].append(int(row[index * 4 + offset]))
    return labels, sizes


__all__ = ["GRAINS", "PRESETS", "Bucket", "Series", "build_series", "compute_series", "default_grain",
           "preset_period"]
