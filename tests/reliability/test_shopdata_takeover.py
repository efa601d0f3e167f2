"""A buyer first seen as a guest (an order with no member id) and later as a member (a member record, or an order
naming the member id) with the same phone, else the same email, is one customer: the member takes the guest
over, so the guest's orders count for the member. Never another member, never two guests, never a guess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.shopdata import ConsentIn, CustomerIn, OrderIn, OrderItemIn, ShopWriter, WriteCounts
from engine.sync.load import import_file
from storage.db import Database, open_database
from storage.models import Consent, Customer, CustomerStats, Enrollment, Order, ShopEvent
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import build
from tests.sync.files import write_csv

T0 = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PHONE = "010-8100-0001"
E164 = "+821081000001"


def order(external: str, member: str | None, hours: int, amount: int = 20_000, source: str = "cafe24",
          **extra: Any) -> OrderIn:
    items = (OrderItemIn("수분 토너", quantity=1, unit_price=amount, category="뷰티"),)
    return OrderIn(source=source, external_id=external, ordered_at=T0 + timedelta(hours=hours), amount=amount,
                   customer_external_id=member, items=items, **extra)


def write(db: Database, *records: Any, now: datetime = NOW) -> WriteCounts:
    """One writer, one transaction: each record by its type."""
    kinds = {CustomerIn: "customer", OrderIn: "order", ConsentIn: "consent"}
    with db.write_session() as session, ShopWriter(session, now) as writer:
        for record in records:
            getattr(writer, kinds[type(record)])(record)
    return writer.counts


def customers(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(Customer.id, Customer.source, Customer.external_id, Customer.is_guest, Customer.name,
                   Customer.phone, Customer.email).order_by(Customer.id))]


def owners(db: Database) -> dict[str, int | None]:
    with db.session() as session:
        return {external: customer for external, customer in session.execute(select(Order.external_id, Order.customer_id))}


def stats(db: Database, customer_id: int) -> tuple[int, datetime | None]:
    with db.session() as session:
        row = session.get(CustomerStats, customer_id)
        assert row is not None
        first = row.first_order_at.replace(tzinfo=UTC) if row.first_order_at else None
        return row.order_count, first


def events(db: Database) -> list[tuple[str, int, str | None]]:
    with db.session() as session:
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(ShopEvent.kind, ShopEvent.customer_id, ShopEvent.ref).order_by(ShopEvent.id))]


def test_a_member_record_takes_over_the_guest_with_their_phone(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    write(db, order("O-1", None, 1, buyer_name="손님", buyer_phone=PHONE))
    [(guest, *_)] = customers(db)
    assert stats(db, guest)[0] == 1
    counts = write(db, CustomerIn("cafe24", "kim", name="김단골", phone="+82 10 8100 0001", email="kim@example.com",
                                  grade="VIP", signed_up_at=T0 - timedelta(days=3)))
    assert counts.customers_created == 0 and counts.customers_updated == 1
    assert customers(db) == [(guest, "cafe24", "kim", False, "김단골", E164, "kim@example.com")]  # the same customer
    assert owners(db) == {"O-1": guest}
    assert stats(db, guest) == (1, T0 + timedelta(hours=1))  # the guest's order counts for the member
    assert events(db) == [("order_placed", guest, "O-1"), ("signed_up", guest, "kim")]  # the record's sign-up time
    write(db, order("O-2", "kim", 30))
    assert owners(db) == {"O-1": guest, "O-2": guest}
    assert stats(db, guest) == (2, T0 + timedelta(hours=1))
    db.close()


def test_a_member_order_takes_over_the_guest_with_its_phone(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    write(db, order("O-1", None, 1, buyer_name="손님", buyer_phone=PHONE))
    [(guest, *_)] = customers(db)
    write(db, order("O-2", "kim", 30, buyer_name="김단골", buyer_phone=PHONE, buyer_email="kim@example.com"))
    assert customers(db) == [(guest, "cafe24", "kim", False, "김단골", E164, "kim@example.com")]
    assert owners(db) == {"O-1": guest, "O-2": guest}
    assert stats(db, guest) == (2, T0 + timedelta(hours=1))
    assert [kind for kind, *_ in events(db)] == ["order_placed", "order_placed"]  # no sign-up time: no signed_up
    db.close()


def test_a_member_takes_over_the_guest_with_their_email_when_no_guest_has_their_phone(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    write(db, order("O-1", None, 1, buyer_email="Lee@Example.com"),
          order("O-2", None, 2, buyer_phone="010-8100-0009", buyer_email="other@example.com"))  # another guest
    first, other = (row[0] for row in customers(db))
    write(db, CustomerIn("cafe24", "lee", name="이단골", phone="010-8100-0002", email="LEE@example.com"))
    assert customers(db) == [(first, "cafe24", "lee", False, "이단골", "+821081000002", "lee@example.com"),
                             (other, "cafe24", None, True, "", "+821081000009", "other@example.com")]
    assert stats(db, first) == (1, T0 + timedelta(hours=1))
    db.close()


def test_the_guest_and_the_member_in_one_batch_are_one_customer(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    counts = write(db, order("O-1", None, 1, buyer_phone=PHONE), ConsentIn("cafe24", "kim", "sms", True, T0),
                   CustomerIn("cafe24", "kim", name="김단골", phone=PHONE))
    # the consent names kim before her record: no phone, so it makes her (the guest stays a guest)
    assert counts.customers_created == 2
    write(db, order("O-2", None, 3, buyer_phone="010-8100-0003"), CustomerIn("cafe24", "park", phone="01081000003"))
    rows = customers(db)
    assert [(row[2], row[3], row[5]) for row in rows] == [(None, True, E164), ("kim", False, E164),
                                                          ("park", False, "+821081000003")]
    assert owners(db)["O-2"] == rows[2][0]
    db.close()


def test_two_guests_with_the_phone_are_not_taken_over(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    with db.write_session() as session:  # two guests with one phone (e.g. written before guests were matched)
        session.add_all([Customer(source="cafe24", name="손님1", phone=E164, is_guest=True, created_at=T0,
                                  updated_at=T0),
                         Customer(source="cafe24", name="손님2", phone=E164, email="kim@example.com", is_guest=True,
                                  created_at=T0, updated_at=T0)])
    write(db, CustomerIn("cafe24", "kim", name="김단골", phone=PHONE, email="kim@example.com"))
    rows = customers(db)
    assert [(row[2], row[3]) for row in rows] == [(None, True), (None, True), ("kim", False)]  # a new member
    assert rows[0][4:] == ("손님1", E164, None) and rows[1][4:] == ("손님2", E164, "kim@example.com")
    # no phone match for the next one, and two guests with the email: no guess either
    with db.write_session() as session:
        session.add_all([Customer(source="cafe24", name="손님3", email="lee@example.com", is_guest=True,
                                  created_at=T0, updated_at=T0),
                         Customer(source="imweb", name="손님4", email="lee@example.com", is_guest=True,
                                  created_at=T0, updated_at=T0)])
    write(db, order("O-1", "lee", 5, buyer_phone="010-8100-0002", buyer_email="lee@example.com"))
    rows = customers(db)
    assert [(row[2], row[3]) for row in rows] == [(None, True), (None, True), ("kim", False), (None, True),
                                                  (None, True), ("lee", False)]
    db.close()


def test_no_member_is_taken_over(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    write(db, CustomerIn("cafe24", "kim", name="김단골", phone=PHONE, email="kim@example.com"))
    [(kim, *_)] = customers(db)
    write(db, order("O-1", None, 1, buyer_name="손님", buyer_phone=PHONE))  # a guest's order: kim's, as today
    assert owners(db) == {"O-1": kim} and len(customers(db)) == 1
    write(db, CustomerIn("shopify", "77", name="김가족", phone=PHONE, email="kim@example.com"))  # same phone
    rows = customers(db)
    assert rows[0] == (kim, "cafe24", "kim", False, "김단골", E164, "kim@example.com")  # kim untouched
    assert rows[1][1:4] == ("shopify", "77", False) and owners(db) == {"O-1": kim}
    db.close()


def test_a_known_member_does_not_take_over_a_guest(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    write(db, CustomerIn("cafe24", "kim", name="김단골", phone="010-8100-0005"))
    write(db, order("O-1", None, 1, buyer_name="손님", buyer_phone=PHONE))
    kim, guest = (row[0] for row in customers(db))
    write(db, CustomerIn("cafe24", "kim", name="김단골", phone=PHONE))  # she now has the guest's phone
    rows = customers(db)
    assert rows == [(kim, "cafe24", "kim", False, "김단골", E164, None), (guest, "cafe24", None, True, "손님", E164, None)]
    assert owners(db) == {"O-1": guest}
    db.close()


SHOPIFY_HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Total",
                  "Discount Code", "Discount Amount", "Created at", "Lineitem quantity", "Lineitem name",
                  "Lineitem price", "Billing Name", "Cancelled at", "Phone"]


def shopify_row(name: str, email: str, phone: str, created: str, total: str = "40000.00") -> list[str]:
    return [name, email, "paid", created, "fulfilled", "KRW", total, "", "0.00", created, "1", "Tote bag", total,
            "Kim Minsu", "", phone]


def test_a_shopify_csv_then_its_members_is_one_customer_each(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    csv = write_csv(tmp_path / "orders_export.csv", SHOPIFY_HEADER, [
        shopify_row("#1001", "kim@example.com", "+82 10-8100-0001", "2026-02-01 12:00:00 +0900"),
        shopify_row("#1002", "kim@example.com", "", "2026-02-10 09:00:00 +0900"),
        shopify_row("#1003", "lee@example.com", "", "2026-02-11 09:00:00 +0900", "12000.00"),
    ], "utf-8")
    imported = import_file(db, csv, NOW)
    assert imported.written is not None and imported.written.orders_created == 3
    guests = customers(db)
    assert len(guests) == 2 and all(row[3] for row in guests)  # the CSV has no customer ids: two guests

    def api() -> WriteCounts:  # what the Shopify connector hands in: members, their consents, their orders
        return write(db,
                     CustomerIn("shopify", "77", name="김민수", phone="+821081000001", email="kim@example.com",
                                signed_up_at=T0 - timedelta(days=30)),
                     ConsentIn("shopify", "77", "sms", True, T0),
                     CustomerIn("shopify", "78", name="이영희", email="lee@example.com",
                                signed_up_at=T0 - timedelta(days=20)),
                     OrderIn("shopify", "#1001", T0, 40_000, status="shipped", customer_external_id="77",
                             buyer_name="Kim Minsu", buyer_phone="+821081000001", buyer_email="kim@example.com",
                             paid_at=T0, items=(OrderItemIn("Tote bag", 1, 40_000),)),  # the CSV's order
                     order("#1004", "77", 24 * 20, 30_000, source="shopify", buyer_phone="+821081000001"))

    counts = api()
    assert counts.customers_created == 0 and counts.orders_created == 1
    rows = customers(db)
    assert [(row[0], row[1:4]) for row in rows] == [(guests[0][0], ("shopify", "77", False)),
                                                    (guests[1][0], ("shopify", "78", False))]
    kim, lee = guests[0][0], guests[1][0]
    assert owners(db) == {"#1001": kim, "#1002": kim, "#1003": lee, "#1004": kim}
    assert stats(db, kim) == (3, T0) and stats(db, lee)[0] == 1
    with db.session() as session:
        assert [tuple(row) for row in session.execute(select(Consent.customer_id, Consent.granted))] == [(kim, True)]
    before = (customers(db), owners(db), events(db))
    again = api()  # the same data again: nothing changes, nothing is emitted
    assert again.customers_created == again.customers_updated == again.orders_created == 0
    assert again.orders_updated == again.events == again.consents_changed == 0
    reimported = import_file(db, csv, NOW)  # the CSV again: its guests' orders stay the members'
    assert reimported.written is not None and reimported.written.events == 0
    assert reimported.written.customers_created == 0 and reimported.written.orders_updated == 0
    assert (customers(db), owners(db), events(db)) == before
    db.close()


def test_the_members_next_order_is_not_a_first_order(shop: Shop) -> None:
    journey = build(shop, [("message.sms", {"body": "{{ customer.first_name }}님 첫 주문 감사합니다",
                                            "lateness": "send_late"})],
                    trigger="trigger.order_placed", trigger_params={"which": "first"}, name="첫 주문")

    def place(*records: Any) -> None:
        write(shop.db, *records, now=shop.clock.now())

    phone = "010-8123-4567"
    place(OrderIn("cafe24", "T-1", at("2026-03-02 09:00"), 20_000, buyer_name="손님", buyer_phone=phone,
                  items=(OrderItemIn("수분 토너", unit_price=20_000),)))
    assert shop.run("2026-03-02 10:00")["entered"] == 1  # the guest's first order
    shop.clock.set(at("2026-03-02 11:00"))
    place(CustomerIn("cafe24", "takeover-1", name="김단골", phone=phone, signed_up_at=at("2026-03-02 10:30")),
          OrderIn("cafe24", "T-2", at("2026-03-02 10:50"), 30_000, customer_external_id="takeover-1",
                  buyer_phone=phone, items=(OrderItemIn("유기농 꿀", unit_price=30_000),)))
    assert shop.run("2026-03-02 11:10")["entered"] == 0  # her second order, though her first as a member
    with shop.db.session() as session:
        member = session.scalar(select(Customer.id).where(Customer.external_id == "takeover-1"))
        entered = session.scalars(select(Enrollment.customer_id).where(Enrollment.journey_id == journey)).all()
        count = session.scalar(select(func.count()).select_from(Order).where(Order.customer_id == member))
    assert entered == [member] and count == 2
