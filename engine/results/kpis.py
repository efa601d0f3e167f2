"""The shop's KPIs for a period of shop days, each beside the same figure for the period just before.

Definitions (docs/metrics.md, and the tooltips in `FIGURES`):
- An order counts when its status is paid, shipped, delivered or confirmed (`COUNTED_STATUSES`); cancelled,
  refunded and pending orders count nowhere. Its time is `ordered_at`.
- A period is whole shop days, first_day 00:00 to the day after last_day 00:00 in the shop's zone
  (Asia/Seoul by default); the period before has the same number of days and ends where this one starts.
- Orders with no customer (a guest the shop could not match) count in orders, revenue and AOV only.

`build_report(db, period, now)` opens its own read session and holds nothing shared, so a UI can call it on a
worker thread; `compute_report(session, …)` is the same on a session the caller owns. The counted orders are
read once, two integers an order, through SQLAlchemy Core (portable to PostgreSQL; the dialect differences live
in storage.sql), and grouped in numpy: by customer, then by RFM score, grade and cohort (see `_figures`).
tests/reliability/report_reference.py keeps the same figures as one SQL query, and the two must agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from engine.customers.segments import (
    LIFECYCLE,
    RFM_GROUPS,
    Thresholds,
    rfm_cuts,
    rfm_group,
    rfm_score_sql,
    thresholds,
)
from engine.customers.stats import COUNTED_STATUSES
from engine.results.cohorts import CohortTable, cohort_counts, cohort_starts
from storage.models import Customer, CustomerStats, CustomerTier, Order, TierRule
from storage.sql import epoch_seconds, scan

YEAR_DAYS = 365
MAX_PERIOD_DAYS = 3660  # ten years: longer is a typo


class PeriodError(ValueError):
    """A period that cannot be reported (bad dates, end before start)."""


@dataclass(frozen=True)
class Period:
    """Whole shop days, first_day to last_day inclusive."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise PeriodError(f"the period ends ({self.last_day}) before it starts ({self.first_day})")
        if self.days > MAX_PERIOD_DAYS:
            raise PeriodError(f"the period is {self.days:,} days long; at most {MAX_PERIOD_DAYS:,}")

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def before(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: first_day 00:00 and the day after last_day 00:00, shop time."""
        start = datetime.combine(self.first_day, time(), zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), zone)
        return start, end

    def to_json(self) -> dict[str, Any]:
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat(), "days": self.days}


def parse_day(text: str, what: str) -> date:
    """A shop day from `YYYY-MM-DD` (the years 2000–2100); PeriodError naming `what` otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"{what}: '{text}' is not a date (example: 2026-03-01)") from None
    if not 2000 <= day.year <= 2100:
        raise PeriodError(f"{what}: '{text}' is outside the years 2000–2100")
    return day


def default_period(today: date, first_day: date | None = None, last_day: date | None = None) -> Period:
    """The period asked for; by default the 30 days up to and including today (shop date)."""
    last = last_day or (today if first_day is None else max(today, first_day))
    first = first_day or last - timedelta(days=29)
    return Period(first, last)


@dataclass(frozen=True)
class Figures:
    """Every KPI of one period."""

    period: Period
    orders: int
    revenue: int
    buyers: int
    aov: int  # revenue ÷ orders, won (floored)
    repeat_buyers: int  # buyers of the period with ≥ 2 counted orders by its end
    repeat_rate: float
    orders_last_year: int  # counted orders of customers in the 365 days up to the period's end
    buyers_last_year: int
    purchases_per_year: float  # orders_last_year ÷ buyers_last_year
    churn_base: int  # customers who bought in the lapse window before last (see docs/metrics.md)
    churned: int  # … and not in the last lapse window up to the period's end
    churn_rate: float
    years_retained: float | None  # 1 ÷ churn rate (None when nobody churned)
    clv: int | None  # AOV × purchases per year × years retained
    days_between: float | None  # mean days from a customer's previous counted order to an order of the period
    gaps: int  # how many such gaps were averaged
    new_revenue: int  # from buyers whose first counted order is in the period
    returning_revenue: int  # from buyers who had ordered before it
    guest_revenue: int  # from orders without a customer
    vip_revenue: int
    vip_share: float
    by_lifecycle: dict[str, dict[str, int]]  # stage at the period's start → buyers, revenue
    by_rfm: dict[str, dict[str, int]]  # today's RFM group → buyers, revenue ("none": not scored)
    by_tier: dict[str, dict[str, int]] | None  # member grade → buyers, revenue; None when no customer has one

    def value(self, key: str) -> Any:
        return getattr(self, key)

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "period"}
        return {"period": self.period.to_json(), **data}


