"""What a parsed export file holds, ready for the store: orders with items, customers, opt-outs, rejects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple


# Orders and their items are NamedTuples, not frozen dataclasses: a 1,000,000-line file makes a
# million of them, and a NamedTuple is built four times faster (still immutable, typed, compared by value).
class ParsedItem(NamedTuple):
    line: int
    external_id: str | None
    product_name: str
    product_code: str | None
    option: str | None
    category: str | None
    quantity: int
    unit_price: int
    amount: int
    status: str

    def row(self) -> tuple[Any, ...]:
        """The item as engine.shopdata stores it (its `ItemRow`): no copy into an `OrderItemIn` per line."""
        return (self[1], None, self[2], self[4], self[5], self[6], self[7], self[8])


class ParsedOrder(NamedTuple):
    source: str
    external_id: str
    lines: tuple[int, ...]
    status: str
    raw_status: str
    ordered_at: datetime
    paid_at: datetime | None
    customer_external_id: str | None   # None for a guest (or a masked id): match by phone, then email
    buyer_name: str | None
    buyer_phone: str | None            # E.164
    buyer_email: str | None
    amount: int
    discount: int
    coupon_code: str | None
    items: tuple[ParsedItem, ...]
    status_changed_at: datetime | None = None  # a file says no more than the status: as of the order

    # (an `engine.shopdata.OrderRecord`: handed to the writer as it is)


@dataclass(frozen=True, slots=True)
class ParsedCustomer:
    source: str
    external_id: str
    line: int
    name: str | None
    phone: str | None
    email: str | None
    birthday: date | None
    birthday_lunar: bool | None        # True: the birthday is a lunar date (not converted here)
    signed_up_at: datetime | None
    grade: str | None
    sms_consent: bool | None           # None: the file does not say
    email_consent: bool | None


@dataclass(frozen=True, slots=True)
class ParsedOptout:
    line: int
    phone: str | None
    email: str | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Reject:
    """A line that was not taken: its line number, a code (see docs/file-formats.md) and a short message."""

    line: int
    reason_code: str
    message: str
    field: str = ""  # the field it was about ("ordered_at", "order_id"), when one
    value: str = ""  # that field's cell as it was in the file ("어제쯤")


@dataclass
class ParseResult:
    source: str
    kind: str                          # orders | members | optout
    encoding: str | None
    header_line: int
    header: list[str] = field(default_factory=list)  # the file's non-empty headers
    mapping: str | None = None         # the saved column mapping a generic file was read with
    lines: int = 0                     # data lines read (blank lines not counted)
    duplicate_lines: int = 0           # lines seen before, counted once
    orders: list[ParsedOrder] = field(default_factory=list)
    customers: list[ParsedCustomer] = field(default_factory=list)
    optouts: list[ParsedOptout] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
