"""A shop's export file → canonical records and rejects (`parse_file`); no database, no Qt.

Lines of one order (the same order number on several lines) become one `ParsedOrder` with its items.
A line seen before (the same item id, or the very same cells) counts once. A bad line never stops the
file: it becomes a `Reject` with its line number, and so does the rest of its order, so an order is
never taken half. A file that cannot be read at all raises `UnreadableFile`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from itertools import islice
from pathlib import Path
from typing import Any

from engine.sync import generic
from engine.sync import values as v
from engine.sync.generic import GenericMapping
from engine.sync.read import Row, UnreadableFile, open_table
from engine.sync.records import ParsedCustomer, ParsedItem, ParsedOptout, ParsedOrder, ParseResult, Reject
from engine.sync.sources import BY_NAME, OPTOUT, ORDER_STATUSES, SHOPIFY, Source, detect, score_header

COUNTED = ("paid", "shipped", "delivered", "confirmed")  # = engine.customers.stats.COUNTED_STATUSES
_PROGRESS = {status: rank for rank, status in enumerate(COUNTED)}
_REASON_BY_FIELD = {
    "ordered_at": "bad_date", "paid_at": "bad_date", "signed_up_at": "bad_date", "birthday": "bad_date",
    "at": "bad_date", "cancelled_at": "bad_date", "quantity": "bad_quantity", "unit_price": "bad_amount",
    "item_amount": "bad_amount", "item_discount": "bad_amount", "order_amount": "bad_amount",
    "discount": "bad_amount", "sms_consent": "bad_consent", "email_consent": "bad_consent",
}


class _LineError(Exception):
    def __init__(self, code: str, message: str, field: str = "", value: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.value = "" if value is None else str(value)

    def reject(self, line: int) -> Reject:
        return Reject(line, self.code, self.message, self.field, self.value)


def _raw(exc: ValueError) -> str:
    """The cell an `Unreadable` was raised for, as text ("" for another ValueError)."""
    raw = getattr(exc, "raw", None)
    return "" if raw is None else str(raw)


MappingArg = GenericMapping | Mapping[str, str] | None


def parse_file(path: str | Path, *, source: str = "auto", password: str | None = None,
               mapping: MappingArg = None, saved: Sequence[GenericMapping] = (), zone: tzinfo = v.SEOUL,
               limit: int | None = None) -> ParseResult:
    """Read `path` as `source` (`auto` detects it from the headers) and return what it holds.

    `mapping` reads it as a generic file (our field → header, or a `GenericMapping`); `saved` are the saved
    mappings, one of which is used when the headers are those it was made for (`auto` and `generic`);
    `limit` reads only the first lines after the header (a quick preview)."""
    result, orders = stream_file(path, source=source, password=password, mapping=mapping, saved=saved, zone=zone,
                                 streaming=False, limit=limit)
    result.orders.extend(orders)
    return result


def stream_file(path: str | Path, *, source: str = "auto", password: str | None = None,
                mapping: MappingArg = None, saved: Sequence[GenericMapping] = (), zone: tzinfo = v.SEOUL,
                streaming: bool = True, limit: int | None = None) -> tuple[ParseResult, Iterator[ParsedOrder]]:
    """Like `parse_file`, but an orders file's orders come from the iterator, each as soon as its last line
    is read (`streaming`; a CSV is read twice: first for where each order ends), so a large file is never
    held whole. `result` is complete (lines, duplicates, rejects sorted, customers, opt-outs) once the
    iterator is exhausted. Without `streaming` the orders come at the end, in the file's order."""
    name = Path(path).name
    chosen_mapping: GenericMapping | None = None
    if mapping is not None:
        chosen_mapping = mapping if isinstance(mapping, GenericMapping) else GenericMapping("", dict(mapping))
        try:
            fields = generic.check_fields(chosen_mapping.fields)
        except generic.MappingError as exc:
            raise UnreadableFile("mapping_incomplete", f"{_mapping_label(chosen_mapping)}: {exc}") from None
        chosen_mapping = replace(chosen_mapping, fields=fields)
        chosen: Source | None = generic.source(fields)
    elif source in ("auto", "generic"):
        chosen = None
    elif source in BY_NAME:
        chosen = BY_NAME[source]
    else:
        raise UnreadableFile("unknown_source", f"unknown source '{source}' (one of auto, {', '.join(BY_NAME)}, generic)")
    scorer = _scorer(saved, source) if chosen is None else chosen.score
    table = open_table(path, password, header_score=scorer)
    header: Sequence[object] = table.header
    rows: Iterator[tuple[int, Row]] = table.rows
    header_line = table.header_line
    if chosen is None:
        # the owner's own mapping for exactly these headers comes first (an orders sheet of four columns,
        # one a phone, would otherwise look like an opt-out list)
        chosen_mapping = generic.find(saved, header)
        if chosen_mapping is not None:
            chosen = generic.source(chosen_mapping.fields)
        elif source == "auto":
            chosen = detect(header)
            if chosen is None and _looks_like_contact(header):
                chosen = OPTOUT  # a bare list of numbers or addresses: its first row is data, not a header
                rows = _chain([(header_line, header)], rows)
                header, header_line = ["phone"], 0
    elif chosen is OPTOUT and not OPTOUT.resolve(header) and _looks_like_contact(header):
        rows = _chain([(header_line, header)], rows)
        header, header_line = ["phone"], 0
    if chosen is None:
        code = "mapping_needed" if source == "generic" else "unknown_layout"
        what = ("no saved column mapping fits its columns" if source == "generic"
                else "the columns are not those of a known shop export and no saved mapping fits them")
        raise UnreadableFile(code, f"{name}: {what} (its columns: {generic.shown_headers(header)})",
                             header=generic.headers_of(header))
    columns = chosen.resolve(header)
    if chosen_mapping is not None:
        for field_name, wanted in chosen_mapping.fields.items():
            if generic.BY_NAME[field_name].column not in columns:
                raise UnreadableFile("mapping_column_missing", f"{name}: no column '{wanted}' in the file "
                                     f"({_mapping_label(chosen_mapping)} reads {field_name} from it)",
                                     header=generic.headers_of(header))
    missing = [field for field in chosen.required if field not in columns]
    if missing:
        raise UnreadableFile("unknown_layout", f"{name}: not a {chosen.label} file (no column for {', '.join(missing)})")
    result = ParseResult(source=chosen.name, kind=chosen.kind, encoding=table.encoding, header_line=header_line,
                         header=generic.headers_of(header),
                         mapping=chosen_mapping.name or None if chosen_mapping is not None else None)
    if limit is not None:
        rows = islice(rows, limit)
    last: dict[str, int] | None = None
    if streaming and chosen.kind == "orders" and table.kind == "csv":
        last = _last_lines(open_table(path, password, header_score=scorer).rows, columns["order_id"])
    return result, _parse(chosen, columns, rows, zone, result, last)


