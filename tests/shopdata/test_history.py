"""History never messages anyone: old orders recorded after a journey is live enter nobody."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.runtime.triggers import Occurrence, split_history
from engine.shopdata import CustomerIn, OrderIn, OrderItemIn, ShopWriter
from storage.models import Customer, Enrollment
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import INFO, build


def entered(shop: Shop, journey_id: str) -> list[int]:
    with shop.db.session() as session:
        return sorted(session.scalars(select(Enrollment.customer_id).where(Enrollment.journey_id == journey_id)))


def test_two_year_old_orders_enter_nobody_a_new_one_does(live_shop: Shop) -> None:
    shop = live_shop
    journey = build(shop, [("message.sms", {**INFO, "body": "첫 주문 고마워요"})], trigger="trigger.order_placed",
                    trigger_params={"which": "first"})
    shop.run("2026-03-02 10:01")  # live, cursor set
    long_ago = at("2024-03-05 14:00")
    with shop.db.write_session() as session, ShopWriter(session, shop.clock.now()) as writer:
        for number in (1, 2, 3):
            writer.customer(CustomerIn("cafe24", f"hist{number}", name=f"이과거{number}",
                                       phone=f"010-3000-000{number}", signed_up_at=long_ago - timedelta(days=1)))
        for number in (1, 2):  # a file of two years of history
            writer.order(OrderIn("cafe24", f"2024-{number}", long_ago + timedelta(days=number), 45_000,
                                 status="confirmed", customer_external_id=f"hist{number}",
                                 status_changed_at=long_ago + timedelta(days=number + 10),
                                 items=(OrderItemIn("토너", unit_price=45_000, category="뷰티"),)))
        writer.order(OrderIn("cafe24", "2026-new", at("2026-03-02 10:20"), 45_000, customer_external_id="hist3",
                             items=(OrderItemIn("토너", unit_price=45_000, category="뷰티"),)))
    summary = shop.run("2026-03-02 10:30")
    with shop.db.session() as session:
        new_one = session.scalars(select(Customer.id).where(Customer.external_id == "hist3")).one()
    assert entered(shop, journey) == [new_one]
    assert summary["entered"] == 1 and summary["history"] == 2
    assert [m.customer_id for m in shop.messages()] == [new_one]


def test_lookback_per_trigger_kind() -> None:
    now = at("2026-03-02 10:00")
    occurrences = [Occurrence(1, now - timedelta(hours=23), "a"), Occurrence(2, now - timedelta(hours=25), "b")]
    for kind in ("trigger.signed_up", "trigger.order_placed", "trigger.order_status"):
        recent, history = split_history(kind, {}, occurrences, now)
        assert [o.customer_id for o in recent] == [1] and history == 1
    # a cart occurs `hours` after its last update; it may enter up to hours + 1 h after that update
    carts = [Occurrence(1, now - timedelta(minutes=50), "c"), Occurrence(2, now - timedelta(minutes=70), "d")]
    recent, history = split_history("trigger.cart_abandoned", {"hours": 3}, carts, now)
    assert [o.customer_id for o in recent] == [1] and history == 1
    recent, history = split_history("trigger.date", {}, occurrences, now)  # missed birthdays still catch up
    assert len(recent) == 2 and history == 0