@dataclass(frozen=True)
class Change:
    """A figure beside the period before: ▲ up, ▼ down, = the same; percent of the earlier value."""

    current: Any
    previous: Any

    @property
    def arrow(self) -> str:
        """▲ or ▼; empty when the two are equal or one is missing."""
        if self.current is None or self.previous is None or self.current == self.previous:
            return ""
        return "▲" if self.current > self.previous else "▼"

    @property
    def percent(self) -> float | None:
        if self.current is None or self.previous in (None, 0):
            return None
        return round((self.current - self.previous) / abs(self.previous) * 100, 1)

    def to_json(self) -> dict[str, Any]:
        return {"current": self.current, "previous": self.previous, "arrow": self.arrow, "percent": self.percent}


@dataclass(frozen=True)
class Figure:
    """One KPI line: its key, labels, unit ('won', 'rate', 'days', 'count', 'times', 'years') and tooltip."""

    key: str
    ko: str
    en: str
    unit: str
    tip_ko: str
    tip_en: str

    def label(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    def tip(self, lang: str) -> str:
        return self.tip_ko if lang == "ko" else self.tip_en


# The KPI lines in the order they are shown; the tooltips are docs/metrics.md in one sentence each.
FIGURES: tuple[Figure, ...] = (
    Figure("revenue", "매출", "Revenue", "won", "기간 중 결제된 주문(취소·환불 제외)의 금액 합계.",
           "Sum of the period's counted orders (paid, shipped, delivered, confirmed; not cancelled or refunded)."),
    Figure("orders", "주문 수", "Orders", "count", "기간 중 결제된 주문 수.", "Counted orders placed in the period."),
    Figure("buyers", "구매 고객", "Buyers", "count", "기간 중 한 번 이상 주문한 고객 수(비회원 주문 제외).",
           "Customers with at least one counted order in the period (unmatched guests excluded)."),
    Figure("aov", "객단가(AOV)", "Average order value", "won", "매출 ÷ 주문 수.", "Revenue ÷ orders."),
    Figure("repeat_rate", "재구매율", "Repeat purchase rate", "rate",
           "기간 구매 고객 중 기간 끝까지 누적 주문이 2건 이상인 고객의 비율.",
           "Share of the period's buyers who have two or more counted orders by the period's end."),
    Figure("purchases_per_year", "연간 구매 횟수", "Purchases per year", "times",
           "기간 끝 전 365일의 주문 수 ÷ 그 동안 구매한 고객 수.",
           "Orders in the 365 days up to the period's end ÷ customers who bought in them."),
    Figure("churn_rate", "이탈률", "Churn rate", "rate",
           "휴면 기준 일수(기본 365일)를 두 번 거슬러 그 앞 구간에 산 고객 중 기간 끝까지 최근 구간에 다시 사지 않은 비율.",
           "Of the customers who bought in the lapse window (365 days by default) before the last one, "
           "the share who did not buy again in the last window up to the period's end."),
    Figure("years_retained", "유지 기간(년)", "Years retained", "years", "1 ÷ 이탈률.", "1 ÷ churn rate."),
    Figure("clv", "고객생애가치(CLV)", "Customer lifetime value", "won",
           "객단가 × 연간 구매 횟수 × 유지 기간(년).", "AOV × purchases per year × years retained."),
    Figure("days_between", "구매 간격(일)", "Days between purchases", "days",
           "기간 중 주문마다 같은 고객의 직전 주문과의 간격(일)의 평균; 첫 주문은 제외.",
           "Mean days from each order of the period back to the same customer's previous order (first orders "
           "have none)."),
    Figure("new_revenue", "신규 고객 매출", "New-customer revenue", "won",
           "첫 주문이 기간 안에 있는 고객의 기간 매출.", "Revenue from buyers whose first counted order is in the period."),
    Figure("returning_revenue", "재구매 고객 매출", "Returning-customer revenue", "won",
           "기간 전에 주문한 적이 있는 고객의 기간 매출.", "Revenue from buyers who had ordered before the period."),
    Figure("vip_share", "VIP 매출 비중", "VIP share of revenue", "rate",
           "기간 끝 기준 VIP(설정; 기본은 그 전 180일에 30만원 이상 또는 3회 이상 구매) 고객의 매출 ÷ 매출.",
           "Revenue from customers who are VIPs at the period's end (settings; by default ≥ 300,000원 or ≥ 3 "
           "orders in the 180 days before it) ÷ revenue."),
)
FIGURE_KEYS = tuple(figure.key for figure in FIGURES)
LIFECYCLE_LABELS = {
    "new": ("신규 (첫 구매)", "New (first purchase)"),
    "active": ("활성", "Active"),
    "at_risk": ("이탈 위험에서 복귀", "Back from at risk"),
    "lapsed": ("휴면에서 복귀", "Back from lapsed"),
}


@dataclass(frozen=True)
class Report:
    current: Figures
    previous: Figures
    cohorts: CohortTable
    zone: str
    limits: Thresholds = field(repr=False)

    def change(self, key: str) -> Change:
        return Change(self.current.value(key), self.previous.value(key))

    def to_json(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "period": self.current.period.to_json(),
            "previous_period": self.previous.period.to_json(),
            "kpis": {key: self.change(key).to_json() for key in FIGURE_KEYS},
            "current": self.current.to_json(),
            "previous": self.previous.to_json(),
            "cohorts": self.cohorts.to_json(),
            "settings": {"at_risk_days": self.limits.at_risk_days, "lapsed_days": self.limits.lapsed_days,
                         "vip_min_spent": self.limits.vip_min_spent, "vip_window_days": self.limits.vip_window_days,
                         "vip_min_orders": self.limits.vip_min_orders},
        }


def build_report(db: Any, period: Period, cohort_months: int = 12) -> Report:
    """The report on its own read session of `db` (a storage Database): safe on a worker thread."""
    with db.session() as session:
        return compute_report(session, period, cohort_months=cohort_months)


def compute_report(session: Session, period: Period, cohort_months: int = 12) -> Report:
    from engine.config import Snapshot

    snapshot = Snapshot(session)
    limits = thresholds(session, snapshot)
    zone = ZoneInfo(str(snapshot.get("shop.timezone")))
    previous = period.before()
    current_figures, previous_figures, cohorts = _figures(session, period, previous, zone, limits, cohort_months)
    return Report(current_figures, previous_figures, cohorts, str(zone), limits)


def _figures(session: Session, period: Period, previous: Period, zone: ZoneInfo, limits: Thresholds,
             cohort_months: int) -> tuple[Figures, Figures, CohortTable]:
    """Both periods' figures and the cohorts from one read of the counted orders up to the period's end.

    SQL hands over three integers an order (customer, instant in whole seconds, amount); numpy groups them by
    customer (what each bought in each period, before it, in the VIP and churn windows, in each cohort month),
    then sums those customers by RFM score, grade and cohort (a few hundred groups), which `_one` adds up into
    the figures. The same figures by one SQL GROUP BY took 2.5× as long over a million orders: SQLite evaluated
    some forty CASE expressions on the text of every order's instant (docs/decisions.md).
    """
    (start, end), (start_q, end_q) = period.bounds(zone), previous.bounds(zone)
    months = cohort_starts(period.last_day, zone, cohort_months)
    orders = _CustomerOrders.read(session, end)
    pc = orders.per_customer
    lapse, at_risk = _seconds(timedelta(days=limits.lapsed_days)), _seconds(timedelta(days=limits.at_risk_days))
    vip_window, year = _seconds(timedelta(days=limits.vip_window_days)), _seconds(timedelta(days=YEAR_DAYS))
    s, e, s_q, e_q = (_epoch(moment) for moment in (start, end, start_q, end_q))
    member = orders.ids != GUEST
    p_n, p_rev = orders.count(orders.at >= s), orders.amount(orders.at >= s)
    in_q = (orders.at >= s_q) & (orders.at < s)
    q_n, q_rev, q_last = orders.count(in_q), orders.amount(in_q), orders.latest(in_q)
    q_prev = orders.latest(orders.at < s_q)
    p_prev = _Maybe.first(q_last, q_prev)  # the last order before this period
    last_at = _Maybe(pc.last_at, np.ones(len(pc.last_at), dtype=bool))

    columns: dict[str, np.ndarray] = {}
    for name, low, high, n, rev, prev, last_in, last_before in (
        ("p", s, e, p_n, p_rev, p_prev, last_at, last_at),
        ("q", s_q, e_q, q_n, q_rev, q_prev, q_last, p_prev),
    ):
        vip_orders = (orders.at >= high - vip_window) & (orders.at < high)
        vip = (orders.amount(vip_orders) >= limits.vip_min_spent) | (orders.count(vip_orders) >= limits.vip_min_orders)
        last_year = orders.count((orders.at >= high - year) & (orders.at < high))
        churn_ref = orders.latest(orders.at < high - lapse)
        bought = member & (n > 0)
        based = member & churn_ref.known & (churn_ref.value >= high - 2 * lapse)
        since = np.where(prev.known, prev.value, pc.first_at)
        columns |= {
            f"{name}_orders": n, f"{name}_revenue": rev,
            f"{name}_guest": np.where(member, 0, rev), f"{name}_member_rev": np.where(member, rev, 0),
            f"{name}_buyers": bought, f"{name}_repeat": bought & ((n >= 2) | prev.known),
            f"{name}_gap_days": np.where(bought, (last_in.value - since) / 86400.0, 0.0),
            f"{name}_gaps": np.where(bought, n - ~prev.known, 0),
            f"{name}_vip": np.where(bought & vip, rev, 0),
            f"{name}_base": based, f"{name}_churned": based & last_before.known & (last_before.value < high - lapse),
            f"{name}_ny": np.where(member, last_year, 0), f"{name}_by": member & (last_year > 0),
        }
        stages = {
            "new": ~prev.known,
            "active": prev.known & (prev.value > low - at_risk),
            "at_risk": prev.known & (prev.value <= low - at_risk) & (prev.value > low - lapse),
            "lapsed": prev.known & (prev.value <= low - lapse),
        }
        for stage, condition in stages.items():
            columns[f"{name}_{stage}_buyers"] = bought & condition
            columns[f"{name}_{stage}_rev"] = np.where(bought & condition, rev, 0)
    # cohorts: the month of the first counted order, and the months each customer bought in
    edges = np.array([*(_epoch(moment) for moment in months), e], dtype=np.int64)
    cohort = np.searchsorted(edges, pc.first_at, side="right") - 1
    cohort = np.where(member & (cohort >= 0) & (cohort < cohort_months), cohort, -1)
    keys = _Keys.read(session, orders.ids)
    groups = keys.groups(cohort)
    rows = groups.rows(columns)
    bought_in = orders.months(edges)  # (customer index, month index) pairs, each once
    for index in range(cohort_months):
        customers = bought_in[1] == index
        counts = np.bincount(groups.inverse[bought_in[0][customers]], minlength=len(rows))
        for row, value in zip(rows, counts, strict=True):
            row[f"m{index}"] = int(value)
    for row in rows:
        row["rfm"] = rfm_group(row["r"], row["f"]) if row["r"] is not None else None
        row["grade"] = keys.grades[row["grade"]] if row["grade"] is not None else None
    cohorts = cohort_counts(rows, period.last_day, cohort_months)
    return _one(rows, "p", period, limits), _one(rows, "q", previous, limits), cohorts


GUEST = -1  # the customer id the orders of unmatched guests are read with (all of them one group, not a member)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())  # period bounds are whole seconds (shop midnights)


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())


