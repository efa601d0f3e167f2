"""Issue #15 §4: the nightly tier pass over everyone reads each customer's 12-month figures from the covering
index `ix_orders_customer_figures` in one walk (no look-up per order, no sort), and finds the same tiers as
the pass over a sync's customers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from engine.customers.tiers import DEFAULT_TIERS, save_tiers, tier_query
from engine.shopdata import CustomerIn, OrderIn, ShopWriter
from storage.db import open_database
from storage.models import Customer

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_the_nightly_pass_walks_the_covering_index_and_agrees_with_the_sync_pass(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    try:
        with db.write_session() as session, ShopWriter(session, NOW) as writer:
            for index in range(40):
                writer.customer(CustomerIn("shop", f"M{index}", name=f"고객{index}"))
            for number in range(400):
                writer.order(OrderIn("shop", f"O{number}", NOW - timedelta(days=(number * 13) % 500 + 1),
                                     (1 + number % 7) * 40_000, status="paid" if number % 9 else "cancelled",
                                     customer_external_id=f"M{(number * 3) % 37}"))
        with db.write_session() as session:
            save_tiers(session, DEFAULT_TIERS, NOW, 12)
        with db.session() as session:
            everyone = tier_query(session, DEFAULT_TIERS, NOW, 12)
            ids = list(session.scalars(select(Customer.id)))
            by_sync = tier_query(session, DEFAULT_TIERS, NOW, 12, ids)
            assert sorted(tuple(row) for row in session.execute(everyone)) == \
                sorted(tuple(row) for row in session.execute(by_sync))
            assert {row.tier for row in session.execute(everyone)} > {"일반"}  # the ladder is climbed
            sql = str(everyone.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
            plan = [row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        orders = [step for step in plan if " orders " in f" {step} "]
        assert orders and all("COVERING INDEX ix_orders_customer_figures" in step for step in orders), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan
    finally:
        db.close()
