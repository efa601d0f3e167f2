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

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Customer, CustomerCategoryStats, CustomerStats, Order, OrderItem
from storage.models.base import UTCDateTime

COUNTED_STATUSES = ("paid", "shipped", "delivered", "confirmed")
CHUNK = 10_000  # customers a pass (their ids go in a table, not in the statement: no bound-value limit)
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
    for table in (_CHUNK, _FIGURES):
        table.create(session.connection(), checkfirst=True)
    chunk = select(_CHUNK.c.id).scalar_subquery()
    for start in range(0, len(ids), CHUNK):
        # the chunk's ids in a table, not as bound values: every statement below is compiled once
        session.execute(delete(_CHUNK))
        session.execute(insert(_CHUNK), [{"id": customer_id} for customer_id in ids[start : start + CHUNK]])
        _refresh_categories(session, chunk, upsert)
        written += _refresh_totals(session, chunk, now, upsert)
    return written


# Temporary tables of the connection (not in the schema, gone with it), emptied for each chunk: the chunk's
# customer ids, and their per-category figures, computed once and compared twice (the upsert, the delete).
_TEMPORARY = MetaData()
_CHUNK = Table("refresh_customer_ids", _TEMPORARY, Column("id", Integer, primary_key=True), prefixes=["TEMPORARY"])
_FIGURES = Table("refresh_category_figures", _TEMPORARY,
                 Column("customer_id", Integer, primary_key=True), Column("category", String(200), primary_key=True),
                 Column("orders", Integer, nullable=False), Column("last", UTCDateTime()),
                 prefixes=["TEMPORARY"])


def _refresh_categories(session: Session, chunk: Any, upsert: Any) -> None:
    """customer_category_stats of `chunk`: the rows whose figures changed written, the ones gone deleted."""
    stored = CustomerCategoryStats
    figures = _FIGURES
    session.execute(delete(figures))
    # straight from the orders' covering index and the items' (order_id, category) index
    session.execute(insert(figures).from_select(
        ("customer_id", "category", "orders", "last"),
        select(Order.customer_id, OrderItem.category, func.count(func.distinct(Order.id)), func.max(Order.ordered_at))
        .join(OrderItem, OrderItem.order_id == Order.id)
        .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES), OrderItem.category.is_not(None))
        .group_by(Order.customer_id, OrderItem.category)))
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
    bought = exists().where(figures.c.customer_id == stored.customer_id, figures.c.category == stored.category)
    session.execute(delete(stored).where(stored.customer_id.in_(chunk), ~bought))


def _refresh_totals(session: Session, chunk: Any, now: datetime, upsert: Any) -> int:
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
