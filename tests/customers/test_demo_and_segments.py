"""The demo shop, customer stats, segments, RFM and KPIs, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.clock import FixedClock
from engine.customers.phone import format_phone, normalize_phone
from engine.customers.segments import Thresholds, kpis, lifecycle, rfm_scores, segment_counts, segment_query
from engine.customers.stats import refresh_stats
from engine.demo import DemoError, create_demo_shop
from storage.db import open_database
from storage.models import Cart, Consent, ConsentEvent, Customer, CustomerStats, Order, OrderItem, ShopEvent

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    db = open_database(str(tmp_path_factory.mktemp("demo") / "shop.db"))
    summary = create_demo_shop(db, seed=7, customers=2000, clock=FixedClock(NOW))
    return db, summary


def test_demo_has_everything_later_features_need(shop) -> None:
    db, summary = shop
    assert summary.customers == 2000
    segments = summary.segments
    assert all(segments[name] > 50 for name in ("new", "active", "at_risk", "lapsed", "vip")), segments
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Customer).where(Customer.is_guest)) > 10
        repeaters = s.scalar(select(func.count()).select_from(CustomerStats).where(CustomerStats.order_count >= 2))
        assert repeaters > 400
        assert set(s.scalars(select(OrderItem.category).distinct())) == {"뷰티", "패션", "반려동물", "키즈"}
        first, last = s.execute(select(func.min(Order.ordered_at), func.max(Order.ordered_at))).one()
        assert (NOW - first).days > 600 and (NOW - last).days < 2  # two years of history up to now
        statuses = set(s.scalars(select(Order.status).distinct()))
        assert {"paid", "shipped", "delivered", "confirmed", "cancelled", "refunded"} <= statuses
        recent_open = s.scalar(select(func.count()).select_from(Cart).where(
            Cart.ordered_at.is_(None), Cart.updated_at > NOW - timedelta(days=2)))
        assert recent_open >= 10
        assert s.scalar(select(func.count()).select_from(Cart).where(Cart.ordered_at.is_not(None))) >= 5
        assert s.scalar(select(func.count()).select_from(Customer).where(Customer.birthday.is_not(None))) > 1000
        opted_out = s.scalar(select(func.count()).select_from(Consent).where(
            Consent.granted.is_(False), Consent.source == "optout"))
        assert opted_out > 50
        assert s.scalar(select(func.count()).select_from(ConsentEvent)) > 6000
        granted = {ch: s.scalar(select(func.count()).select_from(Consent).where(
            Consent.channel == ch, Consent.granted)) for ch in ("email", "sms", "kakao", "night")}
        assert all(0 < granted[ch] < 2000 for ch in granted) and granted["night"] < granted["sms"]
        names = list(s.scalars(select(Customer.name).limit(50)))
        assert all(2 <= len(n) <= 4 and "가" <= n[0] <= "힣" for n in names)
        phones = list(s.scalars(select(Customer.phone)))
        assert len(set(phones)) == len(phones) and all(p.startswith("+8210") for p in phones)
        assert s.scalar(select(func.count()).select_from(ShopEvent).where(ShopEvent.kind == "signed_up")) > 1500


def test_demo_is_deterministic(tmp_path) -> None:
    made = []
    for name in ("a.db", "b.db"):
        db = open_database(str(tmp_path / name))
        create_demo_shop(db, seed=3, customers=150, clock=FixedClock(NOW))
        with db.session() as s:
            made.append((
                s.execute(select(Customer.name, Customer.phone, Customer.email, Customer.birthday)
                          .order_by(Customer.id)).all(),
                s.execute(select(Order.external_id, Order.amount, Order.ordered_at, Order.status)
                          .order_by(Order.id)).all(),
            ))
    assert made[0] == made[1]
    other = open_database(str(tmp_path / "c.db"))
    create_demo_shop(other, seed=4, customers=150, clock=FixedClock(NOW))
    with other.session() as s:
        assert s.execute(select(Customer.name, Customer.phone).order_by(Customer.id)).all() != \
            [(row[0], row[1]) for row in made[0][0]]


def test_demo_refuses_then_replaces(tmp_path) -> None:
    db = open_database(str(tmp_path / "r.db"))
    create_demo_shop(db, seed=1, customers=30, clock=FixedClock(NOW))
    with pytest.raises(DemoError, match="not_empty"):
        create_demo_shop(db, seed=1, customers=30, clock=FixedClock(NOW))
    summary = create_demo_shop(db, seed=2, customers=40, clock=FixedClock(NOW), replace=True)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == summary.customers == 40


def test_stats_count_only_real_orders(shop) -> None:
    db, _ = shop
    with db.session() as s:
        row = s.execute(
            select(Order.customer_id).where(Order.status == "cancelled", Order.customer_id.is_not(None)).limit(1)
        ).scalar_one()
        counted = s.execute(select(func.count(), func.coalesce(func.sum(Order.amount), 0)).where(
            Order.customer_id == row, Order.status.in_(("paid", "shipped", "delivered", "confirmed")))).one()
        stats = s.get(CustomerStats, row)
        assert (stats.order_count, stats.total_spent) == (counted[0], counted[1])


def test_refresh_stats_after_a_new_order(shop, tmp_path) -> None:
    db = open_database(str(tmp_path / "s.db"))
    create_demo_shop(db, seed=5, customers=20, clock=FixedClock(NOW))
    with db.write_session() as s:
        customer = s.scalars(select(Customer).where(Customer.is_guest.is_(False))).first()
        before = s.get(CustomerStats, customer.id)
        count, spent = before.order_count, before.total_spent
        s.add(Order(external_id="X-1", customer_id=customer.id, status="paid", amount=12_345, ordered_at=NOW))
        s.flush()
        assert refresh_stats(s, [customer.id], now=NOW) == 1
        s.expire_all()
        after = s.get(CustomerStats, customer.id)
        assert (after.order_count, after.total_spent) == (count + 1, spent + 12_345)
        assert after.last_order_at == NOW


def test_segment_counts_match_the_per_customer_rule(shop) -> None:
    db, _summary = shop
    limits = Thresholds()
    with db.session() as s:
        rows = s.execute(select(Customer.id, CustomerStats.order_count, CustomerStats.last_order_at)
                         .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)).all()
        by_rule: dict[str, int] = {}
        for _, count, last in rows:
            name = lifecycle(count or 0, last, NOW, limits)
            by_rule[name] = by_rule.get(name, 0) + 1
        counts = segment_counts(s, NOW, limits)
        assert {k: counts[k] for k in by_rule} == by_rule
        assert len(s.execute(segment_query("at_risk", NOW, limits)).all()) == counts["at_risk"]
        assert len(s.execute(segment_query("vip", NOW, limits)).all()) == counts["vip"]


def test_rfm_scores_are_quintiles(shop) -> None:
    db, _ = shop
    with db.session() as s:
        scores = rfm_scores(s, NOW)
        buyers = s.scalar(select(func.count()).select_from(CustomerStats).where(CustomerStats.order_count > 0))
        assert len(scores) == buyers
        assert {r for r, _, _ in scores.values()} == {1, 2, 3, 4, 5}
        best = max(scores, key=lambda cid: scores[cid][2])
        worst = min(scores, key=lambda cid: scores[cid][2])
        assert s.get(CustomerStats, best).total_spent > s.get(CustomerStats, worst).total_spent


def test_kpis(shop) -> None:
    db, summary = shop
    with db.session() as s:
        figures = kpis(s, NOW, Thresholds())
    assert figures.customers == 2000
    assert figures.revenue == summary.revenue
    assert 0.3 < figures.repeat_rate < 0.9
    assert figures.aov > 20_000 and figures.clv > figures.aov
    assert 0 < figures.churn_rate < 0.5
    assert figures.orders_30d > 0


@pytest.mark.parametrize(("text", "e164"), [
    ("010-1234-5678", "+821012345678"), ("01012345678", "+821012345678"), ("+82 10 1234 5678", "+821012345678"),
    ("02-123-4567", "+8221234567"), ("12", None), ("", None), (None, None), ("전화없음", None),
])
def test_normalize_phone(text, e164) -> None:
    assert normalize_phone(text) == e164


def test_format_phone() -> None:
    assert format_phone("+821012345678") == "010-1234-5678"
    assert format_phone(None) == ""
