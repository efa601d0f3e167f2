"""Membership tiers: the owner's own ladder (일반/실버/골드/VIP by default), computed by us in SQL.

A tier (`tier_rules`, lowest `position` first) has a name and thresholds over the last N months
(`tiers.window_months`, 12 by default): the spend (`min_spent`, won) and the number of orders (`min_orders`)
that count (paid, shipped, delivered, confirmed), both when both are set. A tier may also name a shop grade
(`shop_grade`): a customer whose grade from the shop's own import (`Customer.grade`) is that one is in it
whatever they spent. A customer is in the highest tier they qualify for; below the lowest one they have
none (""). `Customer.grade` itself is never changed: it is the shop's, the tier is ours.

`recompute_tiers` runs after each import/sync (for the customers it touched) and nightly for everyone (the
window moves). Each change of a customer's tier is one shop event `tier_changed` (payload from, to,
direction up/down) written in the same transaction as the new tier, so a change is recorded exactly once:
the next run sees the new tier and finds nothing to change. A customer's first tier (no tier stored yet)
and a run after the owner edits the ladder (`emit=False`) record the tiers without events: nobody is
congratulated for a rule change.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.customers.stats import COUNTED_STATUSES
from engine.runtime.writes import fast_insert_rows
from storage.models import Customer, CustomerTier, Order, ShopEvent, TierRule
from storage.sql import scan

TIER_EVENT = "tier_changed"
CHUNK = 900
EVENT_COLUMNS = ("kind", "customer_id", "occurred_at", "ref", "payload", "recorded_at")


@dataclass(frozen=True)
class Tier:
    name: str
    min_spent: int = 0
    min_orders: int = 0
    shop_grade: str | None = None


# the suggestion a shop starts from (the owner changes it on the settings page)
DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("일반"),
    Tier("실버", 200_000, 2),
    Tier("골드", 500_000, 4),
    Tier("VIP", 1_000_000, 6),
)


class TierError(ValueError):
    """A ladder that cannot be used: says which tier and what to fix (Korean in `ko`)."""

    def __init__(self, message: str, ko: str) -> None:
        super().__init__(message)
        self.ko = ko


def check_tiers(tiers: Sequence[Tier]) -> list[Tier]:
    """The ladder cleaned (names stripped); raises TierError for empty or repeated names, negative or
    falling thresholds."""
    cleaned: list[Tier] = []
    seen: set[str] = set()
    for index, tier in enumerate(tiers, 1):
        name = tier.name.strip()
        if not name or len(name) > 40:
            raise TierError(f"tier {index}: a name of 1 to 40 characters is needed",
                            f"{index}번째 등급: 이름을 1~40자로 적어 주세요")
        if name in seen:
            raise TierError(f"tier '{name}' is named twice", f"'{name}' 등급 이름이 두 번 있습니다")
        seen.add(name)
        if tier.min_spent < 0 or tier.min_orders < 0:
            raise TierError(f"tier '{name}': thresholds cannot be negative", f"'{name}' 등급: 기준은 0 이상이어야 합니다")
        if cleaned and (tier.min_spent < cleaned[-1].min_spent or tier.min_orders < cleaned[-1].min_orders):
            raise TierError(f"tier '{name}': a higher tier cannot ask for less than the one below it",
                            f"'{name}' 등급: 윗 등급의 기준이 아랫 등급보다 낮을 수 없습니다")
        grade = (tier.shop_grade or "").strip() or None
        cleaned.append(Tier(name, int(tier.min_spent), int(tier.min_orders), grade))
    return cleaned


def load_tiers(session: Session) -> list[Tier]:
    """The owner's ladder, lowest first (empty: tiers are off)."""
    return [Tier(r.name, r.min_spent, r.min_orders, r.shop_grade)
            for r in session.scalars(select(TierRule).order_by(TierRule.position))]


def save_tiers(session: Session, tiers: Sequence[Tier], now: datetime, window_months: int) -> int:
    """Store a new ladder and compute every customer's tier by it without change events (a rule edit is
    not a customer moving up). Returns how many customers' tiers changed."""
    cleaned = check_tiers(tiers)
    session.execute(delete(TierRule))
    session.flush()
    for position, tier in enumerate(cleaned):
        session.add(TierRule(position=position, name=tier.name, min_spent=tier.min_spent,
                             min_orders=tier.min_orders, shop_grade=tier.shop_grade))
    session.flush()
    return recompute_tiers(session, now, window_months=window_months, emit=False)


def months_before(at: datetime, months: int) -> datetime:
    """`at` moved back `months` calendar months (the 31st of a short month is its last day)."""
    total = at.year * 12 + (at.month - 1) - months
    year, month = divmod(total, 12)
    day = min(at.day, calendar.monthrange(year, month + 1)[1])
    return at.replace(year=year, month=month + 1, day=day)


def rank(tiers: Sequence[Tier], name: str | None) -> int:
    """A tier's place on the ladder (-1: none or a tier no longer on it)."""
    for index, tier in enumerate(tiers):
        if tier.name == name:
            return index
    return -1


