"""A shop's export file → canonical records and rejects (`parse_file`); no database, no Qt.

Lines of one order (the same order number on several lines) become one `ParsedOrder` with its items.
A line seen before (the same item id, or the very same cells) counts once. A bad line never stops the
file: it becomes a `Reject` with its line number, and so does the rest of its order, so an order is
never taken half. A file that cannot be read at all raises `UnreadableFile`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from engine.sync import values as v
from engine.sync.read import Row, UnreadableFile, open_table
from engine.sync.records import ParsedCustomer, ParsedItem, ParsedOptout, ParsedOrder, ParseResult, Reject
from engine.sync.sources import BY_NAME, OPTOUT, SHOPIFY, Source, _keys, detect, score_header

COUNTED = ("paid", "shipped", "delivered", "confirmed")  # = engine.customers.stats.COUNTED_STATUSES
_PROGRESS = {status: rank for rank, status in enumerate(COUNTED)}
_REASON_BY_FIELD = {
    "ordered_at": "bad_date", "paid_at": "bad_date", "signed_up_at": "bad_date", "birthday": "bad_date",
    "at": "bad_date", "cancelled_at": "bad_date", "quantity": "bad_quantity", "unit_price": "bad_amount",
    "item_amount": "bad_amount", "item_discount": "bad_amount", "order_amount": "bad_amount",
    "discount": "bad_amount", "sms_consent": "bad_consent", "email_consent": "bad_consent",
}
GENERIC_REQUIRED = ("order_id", "product_name", "ordered_at")


class _LineError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def generic_source(mapping: Mapping[str, str]) -> Source:
    """A source from a saved column mapping (canonical field → the file's header) for a generic orders file."""
    return Source(name="generic", kind="orders", label="generic", required=GENERIC_REQUIRED,
                  fields={name: _keys(header) for name, header in mapping.items()})


def parse_file(path: str | Path, *, source: str = "auto", password: str | None = None,
               mapping: Mapping[str, str] | None = None, zone: tzinfo = v.SEOUL) -> ParseResult:
    """Read `path` as `source` (`auto` detects it from the headers) and return what it holds."""
    name = Path(path).name
    if source == "generic" or mapping is not None:
        if not mapping:
            raise UnreadableFile("mapping_needed", f"{name}: a generic file needs a column mapping")
        chosen: Source | None = generic_source(mapping)
    elif source == "auto":
        chosen = None
    elif source in BY_NAME:
        chosen = BY_NAME[source]
    else:
        raise UnreadableFile("unknown_source", f"unknown source '{source}' (one of auto, {', '.join(BY_NAME)}, generic)")
    scorer = score_header if chosen is None else chosen.score
    table = open_table(path, password, header_score=scorer)
    header: Sequence[object] = table.header
    rows: Iterator[tuple[int, Row]] = table.rows
    header_line = table.header_line
    if chosen is None:
        chosen = detect(header)
        if chosen is None and _looks_like_contact(header):
            chosen = OPTOUT  # a bare list of numbers or addresses: its first row is data, not a header
            rows = _chain([(header_line, header)], rows)
            header, header_line = ["phone"], 0
    elif chosen is OPTOUT and not OPTOUT.resolve(header) and _looks_like_contact(header):
        rows = _chain([(header_line, header)], rows)
        header, header_line = ["phone"], 0
    if chosen is None:
        raise UnreadableFile(
            "unknown_layout", f"{name}: the columns are not those of a known shop export; choose the source "
            "or map the columns (generic)")
    columns = chosen.resolve(header)
    missing = [field for field in chosen.required if field not in columns]
    if missing:
        raise UnreadableFile("unknown_layout", f"{name}: not a {chosen.label} file (no column for {', '.join(missing)})")
    result = ParseResult(source=chosen.name, kind=chosen.kind, encoding=table.encoding, header_line=header_line)
    if chosen.kind == "orders":
        _parse_orders(chosen, columns, rows, zone, result)
    elif chosen.kind == "members":
        _parse_members(chosen, columns, rows, zone, result)
    else:
        _parse_optouts(columns, rows, zone, result)
    result.rejects.sort(key=lambda reject: reject.line)
    return result


def _chain(first: list[tuple[int, Row]], rest: Iterator[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
    yield from first
    yield from rest


def _looks_like_contact(cells: Sequence[object]) -> bool:
    filled = [cell for cell in cells if cell not in (None, "")]
    return 0 < len(filled) <= 3 and (v.parse_phone(filled[0]) is not None or v.parse_email(filled[0]) is not None)


def _is_blank(cells: Row) -> bool:
    return all(not (cell is not None and (not isinstance(cell, str) or cell.strip())) for cell in cells)


class _Getter:
    """Reads one line's cells by canonical field name (a column the file lacks reads as None)."""

    __slots__ = ("cells", "columns", "size")

    def __init__(self, columns: Mapping[str, int]) -> None:
        self.columns = columns
        self.cells: Row = ()
        self.size = 0

    def __call__(self, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= self.size:
            return None
        cell = self.cells[index]
        if cell == "":
            return None
        return cell


def _value(parse: Any, get: _Getter, name: str, *args: Any) -> Any:
    try:
        return parse(get(name), *args)
    except ValueError as exc:
        raise _LineError(_REASON_BY_FIELD.get(name, "bad_value"), f"{name}: {exc}") from None


class _Order:
    __slots__ = (
        "amount",
        "bad",
        "coupon",
        "customer_id",
        "discount",
        "email",
        "external_id",
        "items",
        "lines",
        "name",
        "ordered_at",
        "paid_at",
        "phone",
        "raw_status",
    )

    def __init__(self, external_id: str) -> None:
        self.external_id = external_id
        self.lines: list[int] = []
        self.raw_status: str | None = None
        self.ordered_at: datetime | None = None
        self.paid_at: datetime | None = None
        self.customer_id: str | None = None
        self.name: str | None = None
        self.phone: str | None = None
        self.email: str | None = None
        self.amount: int | None = None
        self.discount: int | None = None
        self.coupon: str | None = None
        self.items: list[ParsedItem] = []
        self.bad: Reject | None = None


def _status(source: Source, get: _Getter, raw: str | None) -> str:
    if source is SHOPIFY:
        return _shopify_status(raw, v.text(get("fulfillment")), v.text(get("cancelled_at")))
    if raw is None:
        if "status" in source.fields and "status" in get.columns:
            raise _LineError("missing_status", "no order status")
        return "paid"  # a file without a status column (a generic mapping) lists paid orders
    status = source.status(raw)
    if status is None:
        status = raw.lower() if raw.lower() in COUNTED or raw.lower() in ("pending", "cancelled", "refunded") else None
    if status is None:
        raise _LineError("unknown_status", f"unknown order status {raw!r}")
    return status


def _shopify_status(financial: str | None, fulfillment: str | None, cancelled_at: str | None) -> str:
    """Shopify has two statuses (payment, fulfilment) and a cancel time; the app has one."""
    status = SHOPIFY.status(financial or "")
    if status is None:
        raise _LineError("unknown_status", f"unknown order status {financial!r}")
    if cancelled_at and status != "refunded":
        return "cancelled"
    if status == "paid" and (fulfillment or "").lower() == "fulfilled":
        return "shipped"
    return status


def _order_status(items: Sequence[ParsedItem]) -> str:
    """One status for an order whose items each have one (SmartStore): the least advanced counted one."""
    statuses = {item.status for item in items}
    if len(statuses) == 1:
        return next(iter(statuses))
    counted = [status for status in statuses if status in _PROGRESS]
    if counted:
        return min(counted, key=_PROGRESS.__getitem__)
    for status in ("pending", "refunded", "cancelled"):
        if status in statuses:
            return status
    return sorted(statuses)[0]


def _parse_orders(source: Source, columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
                  result: ParseResult) -> None:
    orders: dict[str, _Order] = {}
    seen: dict[object, int] = {}
    names: dict[str, str] = {}  # one string object per distinct product name, option, category
    get = _Getter(columns)
    has_item_id = "item_id" in columns
    per_row_amount = source.order_amount_per_row
    split_name = "first_name" in columns or "last_name" in columns
    for line, cells in rows:
        if _is_blank(cells):
            continue
        result.lines += 1
        get.cells = cells
        get.size = len(cells)
        order_id = v.text(get("order_id"))
        if order_id is None:
            result.rejects.append(Reject(line, "missing_order_id", "no order number"))
            continue
        item_id = v.text(get("item_id")) if has_item_id else None
        fingerprint = hash(tuple(cells))
        key: object = (order_id, item_id) if item_id is not None else fingerprint
        before = seen.get(key)
        if before is not None:
            if before == fingerprint:
                result.duplicate_lines += 1
                continue
            reject = Reject(line, "conflicting_line", f"item {item_id} of order {order_id} appears again with other values")
            result.rejects.append(reject)
            order = orders.get(order_id)
            if order is not None and order.bad is None:
                order.bad = reject
            continue
        seen[key] = fingerprint
        order = orders.get(order_id)
        if order is None:
            order = orders[order_id] = _Order(order_id)
        order.lines.append(line)
        if order.bad is not None:
            continue
        try:
            product = v.text(get("product_name"))
            if product is None:
                raise _LineError("missing_product", "no product name")
            raw_status = v.text(get("status"))
            if raw_status is None and order.items:
                # Shopify leaves the order's fields empty on the lines of its further items
                raw_status, status = order.raw_status, order.items[0].status
            else:
                status = _status(source, get, raw_status)
            if order.ordered_at is None:
                order.ordered_at = _value(v.parse_datetime, get, "ordered_at", zone)
                if order.ordered_at is None:
                    raise _LineError("bad_date", "no order date")
            if order.paid_at is None:
                order.paid_at = _value(v.parse_datetime, get, "paid_at", zone)
            quantity = _value(v.parse_quantity, get, "quantity") or 1
            unit_price = _value(v.parse_money, get, "unit_price") or 0
            amount = _value(v.parse_money, get, "item_amount")
            if amount is None:
                amount = unit_price * quantity - (_value(v.parse_money, get, "item_discount") or 0)
            if order.raw_status is None:
                order.raw_status = raw_status
            if order.customer_id is None:
                order.customer_id = v.parse_id(get("customer_id"))
            if order.name is None:
                order.name = _name(get) if split_name else v.text(get("name"))
            if order.phone is None:
                order.phone = v.parse_phone(get("phone"))
            if order.email is None:
                order.email = v.parse_email(get("email"))
            if per_row_amount and order.amount is None:
                order.amount = _value(v.parse_money, get, "order_amount")
            if order.discount is None:
                order.discount = _value(v.parse_money, get, "discount")
            if order.coupon is None:
                order.coupon = v.text(get("coupon_code"))
            option = v.text(get("option"))
            category = v.text(get("category"))
            order.items.append(ParsedItem(
                line=line, external_id=item_id, product_name=names.setdefault(product, product),
                product_code=v.text(get("product_code")),
                option=None if option is None else names.setdefault(option, option),
                category=None if category is None else names.setdefault(category, category),
                quantity=quantity, unit_price=unit_price, amount=amount, status=status))
        except _LineError as error:
            order.bad = Reject(line, error.code, error.message)
            result.rejects.append(order.bad)
    for order in orders.values():
        if order.bad is not None:
            bad = order.bad
            for line in order.lines:
                if line != bad.line:
                    result.rejects.append(Reject(line, "order_rejected",
                                                 f"order {order.external_id} is not taken: line {bad.line} ({bad.reason_code})"))
            continue
        assert order.ordered_at is not None
        items = tuple(order.items)
        status = _order_status(items)
        if order.amount is not None:
            amount = order.amount
        elif status in _PROGRESS:  # cancelled or returned items of a counted order are not revenue
            amount = sum(item.amount for item in items if item.status in _PROGRESS)
        else:
            amount = sum(item.amount for item in items)
        result.orders.append(ParsedOrder(
            source=source.name, external_id=order.external_id, lines=tuple(order.lines), status=status,
            raw_status=order.raw_status or "", ordered_at=order.ordered_at, paid_at=order.paid_at,
            customer_external_id=order.customer_id, buyer_name=order.name, buyer_phone=order.phone,
            buyer_email=order.email, amount=amount, discount=order.discount or 0, coupon_code=order.coupon,
            items=items))


def _name(get: _Getter) -> str | None:
    first, last = v.text(get("first_name")), v.text(get("last_name"))
    if not first or not last:
        return first or last
    if any("\uac00" <= char <= "\ud7a3" for char in first + last):
        return last + first  # 홍 + 길동
    return f"{first} {last}"


def _parse_members(source: Source, columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
                   result: ParseResult) -> None:
    seen: dict[str, int] = {}
    get = _Getter(columns)
    for line, cells in rows:
        if _is_blank(cells):
            continue
        result.lines += 1
        get.cells = cells
        get.size = len(cells)
        raw_id = v.text(get("customer_id"))
        if raw_id is None:
            result.rejects.append(Reject(line, "missing_customer_id", "no member id"))
            continue
        if v.is_masked(raw_id):
            result.rejects.append(Reject(line, "masked_id", "the member id is masked"))
            continue
        fingerprint = hash(tuple(cells))
        before = seen.get(raw_id)
        if before is not None:
            if before == fingerprint:
                result.duplicate_lines += 1
            else:
                result.rejects.append(Reject(line, "conflicting_line", f"member {raw_id} appears again with other values"))
            continue
        seen[raw_id] = fingerprint
        try:
            try:
                birthday, lunar = v.parse_birthday(get("birthday"), get("calendar"))
            except ValueError as exc:
                raise _LineError("bad_date", f"birthday: {exc}") from None
            result.customers.append(ParsedCustomer(
                source=source.name, external_id=raw_id, line=line, name=v.text(get("name")),
                phone=v.parse_phone(get("phone")), email=v.parse_email(get("email")),
                birthday=birthday, birthday_lunar=lunar,
                signed_up_at=_value(v.parse_datetime, get, "signed_up_at", zone),
                grade=v.text(get("grade")),
                sms_consent=_value(v.parse_consent, get, "sms_consent"),
                email_consent=_value(v.parse_consent, get, "email_consent")))
        except _LineError as error:
            result.rejects.append(Reject(line, error.code, error.message))


def _parse_optouts(columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
                   result: ParseResult) -> None:
    seen: set[tuple[str | None, str | None]] = set()
    get = _Getter(columns)
    for line, cells in rows:
        if _is_blank(cells):
            continue
        result.lines += 1
        get.cells = cells
        get.size = len(cells)
        phone = v.parse_phone(get("phone"))
        email = v.parse_email(get("email"))
        if phone is None and email is None:  # one column of numbers and addresses mixed
            email = v.parse_email(get("phone"))
            phone = v.parse_phone(get("email"))
        if phone is None and email is None:
            shown = "a masked number" if any(v.is_masked(v.text(cell)) for cell in cells) else "no valid phone or email"
            result.rejects.append(Reject(line, "bad_contact", shown))
            continue
        if (phone, email) in seen:
            result.duplicate_lines += 1
            continue
        seen.add((phone, email))
        try:
            result.optouts.append(ParsedOptout(line=line, phone=phone, email=email,
                                               at=_value(v.parse_datetime, get, "at", zone)))
        except _LineError as error:
            result.rejects.append(Reject(line, error.code, error.message))