def _mapping_label(mapping: GenericMapping) -> str:
    return f"the mapping '{mapping.name}'" if mapping.name else "the mapping"


def _scorer(saved: Sequence[GenericMapping], source: str) -> Callable[[Sequence[object]], int]:
    """How much a row looks like a header: of a known export (`auto`), or of a saved mapping's file."""
    fits = [generic.source(mapping.fields).score for mapping in saved]
    if source == "generic":
        return lambda cells: max((fit(cells) for fit in fits), default=0)
    if not fits:
        return score_header
    return lambda cells: max(score_header(cells), *(fit(cells) for fit in fits))


def _parse(chosen: Source, columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
           result: ParseResult, last: dict[str, int] | None) -> Iterator[ParsedOrder]:
    # millions of small acyclic objects: the cycle collector would walk them all again and again
    collecting = gc.isenabled()
    gc.disable()
    try:
        if chosen.kind == "orders":
            yield from _parse_orders(chosen, columns, rows, zone, result, last)
        elif chosen.kind == "members":
            _parse_members(chosen, columns, rows, zone, result)
        else:
            _parse_optouts(columns, rows, zone, result)
    finally:
        if collecting:
            gc.enable()
    result.rejects.sort(key=lambda reject: reject.line)


def _order_id(cell: Any) -> str | None:
    return (cell.strip() or None) if cell.__class__ is str else v.text(cell)


