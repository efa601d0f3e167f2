"""Lifecycle segments, VIPs, RFM scores and the shop's KPIs, computed in SQL over customer_stats.

Lifecycle (by days since the last counted order): new (never bought), active, at_risk (≥ 90 days),
lapsed (≥ 365 days); the thresholds are settings. VIP: spent ≥ 300,000원 or ordered ≥ 3 times in the
last 180 days. RFM: each of recency, frequency and money scored 1‥5 by quintile among buyers, equal figures
alike and a run of them at its lowest score (`rfm_cuts`, the one definition).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.customers.stats import COUNTED_STATUSES
from storage.models import Customer, CustomerStats, Order

LIFECYCLE = ("new", "active", "at_risk", "lapsed")
SEGMENTS = (*LIFECYCLE, "vip")
SEGMENT_LABELS = {
    "new": ("신규 (구매 전)", "New (not bought yet)"),
    "active": ("활성", "Active"),
    "at_risk": ("이탈 위험", "At risk"),
    "lapsed": ("휴면", "Lapsed"),
    "vip": ("VIP", "VIP"),
}


@dataclass(frozen=True)
class Thresholds:
    at_risk_days: int = 90
    lapsed_days: int = 365
    vip_min_spent: int = 300_000
    vip_window_days: int = 180
    vip_min_orders: int = 3


def thresholds(session: Session, snapshot: Any = None) -> Thresholds:
    """The segment settings (one query; pass a config.Snapshot already read to make it none)."""
    from engine.config import Snapshot

    values = snapshot or Snapshot(session)
    return Thresholds(
        at_risk_days=int(values.get("segments.at_risk_days")),
        lapsed_days=int(values.get("segments.lapsed_days")),
        vip_min_spent=int(values.get("segments.vip_min_spent")),
        vip_window_days=int(values.get("segments.vip_window_days")),
        vip_min_orders=int(values.get("segments.vip_min_orders")),
    )


def lifecycle(order_count: int, last_order_at: datetime | None, now: datetime, limits: Thresholds) -> str:
    if not order_count or last_order_at is None:
        return "new"
    days = (now - last_order_at).days
    if days >= limits.lapsed_days:
        return "lapsed"
    if days >= limits.at_risk_days:
        return "at_risk"
    return "active"


def _lifecycle_condition(segment: str, now: datetime, limits: Thresholds) -> Any:
    at_risk = now - timedelta(days=limits.at_risk_days)
    lapsed = now - timedelta(days=limits.lapsed_days)
    bought = func.coalesce(CustomerStats.order_count, 0) > 0
    if segment == "new":
        return ~bought
    if segment == "active":
        return and_(bought, CustomerStats.last_order_at > at_risk)
    if segment == "at_risk":
        return and_(bought, CustomerStats.last_order_at <= at_risk, CustomerStats.last_order_at > lapsed)
    if segment == "lapsed":
        return and_(bought, CustomerStats.last_order_at <= lapsed)
    raise ValueError(f"unknown lifecycle segment {segment}")


def _vip_subquery(now: datetime, limits: Thresholds) -> Any:
    since = now - timedelta(days=limits.vip_window_days)
    return (
        select(Order.customer_id)
        .where(Order.customer_id.is_not(None), Order.status.in_(COUNTED_STATUSES), Order.ordered_at >= since)
        .group_by(Order.customer_id)
        .having(or_(func.sum(Order.amount) >= limits.vip_min_spent, func.count(Order.id) >= limits.vip_min_orders))
    )


def lifecycle_rank(now: datetime, limits: Thresholds) -> Any:
    """The lifecycle stage as a number to sort by in SQL (new 0, active 1, at risk 2, lapsed 3)."""
    return case(*((_lifecycle_condition(name, now, limits), literal(rank)) for rank, name in enumerate(LIFECYCLE)),
                else_=literal(len(LIFECYCLE)))


def segment_query(segment: str, now: datetime, limits: Thresholds,
                  session: Session | None = None) -> Select[tuple[int]]:
    """The ids of a segment's customers, as a query the caller can page or count.

    Besides the built-in ones: "custom:<id>" (a saved custom segment) and "rfm:<group>" (a named RFM
    group), which need the `session` to read the segment or the score cut points."""
    if segment.startswith(("custom:", "rfm:")):
        from engine.customers.custom_segments import query_for

        if session is None:
            raise ValueError(f"segment {segment} needs a session")
        return query_for(session, segment, now, limits)
    base = select(Customer.id).outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
    if segment == "vip":
        return base.where(Customer.id.in_(_vip_subquery(now, limits)))
    return base.where(_lifecycle_condition(segment, now, limits))


def vip_ids(session: Session, now: datetime, limits: Thresholds, customer_ids: Iterable[int] | None = None) -> set[int]:
    query = _vip_subquery(now, limits)
    if customer_ids is not None:
        ids = list(customer_ids)
        found: set[int] = set()
        for start in range(0, len(ids), 900):
            found.update(session.scalars(query.where(Order.customer_id.in_(ids[start : start + 900]))))
        return found
    return set(session.scalars(query))


def segment_counts(session: Session, now: datetime, limits: Thresholds) -> dict[str, int]:
    columns = [
        func.count(case((_lifecycle_condition(name, now, limits), literal(1)))).label(name) for name in LIFECYCLE
    ]
    row = session.execute(
        select(*columns).select_from(Customer).outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
    ).one()
    counts = {name: int(getattr(row, name)) for name in LIFECYCLE}
    counts["vip"] = int(session.scalar(select(func.count()).select_from(_vip_subquery(now, limits).subquery())) or 0)
    return counts


def rfm_scores(session: Session, now: datetime, customer_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int, int]]:
    """(R, F, M), each 1‥5 (5 best), among all buyers (see `rfm_cuts`); customers who never bought are absent."""
    cuts = rfm_cuts(session)
    query = select(CustomerStats.customer_id, CustomerStats.last_order_at, CustomerStats.order_count,
                   CustomerStats.total_spent).where(CustomerStats.order_count > 0)
    wanted = set(customer_ids) if customer_ids is not None else None
    scores: dict[int, tuple[int, int, int]] = {}
    for customer_id, last, count, spent in session.execute(query):
        if wanted is None or customer_id in wanted:
            scores[customer_id] = cuts.scores(last, count, spent)
    return scores


class RfmCuts(NamedTuple):
    """Where the scores 2, 3, 4 and 5 of recency, frequency and money start among the shop's buyers: a figure
    at or above `starts[k - 2]` scores at least k (a score no figure reaches has no start). Empty when nobody
    has bought.

    The one definition of an RFM score: 1 + floor(5 × b / n) among the n buyers, b = #(x < v) the buyers with
    a figure below v; so equal figures always score alike, a better figure never lower, and a run of equal
    figures takes the lowest score it reaches. That last point is what makes F mean something in a small shop:
    when 40 % bought once, ceil(5 × cume_dist) (ties taking the highest score) gave every one-time buyer F = 3
    and left F = 1 and 2, and with them the 신규, 동면 and 이탈 groups, empty; here a one-time buyer always has
    F = 1 (docs/decisions.md). Score ≥ k exactly when b ≥ m = ceil((k - 1)·n / 5), that is when v is above the
    m-th smallest figure: the start of k is the smallest figure greater than it.
    A tuple, so a caller wanting two of the three can unpack it."""

    recency: tuple[Any, ...] = ()  # last_order_at
    frequency: tuple[Any, ...] = ()  # order_count
    money: tuple[Any, ...] = ()  # total_spent

    def scores(self, last_order_at: Any, order_count: int, total_spent: int) -> tuple[int, int, int]:
        """(R, F, M) of a buyer's own figures."""
        return (_level(self.recency, last_order_at), _level(self.frequency, order_count),
                _level(self.money, total_spent))

    def score(self, last_order_at: Any, order_count: int, total_spent: int) -> int | None:
        """R + F + M (3‥15) for a buyer; None for a customer who never bought."""
        if not order_count or last_order_at is None:
            return None
        return sum(self.scores(last_order_at, order_count, total_spent))