@dataclass(frozen=True)
class _Maybe:
    """A per-customer instant that may be missing (SQL's NULL): `value` is only meaningful where `known`."""

    value: np.ndarray
    known: np.ndarray

    @staticmethod
    def first(one: _Maybe, other: _Maybe) -> _Maybe:
        """coalesce(one, other)."""
        return _Maybe(np.where(one.known, one.value, other.value), one.known | other.known)


@dataclass(frozen=True)
class _PerCustomer:
    first_at: np.ndarray
    last_at: np.ndarray


class _CustomerOrders:
    """The counted orders before an instant, as arrays sorted by customer and time, with per-customer sums."""

    def __init__(self, key: np.ndarray, amount: np.ndarray) -> None:
        order = np.argsort(key)
        key = key[order]
        self.customer, self.at, self.amount_of = key >> PACK, key & (1 << PACK) - 1, amount[order]
        size = len(key)
        self.starts = np.flatnonzero(np.r_[True, self.customer[1:] != self.customer[:-1]]) if size else \
            np.zeros(0, dtype=np.int64)
        self.ids = self.customer[self.starts]
        ends = np.r_[self.starts[1:], size].astype(np.int64)
        self.per_customer = _PerCustomer(self.at[self.starts], self.at[ends - 1] if size else self.at[:0])
        self.index = np.repeat(np.arange(len(self.starts)), ends - self.starts)  # each order's customer

    @classmethod
    def read(cls, session: Session, end: datetime) -> _CustomerOrders:
        # one integer an order for its customer and instant, customer × 2³² + whole seconds since 1970 (an
        # instant before 1970 counts as 1970; the seconds fit 32 bits until 2106): the sort key of the
        # arrays, and a third less for the driver to hand over than two columns
        seconds = case((scan(Order.ordered_at) < EPOCH, 0), else_=epoch_seconds(Order.ordered_at))
        packed = func.coalesce(scan(Order.customer_id), GUEST) * (1 << PACK) + seconds
        query = (
            select(packed, func.coalesce(Order.amount, 0))
            .where(Order.status.in_(COUNTED_STATUSES), scan(Order.ordered_at) < end)
        )
        flat = _integers(session, query, 2)
        return cls(flat[:, 0], flat[:, 1])

    def _reduce(self, ufunc: np.ufunc, values: np.ndarray) -> np.ndarray:
        if not len(self.starts):
            return np.zeros(0, dtype=np.int64)
        return ufunc.reduceat(values, self.starts)

    def count(self, mask: np.ndarray) -> np.ndarray:
        return self._reduce(np.add, mask.astype(np.int64))

    def amount(self, mask: np.ndarray) -> np.ndarray:
        return self._reduce(np.add, np.where(mask, self.amount_of, 0))

    def latest(self, mask: np.ndarray) -> _Maybe:
        return _Maybe(self._reduce(np.maximum, np.where(mask, self.at, NEVER)), self.count(mask) > 0)

    def months(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(customer index, month index) of every month between consecutive `edges` a customer bought in."""
        month = np.searchsorted(edges, self.at, side="right") - 1
        inside = (month >= 0) & (month < len(edges) - 1) & (self.customer != GUEST)
        pairs = self.index[inside] * (len(edges) - 1) + month[inside]  # sorted: by customer, then time
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
        return pairs // (len(edges) - 1), pairs % (len(edges) - 1)


NEVER = np.iinfo(np.int64).min
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PACK = 32  # bits of an order's packed key that hold its instant (see _CustomerOrders.read)


class _Keys:
    """Each customer's RFM scores today and grade (a tier once the owner has a ladder, else the shop's own)."""

    def __init__(self, r: np.ndarray, f: np.ndarray, grade: np.ndarray, grades: list[str]) -> None:
        self.r, self.f, self.grade, self.grades = r, f, grade, grades

    @classmethod
    def read(cls, session: Session, ids: np.ndarray) -> _Keys:
        """One integer query over the customers: id, R and F (0: not scored), grade as its index in `grades`
        (-1: none), the grade names read first (a shop has a handful)."""
        recency_cuts, frequency_cuts, _ = rfm_cuts(session)
        scored = CustomerStats.order_count > 0
        has_tiers = session.scalar(select(TierRule.position).limit(1)) is not None
        named: Any = func.nullif(CustomerTier.tier, "") if has_tiers else Customer.grade
        query = select(Customer.id).outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
        if has_tiers:
            query = query.outerjoin(CustomerTier, CustomerTier.customer_id == Customer.id)
        grades = sorted(name for name in session.scalars(query.with_only_columns(named).distinct()) if name)
        code = case(*((named == name, number) for number, name in enumerate(grades)), else_=-1) if grades else -1
        query = query.add_columns(
            case((scored, rfm_score_sql(CustomerStats.last_order_at, recency_cuts)), else_=0),
            case((scored, rfm_score_sql(CustomerStats.order_count, frequency_cuts)), else_=0),
            literal(code) if isinstance(code, int) else code,
        )
        rows = _integers(session, query, 4)
        r, f = np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=np.int64)
        grade = np.full(len(ids), -1, dtype=np.int64)
        where, found = _locate(rows[:, 0], ids)
        r[found], f[found], grade[found] = (rows[where[found], column] for column in (1, 2, 3))
        return cls(r, f, grade, grades)

    def groups(self, cohort: np.ndarray) -> _Groups:
        grades, cohorts = len(self.grades) + 1, int(cohort.max(initial=-1)) + 2
        key = ((self.r * 6 + self.f) * grades + self.grade + 1) * cohorts + cohort + 1
        unique, inverse = np.unique(key, return_inverse=True)
        cohort_of, rest = unique % cohorts - 1, unique // cohorts
        grade_of, rest = rest % grades - 1, rest // grades
        return _Groups(unique, inverse.reshape(-1), rest // 6, rest % 6, grade_of, cohort_of)


@dataclass(frozen=True)
class _Groups:
    """Customers grouped by (R, F, grade, cohort): `inverse` gives each customer's group."""

    keys: np.ndarray
    inverse: np.ndarray
    r: np.ndarray
    f: np.ndarray
    grade: np.ndarray
    cohort: np.ndarray

    def rows(self, columns: dict[str, np.ndarray]) -> list[dict[str, Any]]:
        """One dict a group: its keys (None where missing), `customers`, and each column summed."""
        size = len(self.keys)
        sums = {name: np.bincount(self.inverse, weights=values.astype(np.float64), minlength=size).tolist()
                for name, values in columns.items()}
        counts = np.bincount(self.inverse, minlength=size)
        rows = []
        for index in range(size):
            row: dict[str, Any] = {
                "r": int(self.r[index]) or None, "f": int(self.f[index]) or None,
                "grade": int(self.grade[index]) if self.grade[index] >= 0 else None,
                "cohort": int(self.cohort[index]) if self.cohort[index] >= 0 else None,
                "customers": int(counts[index]),
            }
            for name, values in sums.items():
                row[name] = values[index] if name.endswith("gap_days") else round(values[index])  # exact below 2⁵³
            rows.append(row)
        return rows