def _last_lines(rows: Iterator[tuple[int, Row]], index: int) -> dict[str, int]:
    """Each order number's last line (the first, cheap pass of a streamed import)."""
    last: dict[str, int] = {}
    for line, row in rows:
        if len(row) > index:
            order_id = _order_id(row[index])
            if order_id is not None:
                last[order_id] = line
    return last


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
        raise _LineError(_REASON_BY_FIELD.get(name, "bad_value"), f"{name}: {exc}", name, _raw(exc)) from None


class _Order:
    __slots__ = ("amount", "bad", "coupon", "customer_id", "discount", "email", "external_id", "items", "later",
                 "name", "ordered_at", "paid_at", "phone", "prints", "raw_status")

    def __init__(self, external_id: str) -> None:
        self.external_id = external_id
        self.prints: list[int] = []        # each item's cells, hashed, for spotting a line seen before
        self.later: list[tuple[int, str | None, int]] = _NONE  # lines after the order went bad: (line, item id, hash)
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
        if "status" in get.columns:
            raise _LineError("missing_status", "no order status")
        return "paid"  # a file without a status column (a generic mapping) lists paid orders
    status = source.status(raw)
    if status is None and raw.lower() in ORDER_STATUSES:
        status = raw.lower()
    if status is None:
        if source.name == generic.SOURCE_NAME:
            raise _LineError("unknown_status", f"unknown order status {raw!r} (not a status word of a generic "
                             "file: docs/file-formats.md)", "status", raw)
        raise _LineError("unknown_status", f"unknown order status {raw!r}", "status", raw)
    return status


def _shopify_status(financial: str | None, fulfillment: str | None, cancelled_at: str | None) -> str:
    """Shopify has two statuses (payment, fulfilment) and a cancel time; the app has one."""
    status = SHOPIFY.status(financial or "")
    if status is None:
        raise _LineError("unknown_status", f"unknown order status {financial!r}", "status", financial)
    if cancelled_at and status != "refunded":
        return "cancelled"
    if status == "paid" and (fulfillment or "").lower() == "fulfilled":
        return "shipped"
    return status


_NONE: list[tuple[int, str | None, int]] = []  # shared by the orders that never went bad; never appended to


def _later(order: _Order, line: int, item_id: str | None, fingerprint: int) -> None:
    if order.later is _NONE:
        order.later = []
    order.later.append((line, item_id, fingerprint))


def _seen_before(order: _Order, item_id: str | None, fingerprint: int) -> str | None:
    """"same" for a line seen before, "other" for an item id seen before with other cells, else None."""
    if item_id is None:
        if fingerprint in order.prints or any(later[2] == fingerprint for later in order.later):
            return "same"
        return None
    for item, seen in zip(order.items, order.prints, strict=True):
        if item.external_id == item_id:
            return "same" if seen == fingerprint else "other"
    for _, later_id, seen in order.later:
        if later_id == item_id:
            return "same" if seen == fingerprint else "other"
    return None


def _order_status(items: Sequence[ParsedItem]) -> str:
    """One status for an order whose items each have one (SmartStore): the least advanced counted one."""
    first = items[0].status
    if all(item.status == first for item in items):
        return first
    statuses = {item.status for item in items}
    counted = [status for status in statuses if status in _PROGRESS]
    if counted:
        return min(counted, key=_PROGRESS.__getitem__)
    for status in ("pending", "refunded", "cancelled"):
        if status in statuses:
            return status
    return sorted(statuses)[0]


