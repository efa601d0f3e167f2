"""Issue #15: the post-sync stats refresh writes only the customer_stats and customer_category_stats rows whose
figures changed (an unchanged row dirties no page), and what it leaves equals the figures computed from
scratch, also after a refund empties a category and a cancelled order lowers one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from engine.customers.stats import refresh_stats
from engine.shopdata import CustomerIn, OrderIn, OrderItemIn, ShopWriter, StatusChangeIn, record_status_change
from storage.db import Database, open_database
from storage.models import Customer, CustomerCategoryStats, CustomerStats

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=6)
CATEGORIES = ("뷰티", "패션", "키즈")


def _order(number: int, member: str, when: datetime, amount: int, category: str) -> OrderIn:
    return OrderIn("shop", f"O{number}", when, amount, customer_external_id=member,
                   items=(OrderItemIn("item", 1, amount, category=category),
                          OrderItemIn("other", 1, 1_000, category=category)))  # two lines, one order


def _shop(path: Path) -> Database:
    """20 members, each with orders in two or three categories over a year, stats current."""
    db = open_database(path)
    with db.write_session() as session, ShopWriter(session, NOW) as writer:
        for index in range(20):
            writer.customer(CustomerIn("shop", f"M{index}", name=f"고객{index}"))
        for number in range(120):
            writer.order(_order(number, f"M{number % 20}", NOW - timedelta(days=number * 3 + 1),
                                (1 + number % 5) * 10_000, CATEGORIES[number % 3]))
    return db


def _log_writes(session: Session) -> None:
    """Triggers that note every row written to the two stats tables (the refresh's scratch tables aside)."""
    session.execute(text("CREATE TABLE writes_seen (what TEXT)"))
    for table in ("customer_stats", "customer_category_stats"):
        for kind in ("INSERT", "UPDATE", "DELETE"):
            session.execute(text(f"CREATE TRIGGER seen_{table}_{kind.lower()} AFTER {kind} ON {table}"
                                 f" BEGIN INSERT INTO writes_seen VALUES ('{table} {kind}'); END"))


def _writes(session: Session) -> list[str]:
    return list(session.scalars(text("SELECT what FROM writes_seen")))


def _figures(session: Session) -> tuple[Any, ...]:
    stats = sorted(session.execute(select(CustomerStats.customer_id, CustomerStats.first_order_at,
                                          CustomerStats.last_order_at, CustomerStats.order_count,
                                          CustomerStats.total_spent)).all())
    categories = sorted(session.execute(select(CustomerCategoryStats.customer_id, CustomerCategoryStats.category,
                                               CustomerCategoryStats.order_count,
                                               CustomerCategoryStats.last_order_at)).all())
    return stats, categories


def test_a_refresh_of_customers_whose_figures_are_current_writes_nothing(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    try:
        with db.write_session() as session:
            _log_writes(session)
        with db.write_session() as session:
            assert refresh_stats(session, now=LATER) == 0  # every customer, none changed
            assert _writes(session) == []  # not a row deleted, inserted or updated
    finally:
        db.close()


def test_only_the_changed_rows_are_rewritten_and_they_equal_a_recompute_from_scratch(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    try:
        with db.session() as session:
            ids = dict(session.execute(select(Customer.external_id, Customer.id)).all())
            rowids = dict(((cid, category), rowid) for rowid, cid, category in session.execute(
                text("SELECT rowid, customer_id, category FROM customer_category_stats")))
            stamps = dict(session.execute(select(CustomerStats.customer_id, CustomerStats.updated_at)).all())
            m1_categories = {category for cid, category in rowids if cid == ids["M1"]}
        assert m1_categories == {"뷰티", "패션", "키즈"}
        with db.write_session() as session, ShopWriter(session, LATER) as writer:
            writer.order(_order(1000, "M1", LATER - timedelta(hours=1), 50_000, "뷰티"))  # one category more
            writer.order(_order(1001, "M2", LATER - timedelta(hours=2), 50_000, "반려동물"))  # a new category
        with db.write_session() as session:  # M3's orders of 키즈 refunded (gone), one of 뷰티 cancelled
            m3 = {category: [number for number in range(120) if number % 20 == 3 and CATEGORIES[number % 3] == category]
                  for category in CATEGORIES}
            for number in m3["키즈"]:
                record_status_change(session, StatusChangeIn("shop", f"O{number}", "refunded", LATER), LATER)
            record_status_change(session, StatusChangeIn("shop", f"O{m3['뷰티'][0]}", "cancelled", LATER), LATER)
            refresh_stats(session, [ids["M3"]], now=LATER)
        with db.session() as session:
            after = dict(((cid, category), rowid) for rowid, cid, category in session.execute(
                text("SELECT rowid, customer_id, category FROM customer_category_stats")))
            rewritten = {key for key, rowid in after.items() if rowids.get(key) != rowid}
            gone = set(rowids) - set(after)
            # an upsert keeps a row (its rowid) and changes its figures in place; only new rows are new
            assert rewritten == {(ids["M2"], "반려동물")}
            assert gone == {(ids["M3"], "키즈")}
            changed = {cid for cid, at in session.execute(select(CustomerStats.customer_id, CustomerStats.updated_at))
                       if stamps[cid] != at}
            assert changed == {ids["M1"], ids["M2"], ids["M3"]}
            incremental = _figures(session)
            m1 = {row[1]: row[2] for row in incremental[1] if row[0] == ids["M1"]}
            assert m1["뷰티"] == 3  # 2 before and the new one; a two-line order counts once
        with db.write_session() as session:  # from scratch: no stored row to compare with
            session.execute(delete(CustomerCategoryStats))
            session.execute(delete(CustomerStats))
            refresh_stats(session, now=LATER)
        with db.session() as session:
            assert _figures(session) == incremental
    finally:
        db.close()
