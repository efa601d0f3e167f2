"""Make the demo shop: ~2,000 customers and two years of orders, deterministic for a seed and a clock.

Everything later features need shows up: repeat buyers and VIPs, customers quiet for 90 days and
for a year, sign-ups who never bought, guests, abandoned carts (recent and old), birthdays, mixed
consent with some opt-outs, tags. Dates are relative to the clock, so the segments are always live.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from engine import config
from engine.clock import Clock, SystemClock
from engine.customers.segments import segment_counts, thresholds
from engine.customers.stats import COUNTED_STATUSES, refresh_stats
from engine.demo.catalogue import (
    CATEGORIES,
    EMAIL_DOMAINS,
    GIVEN_FEMALE,
    GIVEN_MALE,
    ROMAN,
    SHOP_SETTINGS,
    SURNAMES,
    TAGS,
)
from engine.runtime.events import renumber_chronologically
from storage.db import Database
from storage.models import (
    Cart,
    Category,
    Consent,
    ConsentEvent,
    Coupon,
    Cursor,
    Customer,
    CustomerStats,
    CustomerTag,
    Enrollment,
    Order,
    OrderItem,
    OutboxMessage,
    Product,
    ShopEvent,
    StepLog,
)

SOURCE = "demo"
DAY = timedelta(days=1)
# persona → share of customers
PERSONAS = (("never_bought", 0.16), ("guest", 0.03), ("one_time", 0.33), ("repeat", 0.38), ("loyal", 0.10))
# recency class of a buyer's last order → (share, min days ago, max days ago)
RECENCY = (("active", 0.45, 0, 89), ("at_risk", 0.33, 90, 364), ("lapsed", 0.22, 365, 700))
CHUNK = 5000


class DemoError(Exception):
    """The demo shop cannot be made here; `str()` is the code ("not_empty")."""


@dataclass
class DemoSummary:
    seed: int
    customers: int = 0
    orders: int = 0
    order_items: int = 0
    products: int = 0
    carts: int = 0
    events: int = 0
    revenue: int = 0
    segments: dict[str, int] = field(default_factory=dict)
    consents: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed, "customers": self.customers, "orders": self.orders, "order_items": self.order_items,
            "products": self.products, "carts": self.carts, "events": self.events, "revenue_won": self.revenue,
            "segments": dict(self.segments), "consents": dict(self.consents),
        }


def create_demo_shop(db: Database, seed: int = 7, customers: int = 2000, clock: Clock | None = None,
                     replace: bool = False) -> DemoSummary:
    """Fill `db` with the demo shop in one transaction (all or nothing)."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    now = (clock or SystemClock()).now().astimezone(UTC).replace(microsecond=0)
    with db.write_session() as session:
        if session.scalar(select(Customer.id).limit(1)) is not None:
            if not replace:
                raise DemoError("not_empty")
            _clear(session)
        builder = _Builder(session, random.Random(seed), now, seed)
        builder.settings()
        builder.catalogue()
        builder.customers(customers)
        builder.flush()
        renumber_chronologically(session)  # like a shop's own history: events in the order they happened
        refresh_stats(session, now=now)
        builder.grades()
        summary = builder.summary
        summary.segments = segment_counts(session, now, thresholds(session))
        return summary


def _clear(session: Session) -> None:
    for model in (OutboxMessage, StepLog, Enrollment, Coupon, Cart, ShopEvent, OrderItem, Order, ConsentEvent,
                  Consent, CustomerTag, CustomerStats, Customer, Product, Category, Cursor):
        session.execute(delete(model))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...] | tuple[tuple[str, int], ...]) -> str:
    names = [name for name, _ in pairs]
    weights = [weight for _, weight in pairs]
    return rng.choices(names, weights)[0]


