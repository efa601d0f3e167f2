"""customer_stats: first and last order, order count and total spent, kept current in SQL; with
customer_category_stats: the counted orders and the last one per customer and category.

Only orders that count (paid, shipped, delivered, confirmed) count; cancelled and refunded ones do not.

A refresh recomputes the figures of the customers it is given from their orders, and writes only the rows
whose figures changed (an upsert guarded by "not the same as stored", and a delete of the categories no
longer bought): after a sync, a touched customer's other categories and an unchanged customer write no page.
What a write costs is the pages it dirties, and a sync's customers are spread over the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Customer, CustomerCategoryStats, CustomerStats, Order, OrderItem

COUNTED_STATUSES = ("paid", "shipped", "delivered", "confirmed")
CHUNK = 900
FIGURES = ("first_order_at", "last_order_at", "order_count", "total_spent")


def refresh_stats(session: Session, customer_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the stats of the given customers (all when None); returns how many customer_stats rows
    changed (a customer whose figures are what is stored is not written)."""
    now = now or datetime.now(UTC)
    if customer_ids is None:
        ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    else:
        ids = sorted(set(customer_ids))
    written = 0
    session.flush()  # what the caller added is counted (the Core statements below do not autoflush)
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _refresh_categories(session, chunk, upsert)
        written += _refresh_totals(session, chunk, now, upsert)
    return written


def _refresh_categories(session: Session, chunk: list[int], upsert: Any) -> None:
    """customer_category_stats of `chunk`: the rows whose figures changed written, the ones gone deleted."""
    stored = CustomerCategoryStats
    counted = Order.status.in_(COUNTED_STATUSES)
    # straight from the orders' covering index and the items' (order_id, category) index
    figures = (
        select(Order.customer_id.label("customer_id"), OrderItem.category.label("category"),
               func.count(func.distinct(Order.id)).label("orders"), func.max(Order.ordered_at).label("last"))
        .join(OrderItem, OrderItem.order_id == Order.id)
        .where(Order.customer_id.in_(chunk), counted, OrderItem.category.is_not(None))
        .group_by(Order.customer_id, OrderItem.category)
    ).subquery()
    same = exists().where(stored.customer_id == figures.c.customer_id, stored.category == figures.c.category,
                          stored.order_count == figures.c.orders,
                          stored.last_order_at.is_not_distinct_from(figures.c.last))
    statement = upsert(stored).from_select(
        ("customer_id", "category", "order_count", "last_order_at"),
        select(figures.c.customer_id, figures.c.category, figures.c.orders, figures.c.last).where(~same))
    session.execute(statement.on_conflict_do_update(
        index_elements=[stored.customer_id, stored.category],
        set_={"order_count": statement.excluded.order_count, "last_order_at": statement.excluded.last_order_at}))
    # a category none of whose orders counts any more (all cancelled or refunded): its row goes
    bought = (
        select(Order.id).join(OrderItem, OrderItem.order_id == Order.id)
        .where(Order.customer_id == stored.customer_id, counted, OrderItem.category == stored.category)
    )
    session.execute(delete(stored).where(stored.customer_id.in_(chunk), ~bought.exists()))


def _refresh_totals(session: Session, chunk: list[int], now: datetime, upsert: Any) -> int:
    """customer_stats of `chunk`: the rows whose figures changed (or are missing) written; how many."""
    stored = CustomerStats
    totals = (
        select(Order.customer_id.label("customer_id"), func.min(Order.ordered_at).label("first"),
               func.max(Order.ordered_at).label("last"), func.count(Order.id).label("orders"),
               func.sum(Order.amount).label("spent"))
        .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES))
        .group_by(Order.customer_id)
    ).subquery()
    orders = func.coalesce(totals.c.orders, 0)
    spent = func.coalesce(totals.c.spent, 0)
    same = exists().where(stored.customer_id == Customer.id,
                          stored.first_order_at.is_not_distinct_from(totals.c.first),
                          stored.last_order_at.is_not_distinct_from(totals.c.last),
                          stored.order_count == orders, stored.total_spent == spent)
    source = (
        select(Customer.id, totals.c.first, totals.c.last, orders, spent,
               literal(now, type_=stored.updated_at.type))
        .select_from(Customer)
        .outerjoin(totals, totals.c.customer_id == Customer.id)
        .where(and_(Customer.id.in_(chunk), ~same))
    )
    statement = upsert(stored).from_select(("customer_id", *FIGURES, "updated_at"), source)
    result = session.execute(statement.on_conflict_do_update(
        index_elements=[stored.customer_id],
        set_={name: statement.excluded[name] for name in (*FIGURES, "updated_at")}))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