def direction(tiers: Sequence[Tier], old: str | None, new: str | None) -> str:
    return "up" if rank(tiers, new) > rank(tiers, old) else "down"


def _tier_expression(tiers: Sequence[Tier], spent: Any, orders: Any, grade: Any) -> Any:
    whens = []
    for tier in reversed(tiers):  # the highest tier a customer qualifies for
        qualifies = and_(spent >= tier.min_spent, orders >= tier.min_orders)
        if tier.shop_grade:
            qualifies = or_(qualifies, grade == tier.shop_grade)
        whens.append((qualifies, literal(tier.name)))
    return case(*whens, else_=literal("")) if whens else literal("")


def tier_query(session: Session, tiers: Sequence[Tier], now: datetime, window_months: int,
               customer_ids: Sequence[int] | None = None) -> Any:
    """(customer id, window spend, window orders, tier now, tier stored) for the given customers (all when
    None): one grouped pass over the window's orders, read from ix_orders_customer_figures alone."""
    since = months_before(now, window_months)
    # everyone: one walk of ix_orders_customer_figures in customer order, every figure in the index (SQLite
    # would rather take the window's orders from the ordered_at index and look each one up: 5 times slower)
    at = Order.ordered_at if customer_ids is not None else scan(Order.ordered_at)
    window = (
        select(Order.customer_id.label("customer_id"), func.sum(Order.amount).label("spent"),
               func.count(Order.id).label("orders"))
        .where(Order.customer_id.is_not(None), Order.status.in_(COUNTED_STATUSES), at > since, at <= now)
    )
    if customer_ids is not None:
        window = window.where(Order.customer_id.in_(customer_ids))
    w = window.group_by(Order.customer_id).subquery()
    spent = func.coalesce(w.c.spent, 0)
    orders = func.coalesce(w.c.orders, 0)
    query = (
        select(Customer.id, spent.label("spent"), orders.label("orders"),
               _tier_expression(tiers, spent, orders, Customer.grade).label("tier"), CustomerTier.tier.label("old"))
        .outerjoin(w, w.c.customer_id == Customer.id)
        .outerjoin(CustomerTier, CustomerTier.customer_id == Customer.id)
    )
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    return query


def recompute_tiers(session: Session, now: datetime, *, window_months: int | None = None,
                    customer_ids: Iterable[int] | None = None, emit: bool = True) -> int:
    """Bring the stored tiers of the given customers (all when None) up to date; each change of a tier a
    customer already had is one `tier_changed` shop event (unless `emit` is False). Returns how many
    customers' tiers changed (first tiers included). The caller commits."""
    tiers = load_tiers(session)
    if not tiers:  # tiers are off (the owner has saved no ladder): nothing to compute, none kept
        if session.scalar(select(CustomerTier.customer_id).limit(1)) is None:
            return 0
        return int(session.execute(delete(CustomerTier)).rowcount or 0)  # type: ignore[attr-defined]
    if window_months is None:
        from engine.config import get  # (config imports channels; only the callers without a value pay)
        window_months = int(get(session, "tiers.window_months"))
    session.flush()
    chunks: list[Sequence[int] | None]
    if customer_ids is None:
        chunks = [None]
    else:
        ids = sorted(set(customer_ids))
        chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    changed = 0
    for chunk in chunks:
        query = tier_query(session, tiers, now, window_months, chunk)
        sub = query.subquery()
        rows = session.execute(
            select(sub.c.id, sub.c.tier, sub.c.old).where(or_(sub.c.old.is_(None), sub.c.old != sub.c.tier))
        ).all()
        rows = [row for row in rows if not (row.old is None and row.tier == "")]  # no tier, none before
        if not rows:
            continue
        ids = [row.id for row in rows]
        for start in range(0, len(ids), CHUNK):
            session.execute(delete(CustomerTier).where(CustomerTier.customer_id.in_(ids[start : start + CHUNK])))
        fast_insert_rows(session, CustomerTier, ("customer_id", "tier", "since"),
                         [(row.id, row.tier, now) for row in rows])
        if emit:
            events = [
                (TIER_EVENT, row.id, now, f"{row.old}>{row.tier}"[:120],
                 {"from": row.old, "to": row.tier, "direction": direction(tiers, row.old, row.tier)}, now)
                for row in rows if row.old is not None
            ]
            fast_insert_rows(session, ShopEvent, EVENT_COLUMNS, events)
        changed += len(rows)
    return changed


def tier_counts(session: Session, tiers: Sequence[Tier], now: datetime, window_months: int) -> dict[str, int]:
    """How many customers each tier of `tiers` would hold now ("" for none): the settings page's live count
    while the owner edits, before anything is stored."""
    sub = tier_query(session, tiers, now, window_months).subquery()
    counts = {tier.name: 0 for tier in tiers}
    for tier, count in session.execute(select(sub.c.tier, func.count()).group_by(sub.c.tier)):
        counts[str(tier)] = int(count)
    return counts


def customer_tier(session: Session, customer_id: int) -> str:
    return session.scalar(select(CustomerTier.tier).where(CustomerTier.customer_id == customer_id)) or ""
