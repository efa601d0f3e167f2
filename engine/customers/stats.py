"""customer_stats: first and last order, order count, total spent and categories, kept current in SQL.

Only orders that count (paid, shipped, delivered, confirmed) count; cancelled and refunded ones do not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
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
        session.execute(delete(CustomerStats).where(CustomerStats.customer_id.in_(chunk)))
        session.execute(delete(CustomerCategoryStats).where(CustomerCategoryStats.customer_id.in_(chunk)))
        # per category: straight from the orders' index and the items' (order_id, category) index, in SQL
        session.execute(insert(CustomerCategoryStats).from_select(
            CATEGORY_COLUMNS,
            select(Order.customer_id, OrderItem.category, func.count(func.distinct(Order.id)),
                   func.max(Order.ordered_at))
            .join(OrderItem, OrderItem.order_id == Order.id)
            .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES),
                   OrderItem.category.is_not(None))
            .group_by(Order.customer_id, OrderItem.category)))
        categories: dict[int, list[str]] = defaultdict(list)
        for customer_id, category in connection.execute(
            select(CustomerCategoryStats.customer_id, CustomerCategoryStats.category)
            .where(CustomerCategoryStats.customer_id.in_(chunk))
            .order_by(CustomerCategoryStats.customer_id, CustomerCategoryStats.category)
        ):
            categories[customer_id].append(category)
        rows: list[tuple[Any, ...]] = []
        for customer_id in chunk:
            total = totals.get(customer_id)
            if total is None:
                rows.append((customer_id, None, None, 0, 0, categories.get(customer_id, []), now))
            else:
                rows.append((customer_id, _aware(total.first), _aware(total.last), int(total.orders),
                             int(total.spent), categories.get(customer_id, []), now))
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

