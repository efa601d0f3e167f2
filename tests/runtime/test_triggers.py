"""Triggers: order status, n-th order, segments, dates (birthday), manual enrollment, entry rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.runtime.triggers import enroll_manual
from engine.runtime.versions import VersionCache
from storage.models import Customer, Enrollment, Order, ShopEvent
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import INFO, build


def entered(shop: Shop, journey_id: str) -> list[int]:
    with shop.db.session() as session:
        return sorted(session.scalars(select(Enrollment.customer_id).where(Enrollment.journey_id == journey_id)))


def test_order_status_delivered(shop: Shop) -> None:
    journey = build(shop, [("message.sms", {**INFO, "body": "배송 완료! 리뷰 부탁드려요"})],
                    trigger="trigger.order_status", trigger_params={"status": "delivered"})
    customer = shop.signup("2026-03-02 10:00")
    ref = shop.order(customer, "2026-03-02 10:10")
    with shop.db.session() as session:
        session.add(ShopEvent(kind="order_status_changed", customer_id=customer, occurred_at=at("2026-03-03 15:00"),
                              ref=ref, payload={"status": "shipped"}))
    shop.run("2026-03-03 15:01")
    assert entered(shop, journey) == []
    with shop.db.session() as session:
        session.add(ShopEvent(kind="order_status_changed", customer_id=customer, occurred_at=at("2026-03-04 15:00"),
                              ref=ref, payload={"status": "delivered"}))
    shop.run("2026-03-04 15:01")
    assert entered(shop, journey) == [customer]
    assert shop.messages(customer)[0].body == "배송 완료! 리뷰 부탁드려요"


def test_nth_order_and_minimum_amount(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.order_placed",
                    trigger_params={"which": "nth", "n": 2, "min_amount": 50_000})
    customer = shop.signup("2026-03-02 09:00")
    shop.order(customer, "2026-03-02 10:00", amount=60_000)
    shop.run("2026-03-02 10:01")
    assert entered(shop, journey) == []  # first order
    shop.order(customer, "2026-03-02 11:00", amount=20_000)
    shop.run("2026-03-02 11:01")
    assert entered(shop, journey) == []  # second, but too small
    other = shop.signup("2026-03-02 09:00")
    shop.order(other, "2026-03-02 10:00", amount=10_000)
    shop.order(other, "2026-03-02 12:00", amount=70_000)
    shop.run("2026-03-02 12:01")
    assert entered(shop, journey) == [other]


def test_birthday_date_trigger_at_ten(shop: Shop) -> None:
    journey = build(shop, [("message.sms", {**INFO, "body": "생일 축하해요"})], trigger="trigger.date",
                    trigger_params={"date_kind": "birthday", "time": "10:00"})
    with shop.db.session() as session:
        born_today = session.scalars(select(Customer.id).where(Customer.birthday.is_not(None))).all()[:2]
        for customer_id in born_today:
            session.get(Customer, customer_id).birthday = date(1990, 3, 3)
        expected = sorted(session.scalars(select(Customer.id).where(Customer.birthday.is_not(None))).all())
        expected = [cid for cid in expected if session.get(Customer, cid).birthday.strftime("%m-%d") == "03-03"]
    shop.run("2026-03-03 09:59")
    assert entered(shop, journey) == []
    shop.run("2026-03-03 10:00")
    assert entered(shop, journey) == expected and set(born_today) <= set(expected)
    shop.run("2026-03-03 18:00")
    assert entered(shop, journey) == expected  # once a year, not once a pass


def test_days_off_catch_up_every_missed_birthday(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.date",
                    trigger_params={"date_kind": "birthday", "time": "10:00"})
    with shop.db.session() as session:
        ids = session.scalars(select(Customer.id).where(Customer.birthday.is_not(None))).all()[:3]
        for offset, customer_id in enumerate(ids):
            session.get(Customer, customer_id).birthday = date(1991, 3, 3 + offset)
    shop.run("2026-03-06 12:00")  # the PC was off on the 3rd, 4th and 5th
    assert set(ids) <= set(entered(shop, journey))


def test_vip_segment_entry(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.segment_entered",
                    trigger_params={"segment": "vip"})
    first = shop.run("2026-03-02 10:01")["entered"]
    assert first > 0  # today's VIPs enter once
    assert shop.run("2026-03-02 10:02")["entered"] == 0
    assert len(entered(shop, journey)) == first


def test_entry_rules_filter_who_enters(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.order_placed",
                    trigger_params={"rules": [{"field": "total_spent", "op": "gte", "value": 100000}]})
    small = shop.signup("2026-03-02 09:00")
    big = shop.signup("2026-03-02 09:00")
    shop.order(small, "2026-03-02 10:00", amount=30_000)
    shop.order(big, "2026-03-02 10:00", amount=130_000)
    shop.run("2026-03-02 10:01")
    assert entered(shop, journey) == [big]


def test_manual_enrollment(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.manual")
    with shop.db.session() as session:
        chosen = session.scalars(select(Customer.id).order_by(Customer.id).limit(5)).all()
    counts = enroll_manual(shop.db, shop.clock, VersionCache(), journey, chosen)
    assert counts.entered == 5
    again = enroll_manual(shop.db, shop.clock, VersionCache(), journey, chosen)
    assert again.entered == 0  # the same minute: not twice
    summary = shop.run()
    assert summary["queued"] == 5


def test_cancelled_orders_do_not_trigger(shop: Shop) -> None:
    journey = build(shop, [("message.sms", INFO)], trigger="trigger.order_placed")
    customer = shop.signup("2026-03-02 09:00")
    shop.order(customer, "2026-03-02 10:00", status="cancelled")
    shop.run("2026-03-02 10:01")
    assert entered(shop, journey) == []
    with shop.db.session() as session:
        assert session.scalar(select(Order.status).where(Order.customer_id == customer)) == "cancelled"


def test_journey_enrol_from_the_command_line(shop: Shop, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from main import main

    journey = build(shop, [("message.sms", INFO)], trigger="trigger.manual", name="직접 고른 고객")
    other = build(shop, [("message.sms", INFO)], trigger="trigger.signed_up", name="가입 환영")
    first = shop.signup("2026-03-02 09:00", name="한고객")
    second = shop.signup("2026-03-02 09:00")
    url, now = str(shop.db.url), "2026-03-02T10:00"
    with shop.db.session() as session:
        phone = session.get(Customer, second).phone
    assert main(["--db", url, "--now", now, "journey", "enrol", journey, "--customers", "한고객", phone, "없는사람"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["entered"], out["asked"], len(out["not_found"])) == (2, 2, 1)  # found ones enter; the rest said
    assert sorted(entered(shop, journey)) == sorted([first, second])
    assert main(["--db", url, "--now", now, "journey", "enrol", other, "--customers", str(first)]) == 2
    assert "only a journey that starts 'added by hand'" in capsys.readouterr().err
    assert main(["--db", url, "--now", now, "journey", "enrol", journey]) == 2
    assert "say who" in capsys.readouterr().err
    assert main(["--db", url, "--now", "2026-03-02T10:05", "journey", "enrol", journey, "--segment", "new"]) == 0
    assert json.loads(capsys.readouterr().out)["entered"] >= 1
