"""The report's figures from the counted orders read once into numpy arrays (engine.results.kpis computes a
report with `figures`; the definitions are there and in docs/metrics.md).

SQL hands over two integers an order (customer × 2³² + whole seconds, and the amount); numpy groups them by
customer (what each bought in each period, before it, in the VIP and churn windows, in each cohort month),
then sums those customers by RFM score, grade and cohort (a few hundred groups), which `kpis._one` adds up.
A module of its own so that numpy is imported when a report is computed, not when the app starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from engine.customers.segments import Thresholds, rfm_cuts, rfm_group, rfm_score_sql
from engine.customers.stats import COUNTED_STATUSES
from engine.results.cohorts import CohortTable, cohort_counts, cohort_starts
from engine.results.kpis import YEAR_DAYS, Figures, Period, _one
from storage.models import Customer, CustomerStats, CustomerTier, Order, TierRule
from storage.sql import epoch_seconds, scan


def figures(session: Session, period: Period, previous: Period, zone: ZoneInfo, limits: Thresholds,
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
