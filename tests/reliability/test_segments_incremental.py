"""Issue #15: after a sync, segments, RFM and tiers are brought current for the customers the new orders
touched, and for no one else; what the segments page and the report then count equals a full recompute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.customers.custom_segments import rfm_group_counts
from engine.customers.refresh import refresh_customers
from engine.customers.segments import rfm_scores, segment_counts, thresholds
from engine.customers.stats import refresh_stats
from engine.customers.tiers import DEFAULT_TIERS, recompute_tiers, save_tiers
from engine.shopdata import CustomerIn, OrderIn, OrderItemIn, ShopWriter
from storage.db import Database, open_database
from storage.models import Customer, CustomerCategoryStats, CustomerStats, CustomerTier

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=6)


def _order(number: int, member: str, when: datetime, amount: int, category: str = "뷰티") -> OrderIn:
    return OrderIn("shop", f"O{number}", when, amount, customer_external_id=member,
                   items=(OrderItemIn("item", 1, amount, category=category),))


def _shop(path: Path) -> Database:
    """60 members with orders spread over two years (many alike), the default ladder, stats all current."""
    db = open_database(path)
    with db.write_session() as session:
        with ShopWriter(session, NOW) as writer:
            for index in range(60):
                writer.customer(CustomerIn("shop", f"M{index}", name=f"고객{index}"))
            for number in range(240):
                member = f"M{(number * 7) % 50}"  # M50‥M59 never buy
                writer.order(_order(number, member, NOW - timedelta(days=(number * 37) % 700 + 1),
                                    (1 + number % 9) * 20_000))
        save_tiers(session, DEFAULT_TIERS, NOW, 12)
    return db


def _state(session: Any) -> tuple[Any, ...]:
    limits = thresholds(session)
    tiers = dict(session.execute(select(CustomerTier.customer_id, CustomerTier.tier)).all())
    stats = {row[0]: tuple(row[1:]) for row in session.execute(select(
        CustomerStats.customer_id, CustomerStats.first_order_at, CustomerStats.last_order_at,
        CustomerStats.order_count, CustomerStats.total_spent))}
    categories = set(session.execute(select(CustomerCategoryStats.customer_id, CustomerCategoryStats.category,
                                            CustomerCategoryStats.order_count)).all())
    return (segment_counts(session, LATER, limits), rfm_group_counts(session, LATER, limits),
            rfm_scores(session, LATER), tiers, stats, categories)


def test_a_sync_refreshes_the_customers_it_touched_and_equals_a_full_recompute(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    try:
        with db.session() as session:
            before = dict(session.execute(select(CustomerStats.customer_id, CustomerStats.updated_at)).all())
        # a sync: new orders of old buyers, of a never-buyer, of a new member
        with db.write_session() as session, ShopWriter(session, LATER) as writer:
            writer.customer(CustomerIn("shop", "N1", name="새고객"))
            for number, member in enumerate(["M1", "M1", "M2", "M55", "N1", "M3", "M55"], start=1000):
                writer.order(_order(number, member, LATER - timedelta(minutes=number - 990), 700_000,
                                    category="반려동물"))
        with db.session() as session:
            ids = dict(session.execute(select(Customer.external_id, Customer.id)).all())
            touched = {ids[key] for key in ("M1", "M2", "M3", "M55", "N1")}
            rewritten = {cid for cid, at in session.execute(
                select(CustomerStats.customer_id, CustomerStats.updated_at)) if before.get(cid) != at}
            assert rewritten == touched  # only those the new orders touched
            assert session.get(CustomerTier, ids["M55"]).tier == "실버"  # 1,400,000원 in 2 orders: up already
            incremental = _state(session)
        with db.write_session() as session:
            refresh_stats(session, now=LATER)
            recompute_tiers(session, LATER, window_months=12)
        with db.session() as session:
            assert _state(session) == incremental
    finally:
        db.close()


def test_a_writer_without_refresh_leaves_it_to_the_caller(tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop.db")
    try:
        with db.write_session() as session:
            writer = ShopWriter(session, LATER, refresh=False)
            with writer:
                writer.order(_order(2000, "M50", LATER - timedelta(hours=2), 150_000))
                writer.order(_order(2001, "M50", LATER - timedelta(hours=1), 150_000))
            with_member = session.scalar(select(Customer.id).where(Customer.external_id == "M50"))
            assert writer.touched == {with_member}
            assert session.get(CustomerStats, with_member).order_count == 0  # not yet
            assert refresh_customers(session, writer.touched, LATER) == 1
            assert session.get(CustomerStats, with_member).order_count == 2
            assert session.get(CustomerTier, with_member).tier == "실버"  # 300,000원 in 2 orders
            assert session.scalar(select(func.count()).select_from(CustomerTier)) == 60
    finally:
        db.close()
