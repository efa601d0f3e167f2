"""Helpers for runtime tests: a small demo shop, live shop events as a sync would write them, one engine."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import gallery
from engine import journey_store as store
from engine.clock import FixedClock, parse_instant
from engine.customers.stats import refresh_stats
from engine.delivery.adapters.file import FileChannel
from engine.demo import create_demo_shop
from engine.runtime.publish import publish
from engine.runtime.run import Engine
from storage.db import Database
from storage.models import Cart, Consent, Customer, Order, OrderItem, OutboxMessage, ShopEvent

_serial = itertools.count(1)


def at(text: str) -> datetime:
    """Shop time (Seoul) as an aware datetime: at("2026-03-02 10:00")."""
    return parse_instant(text.replace(" ", "T"))


@dataclass
class Shop:
    db: Database
    folder: Path
    clock: FixedClock = field(default_factory=lambda: FixedClock(at("2026-03-02 10:00")))

    def __post_init__(self) -> None:
        channel = FileChannel(self.folder / "sent")
        self.channel = channel
        self.engine = Engine(self.db, {"sms": channel, "kakao": channel, "email": channel, "owner": channel})

    # --- time and passes ---------------------------------------------------------------------------

    def run(self, when: str | None = None, **kwargs: Any) -> dict[str, Any]:
        if when:
            self.clock.set(at(when))
        return self.engine.run_once(self.clock, **kwargs)

    # --- journeys ----------------------------------------------------------------------------------

    def publish_template(self, template_id: str, values: dict[str, str] | None = None) -> str:
        journey = gallery.instantiate(gallery.template(template_id), values=values)
        with self.db.session() as session:
            store.save_draft(session, journey, self.clock, template_id=template_id)
            publish(session, journey.id, self.clock)
        return journey.id

    # --- shop data, as a sync would write it ------------------------------------------------------------

    def signup(self, when: str, *, sms: bool = True, email: bool = True, kakao: bool = False, night: bool = False,
               name: str | None = None) -> int:
        moment = at(when)
        number = next(_serial)
        with self.db.session() as session:
            customer = Customer(source="test", external_id=f"T{number:05d}", name=name or f"김테스트{number}",
                                email=f"t{number}@example.com", phone=f"+82109000{number:04d}",
                                signed_up_at=moment, attributes={})
            session.add(customer)
            session.flush()
            for channel, granted in (("sms", sms), ("email", email), ("kakao", kakao), ("night", night)):
                session.add(Consent(customer_id=customer.id, channel=channel, granted=granted, changed_at=moment,
                                    source="signup"))
            session.add(ShopEvent(kind="signed_up", customer_id=customer.id, occurred_at=moment,
                                  ref=customer.external_id, payload={}))
            refresh_stats(session, [customer.id], now=moment)
            return customer.id

    def order(self, customer_id: int, when: str, amount: int = 30_000, product: str = "수분 진정 토너 200ml",
              category: str = "뷰티", status: str = "paid") -> str:
        moment = at(when)
        external = f"TEST-{next(_serial):06d}"
        with self.db.session() as session:
            order = Order(source="test", external_id=external, customer_id=customer_id, status=status, amount=amount,
                          ordered_at=moment, paid_at=moment, status_changed_at=moment)
            order.items.append(OrderItem(product_name=product, category=category, quantity=1, unit_price=amount,
                                         amount=amount))
            session.add(order)
            session.add(ShopEvent(kind="order_placed", customer_id=customer_id, occurred_at=moment, ref=external,
                                  payload={"amount": amount}))
            for cart in session.scalars(select(Cart).where(Cart.customer_id == customer_id,
                                                           Cart.ordered_at.is_(None))):
                cart.ordered_at = moment
            session.flush()
            refresh_stats(session, [customer_id], now=moment)
        return external

    def cart(self, customer_id: int, when: str, amount: int = 39_000, product: str = "린넨 오버핏 셔츠") -> int:
        moment = at(when)
        with self.db.session() as session:
            cart = Cart(source="test", external_id=f"CART-{next(_serial):06d}", customer_id=customer_id, amount=amount,
                        items=[{"name": product, "quantity": 1, "price": amount, "category": "패션"}],
                        created_at=moment - timedelta(minutes=5), updated_at=moment)
            session.add(cart)
            session.add(ShopEvent(kind="cart_updated", customer_id=customer_id, occurred_at=moment,
                                  ref=cart.external_id, payload={"amount": amount}))
            session.flush()
            return cart.id

    def set_consent(self, customer_id: int, channel: str, granted: bool) -> None:
        with self.db.session() as session:
            row = session.get(Consent, (customer_id, channel))
            row.granted = granted
            row.changed_at = self.clock.now()

    # --- reading results ----------------------------------------------------------------------------

    def messages(self, customer_id: int | None = None, status: str | None = None) -> list[OutboxMessage]:
        with self.db.session() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if customer_id is not None:
                query = query.where(OutboxMessage.customer_id == customer_id)
            if status is not None:
                query = query.where(OutboxMessage.status == status)
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows

    def sent_files(self) -> list[Path]:
        return sorted((self.folder / "sent").rglob("*.txt"))


def demo_shop(db: Database, customers: int = 300) -> None:
    create_demo_shop(db, seed=11, customers=customers, clock=FixedClock(at("2026-03-02 10:00")))