class _Builder:
    def __init__(self, session: Session, rng: random.Random, now: datetime, seed: int) -> None:
        self.session = session
        self.rng = rng
        self.now = now
        self.summary = DemoSummary(seed=seed)
        self.rows: dict[type, list[dict[str, Any]]] = {model: [] for model in (
            Customer, Consent, ConsentEvent, CustomerTag, Order, OrderItem, Cart, ShopEvent)}
        self.products: dict[str, list[tuple[int, str, int]]] = {}
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.next_customer = int(session.scalar(select(func.max(Customer.id))) or 0) + 1
        self.next_order = int(session.scalar(select(func.max(Order.id))) or 0) + 1
        self.order_seq: Counter[str] = Counter()
        self.consent_counts: Counter[str] = Counter()
        self.members: list[dict[str, Any]] = []  # non-guest customers, for the cart pass

    # --- the shop -------------------------------------------------------------------------------

    def settings(self) -> None:
        for key, value in SHOP_SETTINGS.items():
            if not config.get(self.session, key):
                config.set_value(self.session, key, value)

    def catalogue(self) -> None:
        for category_name, (_, items) in CATEGORIES.items():
            category = self.session.scalar(select(Category).where(Category.name == category_name))
            if category is None:
                category = Category(name=category_name)
                self.session.add(category)
                self.session.flush()
            listed = []
            for index, (name, price) in enumerate(items, start=1):
                product = Product(source=SOURCE, external_id=f"P{category.id:02d}{index:03d}", name=name,
                                  category_id=category.id, price=price, created_at=self.now - 800 * DAY)
                self.session.add(product)
                self.session.flush()
                listed.append((product.id, name, price))
            self.products[category_name] = listed
            self.summary.products += len(listed)

    # --- customers -----------------------------------------------------------------------------

    def customers(self, count: int) -> None:
        shares = tuple((name, share) for name, (share, _) in CATEGORIES.items())
        for _ in range(count):
            persona = _weighted(self.rng, PERSONAS)
            favourite = _weighted(self.rng, shares)
            self.customer(persona, favourite)
            if len(self.rows[OrderItem]) >= CHUNK:
                self.flush()
        self.carts()

    def customer(self, persona: str, favourite: str) -> None:
        rng = self.rng
        customer_id = self.next_customer
        self.next_customer += 1
        female = rng.random() < 0.68
        surname = _weighted(rng, SURNAMES)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        name = surname + given
        buyer = persona not in {"never_bought"}
        last_days: float | None = None
        if buyer:
            if persona == "loyal":
                recency = _weighted(rng, (("active", 0.8), ("at_risk", 0.15), ("lapsed", 0.05)))
            else:
                recency = _weighted(rng, tuple((name_, share) for name_, share, _, _ in RECENCY))
            low, high = next((lo, hi) for name_, _, lo, hi in RECENCY if name_ == recency)
            last_days = rng.uniform(low, high + 0.99)
            signed_days = rng.uniform(last_days, 730)
        else:
            signed_days = rng.uniform(0, 730)
        signed_up = self.now - timedelta(days=signed_days)
        guest = persona == "guest"
        phone = self.phone()
        email = None if guest and rng.random() < 0.5 else self.email()
        birthday = None
        if not guest and rng.random() < 0.75:
            age = rng.randint(20, 55)
            birthday = date(self.now.year - age, rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.01:
                birthday = date(1996, 2, 29)
        self.rows[Customer].append({
            "id": customer_id, "source": SOURCE, "external_id": None if guest else f"M{customer_id:06d}",
            "name": name, "email": email, "phone": phone, "birthday": birthday, "gender": "F" if female else "M",
            "is_guest": guest, "grade": None, "attributes": {}, "signed_up_at": None if guest else signed_up,
            "created_at": signed_up, "updated_at": signed_up,
        })
        self.summary.customers += 1
        if not guest:
            self.members.append({"id": customer_id, "name": name, "phone": phone, "email": email,
                                 "signed_up_at": signed_up})
            self.event("signed_up", customer_id, signed_up, f"M{customer_id:06d}")
            self.consents(customer_id, signed_up)
            if rng.random() < 0.15:
                self.rows[CustomerTag].append({"customer_id": customer_id, "tag": rng.choice(TAGS),
                                               "added_at": signed_up + DAY})
        if buyer and last_days is not None:
            self.orders(customer_id, persona, favourite, signed_up, self.now - timedelta(days=last_days),
                        name, phone, email)

    def phone(self) -> str:
        while True:
            number = f"+8210{self.rng.randint(2000_0000, 9999_9999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self) -> str:
        while True:
            handle = "".join(self.rng.choice(ROMAN) for _ in range(self.rng.randint(2, 3)))
            if self.rng.random() < 0.7:
                handle += str(self.rng.randint(1, 9999))
            address = f"{handle}@{_weighted(self.rng, EMAIL_DOMAINS)}"
            if address not in self.emails:
                self.emails.add(address)
                return address

    def consents(self, customer_id: int, signed_up: datetime) -> None:
        rng = self.rng
        granted = {
            "email": rng.random() < 0.62,
            "sms": rng.random() < 0.58,
            "kakao": rng.random() < 0.47,
        }
        granted["night"] = (granted["sms"] or granted["kakao"]) and rng.random() < 0.12
        for channel, yes in granted.items():
            changed = signed_up
            self.rows[ConsentEvent].append({"customer_id": customer_id, "channel": channel, "granted": yes,
                                            "at": signed_up, "source": "signup"})
            if yes and channel in {"sms", "email"} and rng.random() < 0.07:  # opted out later
                changed = signed_up + timedelta(days=rng.uniform(1, max(1.0, (self.now - signed_up).days)))
                yes = False
                self.rows[ConsentEvent].append({"customer_id": customer_id, "channel": channel, "granted": False,
                                                "at": changed, "source": "optout"})
            self.rows[Consent].append({
                "customer_id": customer_id, "channel": channel, "granted": yes, "changed_at": changed,
                "source": "signup" if changed == signed_up else "optout",
                "confirmed_at": signed_up if yes else None,
            })
            if yes:
                self.consent_counts[channel] += 1
            elif changed != signed_up:
                self.consent_counts[f"{channel}_opted_out"] += 1

    # --- orders --------------------------------------------------------------------------------

    def orders(self, customer_id: int, persona: str, favourite: str, signed_up: datetime, last: datetime,
               name: str, phone: str, email: str | None) -> None:
        rng = self.rng
        count = {"guest": 1, "one_time": 1, "repeat": rng.randint(2, 6), "loyal": rng.randint(6, 18)}[persona]
        first = signed_up + timedelta(hours=rng.uniform(0.2, 48)) if persona != "guest" else last
        first = min(first, last)
        span = (last - first).total_seconds()
        moments = sorted([first, last] + [first + timedelta(seconds=rng.uniform(0, span)) for _ in range(count - 2)])
        for ordered_at in moments[:count] if count > 1 else [last]:
            self.order(customer_id, persona, favourite, ordered_at, name, phone, email)

    def order(self, customer_id: int | None, persona: str, favourite: str, ordered_at: datetime, name: str,
              phone: str, email: str | None) -> int:
        rng = self.rng
        order_id = self.next_order
        self.next_order += 1
        local_day = (ordered_at + timedelta(hours=9)).strftime("%Y%m%d")
        self.order_seq[local_day] += 1
        external = f"{local_day}-{self.order_seq[local_day]:07d}"
        lines = rng.choices((1, 2, 3, 4), (55, 28, 12, 5))[0] + (1 if persona == "loyal" and rng.random() < 0.4 else 0)
        amount = 0
        for _ in range(lines):
            category = favourite if rng.random() < 0.8 else rng.choice(list(CATEGORIES))
            product_id, product_name, price = rng.choice(self.products[category])
            quantity = rng.choices((1, 2, 3), (80, 16, 4))[0]
            line = price * quantity
            amount += line
            self.rows[OrderItem].append({
                "order_id": order_id, "external_id": None, "product_id": product_id, "product_name": product_name,
                "option": None, "category": category, "quantity": quantity, "unit_price": price, "amount": line,
            })
        discount = 0
        coupon = None
        if rng.random() < 0.12:
            discount = min(amount // 10, 10_000)
            coupon = rng.choice(("WELCOME", "SPRING", "THANKS")) + f"-{rng.randint(1000, 9999)}"
        total = amount - discount
        age = (self.now - ordered_at).total_seconds() / 86400
        roll = rng.random()
        if roll < 0.04:
            status = "cancelled"
        elif roll < 0.05:
            status = "refunded"
        elif age < 1.5:
            status = "paid"
        elif age < 4:
            status = "shipped"
        elif age < 10:
            status = "delivered"
        else:
            status = "confirmed"
        changed = min(self.now, ordered_at + timedelta(days=min(age, {"paid": 0, "shipped": 2, "delivered": 4,
                                                                     "confirmed": 10}.get(status, 1))))
        self.rows[Order].append({
            "id": order_id, "source": SOURCE, "external_id": external, "customer_id": customer_id,
            "buyer_name": name, "buyer_phone": phone, "buyer_email": email, "status": status, "amount": total,
            "discount": discount, "coupon_code": coupon, "ordered_at": ordered_at,
            "paid_at": ordered_at + timedelta(minutes=rng.randint(0, 30)), "status_changed_at": changed,
            "created_at": ordered_at, "updated_at": changed,
        })
        self.summary.orders += 1
        self.summary.order_items += lines
        if status in COUNTED_STATUSES:
            self.summary.revenue += total
        if customer_id is not None:
            self.event("order_placed", customer_id, ordered_at, external, {"amount": total})
            if status != "paid":
                self.event("order_status_changed", customer_id, changed, external, {"status": status})
        return order_id

    # --- carts ---------------------------------------------------------------------------------------

    def carts(self) -> None:
        """Abandoned carts: recent ones (for the 3-hour journey), converted ones, and old forgotten ones."""
        rng = self.rng
        pool = self.members
        if not pool:
            return
        total = max(3, self.summary.customers // 25)
        for index in range(total):
            customer = rng.choice(pool)
            kind = rng.choices(("recent", "converted", "old"), (45, 20, 35))[0]
            hours = {"recent": rng.uniform(0.5, 48), "converted": rng.uniform(2, 72),
                     "old": rng.uniform(24 * 7, 24 * 120)}[kind]
            updated = self.now - timedelta(hours=hours)
            if updated < customer["signed_up_at"]:
                updated = customer["signed_up_at"] + timedelta(hours=1)
                if updated > self.now:
                    continue
            category = rng.choice(list(CATEGORIES))
            items = []
            amount = 0
            for _ in range(rng.randint(1, 3)):
                product_id, product_name, price = rng.choice(self.products[category])
                items.append({"product_id": product_id, "name": product_name, "quantity": 1, "price": price,
                              "category": category})
                amount += price
            created = updated - timedelta(minutes=rng.randint(1, 90))
            ordered_at = order_id = None
            if kind == "converted" and updated + timedelta(hours=1) < self.now:
                ordered_at = min(self.now, updated + timedelta(hours=rng.uniform(0.2, 2.5)))
                order_id = self.order(customer["id"], "repeat", category, ordered_at, customer["name"],
                                      customer["phone"], customer["email"])
            self.rows[Cart].append({
                "source": SOURCE, "external_id": f"C{index + 1:06d}", "customer_id": customer["id"],
                "amount": amount, "items": items, "created_at": created, "updated_at": updated,
                "ordered_at": ordered_at, "order_id": order_id,
            })
            self.event("cart_updated", customer["id"], updated, f"C{index + 1:06d}", {"amount": amount})
            self.summary.carts += 1

    # --- writing -------------------------------------------------------------------------------------

    def event(self, kind: str, customer_id: int, at: datetime, ref: str, payload: dict[str, Any] | None = None) -> None:
        self.rows[ShopEvent].append({"kind": kind, "customer_id": customer_id, "occurred_at": at, "ref": ref,
                                     "payload": payload or {}, "recorded_at": at})
        self.summary.events += 1

    def flush(self) -> None:
        for model in (Customer, Consent, ConsentEvent, CustomerTag, Order, OrderItem, Cart, ShopEvent):
            rows = self.rows[model]
            if rows:
                self.session.execute(model.__table__.insert(), rows)
                self.rows[model] = []
        self.summary.consents = dict(sorted(self.consent_counts.items()))

    def grades(self) -> None:
        """Member grades as a shop would set them, from the spend so far."""
        rows = self.session.execute(select(CustomerStats.customer_id, CustomerStats.total_spent)).all()
        updates = []
        for customer_id, spent in rows:
            grade = "VIP" if spent >= 700_000 else "골드" if spent >= 300_000 else "실버" if spent >= 100_000 else "일반"
            updates.append({"_id": customer_id, "grade": grade})
        if updates:
            self.session.execute(
                update(Customer.__table__).where(Customer.__table__.c.id == bindparam("_id")).values(
                    grade=bindparam("grade")), updates)