def _parse_orders(source: Source, columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
                  result: ParseResult, last: dict[str, int] | None) -> Iterator[ParsedOrder]:
    """The hot loop of a large import: column indexes in locals, one try per line, product texts shared.

    With `last` (each order number's last line) an order is handed over once its last line is read."""
    orders: dict[str, _Order] = {}
    finishing: _Order | None = None  # the order whose last line was the line before
    last_line = (last or {}).get
    shared: dict[Any, Any] = {}  # one object per distinct product name, option, category
    intern = shared.setdefault
    get = _Getter(columns)
    width = max(columns.values()) + 1
    absent = -1  # a column the file lacks reads the None every line ends with (see `cells` below)
    padding: tuple[None, ...] = (None,) * (width + 1)
    split_name = "first_name" in columns or "last_name" in columns
    per_row_amount = source.order_amount_per_row
    i_order = columns["order_id"]
    i_item = columns.get("item_id", absent)
    with_products = "product_name" in columns
    i_product = columns.get("product_name", absent)
    i_status = columns.get("status", absent)
    i_quantity = columns.get("quantity", absent)
    i_price = columns.get("unit_price", absent)
    i_amount = columns.get("item_amount", absent)
    i_discount = columns.get("item_discount", absent)
    i_option = columns.get("option", absent)
    i_category = columns.get("category", absent)
    i_code = columns.get("product_code", absent)
    i_ordered = columns.get("ordered_at", absent)
    i_paid = columns.get("paid_at", absent)
    i_customer = columns.get("customer_id", absent)
    i_name = columns.get("name", absent)
    i_phone = columns.get("phone", absent)
    i_email = columns.get("email", absent)
    i_total = columns.get("order_amount", absent) if per_row_amount else absent
    i_order_discount = columns.get("discount", absent)
    i_coupon = columns.get("coupon_code", absent)
    parse_id, parse_phone, parse_email = v.parse_id, v.parse_phone, v.parse_email
    text, parse_money, parse_datetime = v.text, v.parse_money, v.parse_datetime
    money_text, quantity_text, parse_quantity = v.money_text, v.quantity_text, v.parse_quantity
    statuses: dict[str | None, str] = {}
    cache_status = source is not SHOPIFY  # Shopify's status needs two more columns
    rejects = result.rejects
    lines = 0
    for line, row in rows:
        if finishing is not None:
            del orders[finishing.external_id]
            made = _finish(source, finishing, rejects)
            finishing = None
            if made is not None:
                yield made
        if not any(row):
            continue
        lines += 1
        # every line ends with a None (`absent`): padded up to width + 1, or one more after a longer line
        cells = (*row, *padding[len(row):]) if len(row) <= width else (*row, None)
        fingerprint = hash(cells)
        get.cells = cells
        get.size = width + 1
        cell = cells[i_order]
        order_id = (cell.strip() or None) if cell.__class__ is str else text(cell)
        if order_id is None:
            rejects.append(Reject(line, "missing_order_id", "no order number"))
            continue
        cell = cells[i_item]
        item_id = (cell.strip() or None) if cell.__class__ is str else text(cell)
        order = orders.get(order_id)
        fresh = order is None
        if order is None:
            order = orders[order_id] = _Order(order_id)
        if last is not None and last_line(order_id) == line:
            finishing = order
            del last[order_id]  # the map shrinks as the file is read
        if not fresh:
            seen = _seen_before(order, item_id, fingerprint)
            if seen == "same":
                result.duplicate_lines += 1
                continue
            if seen == "other":
                reject = Reject(line, "conflicting_line", f"item {item_id} of order {order_id} appears again with other values",
                                "order_id", order_id)
                rejects.append(reject)
                if order.bad is None:
                    order.bad = reject
                continue
        if order.bad is not None:
            _later(order, line, item_id, fingerprint)
            continue
        field = "product_name"
        try:
            cell = cells[i_product]
            product = (cell.strip() or None) if cell.__class__ is str else text(cell)
            if product is None:
                if not with_products:  # a generic file without a product column: orders without items
                    product = ""
                else:
                    raise _LineError("missing_product", "no product name")
            cell = cells[i_status]
            raw_status = (cell.strip() or None) if cell.__class__ is str else text(cell)
            if raw_status is None and order.items:
                # Shopify leaves the order's fields empty on the lines of its further items
                raw_status, status = order.raw_status, order.items[0].status
            else:
                known = statuses.get(raw_status) if cache_status else None
                if known is None:
                    known = _status(source, get, raw_status)
                    if cache_status:
                        statuses[raw_status] = known
                status = known
            if order.ordered_at is None:  # the order's own fields, from its first good line
                field = "ordered_at"
                order.ordered_at = parse_datetime(cells[i_ordered], zone)
                if order.ordered_at is None:
                    raise _LineError("bad_date", "no order date")
                field = "paid_at"
                order.paid_at = parse_datetime(cells[i_paid], zone)
                order.raw_status = raw_status
                order.customer_id = parse_id(cells[i_customer])
                order.name = _name(get) if split_name else text(cells[i_name])
                order.phone = parse_phone(cells[i_phone])
                order.email = parse_email(cells[i_email])
                field = "order_amount"
                order.amount = parse_money(cells[i_total])
                field = "discount"
                order.discount = parse_money(cells[i_order_discount])
                order.coupon = text(cells[i_coupon])
            field = "quantity"
            cell = cells[i_quantity]
            quantity = (quantity_text(cell) if cell.__class__ is str else parse_quantity(cell)) or 1
            field = "unit_price"
            cell = cells[i_price]
            unit_price = (money_text(cell) if cell.__class__ is str else parse_money(cell)) or 0
            field = "item_amount"
            cell = cells[i_amount]
            amount = money_text(cell) if cell.__class__ is str else parse_money(cell)
            if amount is None:
                field = "item_discount"
                cell = cells[i_discount]
                amount = unit_price * quantity - ((money_text(cell) if cell.__class__ is str else parse_money(cell)) or 0)
            cell = cells[i_option]
            option = (cell.strip() or None) if cell.__class__ is str else text(cell)
            cell = cells[i_category]
            category = (cell.strip() or None) if cell.__class__ is str else text(cell)
            cell = cells[i_code]
            code = (cell.strip() or None) if cell.__class__ is str else text(cell)
            order.items.append(ParsedItem(
                line, item_id, intern(product, product), code, None if option is None else intern(option, option),
                None if category is None else intern(category, category), quantity, unit_price, amount, status))
            order.prints.append(fingerprint)
        except ValueError as exc:
            order.bad = Reject(line, _REASON_BY_FIELD.get(field, "bad_value"), f"{field}: {exc}", field, _raw(exc))
            rejects.append(order.bad)
            _later(order, line, item_id, fingerprint)
        except _LineError as error:
            order.bad = error.reject(line)
            rejects.append(order.bad)
            _later(order, line, item_id, fingerprint)
    result.lines = lines
    shared.clear()
    if finishing is not None:
        del orders[finishing.external_id]
        made = _finish(source, finishing, rejects)
        if made is not None:
            yield made
    for key in list(orders):  # hand each order over as it is made, so the builders and the records are not both held
        made = _finish(source, orders.pop(key), rejects)
        if made is not None:
            yield made


