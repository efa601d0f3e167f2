"""engine/shopdata: the one way shop data enters the store (real SQLite files)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from engine.clock import FixedClock
from engine.customers.stats import refresh_stats
from engine.shopdata import (
    CartIn,
    ConsentIn,
    CustomerIn,
    OptOutIn,
    OrderIn,
    OrderItemIn,
    ShopWriter,
    StatusChangeIn,
    record_cart,
    record_consent,
    record_customer,
    record_optout,
    record_order,
    record_status_change,
)
from storage.db import Database
from storage.models import (
    Cart,
    Consent,
    ConsentEvent,
    Customer,
    CustomerCategoryStats,
    CustomerStats,
    Order,
    OrderItem,
    ShopEvent,
)

T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Customer, Order, OrderItem, ShopEvent, Cart, Consent, ConsentEvent)}


def events(db: Database, kind: str | None = None) -> list[tuple[str, int | None, str | None, dict[str, Any]]]:
    with db.session() as session:
        query = select(ShopEvent.kind, ShopEvent.customer_id, ShopEvent.ref, ShopEvent.payload).order_by(ShopEvent.id)
        if kind:
            query = query.where(ShopEvent.kind == kind)
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def member(number: int, **extra: Any) -> CustomerIn:
    values: dict[str, Any] = {"name": f"김회원{number}", "phone": f"010-2000-{number:04d}",
                              "email": f"m{number}@example.com", "signed_up_at": T0 - timedelta(days=30)}
    values.update(extra)
    return CustomerIn(source="cafe24", external_id=f"user{number}", **values)


def order(external: str, member_id: str | None, at: datetime, amount: int = 30_000, status: str = "paid",
          **extra: Any) -> OrderIn:
    items = (OrderItemIn("수분 토너", quantity=1, unit_price=amount - 10_000, category="뷰티"),
             OrderItemIn("에코백", quantity=2, unit_price=5_000, category="잡화"))
    return OrderIn(source="cafe24", external_id=external, ordered_at=at, amount=amount, status=status,
                   customer_external_id=member_id, items=items, **extra)


def test_recording_twice_changes_nothing_and_emits_nothing(db: Database, clock: FixedClock) -> None:
    with db.write_session() as session:
        record_customer(session, member(1), clock.now())
        first = record_order(session, order("O-1", "user1", T0), clock.now())
    assert first.orders_created == 1 and first.events == 1
    before = counts(db)
    assert before["order_items"] == 2 and before["customers"] == 1
    with db.write_session() as session:
        again = record_customer(session, member(1), clock.now())
        again_order = record_order(session, order("O-1", "user1", T0), clock.now())
    assert again.events == again_order.events == 0
    assert again_order.orders_created == again_order.orders_updated == again_order.status_changes == 0
    assert counts(db) == before
    # the same lines twice in one batch count once too
    with db.write_session() as session, ShopWriter(session, clock.now()) as writer:
        writer.order(order("O-2", "user1", T0 + timedelta(hours=1)))
        writer.order(order("O-2", "user1", T0 + timedelta(hours=1)))
    after = counts(db)
    assert after["orders"] == before["orders"] + 1 and after["shop_events"] == before["shop_events"] + 1


def test_changed_status_is_applied_once_as_an_event(db: Database, clock: FixedClock) -> None:
    with db.write_session() as session:
        record_customer(session, member(1), clock.now())
        record_order(session, order("O-1", "user1", T0), clock.now())
    shipped_at = T0 + timedelta(days=1)
    with db.write_session() as session:
        result = record_order(session, order("O-1", "user1", T0, status="shipped", status_changed_at=shipped_at),
                              clock.now())
    assert result.status_changes == 1 and result.events == 1
    assert [(k, p) for k, _, _, p in events(db, "order_status_changed")] == [
        ("order_status_changed", {"status": "shipped"})]
    with db.write_session() as session:  # the same status again, by either door: nothing
        record_order(session, order("O-1", "user1", T0, status="shipped", status_changed_at=shipped_at), clock.now())
        record_status_change(session, StatusChangeIn("cafe24", "O-1", "shipped", shipped_at), clock.now())
    assert len(events(db, "order_status_changed")) == 1
    with db.write_session() as session:
        record_status_change(session, StatusChangeIn("cafe24", "O-1", "delivered", shipped_at + timedelta(days=1)),
                             clock.now())
        unknown = record_status_change(session, StatusChangeIn("cafe24", "NOPE", "delivered", shipped_at),
                                       clock.now())
    assert unknown.unknown == 1
    assert [p["status"] for _, _, _, p in events(db, "order_status_changed")] == ["shipped", "delivered"]
    with db.session() as session:
        row = session.scalars(select(Order).where(Order.external_id == "O-1")).one()
        assert row.status == "delivered" and row.status_changed_at == shipped_at + timedelta(days=1)
        assert len(row.items) == 2  # a status change keeps the lines


def test_guest_matched_by_phone_then_email(db: Database, clock: FixedClock) -> None:
    with db.write_session() as session:
        record_customer(session, member(1), clock.now())
        record_customer(session, member(2), clock.now())
    with db.write_session() as session, ShopWriter(session, clock.now()) as writer:
        # phone in another form → member 1 (even though the email is member 2's: phone first)
        writer.order(order("G-1", None, T0, buyer_phone="+82 10 2000 0001", buyer_email="M2@example.com"))
        # no phone, email in capitals → member 2
        writer.order(order("G-2", None, T0, buyer_email="M2@Example.com"))
        # nobody we know → a guest customer, found again by phone the next time
        writer.order(order("G-3", None, T0, buyer_phone="01077778888", buyer_name="손님"))
        writer.order(order("G-4", None, T0 + timedelta(hours=2), buyer_phone="010-7777-8888"))
    with db.session() as session:
        ids = {o.external_id: o.customer_id for o in session.scalars(select(Order))}
        one = session.scalars(select(Customer.id).where(Customer.external_id == "user1")).one()
        two = session.scalars(select(Customer.id).where(Customer.external_id == "user2")).one()
        guest = session.scalars(select(Customer).where(Customer.is_guest.is_(True))).one()
    assert ids["G-1"] == one and ids["G-2"] == two
    assert ids["G-3"] == ids["G-4"] == guest.id and guest.phone == "+821077778888" and guest.external_id is None
    assert len(events(db, "signed_up")) == 2  # a guest never signed up


def test_consent_never_overrides_a_later_optout(db: Database, clock: FixedClock) -> None:
    with db.write_session() as session:
        record_customer(session, member(1), clock.now())
        record_consent(session, ConsentIn("cafe24", "user1", "sms", True, T0), clock.now())
        record_consent(session, ConsentIn("cafe24", "user1", "email", True, T0), clock.now())
        record_optout(session, OptOutIn(at=T0 + timedelta(days=5), phone="010-2000-0001"), clock.now())

    def state() -> dict[str, bool]:
        with db.session() as session:
            return {c.channel: c.granted for c in session.scalars(select(Consent))}

    assert state() == {"sms": False, "email": True, "kakao": False, "night": False}
    before = counts(db)
    with db.write_session() as session:  # the member file again: its consent is older than the opt-out
        result = record_consent(session, ConsentIn("cafe24", "user1", "sms", True, T0), clock.now())
        record_consent(session, ConsentIn("cafe24", "user1", "sms", True, T0 + timedelta(days=2)), clock.now())
    assert result.consents_ignored == 1
    assert state()["sms"] is False
    assert counts(db)["consent_events"] == before["consent_events"] + 1  # the dated-2 one is history, once
    with db.write_session() as session:  # the customer agreed again after the opt-out: that stands
        record_consent(session, ConsentIn("cafe24", "user1", "sms", True, T0 + timedelta(days=9)), clock.now())
    assert state()["sms"] is True
    with db.write_session() as session:  # an opt-out by email withdraws email only
        record_optout(session, OptOutIn(at=T0 + timedelta(days=10), email="M1@example.com"), clock.now())
    assert state() == {"sms": True, "email": False, "kakao": False, "night": False}


def test_stats_kept_current_incrementally(db: Database, clock: FixedClock) -> None:
    with db.write_session() as session, ShopWriter(session, clock.now(), batch=7) as writer:
        for number in range(1, 21):
            writer.customer(member(number))
        for index in range(60):
            number = index % 17 + 1
            status = "cancelled" if index % 11 == 0 else "paid"
            writer.order(order(f"S-{index}", f"user{number}", T0 - timedelta(days=index), 20_000 + 1000 * index,
                               status))
        writer.order(order("S-guest", None, T0, buyer_phone="010-2000-0019"))
        writer.cart(CartIn("cafe24", "C-1", "user20", 15_000, T0, ({"name": "셔츠", "quantity": 1, "price": 15_000},)))
    with db.write_session() as session:  # changes later: a refund, a new order
        record_status_change(session, StatusChangeIn("cafe24", "S-3", "refunded", T0), clock.now())
        record_order(session, order("S-new", "user5", T0 + timedelta(hours=3), 99_000), clock.now())

    def snapshot() -> list[tuple[Any, ...]]:
        with db.session() as session:
            stats = [(s.customer_id, s.first_order_at, s.last_order_at, s.order_count, s.total_spent)
                     for s in session.scalars(select(CustomerStats).order_by(CustomerStats.customer_id))]
            categories = [(c.customer_id, c.category, c.order_count, c.last_order_at)
                          for c in session.scalars(select(CustomerCategoryStats).order_by(
                              CustomerCategoryStats.customer_id, CustomerCategoryStats.category))]
            return [*stats, *categories]

    kept = snapshot()
    assert any(row[3] > 0 for row in kept)
    with db.write_session() as session:
        refresh_stats(session, now=clock.now())  # the whole shop from scratch
    assert snapshot() == kept


def test_cart_upsert(db: Database, clock: FixedClock) -> None:
    with db.write_session() as session:
        record_customer(session, member(1), clock.now())
        cart = CartIn("cafe24", "C-1", "user1", 15_000, T0, ({"name": "셔츠", "quantity": 1, "price": 15_000},))
        record_cart(session, cart, clock.now())
        record_cart(session, cart, clock.now())
    assert len(events(db, "cart_updated")) == 1
    with db.write_session() as session:
        record_cart(session, CartIn("cafe24", "C-1", "user1", 30_000, T0 + timedelta(hours=1),
                                    ({"name": "셔츠", "quantity": 2, "price": 15_000},)), clock.now())
    assert [p for *_, p in events(db, "cart_updated")] == [{"amount": 15_000}, {"amount": 30_000}]
    assert counts(db)["carts"] == 1
