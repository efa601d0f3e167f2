"""The shop-data writer remembers the members it has seen across its batches (a member seen in an earlier batch
is not looked up again): what it stores does not depend on where the batches end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

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
    WriteCounts,
)
from storage.db import Database, open_database
from storage.models import (
    Cart,
    Consent,
    Customer,
    CustomerCategoryStats,
    CustomerStats,
    Order,
    OrderItem,
    ShopEvent,
)

T0 = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def order(external: str, member: str | None, hours: int, amount: int = 20_000, **extra: Any) -> OrderIn:
    items = (OrderItemIn("수분 토너", quantity=1, unit_price=amount, category="뷰티"),)
    return OrderIn(source="cafe24", external_id=external, ordered_at=T0 + timedelta(hours=hours), amount=amount,
                   customer_external_id=member, items=items, **extra)


def records() -> list[tuple[str, Any]]:
    """A member made by her first order, her later orders, her member record, guests matched to her (and to
    another member) by phone and by email, consents, an opt-out, a cart: each in a later batch than the first;
    guests later taken over by a member (by phone, by email): in a later batch or the same one, by the sizes."""
    return [
        ("order", order("O-1", "kim", 1, buyer_name="김단골", buyer_phone="010-2000-0001",
                        buyer_email="kim@example.com")),
        ("order", order("O-2", "lee", 2, buyer_name="이단골", buyer_phone="010-2000-0002",
                        buyer_email="lee@example.com")),
        ("order", order("O-3", "kim", 3, buyer_phone="010-2000-0001")),  # her second order, a later batch
        ("order", order("O-4", None, 4, buyer_phone="+82 10 2000 0001", buyer_email="lee@example.com")),  # → kim
        ("order", order("O-5", None, 5, buyer_email="LEE@Example.com")),  # → lee, by email
        ("customer", CustomerIn("cafe24", "kim", name="김단골", phone="010-2000-0001", email="kim@example.com",
                                grade="VIP", signed_up_at=T0 - timedelta(days=3))),
        ("order", order("O-6", "kim", 6, 55_000, status="shipped", status_changed_at=T0 + timedelta(hours=7))),
        ("consent", ConsentIn("cafe24", "kim", "sms", True, T0)),
        ("order", order("O-7", None, 8, buyer_phone="010-7777-8888", buyer_name="손님")),  # a new guest
        ("cart", CartIn("cafe24", "C-1", "lee", 15_000, T0 + timedelta(hours=9),
                        ({"name": "셔츠", "quantity": 1, "price": 15_000},))),
        ("order", order("O-8", None, 10, buyer_phone="01077778888")),  # the guest again
        ("status_change", StatusChangeIn("cafe24", "O-3", "cancelled", T0 + timedelta(hours=11))),
        ("optout", OptOutIn(at=T0 + timedelta(days=1), member=("cafe24", "kim"), channels=("sms",))),
        ("order", order("O-9", "lee", 12)),
        ("order", order("O-1", "kim", 1, buyer_name="김단골", buyer_phone="010-2000-0001",
                        buyer_email="kim@example.com")),  # the first order again: nothing
        ("order", order("O-10", None, 13, buyer_name="박손님", buyer_phone="010-3000-0003")),  # a guest …
        ("customer", CustomerIn("cafe24", "park", name="박단골", phone="01030000003",
                                signed_up_at=T0 + timedelta(hours=14))),  # … who is the member park
        ("order", order("O-11", None, 15, buyer_email="choi@example.com")),  # a guest by email …
        ("order", order("O-12", "choi", 16, buyer_phone="010-3000-0004", buyer_email="CHOI@example.com")),  # … choi
        ("order", order("O-13", None, 17, buyer_phone="010-3000-0004")),  # choi's phone now: hers
        ("order", order("O-14", "park", 18)),
        ("order", order("O-15", None, 19, buyer_phone="010-3000-0005")),  # a guest …
        ("customer", CustomerIn("cafe24", "lee", name="이단골", phone="010-3000-0005")),  # … lee, known: no takeover
        ("order", order("O-16", None, 20, buyer_phone="010-3000-0005")),  # that phone: lee's now (a member first)
    ]


def write(path: Path, batch: int) -> tuple[Database, WriteCounts]:
    db = open_database(path)
    with db.write_session() as session, ShopWriter(session, NOW, batch=batch) as writer:
        for kind, value in records():
            getattr(writer, kind)(value)
    return db, writer.counts


def stored(db: Database) -> dict[str, Any]:
    """What the shop holds, by the source's keys (row ids and event ids may differ with the batches)."""
    with db.session() as session:
        key = {cid: external or f"guest:{phone}" for cid, external, phone in
               session.execute(select(Customer.id, Customer.external_id, Customer.phone))}
        return {
            "customers": sorted((key[row.id], row.name, row.phone, row.email, row.grade, row.is_guest,
                                 row.signed_up_at) for row in session.scalars(select(Customer))),
            "orders": sorted((row.external_id, key.get(row.customer_id), row.status, row.amount,
                              row.status_changed_at) for row in session.scalars(select(Order))),
            "items": session.scalar(select(func.count()).select_from(OrderItem)),
            "events": sorted((kind, key[cid], ref, occurred, sorted(payload.items())) for kind, cid, ref, occurred, payload
                             in session.execute(select(ShopEvent.kind, ShopEvent.customer_id, ShopEvent.ref,
                                                       ShopEvent.occurred_at, ShopEvent.payload))),
            "consents": sorted((key[row.customer_id], row.channel, row.granted)
                               for row in session.scalars(select(Consent))),
            "carts": [(row.external_id, key[row.customer_id]) for row in session.scalars(select(Cart))],
            "stats": sorted((key[row.customer_id], row.order_count, row.total_spent, row.first_order_at,
                             row.last_order_at) for row in session.scalars(select(CustomerStats))),
            "categories": sorted((key[row.customer_id], row.category, row.order_count, row.last_order_at)
                                 for row in session.scalars(select(CustomerCategoryStats))),
        }