def _finish(source: Source, order: _Order, rejects: list[Reject]) -> ParsedOrder | None:
    """The order made from its lines, or None (and its other lines rejected) when one of them was bad."""
    if order.bad is not None:
        bad = order.bad
        for line in sorted([item.line for item in order.items] + [later[0] for later in order.later]):
            if line != bad.line:
                rejects.append(Reject(line, "order_rejected",
                                      f"order {order.external_id} is not taken: line {bad.line} ({bad.reason_code})",
                                      "order_id", order.external_id))
        return None
    assert order.ordered_at is not None
    items = tuple(order.items)
    lines_of_order: tuple[int, ...]
    if len(items) == 1:
        status, lines_of_order = items[0].status, (items[0].line,)
    else:
        status, lines_of_order = _order_status(items), tuple(item.line for item in items)
    if order.amount is not None:
        amount = order.amount
    elif status in _PROGRESS:  # cancelled or returned items of a counted order are not revenue
        amount = sum(item.amount for item in items if item.status in _PROGRESS)
    else:
        amount = sum(item.amount for item in items)
    if source.name == generic.SOURCE_NAME:
        items = _generic_items(source, items, amount)
    return ParsedOrder(
        source=source.name, external_id=order.external_id, lines=lines_of_order, status=status,
        raw_status=order.raw_status or "", ordered_at=order.ordered_at, paid_at=order.paid_at,
        customer_external_id=order.customer_id, buyer_name=order.name, buyer_phone=order.phone,
        buyer_email=order.email, amount=amount, discount=order.discount or 0, coupon_code=order.coupon,
        items=items)


