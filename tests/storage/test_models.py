"""Every model survives a write and a read in a new session; the store's rules hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

from storage.db import Database
from storage.models import (
    Base,
    Cart,
    Category,
    Consent,
    ConsentEvent,
    Coupon,
    CouponCode,
    Cursor,
    Customer,
    CustomerCategoryStats,
    CustomerStats,
    CustomerTag,
    CustomerTier,
    CustomSegment,
    Enrollment,
    Journey,
    JourneyVersion,
    Order,
    OrderItem,
    OutboxMessage,
    PointGrant,
    Product,
    RunnerLease,
    SegmentMember,
    Setting,
    ShopEvent,
    StepLog,
    SyncState,
    TierRule,
)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
KST = timezone(timedelta(hours=9))


def _sample_rows() -> list[Base]:
    graph = {"schema_version": 1, "id": "j1", "name": "환영 쿠폰", "nodes": [], "edges": []}
    return [
        Category(id=1, name="반려동물"),
        Product(id=1, source="demo", external_id="P1", name="유기농 강아지 사료 2kg", category_id=1, price=32000),
        Customer(
            id=1, source="demo", external_id="member0001", name="김민지", email="minji@naver.com",
            phone="+821012345678", birthday=date(1990, 5, 5), gender="F", grade="VIP",
            attributes={"skin": "건성"}, signed_up_at=T0 - timedelta(days=400),
        ),
        Consent(customer_id=1, channel="sms", granted=True, changed_at=T0, source="signup", confirmed_at=T0),
        ConsentEvent(customer_id=1, channel="sms", granted=True, at=T0, source="signup"),
        CustomerTag(customer_id=1, tag="리뷰어", added_at=T0),
        CustomerStats(customer_id=1, first_order_at=T0, last_order_at=T0, order_count=3, total_spent=96000),
        CustomerCategoryStats(customer_id=1, category="반려동물", order_count=3, last_order_at=T0),
        CustomSegment(id=1, name="반려동물 휴면", rules={"match": "all", "rules": [
            {"field": "category_orders", "category": "반려동물", "op": "gte", "value": 3}]}, created_at=T0, updated_at=T0),
        SegmentMember(scope="trigger:j1|custom:1", customer_id=1),
        Order(id=1, source="demo", external_id="20260301-0000001", customer_id=1, status="confirmed",
              amount=30000, discount=2000, coupon_code="WELCOME2000", ordered_at=T0, paid_at=T0),
        OrderItem(id=1, order_id=1, product_id=1, product_name="유기농 강아지 사료 2kg", option="맛: 연어",
                  category="반려동물", quantity=1, unit_price=32000, amount=32000),
        Cart(id=1, source="demo", external_id="C1", customer_id=1, amount=32000,
             items=[{"product_id": 1, "qty": 1}], created_at=T0, updated_at=T0),
        ShopEvent(id=1, kind="order_placed", customer_id=1, occurred_at=T0, ref="20260301-0000001",
                  payload={"amount": 30000}),
        Journey(id="j1", name="환영 쿠폰", status="live", draft=graph, live_version=1),
        JourneyVersion(id=1, journey_id="j1", version=1, graph=graph, published_at=T0),
        Enrollment(id=1, journey_id="j1", version_id=1, customer_id=1, node_id="n2", status="active",
                   wake_at=T0 + timedelta(days=7), dedupe_key="j1:1:order:1", arm="a", data={"order": 1},
                   entered_at=T0, updated_at=T0),
        StepLog(id=1, at=T0, customer_id=1, journey_id="j1", version_id=1, enrollment_id=1, node_id="n2",
                event="skipped", reason="quiet_hours", detail={"until": "08:00"}),
        OutboxMessage(id=1, idem_key="j1:1:n3", enrollment_id=1, journey_id="j1", node_id="n3", customer_id=1,
                      channel="sms", is_ad=True, recipient="+821012345678", body="(광고) 보고 싶었어요",
                      not_before=T0, due_at=T0, created_at=T0),
        Coupon(id=1, code="BACK10-7F3K", customer_id=1, journey_id="j1", node_id="n4", amount=10,
               issued_at=T0, expires_at=T0 + timedelta(days=14)),
        CouponCode(id=1, pool="spring", code="SPRING-0001", imported_at=T0, customer_id=1, coupon_id=1, taken_at=T0),
        Setting(key="shop.name", value="단골상점"),
        RunnerLease(name="runner", owner="abc", pid=4242, host="shop-pc", started_at=T0, heartbeat_at=T0,
                    expires_at=T0 + timedelta(seconds=30)),
        Cursor(name="trigger:j1", last_id=17, last_at=T0, last_date=date(2026, 3, 1)),
        SyncState(source="cafe24", cursor="2026-03-01", last_synced_at=T0, last_status="ok", details={"n": 3}),
        TierRule(position=0, name="골드", min_spent=500_000, min_orders=4, shop_grade="VIP"),
        CustomerTier(customer_id=1, tier="골드", since=T0),
        PointGrant(id=1, customer_id=1, journey_id="j1", enrollment_id=1, node_id="n5", amount=3000,
                   reason="등급 상승 축하", status="pending", attempts=0, next_try_at=T0, created_at=T0),
    ]


def _insert(db: Database, rows: list[Base]) -> None:
    with db.session() as session:
        for row in rows:  # in list order, so foreign keys without relationships are satisfied
            session.add(row)
            session.flush()


def _columns(row: Base) -> dict[str, object]:
    return {attr.key: getattr(row, attr.key) for attr in inspect(type(row)).column_attrs}


def test_every_model_round_trips(db: Database) -> None:
    rows = _sample_rows()
    assert {type(row) for row in rows} == {mapper.class_ for mapper in Base.registry.mappers}
    _insert(db, rows)
    expected = [_columns(row) for row in rows]  # after insert, so column defaults are filled in
    with db.session() as session:
        for row, want in zip(rows, expected, strict=True):
            identity = inspect(type(row)).primary_key_from_instance(row)
            loaded = session.get(type(row), tuple(identity))
            assert loaded is not None, type(row).__name__
            assert _columns(loaded) == want, type(row).__name__


def test_times_come_back_as_the_same_instant_in_utc(db: Database) -> None:
    seoul = datetime(2026, 3, 2, 22, 30, tzinfo=KST)
    with db.session() as session:
        session.add(Customer(id=5, name="이서준", signed_up_at=seoul))
    with db.session() as session:
        loaded = session.get(Customer, 5)
        assert loaded is not None and loaded.signed_up_at == seoul
        assert loaded.signed_up_at.tzinfo == UTC


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.session() as session:
        session.add(Customer(id=6, name="박지훈", signed_up_at=datetime(2026, 1, 1)))
        session.flush()


def test_duplicate_enrollment_key_is_refused(db: Database) -> None:
    _insert(db, _sample_rows())
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(Enrollment(journey_id="j1", version_id=1, customer_id=1, node_id="n1",
                               dedupe_key="j1:1:order:1", entered_at=T0, updated_at=T0))


def test_deleting_a_customer_removes_their_personal_rows(db: Database) -> None:
    _insert(db, _sample_rows())
    with db.session() as session:
        customer = session.get(Customer, 1)
        session.delete(customer)
    with db.session() as session:
        for model in (Consent, ConsentEvent, CustomerTag, CustomerStats, Enrollment, StepLog, OutboxMessage,
                      Coupon, Cart, ShopEvent):
            assert session.scalars(select(model)).first() is None, model.__name__
        order = session.get(Order, 1)
        assert order is not None and order.customer_id is None  # revenue history stays, anonymous