def test_a_member_seen_in_an_earlier_batch_is_the_same_customer(tmp_path: Path) -> None:
    db, counts = write(tmp_path / "two.db", batch=2)
    shop = stored(db)
    customers = {row[0]: row for row in shop["customers"]}
    assert sorted(customers) == ["choi", "guest:+821030000005", "guest:+821077778888", "kim", "lee",
                                 "park"]  # no member made twice
    assert customers["kim"][4] == "VIP" and customers["kim"][6] == T0 - timedelta(days=3)  # her record applied
    owner = {row[0]: row[1] for row in shop["orders"]}
    assert owner == {"O-1": "kim", "O-2": "lee", "O-3": "kim", "O-4": "kim", "O-5": "lee", "O-6": "kim",
                     "O-7": "guest:+821077778888", "O-8": "guest:+821077778888", "O-9": "lee", "O-10": "park",
                     "O-11": "choi", "O-12": "choi", "O-13": "choi", "O-14": "park",
                     "O-15": "guest:+821030000005", "O-16": "lee"}
    assert counts.customers_created == 6 and counts.customers_updated == 4 and counts.orders_created == 16
    assert customers["park"][5] is False and customers["choi"][3] == "choi@example.com"  # the guests taken over
    assert [e[0] for e in shop["events"] if e[1] == "park"] == ["order_placed", "order_placed", "signed_up"]
    assert [e[0] for e in shop["events"] if e[1] == "choi"] == ["order_placed"] * 3
    stats = {row[0]: row[1] for row in shop["stats"]}
    assert stats["park"] == 2 and stats["choi"] == 3  # the guest's orders count for the member
    assert [e[0] for e in shop["events"] if e[1] == "kim"].count("signed_up") == 1
    assert ("kim", "sms", False) in shop["consents"]  # the opt-out reached the member seen batches before
    assert shop["carts"] == [("C-1", "lee")]
    kept = shop["stats"]
    with db.write_session() as session:
        refresh_stats(session, now=NOW)  # the whole shop from scratch
    assert stored(db)["stats"] == kept
    db.close()


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 7])
def test_what_is_stored_does_not_depend_on_where_batches_end(tmp_path: Path, batch: int) -> None:
    one, _ = write(tmp_path / "one.db", batch=5000)  # everything in one batch
    split, _ = write(tmp_path / f"split{batch}.db", batch=batch)
    assert stored(split) == stored(one)  # (the counts may differ: a row made and changed in one batch is one insert)
    one.close()
    split.close()


def test_a_member_seen_before_is_not_looked_up_again(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    lookups: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM customers" in statement \
                and "customers.external_id IN" in statement:
            lookups.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    with db.write_session() as session, ShopWriter(session, NOW, batch=10) as writer:
        for number in range(100):  # ten batches of the same two members' orders
            writer.order(order(f"R-{number}", "kim" if number % 2 else "lee", number))
    event.remove(db.engine, "before_cursor_execute", seen)
    assert len(lookups) == 1  # the first batch only
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 2
        assert session.scalar(select(func.count()).select_from(Order)) == 100
    db.close()
