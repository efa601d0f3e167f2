"""Custom segments over 1,000,000 orders of 200,000 customers (issue 15 §2).

- segment_live_count_ms: the builder's live count of a three-condition segment ("3+ orders in 반려동물, no
  order in 60 days, spent 100,000원 or more"), `custom_segments.count_tree`, the best of three warm runs;
- segment_counts_1m_orders_s: every built-in segment (`segments.segment_counts`) and the nine RFM groups
  (`custom_segments.rfm_group_counts`), as the segments page asks them, the best of three warm runs;
- segment_incremental_10k_s: on a copy of the shop with the default tier ladder, 10,000 new orders (7,000 of
  existing members, 3,000 of 1,000 new members, one line each, in the last 30 days) written through
  `ShopWriter` as a sync writes them; then the post-sync refresh every writer runs
  (`customers.refresh.refresh_customers` for the customers the writes touched, committed) and the RFM cut
  points a reader then derives (`segments.rfm_cuts`), one run. Checked: the built-in segment counts, the nine
  RFM groups and the tiers then equal those after a full recompute of every customer's stats and tier;
- tier_nightly_200k_s: the nightly tier pass over every customer (`tiers.recompute_tiers`, no customer
  ids), on the same copy, after the ladder is in place (the best of three).

The shop is the KPI report's (results_setup.py) with one order line per order in one of four categories and
the per-category stats refresh_stats keeps, added to a copy of that file once and cached beside it. `DANGOL_BENCH_SCALE=0.1` runs a tenth of the size.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

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

    # every figure on a copy: this code's migrations (new indexes) never touch the cached file other
    # checkouts share; ANALYZE as the cached file had it
    with tempfile.TemporaryDirectory(prefix="dangol-bench-segments-") as folder:
        path = Path(folder) / "shop.sqlite"
        shutil.copyfile(database(), path)
        db = open_database(path)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        now = results_setup.NOW
        try:
            with db.session() as session:
                limits = thresholds(session)
                found = count_tree(session, TREE, now, limits)
                assert found > 0, "the bench segment is empty"
                live = _best(lambda: count_tree(session, TREE, now, limits))
                counts = _best(lambda: (segment_counts(session, now, limits), rfm_group_counts(session, now, limits)))
            figures = {"segment_live_count_ms": round(live * 1000, 1),
                       "segment_counts_1m_orders_s": round(counts, 2)}
            figures.update(_incremental(db))
        finally:
            db.close()
    return figures


NEW_ORDERS = max(10, int(10_000 * min(SCALE, 1)))


def _counts(session, now, limits):  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from engine.customers.custom_segments import rfm_group_counts
    from engine.customers.segments import segment_counts
    from storage.models import CustomerTier

    tiers = dict(session.execute(select(CustomerTier.tier, func.count()).group_by(CustomerTier.tier)).all())
    return segment_counts(session, now, limits), rfm_group_counts(session, now, limits), tiers


def _incremental(db: Any) -> dict[str, float]:
    """segment_incremental_10k_s and tier_nightly_200k_s on the copy of the bench shop (see the docstring)."""
    from engine.customers.refresh import refresh_customers
    from engine.customers.segments import rfm_cuts, thresholds
    from engine.customers.stats import refresh_stats
    from engine.customers.tiers import DEFAULT_TIERS, recompute_tiers, save_tiers
    from engine.shopdata import CustomerIn, OrderIn, OrderItemIn, ShopWriter

    now = results_setup.NOW
    with db.write_session() as session:
        save_tiers(session, DEFAULT_TIERS, now, 12)
    nightly = float("inf")
    for _ in range(3):
        with db.write_session() as session:
            start = time.perf_counter()
            recompute_tiers(session, now, window_months=12)
            nightly = min(nightly, time.perf_counter() - start)
    members = NEW_ORDERS // 10
    with db.write_session() as session:  # what a sync writes; its refresh is left for the timed part
        writer = ShopWriter(session, now, refresh=False)
        for number in range(members):
            writer.customer(CustomerIn("bench", f"N{number + 1}", name=f"새고객{number + 1}",
                                       signed_up_at=now - timedelta(days=30)))
        for number in range(NEW_ORDERS):
            buyer = f"N{number % members + 1}" if number % 10 < 3 else f"B{(number * 7919) % CUSTOMERS + 1}"
            amount = (5 + (number * 31) % 146) * 1000
            writer.order(OrderIn("bench", f"S{number + 1}", now - timedelta(minutes=4 * number + 1), amount,
                                 customer_external_id=buyer,
                                 items=(OrderItemIn("bench", 1, amount, category="반려동물"),)))
        writer.flush()
        touched = writer.touched
    start = time.perf_counter()
    with db.write_session() as session:  # the post-sync refresh, as ShopWriter.flush runs it
        refresh_customers(session, touched, now)
    with db.session() as session:  # the RFM cut points the next reader derives
        rfm_cuts(session)
    incremental = time.perf_counter() - start
    with db.session() as session:
        limits = thresholds(session)
        after = _counts(session, now, limits)
    with db.write_session() as session:  # a full recompute of every customer
        refresh_stats(session, now=now)
        recompute_tiers(session, now, window_months=12)
    with db.session() as session:
        full = _counts(session, now, limits)
    assert after == full, f"the incremental refresh differs from a full recompute: {after} != {full}"
    assert sum(after[2].values()) >= CUSTOMERS, "every customer has a tier row"
    return {"segment_incremental_10k_s": round(incremental, 2), "tier_nightly_200k_s": round(nightly, 2)}