def _generic_items(source: Source, items: tuple[ParsedItem, ...], amount: int) -> tuple[ParsedItem, ...]:
    """A generic file's items: none without a product column (its lines made the amount); a lone item
    without a price column costs what its order does."""
    if "product_name" not in source.fields:
        return ()
    if len(items) == 1 and "unit_price" not in source.fields and "item_amount" not in source.fields:
        item = items[0]
        return (item._replace(unit_price=amount // item.quantity, amount=amount),)
    return items


def _name(get: _Getter) -> str | None:
    first, last = v.text(get("first_name")), v.text(get("last_name"))
    if not first or not last:
        return first or last
    if any("\uac00" <= char <= "\ud7a3" for char in first + last):
        return last + first  # 홍 + 길동
    return f"{first} {last}"


def _data_lines(rows: Iterator[tuple[int, Row]], get: _Getter, result: ParseResult) -> Iterator[tuple[int, Row]]:
    """The lines that hold data (blank ones passed over), counted, each set as what `get` reads."""
    for line, cells in rows:
        if _is_blank(cells):
            continue
        result.lines += 1
        get.cells = cells
        get.size = len(cells)
        yield line, cells


def _parse_members(source: Source, columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
                   result: ParseResult) -> None:
    seen: dict[str, int] = {}
    get = _Getter(columns)
    for line, cells in _data_lines(rows, get, result):
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
                result.rejects.append(Reject(line, "conflicting_line", f"member {raw_id} appears again with other values",
                                             "member_id", raw_id))
            continue
        seen[raw_id] = fingerprint
        try:
            try:
                birthday, lunar = v.parse_birthday(get("birthday"), get("calendar"))
            except ValueError as exc:
                raise _LineError("bad_date", f"birthday: {exc}", "birthday", _raw(exc)) from None
            result.customers.append(ParsedCustomer(
                source=source.name, external_id=raw_id, line=line, name=v.text(get("name")),
                phone=v.parse_phone(get("phone")), email=v.parse_email(get("email")),
                birthday=birthday, birthday_lunar=lunar,
                signed_up_at=_value(v.parse_datetime, get, "signed_up_at", zone),
                grade=v.text(get("grade")),
                sms_consent=_value(v.parse_consent, get, "sms_consent"),
                email_consent=_value(v.parse_consent, get, "email_consent")))
        except _LineError as error:
            result.rejects.append(error.reject(line))


def _parse_optouts(columns: Mapping[str, int], rows: Iterator[tuple[int, Row]], zone: tzinfo,
                   result: ParseResult) -> None:
    seen: set[tuple[str | None, str | None]] = set()
    get = _Getter(columns)
    for line, cells in _data_lines(rows, get, result):
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
            result.rejects.append(error.reject(line))
