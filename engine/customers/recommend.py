"""What the shop's data says about all its customers at once, kept until the shop data changes.

- Co-purchases ("customers who bought A also bought B"): how many of the shop's orders (paid and on,
  not cancelled or refunded) hold both A and B, counted in SQL over the order items. A customer's
  recommended product (`{{ recommended.product }}`) is the product most often bought together with
  what they bought, which they have not bought themselves (ties: the name first in order); "" when
  nothing is known.
- RFM cut points (engine/customers/segments.rfm_cuts): a customer's RFM score from their own figures.

Both are computed once per version of the shop data: a sync or an import adds order items or shop
events (every change of an order writes one, engine/shopdata.py), which changes `data_version`; until
then every batch and every message reads the cached result (the runner keeps it between passes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.customers.stats import COUNTED_STATUSES

T = TypeVar("T")
Pairs = dict[str, tuple[tuple[str, int], ...]]  # product → (other product, orders holding both), most first

_cache: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}  # (database, name) → (data version, value)
_lock = Lock()


def data_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a sync or an import changes orders or customers (two primary-key lookups)."""
    row = session.execute(text("SELECT (SELECT max(id) FROM order_items), (SELECT max(id) FROM shop_events),"
                               " (SELECT max(id) FROM orders)")).one()
    return tuple(row)


def cached(session: Session, name: str, compute: Callable[[Session], T]) -> T:
    """`compute(session)`, kept per database until its shop data changes."""
    engine = session.get_bind().engine
    key = (f"{engine.url}#{id(engine)}", name)  # two in-memory databases share a URL
    version = data_version(session)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute(session)
    with _lock:
        if len(_cache) >= 32:  # a process that opened many databases (tests): forget the old ones
            _cache.clear()
        _cache[key] = (version, value)
    return value


def co_purchases(session: Session) -> Pairs:
    """For each product, the others bought in the same orders and in how many orders, most first."""
    statuses = ", ".join(f"'{status}'" for status in sorted(COUNTED_STATUSES))  # our own constants
    rows = session.execute(text(
        "SELECT a.product_name, b.product_name, COUNT(DISTINCT a.order_id) AS together"
        " FROM order_items AS a JOIN order_items AS b ON b.order_id = a.order_id AND b.product_name <> a.product_name"
        f" JOIN orders AS o ON o.id = a.order_id WHERE o.status IN ({statuses})"
        " GROUP BY a.product_name, b.product_name"
        " ORDER BY a.product_name, together DESC, b.product_name")).all()
    pairs: dict[str, list[tuple[str, int]]] = {}
    for product, other, together in rows:
        pairs.setdefault(product, []).append((other, int(together)))
    return {product: tuple(others) for product, others in pairs.items()}


def recommend(bought: Iterable[str], pairs: Pairs) -> str:
    """The product most often bought with `bought` that is not in it ("" when none)."""
    have = set(bought)
    scores: dict[str, int] = {}
    for product in have:
        for other, together in pairs.get(product, ()):
            if other not in have:
                scores[other] = scores.get(other, 0) + together
    if not scores:
        return ""
    return min(scores, key=lambda name: (-scores[name], name))


def bought_names(session: Session, customer_ids: list[int]) -> dict[int, set[str]]:
    """The product names each customer bought (counted orders only)."""
    found: dict[int, set[str]] = {}
    statuses = ", ".join(f"'{status}'" for status in sorted(COUNTED_STATUSES))
    for start in range(0, len(customer_ids), 900):
        chunk = customer_ids[start : start + 900]
        marks = ", ".join(f":c{i}" for i in range(len(chunk)))
        for customer_id, name in session.execute(text(
                "SELECT DISTINCT o.customer_id, i.product_name FROM orders AS o JOIN order_items AS i"
                f" ON i.order_id = o.id WHERE o.customer_id IN ({marks}) AND o.status IN ({statuses})"),
                {f"c{i}": cid for i, cid in enumerate(chunk)}):
            found.setdefault(customer_id, set()).add(name)
    return found


def recommended_products(session: Session, customer_ids: Iterable[int]) -> dict[int, str]:
    """Each customer's recommended product ("" when nothing is known) from the cached co-purchases."""
    ids = sorted(set(customer_ids))
    pairs = cached(session, "co_purchases", co_purchases)
    bought = bought_names(session, ids) if pairs else {}
    return {customer_id: recommend(bought.get(customer_id, ()), pairs) for customer_id in ids}