def _integers(session: Session, query: Any, columns: int) -> np.ndarray:
    """The rows of a query of `columns` integer columns as one array: the driver's rows as they come (nothing
    for SQLAlchemy to convert) flattened straight into it. SQLAlchemy Row objects, then an array of them, cost
    more than the query itself on a million rows."""
    cursor = cast(Iterable[tuple[int, ...]], session.connection().execute(query).cursor)
    return np.fromiter(chain.from_iterable(cursor), dtype=np.int64).reshape(-1, columns)


def _locate(sorted_or_not: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `ids`, its row in `sorted_or_not` (any order, unique) and whether it is there."""
    order = np.argsort(sorted_or_not, kind="stable")
    keys = sorted_or_not[order]
    place = np.clip(np.searchsorted(keys, ids), 0, max(len(keys) - 1, 0))
    found = (keys[place] == ids) if len(keys) else np.zeros(len(ids), dtype=bool)
    return order[place] if len(keys) else place, found


def _one(rows: list[Any], name: str, period: Period, limits: Thresholds) -> Figures:
    def add(label: str, where: Any = None) -> Any:
        return sum(row[f"{name}_{label}"] or 0 for row in rows if where is None or where(row))

    orders, revenue, buyers = int(add("orders")), int(add("revenue")), int(add("buyers"))
    aov = revenue // orders if orders else 0
    repeat = int(add("repeat"))
    ny, by = int(add("ny")), int(add("by"))
    per_year = round(ny / by, 4) if by else 0.0
    base, churned = int(add("base")), int(add("churned"))
    churn = round(churned / base, 4) if base else 0.0
    years = round(base / churned, 4) if churned else None
    # AOV × (ny ÷ by) × (base ÷ churned), rounded to the won once, in integers
    numerator, denominator = aov * ny * base, by * churned
    clv = (2 * numerator + denominator) // (2 * denominator) if denominator else None
    gaps = int(add("gaps"))
    gap_days = float(add("gap_days"))
    lifecycle = {stage: {"buyers": int(add(f"{stage}_buyers")), "revenue": int(add(f"{stage}_rev"))}
                 for stage in LIFECYCLE}
    new_revenue = lifecycle["new"]["revenue"]
    returning = sum(lifecycle[stage]["revenue"] for stage in LIFECYCLE if stage != "new")
    vip = int(add("vip"))

    def split(column: str, keys: list[str | None]) -> dict[str, dict[str, int]]:
        def figures(key: str | None) -> dict[str, int]:
            def match(row: Any) -> bool:
                return bool(row[column] == key)

            return {"buyers": int(add("buyers", match)), "revenue": int(add("member_rev", match))}

        return {"none" if key is None else key: figures(key) for key in keys}

    rfm_keys: list[str | None] = [key for key, *_ in RFM_GROUPS]
    by_rfm = split("rfm", [*rfm_keys, None])
    grades = sorted({row["grade"] for row in rows if row["grade"] is not None})
    by_tier = split("grade", [*grades, None]) if grades else None
    return Figures(
        period=period, orders=orders, revenue=revenue, buyers=buyers, aov=aov, repeat_buyers=repeat,
        repeat_rate=round(repeat / buyers, 4) if buyers else 0.0, orders_last_year=ny, buyers_last_year=by,
        purchases_per_year=per_year, churn_base=base, churned=churned, churn_rate=churn, years_retained=years,
        clv=clv, days_between=round(gap_days / gaps, 2) if gaps else None, gaps=gaps, new_revenue=new_revenue,
        returning_revenue=returning, guest_revenue=int(add("guest")), vip_revenue=vip,
        vip_share=round(vip / revenue, 4) if revenue else 0.0, by_lifecycle=lifecycle, by_rfm=by_rfm,
        by_tier=by_tier,
    )


__all__ = ["FIGURES", "Change", "Figure", "Figures", "Period", "PeriodError", "Report", "build_report",
           "compute_report", "default_period", "parse_day"]
