"""A coupon use recorded through the shop-data writer dates the order's change with the writer's clock
(the one `now` it was given), never the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from engine.shopdata import CouponUseIn, OrderIn, record_coupon_use, record_order
from storage.db import open_database
from storage.models import Coupon, Order

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # not today: the wall clock would show


def test_a_coupon_use_is_dated_by_the_writers_clock(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    with db.write_session() as session:
        record_order(session, OrderIn("cafe24", "O-1", NOW, 30_000, customer_external_id="kim"), NOW)
        customer_id = session.scalar(select(Order.customer_id))
        session.add(Coupon(code="THANKS-1", customer_id=customer_id, amount=10, issued_at=NOW))
        session.flush()
        later = NOW.replace(hour=5)
        counts = record_coupon_use(session, CouponUseIn("THANKS-1", "cafe24", "O-1", later), later)
    assert counts.coupons_used == 1
    with db.session() as session:
        order = session.scalars(select(Order)).one()
        assert order.coupon_code == "THANKS-1" and order.updated_at == later
    db.close()
