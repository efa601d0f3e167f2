"""Custom segments over 1,000,000 orders of 200,000 customers (issue 15 §2).

- segment_live_count_ms: the builder's live count of a three-condition segment ("3+ orders in 반려동물, no
  order in 60 days, spent 100,000원 or more"), `custom_segments.count_tree`, the best of three warm runs;
- segment_counts_1m_orders_s: every built-in segment (`segments.segment_counts`) and the nine RFM groups
  (`custom_segments.rfm_group_counts`), as the segments page asks them, the best of three warm runs.

The shop is the KPI report's (results_setup.py) with one order line per order in one of four categories and
the per-category stats refresh_stats keeps, added to a copy of that file once and cached beside it. `DANGOL_BENCH_SCALE=0.1` runs a tenth of the size.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import results_setup

SCALE = float(os.environ.get("DANGOL_BENCH_SCALE", "1"))
ORDERS = int(1_000_000 * SCALE)
CUSTOMERS = int(200_000 * SCALE)
LAYOUT = 1
TREE = {"match": "all", "rules": [
    {"field": "category_orders", "category": "반려동물", "op": "gte", "value": 3},
    {"field": "days_since_last_order", "op": "gte", "value": 60},
    {"field": "total_spent", "op": "gte", "value": 100_000},
]}


def database() -> Path:
    source = results_setup.database(ORDERS, CUSTOMERS)
    path = source.with_name(f"dangol-bench-segments-v{LAYOUT}-{ORDERS}-{CUSTOMERS}.sqlite")
    if path.exists():
        return path
    from storage.db import open_database

    partial = path.with_suffix(".building")
    shutil.copyfile(source, partial)
    open_database(partial).close()  # migrated to this code's schema (the category index)
    con = sqlite3.connect(partial, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    # one line per order; the category by a hash of the order id: 반려동물 a quarter, others the rest
    con.execute(
        "INSERT INTO order_items (order_id, product_name, category, quantity, unit_price, amount)"
        " SELECT id, 'bench', CASE (id * 7919) % 8 WHEN 0 THEN '반려동물' WHEN 1 THEN '반려동물'"
        " WHEN 2 THEN '뷰티' WHEN 3 THEN '뷰티' WHEN 4 THEN '뷰티' WHEN 5 THEN '패션' ELSE '키즈' END,"
        " 1, amount, amount FROM orders")
    con.execute(  # what refresh_stats keeps per customer and category
        "INSERT INTO customer_category_stats (customer_id, category, order_count, last_order_at)"
        " SELECT o.customer_id, i.category, count(DISTINCT o.id), max(o.ordered_at) FROM orders o"
        " JOIN order_items i ON i.order_id = o.id WHERE o.customer_id IS NOT NULL AND i.category IS NOT NULL"
        " AND o.status IN ('paid', 'shipped', 'delivered', 'confirmed') GROUP BY o.customer_id, i.category")
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()
    partial.rename(path)
    return path


def _best(action) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def run() -> dict[str, float]:
    from engine.customers.custom_segments import count_tree, rfm_group_counts
    from engine.customers.segments import segment_counts, thresholds
    from storage.db import open_database

    db = open_database(database())
    now = results_setup.NOW
    with db.session() as session:
        limits = thresholds(session)
        found = count_tree(session, TREE, now, limits)
        assert found > 0, "the bench segment is empty"
        live = _best(lambda: count_tree(session, TREE, now, limits))
        counts = _best(lambda: (segment_counts(session, now, limits), rfm_group_counts(session, now, limits)))
    db.close()
    return {"segment_live_count_ms": round(live * 1000, 1), "segment_counts_1m_orders_s": round(counts, 2)}
