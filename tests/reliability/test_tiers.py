"""Issue #15 §3, membership tiers: the owner's ladder computed in SQL for every customer (boundaries, the
12-month window moving with the clock, the shop grade rule), each change recorded once as a shop event that
trigger.tier_changed enters (up vs down), `tier` as a condition field and `customer.tier` / `tier.previous`
as message variables, the tier-up template run with a FixedClock, and the tiers kept current by an import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import config
from engine import journey_store as store
from engine.customers.tiers import (
    DEFAULT_TIERS,
    TIER_EVENT,
    Tier,
    TierError,
    recompute_tiers,
    save_tiers,
    tier_counts,
)
from engine.demo.catalogue import SHOP_SETTINGS
from engine.journey import Journey, validate
from engine.runtime.conditions import condition_holds
from engine.runtime.facts import load_facts
from engine.runtime.publish import publish
from engine.shopdata import CustomerIn, OrderIn, record_customer, record_order
from storage.db import open_database
from storage.models import Customer, CustomerTier, Enrollment, PointGrant, ShopEvent
from tests.runtime.shop import Shop, at


@pytest.fixture
def small(tmp_path: Path) -> Shop:
    db = open_database(tmp_path / "small.db")
    with db.write_session() as session:
        for key, value in SHOP_SETTINGS.items():
            config.set_value(session, key, value)
        save_tiers(session, DEFAULT_TIERS, at("2026-01-01 00:00"), 12)
    return Shop(db, tmp_path)


def tiers(shop: Shop, when: str) -> dict[int, str]:
    with shop.db.write_session() as session:
        recompute_tiers(session, at(when))
    with shop.db.session() as session:
        return {row.customer_id: row.tier for row in session.scalars(select(CustomerTier))}


def events(shop: Shop) -> list[tuple[int, dict]]:
    with shop.db.session() as session:
        return [(e.customer_id, e.payload) for e in session.scalars(
            select(ShopEvent).where(ShopEvent.kind == TIER_EVENT).order_by(ShopEvent.id))]


def test_boundaries_the_moving_window_and_each_change_once(small: Shop) -> None:
    below, silver, gold = (small.signup("2025-01-01 09:00") for _ in range(3))
    small.order(below, "2025-06-01 12:00", amount=199_999)          # one won short of 실버, and one order
    small.order(below, "2025-06-02 12:00", amount=0)
    small.order(silver, "2025-04-01 12:00", amount=100_000)
    small.order(silver, "2025-07-01 12:00", amount=100_000)          # exactly 200,000원 in 2 orders: 실버
    for month in ("2025-09-01", "2025-10-01", "2025-11-01", "2026-01-01"):
        small.order(gold, f"{month} 12:00", amount=125_000)          # exactly 500,000원 in 4 orders: 골드
    got = tiers(small, "2026-03-01 10:00")
    assert got == {below: "일반", silver: "실버", gold: "골드"}
    assert events(small) == []  # a first tier is not a change: nobody is told
    # the window moves: on 2026-04-02 the April order is 12 months old and no longer counts
    assert tiers(small, "2026-04-01 10:00")[silver] == "실버"
    assert tiers(small, "2026-04-02 10:00")[silver] == "일반"
    assert events(small) == [(silver, {"from": "실버", "to": "일반", "direction": "down"})]
    tiers(small, "2026-04-02 11:00")  # the same tiers again: no second event
    assert len(events(small)) == 1
    small.order(below, "2026-04-03 12:00", amount=400_000)
    assert tiers(small, "2026-04-03 13:00")[below] == "실버"
    assert events(small)[-1] == (below, {"from": "일반", "to": "실버", "direction": "up"})
    with small.db.session() as session:
        counts = tier_counts(session, list(DEFAULT_TIERS), at("2026-04-03 13:00"), 12)
    assert counts == {"일반": 1, "실버": 1, "골드": 1, "VIP": 0}


def test_a_ladder_is_checked_and_a_shop_grade_may_make_the_tier(small: Shop) -> None:
    with pytest.raises(TierError):
        save_tiers(small.db.session().__enter__(), [Tier("일반"), Tier("일반", 10)], at("2026-03-01 10:00"), 12)
    with pytest.raises(TierError):
        save_tiers(small.db.session().__enter__(), [Tier("골드", 500_000), Tier("실버", 200_000)],
                   at("2026-03-01 10:00"), 12)
    member = small.signup("2025-01-01 09:00")
    with small.db.write_session() as session:
        session.get(Customer, member).grade = "VVIP"  # the shop's own grade, from its import: kept as it is
        save_tiers(session, [Tier("일반"), Tier("VIP", 1_000_000, 6, shop_grade="VVIP")], at("2026-03-01 10:00"), 12)
    assert tiers(small, "2026-03-01 10:00")[member] == "VIP"
    with small.db.session() as session:
        assert session.get(Customer, member).grade == "VVIP"


def _tier_journey(direction: str, to: str = "") -> Journey:
    journey = Journey(name=f"등급 {direction}")
    journey.add_node("trigger.tier_changed", {"direction": direction, "tier": to}, node_id="trigger")
    journey.add_node("condition", {"match": "all", "rules": [{"field": "tier", "op": "eq", "value": "실버"}]},
                     node_id="cond")
    journey.add_node("message.sms", {"is_ad": False, "body": "{{ customer.first_name }}님 {{ tier.previous }}→"
                                     "{{ customer.tier }}"}, node_id="sms")
    journey.add_node("exit", node_id="end")
    journey.add_node("exit", node_id="end2")
    journey.connect("trigger", "out", "cond")
    journey.connect("cond", "yes", "sms")
    journey.connect("cond", "no", "end2")
    journey.connect("sms", "out", "end")
    return journey


def test_the_trigger_enters_ups_and_downs_once_with_the_condition_and_variables(small: Shop) -> None:
    ids = {}
    for direction in ("up", "down"):
        journey = _tier_journey(direction)
        assert not [i for i in validate(journey) if i.severity == "error"], direction
        with small.db.session() as session:
            store.save_draft(session, journey, small.clock)
            publish(session, journey.id, small.clock)
        ids[direction] = journey.id
    riser, faller = small.signup("2025-01-01 09:00"), small.signup("2025-01-01 09:00")
    small.order(faller, "2025-03-10 12:00", amount=250_000)
    small.order(faller, "2025-03-11 12:00", amount=250_000)
    tiers(small, "2026-03-01 10:00")
    small.run("2026-03-01 10:05")
    small.order(riser, "2026-03-02 12:00", amount=150_000)
    small.order(riser, "2026-03-02 12:30", amount=60_000)
    tiers(small, "2026-03-02 13:00")   # riser 일반 → 실버
    small.run("2026-03-02 13:05")
    tiers(small, "2026-03-12 13:00")   # faller 실버 → 일반 (the March 2025 orders left the window)
    small.run("2026-03-12 13:05")
    small.run("2026-03-12 13:10")
    with small.db.session() as session:
        entered = {(e.journey_id, e.customer_id) for e in session.scalars(select(Enrollment))}
    assert entered == {(ids["up"], riser), (ids["down"], faller)}
    [message] = small.messages(riser)
    assert message.body.endswith("님 일반→실버")
    assert small.messages(faller) == []  # down: the condition (tier = 실버) said no
    with small.db.session() as session:
        facts = load_facts(session, [riser, faller], at("2026-03-12 13:10"), _limits(session))
    assert facts[riser]["tier"] == "실버" and facts[faller]["tier"] == "일반"
    assert condition_holds({"rules": [{"field": "tier", "op": "eq", "value": "실버"}]}, facts[riser])


def _limits(session):  # type: ignore[no-untyped-def]
    from engine.customers.segments import thresholds

    return thresholds(session)


def test_tier_up_template_congratulates_and_lists_the_points(small: Shop) -> None:
    small.publish_template("tier_up", {"points": "5000"})
    member = small.signup("2025-01-01 09:00", name="김민지")
    small.order(member, "2026-02-01 12:00", amount=150_000)
    tiers(small, "2026-03-02 09:00")
    small.run("2026-03-02 10:00")
    assert small.messages(member) == []
    small.order(member, "2026-03-02 11:00", amount=400_000)  # 550,000원 in 2 orders: 일반 → 실버
    tiers(small, "2026-03-02 11:30")
    small.run("2026-03-02 11:35")
    [message] = small.messages(member)
    assert "회원 등급이 일반에서 실버로 올랐어요" in message.body and "적립금 5,000원" in message.body
    assert "(으)" not in message.body and "을(를)" not in message.body  # the particles fit the words
    with small.db.session() as session:
        [grant] = session.scalars(select(PointGrant))
        assert (grant.customer_id, grant.amount, grant.status) == (member, 5000, "manual")  # not a Cafe24 member
    small.run("2026-03-02 11:40")
    tiers(small, "2026-03-02 12:00")
    small.run("2026-03-02 12:05")
    with small.db.session() as session:
        assert session.scalar(select(func.count()).select_from(PointGrant)) == 1


def test_an_import_keeps_the_tiers_current(small: Shop) -> None:
    now = at("2026-03-02 10:00")
    with small.db.write_session() as session:
        record_customer(session, CustomerIn(source="file", external_id="m1", name="박서준", phone="010-2222-3333"), now)
    with small.db.write_session() as session:
        record_order(session, OrderIn(source="file", external_id="O1", customer_external_id="m1", amount=600_000,
                                      status="paid", ordered_at=at("2026-03-01 10:00")), now)
        record_order(session, OrderIn(source="file", external_id="O2", customer_external_id="m1", amount=10_000,
                                      status="paid", ordered_at=at("2026-03-01 11:00")), now)
    with small.db.session() as session:
        customer = session.scalar(select(Customer).where(Customer.external_id == "m1"))
        assert session.get(CustomerTier, customer.id).tier == "실버"  # 610,000원 but 2 orders: not 골드 (4)


def test_the_report_splits_revenue_by_membership_tier_once_there_is_a_ladder(small: Shop) -> None:
    from datetime import date

    from engine.results.kpis import Period, compute_report

    silver, plain = small.signup("2025-01-01 09:00"), small.signup("2025-01-01 09:00")
    with small.db.write_session() as session:
        session.get(Customer, plain).grade = "일반회원"  # the shop's grade: no longer what the report splits by
    small.order(silver, "2026-02-10 12:00", amount=150_000)
    small.order(silver, "2026-02-11 12:00", amount=60_000)
    small.order(plain, "2026-02-12 12:00", amount=30_000)
    tiers(small, "2026-03-01 10:00")
    with small.db.session() as session:
        report = compute_report(session, Period(date(2026, 2, 1), date(2026, 2, 28)))
    assert report.current.by_tier == {"실버": {"buyers": 1, "revenue": 210_000},
                                      "일반": {"buyers": 1, "revenue": 30_000}, "none": {"buyers": 0, "revenue": 0}}
