"""Make the demo shop: ~2,000 customers and two years of orders, deterministic for a seed and a clock.

Everything later features need shows up: repeat buyers and VIPs, customers quiet for 90 days and
for a year, sign-ups who never bought, guests, abandoned carts (recent and old), birthdays, mixed
consent with some opt-outs, tags. Dates are relative to the clock, so the segments are always live.

The shop's data goes in like any source's, through `engine.shopdata` (members, guests, consents and
opt-outs, orders with their lines, carts): the shop events and `customer_stats` are the writer's. Only what
is not shop data is written here: settings, the catalogue, tags.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine import config
from engine.clock import Clock, SystemClock
from engine.customers.segments import segment_counts, thresholds
from engine.customers.stats import COUNTED_STATUSES
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
from engine.shopdata import CartIn, ConsentIn, CustomerIn, OptOutIn, OrderIn, OrderItemIn, ShopWriter
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
        builder.write()
        renumber_chronologically(session)  # like a shop's own history: events in the order they happened
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
    """Makes the shop's records in the order a shop would have them (a customer, her consents, her orders;
    the carts last), then hands them to a `ShopWriter`: the grade a customer carries is the shop's, from
    everything she spent (so her record waits for her last order)."""

    def __init__(self, session: Session, rng: random.Random, now: datetime, seed: int) -> None:
        self.session = session
        self.rng = rng
        self.now = now
        self.summary = DemoSummary(seed=seed)
        self.records: list[tuple[str, Any]] = []  # (ShopWriter method, value); a customer: her CustomerIn fields
        self.tags: list[tuple[str, str, datetime]] = []  # (member id, tag, added)
        self.spent: Counter[int] = Counter()  # number → counted spend
        self.products: dict[str, list[tuple[int, str, int]]] = {}
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.next_customer = 1
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
        self.carts()

    def customer(self, persona: str, favourite: str) -> None:
        rng = self.rng
        number = self.next_customer
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
        member = None if guest else f"M{number:06d}"
        # a guest has no member id and never signed up: the writer finds her again by phone
        self.records.append(("customer", {
            "number": number, "source": SOURCE, "external_id": member, "name": name, "email": email, "phone": phone,
            "birthday": birthday, "gender": "F" if female else "M", "signed_up_at": None if guest else signed_up}))
        self.summary.customers += 1
        if member is not None:
            self.members.append({"number": number, "member": member, "name": name, "phone": phone, "email": email,
                                 "signed_up_at": signed_up})
            self.consents(member, signed_up)
            if rng.random() < 0.15:
                self.tags.append((member, rng.choice(TAGS), signed_up + DAY))
        if buyer and last_days is not None:
            self.orders(number, member, persona, favourite, signed_up, self.now - timedelta(days=last_days),
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

    def consents(self, member: str, signed_up: datetime) -> None:
        """What the member agreed to at sign-up; a few withdrew sms or email later (an opt-out)."""
        rng = self.rng
        granted = {
            "email": rng.random() < 0.62,
            "sms": rng.random() < 0.58,
            "kakao": rng.random() < 0.47,
        }
        granted["night"] = (granted["sms"] or granted["kakao"]) and rng.random() < 0.12
        for channel, yes in granted.items():
            self.records.append(("consent", ConsentIn(SOURCE, member, channel, yes, signed_up, origin="signup")))
            if yes and channel in {"sms", "email"} and rng.random() < 0.07:  # opted out later
                changed = signed_up + timedelta(days=rng.uniform(1, max(1.0, (self.now - signed_up).days)))
                self.records.append(("optout", OptOutIn(at=changed, member=(SOURCE, member), channels=(channel,),
                                                        source="optout")))
                self.consent_counts[f"{channel}_opted_out"] += 1
            elif yes:
                self.consent_counts[channel] += 1

    # --- orders --------------------------------------------------------------------------------

    def orders(self, number: int, member: str | None, persona: str, favourite: str, signed_up: datetime,
               last: datetime, name: str, phone: str, email: str | None) -> None:
        rng = self.rng
        count = {"guest": 1, "one_time": 1, "repeat": rng.randint(2, 6), "loyal": rng.randint(6, 18)}[persona]
        first = signed_up + timedelta(hours=rng.uniform(0.2, 48)) if persona != "guest" else last
        first = min(first, last)
        span = (last - first).total_seconds()
        moments = sorted([first, last] + [first + timedelta(seconds=rng.uniform(0, span)) for _ in range(count - 2)])
        for ordered_at in moments[:count] if count > 1 else [last]:
            self.order(number, member, persona, favourite, ordered_at, name, phone, email)

    def order(self, number: int, member: str | None, persona: str, favourite: str, ordered_at: datetime, name: str,
              phone: str, email: str | None) -> str:
        """One order (a member's by her member id, a guest's by her phone and email); its number."""
        rng = self.rng
        local_day = (ordered_at + timedelta(hours=9)).strftime("%Y%m%d")
        self.order_seq[local_day] += 1
        external = f"{local_day}-{self.order_seq[local_day]:07d}"
        lines = rng.choices((1, 2, 3, 4), (55, 28, 12, 5))[0] + (1 if persona == "loyal" and rng.random() < 0.4 else 0)
        amount = 0
        items = []
        for _ in range(lines):
            category = favourite if rng.random() < 0.8 else rng.choice(list(CATEGORIES))
            product_id, product_name, price = rng.choice(self.products[category])
            quantity = rng.choices((1, 2, 3), (80, 16, 4))[0]
            line = price * quantity
            amount += line
            items.append(OrderItemIn(product_name, quantity=quantity, unit_price=price, amount=line,
                                     category=category, product_id=product_id))
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
        self.records.append(("order", OrderIn(
            source=SOURCE, external_id=external, ordered_at=ordered_at, amount=total, status=status,
            customer_external_id=member, buyer_name=name, buyer_phone=phone, buyer_email=email, discount=discount,
            coupon_code=coupon, paid_at=ordered_at + timedelta(minutes=rng.randint(0, 30)), status_changed_at=changed,
            items=tuple(items))))
        self.summary.orders += 1
        self.summary.order_items += lines
        if status in COUNTED_STATUSES:
            self.summary.revenue += total
            self.spent[number] += total
        return external

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
            ordered_at = order = None
            if kind == "converted" and updated + timedelta(hours=1) < self.now:
                ordered_at = min(self.now, updated + timedelta(hours=rng.uniform(0.2, 2.5)))
                order = self.order(customer["number"], customer["member"], "repeat", category, ordered_at,
                                   customer["name"], customer["phone"], customer["email"])
            self.records.append(("cart", CartIn(
                source=SOURCE, external_id=f"C{index + 1:06d}", customer_external_id=customer["member"],
                amount=amount, updated_at=updated, items=tuple(items), created_at=created, ordered_at=ordered_at,
                order_external_id=order)))
            self.summary.carts += 1

    # --- writing -------------------------------------------------------------------------------------

    def write(self) -> None:
        """Everything through the shop-data writer (events and customer_stats are its), then the tags."""
        with ShopWriter(self.session, self.now) as writer:
            for kind, value in self.records:
                if kind == "customer":
                    number = value.pop("number")
                    value = CustomerIn(**value, grade=_grade(self.spent[number]))
                getattr(writer, kind)(value)
        self.records = []
        self.summary.events = writer.counts.events
        self.summary.consents = dict(sorted(self.consent_counts.items()))
        if self.tags:
            ids = {member: customer_id for member, customer_id in self.session.execute(
                select(Customer.external_id, Customer.id).where(Customer.source == SOURCE,
                                                                Customer.external_id.is_not(None)))}
            self.session.execute(insert(CustomerTag), [
                {"customer_id": ids[member], "tag": tag, "added_at": added} for member, tag, added in self.tags])


def _grade(spent: int) -> str:
    """The member grade a shop would set from the spend so far."""
    return "VIP" if spent >= 700_000 else "골드" if spent >= 300_000 else "실버" if spent >= 100_000 else "일반"
