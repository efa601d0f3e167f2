"""Issue #14's engine findings: `{{ recommended.product }}` is what the shop's customers bought together
with what this customer bought (counted in SQL, kept until the shop data changes), and `rfm_score` is
computed (R + F + M from engine/customers/segments.py), so a condition on it and a message work."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine import journey_store as store
from engine.customers.recommend import co_purchases, recommend, recommended_products
from engine.customers.segments import rfm_cuts, rfm_scores, thresholds
from engine.customers.stats import refresh_stats
from engine.journey import Journey, validate
from engine.runtime.facts import load_facts
from engine.runtime.publish import publish
from engine.runtime.triggers import enrol_by_hand
from storage.db import Database, open_database
from storage.models import Customer, Order, OrderItem, OutboxMessage, ShopEvent
from tests.runtime.shop import Shop, at, demo_shop

_serial = itertools.count(1)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    db = open_database(tmp_path / "shop.db")
    yield Shop(db, tmp_path)
    db.close()


def _order(shop: Shop, customer_id: int, products: list[str], when: str = "2026-02-10 12:00",
           amount: int = 30_000, status: str = "paid") -> None:
    """One order with these lines, as a sync writes it (an event, the customer's statistics)."""
    moment = at(when)
    external = f"R-{next(_serial):05d}"
    with shop.db.session() as session:
        order = Order(source="test", external_id=external, customer_id=customer_id, status=status, amount=amount,
                      ordered_at=moment, paid_at=moment, status_changed_at=moment)
        for name in products:
            order.items.append(OrderItem(product_name=name, quantity=1, unit_price=amount // len(products),
                                         amount=amount // len(products)))
        session.add(order)
        session.add(ShopEvent(kind="order_placed", customer_id=customer_id, occurred_at=moment, ref=external,
                              payload={"amount": amount}))
        session.flush()
        refresh_stats(session, [customer_id], now=moment)


def _manual_journey(shop: Shop, steps: list[tuple[str, str, dict[str, Any]]]) -> str:
    """trigger.manual → steps (id, kind@port onward, params) in a line."""
    journey = Journey(name="추천 여정")
    previous, port = journey.add_node("trigger.manual", node_id="trigger").id, "out"
    for node_id, spec, params in steps:
        kind, _, onward = spec.partition("@")
        journey.add_node(kind, params, node_id=node_id)
        journey.connect(previous, port, node_id)
        previous, port = node_id, onward or "out"
    assert [i.code for i in validate(journey) if i.severity == "error"] == []
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock)
    return journey.id


def _bodies(shop: Shop) -> dict[int, str]:
    with shop.db.session() as session:
        return {row.customer_id: row.body for row in session.scalars(select(OutboxMessage))}


def test_customers_who_bought_a_also_bought_b(shop: Shop) -> None:
    others = [shop.signup("2026-01-05 10:00") for _ in range(4)]
    for buyer in others[:3]:
        _order(shop, buyer, ["A", "B"])  # A with B three times
    _order(shop, others[3], ["A", "C"])  # A with C once
    target = shop.signup("2026-01-05 10:00")
    _order(shop, target, ["A"])
    owns_b = shop.signup("2026-01-05 10:00")
    _order(shop, owns_b, ["A", "B"], status="paid")
    nobody = shop.signup("2026-01-05 10:00")  # bought nothing: nothing to go on
    with shop.db.session() as session:
        pairs = co_purchases(session)
        assert dict(pairs["A"]) == {"B": 4, "C": 1}
        found = recommended_products(session, [target, owns_b, nobody])
    assert found == {target: "B", owns_b: "C", nobody: ""}  # what they already bought is never offered

    journey_id = _manual_journey(shop, [
        ("sms", "message.sms", {"is_ad": False, "body": "{{ customer.first_name }}님, {{ recommended.product }} 어때요?",
                                "lateness": "send_late"}),
    ])
    enrol_by_hand(shop.db, shop.clock, journey_id, [target, owns_b, nobody])
    shop.run()
    bodies = _bodies(shop)
    assert "B 어때요?" in bodies[target] and "C 어때요?" in bodies[owns_b] and bodies[nobody].endswith("님,  어때요?")


def test_the_pairs_are_kept_until_the_shop_data_changes(shop: Shop) -> None:
    buyers = [shop.signup("2026-01-05 10:00") for _ in range(3)]
    for buyer in buyers:
        _order(shop, buyer, ["A", "B"])
    target = shop.signup("2026-01-05 10:00")
    _order(shop, target, ["A"])
    with shop.db.session() as session:
        assert recommended_products(session, [target]) == {target: "B"}
    for _ in range(4):  # a later sync: A now goes with C more often than with B
        _order(shop, shop.signup("2026-02-01 10:00"), ["A", "C"], when="2026-02-20 12:00")
    with shop.db.session() as session:
        assert recommended_products(session, [target]) == {target: "C"}
    assert recommend(["A"], {"A": (("B", 2), ("C", 2))}) == "B"  # a tie: the name first in order
    # a cancelled order is not a purchase
    _order(shop, shop.signup("2026-02-01 10:00"), ["A", "D"], status="cancelled")
    with shop.db.session() as session:
        assert "D" not in dict(co_purchases(session)["A"])


def test_rfm_score_equals_the_rfm_code_and_ties_score_alike(tmp_path: Path) -> None:
    db: Database = open_database(tmp_path / "demo.db")
    try:
        demo_shop(db, customers=150)
        now = at("2026-03-02 10:00")
        with db.session() as session:
            expected = {cid: sum(score) for cid, score in rfm_scores(session, now).items()}
            ids = list(session.scalars(select(Customer.id)))
            facts = load_facts(session, ids, now, thresholds(session), {"rfm_score"})
        assert expected, "the demo shop has buyers"
        got = {cid: entry["rfm_score"] for cid, entry in facts.items() if entry["rfm_score"] is not None}
        assert got == expected
        assert all(entry["rfm_score"] is None for cid, entry in facts.items() if cid not in expected)
        same: dict[tuple[Any, ...], set[int]] = {}
        for entry in facts.values():
            if entry["rfm_score"] is not None:
                key = (entry["last_order_at"], entry["order_count"], entry["total_spent"])
                same.setdefault(key, set()).add(entry["rfm_score"])
        assert all(len(scores) == 1 for scores in same.values())  # equal inputs, equal scores
    finally:
        db.close()


def test_a_condition_on_rfm_score_and_the_shop_data_changing(shop: Shop) -> None:
    customers = [shop.signup("2026-01-05 10:00") for _ in range(10)]
    for index, customer in enumerate(customers):
        for visit in range(index + 1):  # the later customers buy more, more often and more recently
            _order(shop, customer, ["A"], when=f"2026-02-{10 + index:02d} {10 + visit:02d}:00",
                   amount=10_000 * (index + 1))
    twin = customers[-1]
    with shop.db.session() as session:
        cuts = rfm_cuts(session)
        assert cuts.score(None, 0, 0) is None
    journey_id = _manual_journey(shop, [
        ("check", "condition@yes", {"rules": [{"field": "rfm_score", "op": "gte", "value": 13}]}),
        ("sms", "message.sms", {"is_ad": False, "body": "최고 고객 {{ customer.first_name }}님", "lateness": "send_late"}),
    ])
    enrol_by_hand(shop.db, shop.clock, journey_id, customers)
    shop.run()
    top = set(_bodies(shop))
    assert twin in top and customers[0] not in top
    with shop.db.session() as session:
        expected = {cid for cid, score in rfm_scores(session, shop.clock.now()).items() if sum(score) >= 13}
    assert top == expected


def test_rfm_score_is_offered_in_the_condition_fields() -> None:
    from engine.journey.registry import CONDITION_FIELDS, rule_text

    assert CONDITION_FIELDS["rfm_score"][2] == "number"
    assert rule_text({"field": "rfm_score", "op": "gte", "value": 12}) == "RFM 점수 (3~15) ≥ 12"