def _level(starts: tuple[Any, ...], value: Any) -> int:
    return 1 + sum(1 for start in starts if value >= start)


def rfm_score_sql(column: Any, starts: tuple[Any, ...]) -> Any:
    """SQL: the 1‥5 score of `column` given where its scores start (one of `rfm_cuts`'s three)."""
    whens = [(column >= start, literal(k)) for k, start in reversed(list(enumerate(starts, start=2)))]
    return case(*whens, else_=literal(1)) if whens else literal(1)


def rfm_cuts(session: Session) -> RfmCuts:
    """Where each RFM score starts (see `RfmCuts`), found without ranking every buyer: recency by a count and
    a few look-ups in last_order_at's index, frequency and money from one histogram each, read in the order of
    ix_customer_stats_orders and ix_customer_stats_spent_orders (no sort)."""
    last = CustomerStats.last_order_at
    bought = last.is_not(None)  # = order_count > 0 (refresh_stats writes both), answered from last's index
    buyers = int(session.scalar(select(func.count()).where(bought)) or 0)
    if not buyers:
        return RfmCuts()
    below = [-(-(k - 1) * buyers // 5) for k in range(2, 6)]  # m = ceil((k - 1)·n / 5) buyers below the start
    recency: list[Any] = []
    for m in below:
        mth = session.scalar(select(last).where(bought).order_by(last).offset(m - 1).limit(1))
        start = session.scalar(select(func.min(last)).where(last > mth))
        if start is None:  # nobody above the m-th: no one scores k or more
            break
        recency.append(start)

    def from_histogram(column: Any) -> tuple[Any, ...]:
        starts: list[Any] = []
        seen = 0  # buyers with a figure below `value`
        for value, count in session.execute(select(column, func.count()).where(CustomerStats.order_count > 0)
                                            .group_by(column).order_by(column)):
            while len(starts) < len(below) and seen >= below[len(starts)]:
                starts.append(value)
            seen += int(count)
        return tuple(starts)

    return RfmCuts(tuple(recency), from_histogram(CustomerStats.order_count), from_histogram(CustomerStats.total_spent))


@dataclass(frozen=True)
class Kpis:
    customers: int
    buyers: int
    orders: int
    revenue: int
    aov: int
    repeat_rate: float  # buyers with ≥ 2 orders / buyers
    clv: int  # average revenue per buyer so far
    churn_rate: float  # lapsed buyers / buyers
    revenue_30d: int
    orders_30d: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def kpis(session: Session, now: datetime, limits: Thresholds) -> Kpis:
    customers = int(session.scalar(select(func.count()).select_from(Customer)) or 0)
    buyers, repeaters, orders, revenue = session.execute(
        select(
            func.count(),
            func.count(case((CustomerStats.order_count >= 2, literal(1)))),
            func.coalesce(func.sum(CustomerStats.order_count), 0),
            func.coalesce(func.sum(CustomerStats.total_spent), 0),
        ).where(CustomerStats.order_count > 0)
    ).one()
    lapsed = int(session.scalar(
        select(func.count()).select_from(CustomerStats)
        .where(CustomerStats.order_count > 0, CustomerStats.last_order_at <= now - timedelta(days=limits.lapsed_days))
    ) or 0)
    recent_orders, recent_revenue = session.execute(
        select(func.count(), func.coalesce(func.sum(Order.amount), 0))
        .where(Order.status.in_(COUNTED_STATUSES), Order.ordered_at > now - timedelta(days=30), Order.ordered_at <= now)
    ).one()
    buyers, orders, revenue = int(buyers), int(orders), int(revenue)
    return Kpis(
        customers=customers,
        buyers=buyers,
        orders=orders,
        revenue=revenue,
        aov=revenue // orders if orders else 0,
        repeat_rate=round(int(repeaters) / buyers, 4) if buyers else 0.0,
        clv=revenue // buyers if buyers else 0,
        churn_rate=round(lapsed / buyers, 4) if buyers else 0.0,
        revenue_30d=int(recent_revenue),
        orders_30d=int(recent_orders),
    )


# RFM groups: the classic named groups, read off the recency (R) and frequency (F) scores. Every one of the
# 25 (R, F) cells belongs to exactly one group; the report and the segments share this one table.
RFM_GROUPS: tuple[tuple[str, str, str, range, range], ...] = (
    # key, Korean, English, R scores, F scores
    ("champions", "챔피언", "Champions", range(5, 6), range(4, 6)),
    ("loyal", "충성 고객", "Loyal", range(3, 5), range(4, 6)),
    ("potential_loyal", "잠재 충성", "Potential loyalists", range(4, 6), range(2, 4)),
    ("new", "신규", "New", range(4, 6), range(1, 2)),
    ("need_attention", "관심 필요", "Need attention", range(3, 4), range(1, 4)),
    ("at_risk", "이탈 위험", "At risk", range(1, 3), range(3, 5)),
    ("cant_lose", "놓치면 안 될 고객", "Can't lose them", range(1, 3), range(5, 6)),
    ("hibernating", "동면", "Hibernating", range(2, 3), range(1, 3)),
    ("lost", "이탈", "Lost", range(1, 2), range(1, 3)),
)
RFM_GROUP_LABELS = {key: (ko, en) for key, ko, en, _, _ in RFM_GROUPS}


def rfm_group(recency: int, frequency: int) -> str:
    """The named group of an (R, F) pair of scores 1‥5."""
    for key, _, _, r_scores, f_scores in RFM_GROUPS:
        if recency in r_scores and frequency in f_scores:
            return key
    raise ValueError(f"RFM scores out of range: R={recency}, F={frequency}")


def segment_key_problem(session: Session, key: str) -> str | None:
    """Why `key` names no segment, in one line (None when it does): the keys every part accepts are the
    built-in ones (new, active, at_risk, lapsed, vip), "rfm:<group>" and "custom:<id>" of a saved segment."""
    if key in SEGMENTS:
        return None
    if key.startswith("rfm:"):
        if key.removeprefix("rfm:") in RFM_GROUP_LABELS:
            return None
        return f"no RFM group '{key.removeprefix('rfm:')}'; the groups: {', '.join(RFM_GROUP_LABELS)}"
    if key.startswith("custom:"):
        from engine.customers.custom_segments import find

        return None if find(session, key) is not None else f"no saved custom segment '{key}'"
    return f"unknown segment '{key}'; use {', '.join(SEGMENTS)}, rfm:<group> or custom:<id>"
