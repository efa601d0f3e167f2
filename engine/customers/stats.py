"""customer_stats: first and last order, order count, total spent and categories, kept current in SQL.

Only orders that count (paid, shipped, delivered, confirmed) count; cancelled and refunded ones do not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.runtime.writes import fast_insert_rows
from storage.models import Customer, CustomerCategoryStats, CustomerStats, Order, OrderItem

COUNTED_STATUSES = ("paid", "shipped", "delivered", "confirmed")
CHUNK = 900
COLUMNS = ("customer_id", "first_order_at", "last_order_at", "order_count", "total_spent", "categories",
           "updated_at")
CATEGORY_COLUMNS = ("customer_id", "category", "order_count", "last_order_at")


def refresh_stats(session: Session, customer_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the stats of the given customers (all when None); returns how many rows were written."""
    now = now or datetime.now(UTC)
    if customer_ids is None:
        ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    else:
        ids = sorted(set(customer_ids))
    written = 0
    session.flush()  # what the caller added is counted (the Core statements below do not autoflush)
    connection = session.connection()  # Core rows: no ORM result processing for thousands of rows
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        totals = {
            row.customer_id: row
            for row in connection.execute(
                select(
                    Order.customer_id,
                    func.min(Order.ordered_at).label("first"),
                    func.max(Order.ordered_at).label("last"),
                    func.count(Order.id).label("orders"),
                    func.coalesce(func.sum(Order.amount), 0).label("spent"),
                )
                .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES))
                .group_by(Order.customer_id)
            )
        }
        categories: dict[int, set[str]] = defaultdict(set)
        per_category: list[tuple[Any, ...]] = []
        for customer_id, category, orders, last in connection.execute(
            select(Order.customer_id, OrderItem.category, func.count(func.distinct(Order.id)),
                   func.max(Order.ordered_at))
            .join(OrderItem, OrderItem.order_id == Order.id)
            .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES),
                   OrderItem.category.is_not(None))
            .group_by(Order.customer_id, OrderItem.category)
        ):
            if customer_id is not None and category is not None:  # (the query asks for neither None)
                categories[customer_id].add(category)
                per_category.append((customer_id, category, int(orders), _aware(last)))
        session.execute(delete(CustomerStats).where(CustomerStats.customer_id.in_(chunk)))
        session.execute(delete(CustomerCategoryStats).where(CustomerCategoryStats.customer_id.in_(chunk)))
        if per_category:
            fast_insert_rows(session, CustomerCategoryStats, CATEGORY_COLUMNS, per_category)
        rows: list[tuple[Any, ...]] = []
        for customer_id in chunk:
            total = totals.get(customer_id)
            if total is None:
                rows.append((customer_id, None, None, 0, 0, sorted(categories.get(customer_id, ())), now))
            else:
                rows.append((customer_id, _aware(total.first), _aware(total.last), int(total.orders),
                             int(total.spent), sorted(categories.get(customer_id, ())), now))
        if rows:
            fast_insert_rows(session, CustomerStats, COLUMNS, rows)
            written += len(rows)
    return written


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite min()/max() over the column hand back its stored text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)

