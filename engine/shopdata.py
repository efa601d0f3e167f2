"""The one way shop data enters the store: every source (file import, API connectors, the demo) goes here.

A source hands plain typed values (`CustomerIn`, `OrderIn`, …) to a `ShopWriter`, which collects them
and writes a batch with set-based statements: existing rows are looked up by (source, external id) a
chunk at a time, new rows are inserted many per statement, changed rows updated, and the shop events
the triggers read (`storage.models.ShopEvent`, contract in docs/file-formats.md) are written for what
really changed. Recording the same data twice changes nothing and emits nothing the second time.
`customer_stats` is refreshed only for the customers the writes touched, once per `flush()` (and at the end
of the `with` block), not for every batch a large import fills on the way.

The `record_*` functions are the one-record forms (a writer of one, flushed at once).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.customers.phone import normalize_phone
from engine.customers.refresh import refresh_customers
from engine.runtime.writes import fast_insert, fast_insert_rows, fast_update
from storage.models import (
    CONSENT_CHANNELS,
    ORDER_STATUSES,
    Cart,
    Consent,
    ConsentEvent,
    Coupon,
    Customer,
    Order,
    OrderItem,
    ShopEvent,
)

LOOKUP_CHUNK = 900
BATCH = 5000
# Which channels an opt-out by phone or by email withdraws.
PHONE_CHANNELS = ("sms", "kakao", "night")
EMAIL_CHANNELS = ("email",)
# the columns of the rows a batch inserts, in the order of its tuples
CUSTOMER_COLUMNS = ("id", "source", "external_id", "name", "email", "phone", "birthday", "gender", "grade",
                    "signed_up_at", "is_guest", "attributes", "created_at", "updated_at")
ORDER_COLUMNS = ("id", "source", "external_id", "customer_id", "amount", "discount", "coupon_code", "buyer_name",
                 "buyer_phone", "buyer_email", "ordered_at", "status", "paid_at", "status_changed_at",
                 "created_at", "updated_at")
ITEM_COLUMNS = ("order_id", "external_id", "product_id", "product_name", "option", "category", "quantity",
                "unit_price", "amount")
EVENT_COLUMNS = ("kind", "customer_id", "occurred_at", "ref", "payload", "recorded_at")
_customer_values = itemgetter(*CUSTOMER_COLUMNS)
_order_values = itemgetter(*ORDER_COLUMNS)
_occurred = itemgetter(2)


# --- what a source hands in ------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerIn:
    """A shop member (external_id = the member id) or, with no external id, a guest."""

    source: str
    external_id: str | None
    name: str = ""
    email: str | None = None
    phone: str | None = None  # any common form; stored E.164
    birthday: date | None = None
    gender: str | None = None
    grade: str | None = None
    signed_up_at: datetime | None = None
    attributes: dict[str, Any] | None = None


@dataclass(frozen=True)
class OrderItemIn:
    product_name: str
    quantity: int = 1
    unit_price: int = 0
    amount: int | None = None  # unit_price × quantity when None
    category: str | None = None
    option: str | None = None
    external_id: str | None = None
    product_id: int | None = None

    def row(self) -> tuple[Any, ...]:
        amount = self.amount if self.amount is not None else self.unit_price * self.quantity
        return (self.external_id, self.product_id, self.product_name, self.option, self.category,
                int(self.quantity), int(self.unit_price), int(amount))


class ItemRow(Protocol):
    """An order's line item as the writer stores it: `OrderItemIn`, or a source's own item type (the file
    import hands its parsed items straight in, instead of copying a million of them)."""

    def row(self) -> tuple[Any, ...]:
        """(external_id, product_id, product_name, option, category, quantity, unit_price, amount)"""
        ...


@dataclass(frozen=True)
class OrderIn:
    """One order. `customer_external_id` is the member id in the same source; without it the buyer is a
    guest, matched to a customer by phone, then email."""

    source: str
    external_id: str
    ordered_at: datetime
    amount: int
    status: str = "paid"
    customer_external_id: str | None = None
    buyer_name: str | None = None
    buyer_phone: str | None = None
    buyer_email: str | None = None
    discount: int = 0
    coupon_code: str | None = None
    paid_at: datetime | None = None
    status_changed_at: datetime | None = None
    items: Sequence[ItemRow] = ()  # OrderItemIn


class OrderRecord(Protocol):
    """An order as the writer reads it: `OrderIn`, or a source's own order type with the same fields (the file
    import hands its parsed orders straight in, instead of copying half a million of them)."""

    @property
    def source(self) -> str: ...
    @property
    def external_id(self) -> str: ...
    @property
    def ordered_at(self) -> datetime: ...
    @property
    def amount(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def customer_external_id(self) -> str | None: ...
    @property
    def buyer_name(self) -> str | None: ...
    @property
    def buyer_phone(self) -> str | None: ...
    @property
    def buyer_email(self) -> str | None: ...
    @property
    def discount(self) -> int: ...
    @property
    def coupon_code(self) -> str | None: ...
    @property
    def paid_at(self) -> datetime | None: ...
    @property
    def status_changed_at(self) -> datetime | None: ...
    @property
    def items(self) -> Sequence[ItemRow]: ...


@dataclass(frozen=True)
class StatusChangeIn:
    source: str
    order_external_id: str
    status: str
    at: datetime


@dataclass(frozen=True)
class CartIn:
    source: str
    external_id: str
    customer_external_id: str
    amount: int
    updated_at: datetime
    items: tuple[dict[str, Any], ...] = ()  # {"name", "quantity", "price", "category", "product_id"?}
    created_at: datetime | None = None
    ordered_at: datetime | None = None
    order_external_id: str | None = None  # the order it became (same source)


@dataclass(frozen=True)
class ConsentIn:
    """A consent (or refusal) for one channel of one member, as the source says it stood at `at`. `origin` is
    where the consent was given, stored with it (e.g. "signup"; the member's source when None)."""

    source: str
    customer_external_id: str
    channel: str
    granted: bool
    at: datetime
    origin: str | None = None


@dataclass(frozen=True)
class OptOutIn:
    """An opt-out by phone number (sms, kakao, night) or email (email), or of one member (`member`:
    source and member id); `channels` narrows it. It applies to every customer with that phone or email.
    `source` is where the opt-out came from (stored with the consent)."""

    at: datetime
    phone: str | None = None
    email: str | None = None
    source: str = "optout"
    member: tuple[str, str] | None = None
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class CouponUseIn:
    code: str
    order_source: str
    order_external_id: str
    at: datetime


@dataclass
class WriteCounts:
    customers_created: int = 0
    customers_updated: int = 0
    orders_created: int = 0
    orders_updated: int = 0
    status_changes: int = 0
    carts_created: int = 0
    carts_updated: int = 0
    consents_changed: int = 0
    consents_ignored: int = 0  # older than what is stored (e.g. a consent before a later opt-out)
    coupons_used: int = 0
    unknown: int = 0  # a status change or coupon use for an order we do not have
    events: int = 0
    unchanged: int = 0

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


class ShopDataError(ValueError):
    """A value a source handed in cannot be stored (`str()` is a short code)."""


E164 = re.compile(r"\+[1-9][0-9]{7,14}")
KOREAN_MOBILE = re.compile(r"\+8210[0-9]{8}")


@lru_cache(maxsize=65536)
def _phone(text: str | None) -> str | None:
    """E.164; a number already written in E.164 is kept even when `phonenumbers` does not know its range
    (new Korean mobile ranges reach shops before the library's metadata)."""
    if text and KOREAN_MOBILE.fullmatch(text):
        return text  # already the stored form: no need to parse it
    normal = normalize_phone(text)
    if normal is None and text and E164.fullmatch(text.strip()):
        return text.strip()
    return normal


def _email(text: str | None) -> str | None:
    value = (text or "").strip().lower()
    return value or None


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


# --- the writer ----------------------------------------------------------------------------------

@dataclass
class ShopWriter:
    """Collects records and writes them in batches; call `flush()` (or leave the `with` block) at the end.

    Takes `now` (from the caller's clock) for row bookkeeping and as the time of a change a source did
    not date. Within a batch, records apply in the order they were given.

    A writer lives inside one transaction, and everything it writes goes through it: it remembers the
    member ids it has seen or made (a member's (source, external id) names one customer for good), so a
    member who comes back in a later batch is not looked up again."""

    session: Session
    now: datetime
    batch: int = BATCH
    refresh: bool = True
    counts: WriteCounts = field(default_factory=WriteCounts)

    def __post_init__(self) -> None:
        self._pending: list[tuple[str, Any]] = []
        self._touched: set[int] = set()  # customers whose stats are not yet refreshed
        self._members: dict[tuple[str, str], int] = {}  # (source, member id) → customer id, across batches

    def __enter__(self) -> ShopWriter:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.flush()

    # -- collecting

    def customer(self, value: CustomerIn) -> None:
        self._add("customer", value)

    def order(self, value: OrderRecord) -> None:
        if value.status not in ORDER_STATUSES:
            raise ShopDataError("unknown_status")
        self._add("order", value)

    def status_change(self, value: StatusChangeIn) -> None:
        if value.status not in ORDER_STATUSES:
            raise ShopDataError("unknown_status")
        self._add("status", value)

    def cart(self, value: CartIn) -> None:
        self._add("cart", value)

    def consent(self, value: ConsentIn) -> None:
        if value.channel not in CONSENT_CHANNELS:
            raise ShopDataError("unknown_channel")
        self._add("consent", value)

    def optout(self, value: OptOutIn) -> None:
        self._add("optout", value)

    def coupon_use(self, value: CouponUseIn) -> None:
        self._add("coupon", value)

    def _add(self, kind: str, value: Any) -> None:
        self._pending.append((kind, value))
        if len(self._pending) >= self.batch:
            self._write_pending()  # a full batch: written now, its customers' stats refreshed at the flush

    # -- writing

    def flush(self) -> WriteCounts:
        """Write what is pending and bring every customer touched since the last flush current (their stats
        and tiers, `customers.refresh.refresh_customers`); with `refresh=False` that is left to the caller,
        who finds them in `touched`."""
        self._write_pending()
        if self.refresh and self._touched:
            refresh_customers(self.session, self._touched, self.now)
            self._touched = set()
        return self.counts

    @property
    def touched(self) -> frozenset[int]:
        """The customers written since the last refresh (with `refresh=False`: all the writer touched)."""
        return frozenset(self._touched)

    def _write_pending(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            batch = _Batch(self.session, self.now, self.counts, self._members)
            batch.write(pending)
            self._touched |= batch.touched
            self._members.update(batch.members)


class _Batch:
    """One flush: look everything up a chunk at a time, then insert and update many rows a statement."""

    def __init__(self, session: Session, now: datetime, counts: WriteCounts,
                 known_members: dict[tuple[str, str], int] | None = None) -> None:
        self.session = session
        self.now = now
        self.counts = counts
        self.known_members = known_members or {}  # the writer's members from earlier batches
        self.touched: set[int] = set()
        self.events: list[tuple[Any, ...]] = []  # EVENT_COLUMNS
        # customers: (source, external id) → id; phone / email → id; id → stored values
        self.members: dict[tuple[str, str], int] = {}
        self.by_phone: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.customer_rows: dict[int, dict[str, Any]] = {}
        self.new_customers: dict[int, dict[str, Any]] = {}
        self.customer_updates: dict[int, dict[str, Any]] = {}
        # guests by phone and by email (ids, checked when read): built when a new member may take one over
        self.guests: tuple[dict[str, set[int]], dict[str, set[int]]] | None = None
        self.next_customer = 0
        # orders: (source, external id) → row
        self.orders: dict[tuple[str, str], dict[str, Any]] = {}
        self.new_orders: dict[int, dict[str, Any]] = {}
        self.new_items: dict[int, list[tuple[Any, ...]]] = {}
        self.order_updates: dict[int, dict[str, Any]] = {}
        self.replaced_items: set[int] = set()
        self.next_order = 0
        self.carts_pending: list[tuple[CartIn, int]] = []
        self.consents_pending: list[tuple[int, str, bool, datetime, str]] = []
        self.coupons_pending: list[tuple[CouponUseIn, dict[str, Any]]] = []
        self.coupon_orders: dict[int, dict[str, Any]] = {}  # orders carrying a coupon code: marked used after storing

    def write(self, pending: list[tuple[str, Any]]) -> None:
        self._load(pending)
        handlers = {kind: getattr(self, f"_{kind}") for kind in
                    ("customer", "order", "status", "cart", "consent", "optout", "coupon")}
        for kind, value in pending:
            handlers[kind](value)
        self._store()

    # --- looking up ------------------------------------------------------------------------------

    def _load(self, pending: list[tuple[str, Any]]) -> None:
        session = self.session
        member_keys: dict[str, set[str]] = defaultdict(set)  # looked up with their whole row
        order_keys: dict[str, set[str]] = defaultdict(set)
        phones: set[str] = set()
        emails: set[str] = set()
        # the phones and emails of members this batch may make: a guest with one of them may be taken over
        claims: list[tuple[str, str, str | None, str | None]] = []
        known, members = self.known_members, self.members

        def member(source: str, external_id: str) -> bool:
            """A member a record names: only its id is needed, so one known from an earlier batch is not
            looked up (what a look-up would add to the phone and email maps, the look-ups by phone and
            email of this batch add as well). True: looked up."""
            customer_id = known.get((source, external_id))
            if customer_id is None:
                member_keys[source].add(external_id)
                return True
            members[(source, external_id)] = customer_id
            return False

        for kind, value in pending:
            if kind == "customer" and value.external_id:
                member_keys[value.source].add(value.external_id)  # a member record compares the whole row
                if (value.source, value.external_id) not in known:
                    claims.append((value.source, value.external_id, value.phone, value.email))
            elif kind in {"customer", "optout"}:
                if (phone := _phone(value.phone)):
                    phones.add(phone)
                if (email := _email(value.email)):
                    emails.add(email)
            if kind == "optout" and value.member:
                member(value.member[0], value.member[1])
            elif kind == "order":
                order_keys[value.source].add(value.external_id)
                if value.customer_external_id:
                    if member(value.source, value.customer_external_id):
                        claims.append((value.source, value.customer_external_id, value.buyer_phone,
                                       value.buyer_email))
                else:
                    if (phone := _phone(value.buyer_phone)):
                        phones.add(phone)
                    if (email := _email(value.buyer_email)):
                        emails.add(email)
            elif kind in {"cart", "consent"}:
                member(value.source, value.customer_external_id)
                if kind == "cart" and value.order_external_id:
                    order_keys[value.source].add(value.order_external_id)
            elif kind == "status":
                order_keys[value.source].add(value.order_external_id)
            elif kind == "coupon":
                order_keys[value.order_source].add(value.order_external_id)
        columns = (Customer.id, Customer.source, Customer.external_id, Customer.name, Customer.email,
                   Customer.phone, Customer.birthday, Customer.gender, Customer.grade, Customer.signed_up_at,
                   Customer.is_guest, Customer.attributes)
        session.flush()  # what the caller added through the ORM is seen (Core statements do not autoflush)
        connection = session.connection()  # Core rows: no ORM result processing for thousands of rows
        found: dict[int, dict[str, Any]] = {}

        def customers(where: Any) -> None:
            result = connection.execute(select(*columns).where(where))
            names = list(result.keys())
            for values in result:
                found[values[0]] = dict(zip(names, values, strict=True))

        for source, keys in member_keys.items():
            for chunk in _chunks(sorted(keys)):
                customers((Customer.source == source) & Customer.external_id.in_(chunk))
        for chunk in _chunks(sorted(phones)):
            customers(Customer.phone.in_(chunk))
        for chunk in _chunks(sorted(emails)):
            customers(Customer.email.in_(chunk))
        if claims:
            # members the store does not know yet: the guests with their phones and emails (the ones a
            # member may take over); a phone or email looked up above already brought its guests
            stored = {(row["source"], row["external_id"]) for row in found.values() if row["external_id"]}
            guest_phones: set[str] = set()
            guest_emails: set[str] = set()
            for source, external_id, phone_text, email_text in claims:
                if (source, external_id) not in stored:
                    if (phone := _phone(phone_text)) and phone not in phones:
                        guest_phones.add(phone)
                    if (email := _email(email_text)) and email not in emails:
                        guest_emails.add(email)
            guest = Customer.is_guest.is_(True) & Customer.external_id.is_(None)
            for chunk in _chunks(sorted(guest_phones)):
                customers(guest & Customer.phone.in_(chunk))
            for chunk in _chunks(sorted(guest_emails)):
                customers(guest & Customer.email.in_(chunk))
        # members before guests, then the oldest: the customer a phone or an email stands for
        for row in sorted(found.values(), key=lambda r: (bool(r["is_guest"]), r["id"])):
            self._know_customer(row)
        self.next_customer = int(session.scalar(select(func.max(Customer.id))) or 0) + 1
        for source, keys in order_keys.items():
            for chunk in _chunks(sorted(keys)):
                result = connection.execute(
                    select(Order.id, Order.source, Order.external_id, Order.customer_id, Order.status,
                           Order.amount, Order.discount, Order.coupon_code, Order.ordered_at,
                           Order.status_changed_at, Order.buyer_name, Order.buyer_phone, Order.buyer_email)
                    .where(Order.source == source, Order.external_id.in_(chunk)))
                names = list(result.keys())
                for values in result:
                    self.orders[(values[1], values[2])] = dict(zip(names, values, strict=True))
        if self.orders:
            items: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            ids = sorted(row["id"] for row in self.orders.values())
            for chunk in _chunks(ids):
                for item in connection.execute(
                    select(OrderItem.order_id, OrderItem.external_id, OrderItem.product_id, OrderItem.product_name,
                           OrderItem.option, OrderItem.category, OrderItem.quantity, OrderItem.unit_price,
                           OrderItem.amount).where(OrderItem.order_id.in_(chunk)).order_by(OrderItem.id)
                ):
                    items[item[0]].append(tuple(item[1:]))
            for row in self.orders.values():
                row["items"] = items.get(row["id"], [])
        self.next_order = int(session.scalar(select(func.max(Order.id))) or 0) + 1

    def _know_customer(self, row: dict[str, Any]) -> None:
        customer_id = row["id"]
        self.customer_rows[customer_id] = row
        if row.get("external_id"):
            self.members.setdefault((row["source"], row["external_id"]), customer_id)
        phone, email = row.get("phone"), row.get("email")
        if phone:
            self._stand_for(self.by_phone, phone, row)
        if email:
            self._stand_for(self.by_email, email.lower(), row)
        if self.guests is not None and row.get("is_guest") and not row.get("external_id"):
            self._index_guest(row)

    def _stand_for(self, index: dict[str, int], key: str, row: dict[str, Any]) -> None:
        """The customer a phone or an email stands for: members before guests, then the oldest (as `_load`
        orders what it finds, so a later batch finds the same one)."""
        current = index.get(key)
        if current is None:
            index[key] = row["id"]
        elif current != row["id"] and not row.get("is_guest"):
            other = self.customer_rows.get(current)
            if other is not None and (bool(other.get("is_guest")), current) > (False, row["id"]):
                index[key] = row["id"]

    def _match(self, phone: str | None, email: str | None) -> int | None:
        if phone and phone in self.by_phone:
            return self.by_phone[phone]
        if email and email in self.by_email:
            return self.by_email[email]
        return None

    def _index_guest(self, row: dict[str, Any]) -> None:
        assert self.guests is not None
        by_phone, by_email = self.guests
        if row.get("phone"):
            by_phone[row["phone"]].add(row["id"])
        if row.get("email"):
            by_email[row["email"].lower()].add(row["id"])

    def _guest_to_take(self, phone: str | None, email: str | None) -> int | None:
        """The guest a member the store does not know yet takes over: the one guest with the member's phone,
        else (no guest has that phone) the one guest with the member's email; none when two or more match."""
        if not phone and not email:
            return None
        if self.guests is None:  # built at the first new member of a batch, kept current after it
            self.guests = (defaultdict(set), defaultdict(set))
            for row in self.customer_rows.values():
                if row.get("is_guest") and not row.get("external_id"):
                    self._index_guest(row)
        rows = self.customer_rows
        for key, index, name in ((phone, self.guests[0], "phone"), (email, self.guests[1], "email")):
            if not key:
                continue
            ids = [cid for cid in index.get(key, ()) if rows[cid].get("is_guest") and not rows[cid].get("external_id")
                   and (rows[cid].get(name) or "").lower() == key.lower()]
            if ids:
                return ids[0] if len(ids) == 1 else None  # two guests: which one is the member is a guess
        return None

    # --- customers -------------------------------------------------------------------------------

    def _customer(self, value: CustomerIn) -> int:
        phone, email = _phone(value.phone), _email(value.email)
        wanted: dict[str, Any] = {"name": value.name or "", "email": email, "phone": phone,
                                  "birthday": value.birthday,
                  "gender": value.gender, "grade": value.grade, "signed_up_at": value.signed_up_at}
        if value.external_id:
            customer_id = self.members.get((value.source, value.external_id))
            if customer_id is None:
                customer_id = self._guest_to_take(phone, email)  # a member first seen as a guest
        else:
            customer_id = self._match(phone, email)
        if customer_id is None:
            return self._new_customer(value.source, value.external_id, wanted, value.attributes or {})
        return self._update_customer(customer_id, value.source, value.external_id, wanted, value.attributes)

    def _update_customer(self, customer_id: int, source: str, external_id: str | None, wanted: dict[str, Any],
                         attributes: dict[str, Any] | None) -> int:
        row = self.customer_rows[customer_id]
        # what the source knows replaces what we had; what it leaves empty keeps what we had
        changes: dict[str, Any] = {key: new for key, new in wanted.items()
                                   if new not in (None, "") and row.get(key) != new}
        if attributes:
            merged = {**(row.get("attributes") or {}), **attributes}
            if merged != (row.get("attributes") or {}):
                changes["attributes"] = merged
        if external_id and row.get("is_guest"):
            # the member takes the guest over: same customer, so the guest's orders, consents and events are theirs
            changes.update({"is_guest": False, "source": source, "external_id": external_id})
            self.touched.add(customer_id)
        if not changes:
            self.counts.unchanged += 1
            return customer_id
        if changes.get("signed_up_at") and row.get("signed_up_at") is None and external_id:
            self._event("signed_up", customer_id, changes["signed_up_at"], external_id, {})
        row.update(changes)
        self._know_customer(row)
        if customer_id in self.new_customers:
            self.new_customers[customer_id].update(changes)
        else:
            self.customer_updates.setdefault(customer_id, {}).update(changes)
            self.counts.customers_updated += 1
        return customer_id

    def _new_customer(self, source: str, external_id: str | None, wanted: dict[str, Any],
                      attributes: dict[str, Any]) -> int:
        customer_id = self.next_customer
        self.next_customer += 1
        created = wanted.get("signed_up_at") or self.now
        row = {"id": customer_id, "source": source, "external_id": external_id, **wanted,
               "is_guest": external_id is None, "attributes": dict(attributes),
               "created_at": created, "updated_at": self.now}
        if external_id is None:
            row["signed_up_at"] = None
        self.new_customers[customer_id] = row
        self._know_customer(row)
        self.touched.add(customer_id)  # every customer has a stats row, as after a full refresh
        self.counts.customers_created += 1
        if external_id and row["signed_up_at"] is not None:
            self._event("signed_up", customer_id, row["signed_up_at"], external_id, {})
        return customer_id

    def _member(self, source: str, external_id: str, name: str | None = None, phone: str | None = None,
                email: str | None = None) -> int:
        """The member with this id; a member we have not seen yet is made from what the record says."""
        customer_id = self.members.get((source, external_id))
        if customer_id is not None:
            return customer_id
        phone_value, email_value = _phone(phone), _email(email)
        wanted = {"name": name or "", "email": email_value, "phone": phone_value, "birthday": None,
                  "gender": None, "grade": None, "signed_up_at": None}
        guest = self._guest_to_take(phone_value, email_value)  # a member first seen as a guest
        if guest is not None:
            return self._update_customer(guest, source, external_id, wanted, None)
        return self._new_customer(source, external_id, wanted, {})

    # --- orders ----------------------------------------------------------------------------------

    def _order(self, value: OrderRecord) -> None:
        phone, email = _phone(value.buyer_phone), _email(value.buyer_email)
        if value.customer_external_id:
            customer_id: int | None = self._member(value.source, value.customer_external_id, value.buyer_name,
                                                   value.buyer_phone, value.buyer_email)
        else:
            customer_id = self._match(phone, email)
            if customer_id is None and (phone or email):
                customer_id = self._new_customer(value.source, None, {
                    "name": value.buyer_name or "", "email": email, "phone": phone, "birthday": None,
                    "gender": None, "grade": None, "signed_up_at": None}, {})
        items = [item.row() for item in value.items]
        fields: dict[str, Any] = {"customer_id": customer_id, "amount": int(value.amount), "discount": int(value.discount),
                  "coupon_code": value.coupon_code, "buyer_name": value.buyer_name, "buyer_phone": phone,
                  "buyer_email": email, "ordered_at": value.ordered_at}
        key = (value.source, value.external_id)
        row = self.orders.get(key)
        if row is None:
            order_id = self.next_order
            self.next_order += 1
            changed_at = value.status_changed_at or value.ordered_at
            row = {"id": order_id, "source": value.source, "external_id": value.external_id, **fields,
                   "status": value.status, "paid_at": value.paid_at, "status_changed_at": changed_at,
                   "created_at": self.now, "updated_at": self.now, "items": items}
            self.orders[key] = row
            self.new_orders[order_id] = row
            if value.coupon_code:
                self.coupon_orders[order_id] = row
            self.counts.orders_created += 1
            if customer_id is not None:
                self.touched.add(customer_id)
                self._event("order_placed", customer_id, value.ordered_at, value.external_id,
                            {"amount": int(value.amount)})
                if value.status != "paid":
                    self._event("order_status_changed", customer_id, changed_at, value.external_id,
                                {"status": value.status})
            return
        changes: dict[str, Any] = {name: new for name, new in fields.items() if row.get(name) != new}
        if customer_id is None:
            changes.pop("customer_id", None)  # a later record that cannot name the buyer keeps the match
        if items and items != row["items"]:
            changes["items"] = items
        if changes:
            for customer in (row.get("customer_id"), changes.get("customer_id")):
                if customer is not None:
                    self.touched.add(customer)
            row.update(changes)
            self._save_order(row, changes)
            if row.get("coupon_code") and ("coupon_code" in changes or "customer_id" in changes):
                self.coupon_orders[row["id"]] = row
            self.counts.orders_updated += 1
        status_changed = value.status != row["status"]
        if status_changed:
            self._set_status(row, value.status, value.status_changed_at or self.now)
        if not changes and not status_changed:
            self.counts.unchanged += 1

    def _save_order(self, row: dict[str, Any], changes: dict[str, Any]) -> None:
        if row["id"] in self.new_orders:
            return  # the insert carries the row as it is now
        update = {name: value for name, value in changes.items() if name != "items"}
        if "items" in changes:
            self.replaced_items.add(row["id"])
        update["updated_at"] = self.now
        self.order_updates.setdefault(row["id"], {}).update(update)

    def _set_status(self, row: dict[str, Any], status: str, at: datetime) -> None:
        row["status"] = status
        row["status_changed_at"] = at
        self._save_order(row, {"status": status, "status_changed_at": at})
        self.counts.status_changes += 1
        if row.get("customer_id") is not None:
            self.touched.add(row["customer_id"])
            self._event("order_status_changed", row["customer_id"], at, row["external_id"], {"status": status})

    def _status(self, value: StatusChangeIn) -> None:
        row = self.orders.get((value.source, value.order_external_id))
        if row is None:
            self.counts.unknown += 1
        elif row["status"] == value.status:
            self.counts.unchanged += 1
        else:
            self._set_status(row, value.status, value.at)

    # --- carts, consents, opt-outs, coupons ------------------------------------------------------------

    def _cart(self, value: CartIn) -> None:
        customer_id = self._member(value.source, value.customer_external_id)
        self.carts_pending.append((value, customer_id))

    def _consent(self, value: ConsentIn) -> None:
        customer_id = self._member(value.source, value.customer_external_id)
        self.consents_pending.append((customer_id, value.channel, value.granted, value.at,
                                      value.origin or value.source))

    def _optout(self, value: OptOutIn) -> None:
        targets: list[tuple[int, tuple[str, ...]]] = []
        if value.member:
            customer_id = self.members.get(value.member)
            if customer_id is not None:
                targets.append((customer_id, value.channels or CONSENT_CHANNELS))
        phone, email = _phone(value.phone), _email(value.email)
        if phone:
            ids = [cid for cid, row in self.customer_rows.items() if row.get("phone") == phone]
            targets += [(cid, value.channels or PHONE_CHANNELS) for cid in ids]
        if email:
            ids = [cid for cid, row in self.customer_rows.items() if (row.get("email") or "").lower() == email]
            targets += [(cid, value.channels or EMAIL_CHANNELS) for cid in ids]
        if not targets:
            self.counts.unknown += 1
        for customer_id, channels in targets:
            for channel in channels:
                self.consents_pending.append((customer_id, channel, False, value.at, value.source))

    def _coupon(self, value: CouponUseIn) -> None:
        row = self.orders.get((value.order_source, value.order_external_id))
        if row is None:
            self.counts.unknown += 1
            return
        self.coupons_pending.append((value, row))

    def _event(self, kind: str, customer_id: int, at: datetime, ref: str | None, payload: dict[str, Any]) -> None:
        self.events.append((kind, customer_id, at, ref, payload, self.now))

    # --- storing ---------------------------------------------------------------------------------

    def _store(self) -> None:
        session = self.session
        if self.new_customers:
            fast_insert_rows(session, Customer, CUSTOMER_COLUMNS,
                             [_customer_values(row) for row in self.new_customers.values()])
        if self.customer_updates:
            fast_update(session, Customer, [{"_id": cid, **changes, "updated_at": self.now}
                                            for cid, changes in self.customer_updates.items()])
        if self.new_orders:
            fast_insert_rows(session, Order, ORDER_COLUMNS, [_order_values(row) for row in self.new_orders.values()])
        if self.order_updates:
            fast_update(session, Order, [{"_id": oid, **changes} for oid, changes in self.order_updates.items()])
        if self.replaced_items:
            ids = sorted(self.replaced_items)
            for chunk in _chunks(ids):
                session.execute(delete(OrderItem).where(OrderItem.order_id.in_(chunk)))
        written = self.new_orders.keys() | self.replaced_items
        item_rows = [(row["id"], *item) for row in self.orders.values() if row["id"] in written
                     for item in row["items"]]
        if item_rows:
            fast_insert_rows(session, OrderItem, ITEM_COLUMNS, item_rows)
        self._store_carts()
        self._store_consents()
        self._store_coupons()
        if self.events:
            self.events.sort(key=_occurred)  # ids in the order things happened
            fast_insert_rows(session, ShopEvent, EVENT_COLUMNS, self.events)
            self.counts.events += len(self.events)

    def _store_carts(self) -> None:
        if not self.carts_pending:
            return
        session = self.session
        existing: dict[tuple[str, str], Any] = {}
        by_source: dict[str, set[str]] = defaultdict(set)
        for value, _ in self.carts_pending:
            by_source[value.source].add(value.external_id)
        for source, keys in by_source.items():
            for chunk in _chunks(sorted(keys)):
                for found in session.execute(
                    select(Cart.id, Cart.source, Cart.external_id, Cart.customer_id, Cart.amount, Cart.items,
                           Cart.updated_at, Cart.ordered_at, Cart.order_id)
                    .where(Cart.source == source, Cart.external_id.in_(chunk))
                ):
                    existing[(found.source, found.external_id)] = found._asdict()
        inserts: dict[tuple[str, str], dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        for value, customer_id in self.carts_pending:
            key = (value.source, value.external_id)
            order = self.orders.get((value.source, value.order_external_id or ""))
            wanted = {"customer_id": customer_id, "amount": int(value.amount), "items": [dict(i) for i in value.items],
                      "updated_at": value.updated_at, "ordered_at": value.ordered_at,
                      "order_id": order["id"] if order else None}
            row: dict[str, Any] | None = existing.get(key) or inserts.get(key)
            if row is None:
                row = {"source": value.source, "external_id": value.external_id,
                       "created_at": value.created_at or value.updated_at, **wanted}
                inserts[key] = row
                self.counts.carts_created += 1
                self._event("cart_updated", customer_id, value.updated_at, value.external_id,
                            {"amount": int(value.amount)})
                continue
            changes = {name: new for name, new in wanted.items() if row.get(name) != new}
            if not changes:
                self.counts.unchanged += 1
                continue
            moved = changes.get("updated_at") is not None and changes["updated_at"] != row.get("updated_at")
            row.update(changes)
            if "id" in row:
                updates.setdefault(row["id"], {}).update(changes)
                self.counts.carts_updated += 1
            if moved:
                self._event("cart_updated", customer_id, value.updated_at, value.external_id,
                            {"amount": int(value.amount)})
        if inserts:
            fast_insert(session, Cart, list(inserts.values()))
        if updates:
            fast_update(session, Cart, [{"_id": cid, **changes} for cid, changes in updates.items()])

    def _store_consents(self) -> None:
        """Latest wins: a consent dated before the stored state (e.g. before a later opt-out) is ignored;
        at the same instant a refusal wins."""
        if not self.consents_pending:
            return
        session = self.session
        ids = sorted({customer_id for customer_id, *_ in self.consents_pending})
        state: dict[tuple[int, str], dict[str, Any]] = {}
        for chunk in _chunks(ids):
            for found in session.execute(
                select(Consent.customer_id, Consent.channel, Consent.granted, Consent.changed_at,
                       Consent.confirmed_at).where(Consent.customer_id.in_(chunk))
            ):
                state[(found.customer_id, found.channel)] = {
                    "granted": found.granted, "changed_at": found.changed_at, "confirmed_at": found.confirmed_at,
                    "stored": True}
        history = {(cid, channel, bool(granted), at) for chunk in _chunks(ids) for cid, channel, granted, at in
                   session.execute(select(ConsentEvent.customer_id, ConsentEvent.channel, ConsentEvent.granted,
                                          ConsentEvent.at).where(ConsentEvent.customer_id.in_(chunk)))}
        changed: dict[tuple[int, str], dict[str, Any]] = {}
        events: list[dict[str, Any]] = []
        for customer_id, channel, granted, at, source in self.consents_pending:
            if (customer_id, channel, granted, at) not in history:
                history.add((customer_id, channel, granted, at))
                events.append({"customer_id": customer_id, "channel": channel, "granted": granted, "at": at,
                               "source": source})
            current = state.get((customer_id, channel))
            if current is not None:
                newer = at > current["changed_at"] or (at == current["changed_at"] and not granted)
                if not newer:
                    self.counts.consents_ignored += 0 if current["granted"] == granted else 1
                    continue
                if current["granted"] == granted:
                    continue
            row: dict[str, Any] = {"granted": granted, "changed_at": at, "source": source,
                   "confirmed_at": at if granted else None,
                   "stored": current is not None and current.get("stored", False)}
            state[(customer_id, channel)] = row
            changed[(customer_id, channel)] = row
        inserts = [{"customer_id": cid, "channel": channel, "granted": row["granted"],
                    "changed_at": row["changed_at"], "source": row["source"], "confirmed_at": row["confirmed_at"]}
                   for (cid, channel), row in changed.items() if not row["stored"]]
        if inserts:
            fast_insert(session, Consent, inserts)
        for (cid, channel), row in changed.items():
            if row["stored"]:
                session.execute(update(Consent).where(
                    Consent.customer_id == cid, Consent.channel == channel).values(
                    granted=row["granted"], changed_at=row["changed_at"], source=row["source"],
                    confirmed_at=row["confirmed_at"]))
        self.counts.consents_changed += len(changed)
        if events:
            fast_insert(session, ConsentEvent, events)

    def _store_coupons(self) -> None:
        for row in self.coupon_orders.values():  # an imported or synced order carrying a code: that coupon used
            if redeem(self.session, str(row["coupon_code"]), row.get("customer_id"), row["id"], row["ordered_at"]):
                self.counts.coupons_used += 1
        for value, row in self.coupons_pending:
            if redeem(self.session, value.code, row.get("customer_id"), row["id"], value.at):
                self.counts.coupons_used += 1
            else:
                self.counts.unchanged += 1
            if not row.get("coupon_code"):
                row["coupon_code"] = value.code
                self.session.execute(update(Order).where(Order.id == row["id"]).values(
                    coupon_code=value.code, updated_at=self.now))  # the writer's clock, not the wall's


# --- one record at a time --------------------------------------------------------------------------

def _one(session: Session, now: datetime, kind: str, value: Any) -> WriteCounts:
    writer = ShopWriter(session, now)
    getattr(writer, kind)(value)
    return writer.flush()


def record_customer(session: Session, value: CustomerIn, now: datetime) -> WriteCounts:
    return _one(session, now, "customer", value)


def record_order(session: Session, value: OrderIn, now: datetime) -> WriteCounts:
    return _one(session, now, "order", value)


def record_status_change(session: Session, value: StatusChangeIn, now: datetime) -> WriteCounts:
    return _one(session, now, "status_change", value)


def record_cart(session: Session, value: CartIn, now: datetime) -> WriteCounts:
    return _one(session, now, "cart", value)


def record_consent(session: Session, value: ConsentIn, now: datetime) -> WriteCounts:
    return _one(session, now, "consent", value)


def record_optout(session: Session, value: OptOutIn, now: datetime) -> WriteCounts:
    return _one(session, now, "optout", value)


def record_coupon_use(session: Session, value: CouponUseIn, now: datetime) -> WriteCounts:
    return _one(session, now, "coupon_use", value)


# --- redemption ------------------------------------------------------------------------------------

def redeem(session: Session, code: str, customer_id: int | None, order_id: int, at: datetime) -> bool:
    """Mark the customer's unredeemed coupon with this code used by the order (a shared code: this customer's
    row only; a code nobody else holds: whoever holds it, an order with no customer too)."""
    code = code.strip()
    if not code:
        return False
    query = update(Coupon).where(Coupon.code == code, Coupon.redeemed_at.is_(None), Coupon.status == "issued")
    if customer_id is not None:
        own = session.execute(query.where(Coupon.customer_id == customer_id).values(
            redeemed_order_id=order_id, redeemed_at=at))
        if getattr(own, "rowcount", 0):
            return True
    holders = session.scalar(select(func.count()).select_from(Coupon).where(Coupon.code == code)) or 0
    if holders != 1:  # a shared code used by someone it was not given to: no one's coupon is marked
        return False
    result = session.execute(query.values(redeemed_order_id=order_id, redeemed_at=at))
    return bool(getattr(result, "rowcount", 0))
