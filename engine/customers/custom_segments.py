"""Custom segments: a tree of AND/OR groups of rules, turned into one SQL WHERE so a count is one query.

A tree is {"match": "all" | "any", "rules": [rule | tree, …]}; a rule is {"field", "op", "value"} plus, by
field, "days" (count only the last N days), "category", "product", "name" (a customer field) or "channel".
Segment keys shared with the built-in ones (`segments.segment_query`): "custom:<id>" for a saved segment,
"rfm:<group>" for one of the named RFM groups.

Figures read as `engine.runtime.conditions` reads them for one customer: an unknown figure (no last order,
no orders to average) never satisfies a comparison; "days since" counts whole days.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, delete, false, func, insert, or_, select, true
from sqlalchemy.orm import Session

from engine.customers.segments import (
    LIFECYCLE,
    RFM_GROUP_LABELS,
    RFM_GROUPS,
    RfmCuts,
    Thresholds,
    _lifecycle_condition,
    _vip_subquery,
    rfm_cuts,
    rfm_score_sql,
)
from engine.customers.stats import COUNTED_STATUSES
from engine.results.render import neutralise
from storage.models import (
    Consent,
    Customer,
    CustomerCategoryStats,
    CustomerStats,
    CustomerTag,
    CustomSegment,
    Order,
    OrderItem,
    SegmentMember,
)
from storage.sql import json_text

# field id: (Korean, English, kind) — kind picks the value widget: number, won, days, score, bool, tag,
# category, product, text, field, choice:lifecycle, choice:rfm_group, choice:gender
FIELDS: dict[str, tuple[str, str, str]] = {
    "order_count": ("주문 횟수", "Order count", "number"),
    "total_spent": ("총 구매액", "Total spent", "won"),
    "aov": ("평균 주문 금액", "Average order value", "won"),
    "days_since_last_order": ("마지막 주문 후 지난 날", "Days since last order", "days"),
    "category_orders": ("카테고리 주문 횟수", "Orders in a category", "category"),
    "product_orders": ("상품 주문 횟수", "Orders of a product", "product"),
    "has_tag": ("태그", "Tag", "tag"),
    "customer_field": ("고객 항목", "Customer field", "field"),
    "consent_sms": ("문자 수신 동의", "SMS consent", "bool"),
    "consent_kakao": ("카카오 수신 동의", "Kakao consent", "bool"),
    "consent_email": ("이메일 수신 동의", "Email consent", "bool"),
    "consent_night": ("야간 수신 동의", "Night-time consent", "bool"),
    "rfm_r": ("RFM 최근성 점수", "RFM recency score", "score"),
    "rfm_f": ("RFM 빈도 점수", "RFM frequency score", "score"),
    "rfm_m": ("RFM 금액 점수", "RFM money score", "score"),
    "rfm_group": ("RFM 그룹", "RFM group", "choice:rfm_group"),
    "lifecycle": ("고객 단계", "Lifecycle stage", "choice:lifecycle"),
    "is_vip": ("VIP 여부", "Is VIP", "bool"),
    "grade": ("회원 등급", "Member tier", "text"),
    "gender": ("성별", "Gender", "choice:gender"),
    "days_since_signup": ("가입 후 지난 날", "Days since sign-up", "days"),
}
# fields whose figure may be counted over the last N days ("days")
PERIOD_FIELDS = frozenset({"order_count", "total_spent", "aov", "category_orders", "product_orders"})
COMPARE = ("gte", "lte", "gt", "lt", "eq", "ne")
OPS: dict[str, tuple[str, str]] = {
    "gte": ("이상", "at least"), "lte": ("이하", "at most"), "gt": ("초과", "more than"),
    "lt": ("미만", "less than"), "eq": ("같음", "equals"), "ne": ("같지 않음", "not equal"),
    "is_true": ("예", "yes"), "is_false": ("아니오", "no"),
    "has": ("있음", "has"), "has_not": ("없음", "has not"),
    "contains": ("포함", "contains"), "not_contains": ("포함 안 함", "does not contain"),
}


def ops_for(field: str) -> tuple[str, ...]:
    """The operators a rule on `field` offers, the first the default."""
    kind = FIELDS[field][2]
    if kind == "bool":
        return ("is_true", "is_false")
    if kind == "tag":
        return ("has", "has_not")
    if kind.startswith("choice:"):
        return ("eq", "ne")
    if kind in {"text", "field"}:
        return ("eq", "ne", "contains", "not_contains")
    return COMPARE


class RuleError(ValueError):
    """A rule tree that cannot be read (unknown field or operator, a number that is not one)."""


def check_tree(tree: Any) -> dict[str, Any]:
    """The tree, checked: raises RuleError naming the first thing wrong."""
    if not isinstance(tree, Mapping):
        raise RuleError("a segment is a group: {match, rules}")
    if tree.get("match", "all") not in {"all", "any"}:
        raise RuleError(f"match must be all or any, not {tree.get('match')!r}")
    rules = tree.get("rules")
    if not isinstance(rules, list):
        raise RuleError("a group's rules must be a list")
    for rule in rules:
        if isinstance(rule, Mapping) and "rules" in rule:
            check_tree(rule)
            continue
        if not isinstance(rule, Mapping) or rule.get("field") not in FIELDS:
            raise RuleError(f"unknown field {rule.get('field') if isinstance(rule, Mapping) else rule!r}")
        field = str(rule["field"])
        if rule.get("op") not in ops_for(field):
            raise RuleError(f"{field}: unknown operator {rule.get('op')!r}")
        kind = FIELDS[field][2]
        if kind in {"number", "won", "days", "score", "category", "product"}:
            _int(rule.get("value"), field)
        if rule.get("days") not in (None, "", 0):
            _int(rule.get("days"), field)
    return dict(tree)


def _int(value: Any, field: str) -> int:
    try:
        return int(str(value).replace(",", "").replace("원", "").strip())
    except (TypeError, ValueError):
        raise RuleError(f"{field}: {value!r} is not a whole number") from None


class _Compiler:
    """Turns rules into SQL over customers LEFT JOIN customer_stats, at `now`."""

    def __init__(self, session: Session, now: datetime, limits: Thresholds) -> None:
        self.session, self.now, self.limits = session, now, limits
        self._cuts: RfmCuts | None = None

    def tree(self, tree: Mapping[str, Any]) -> Any:
        parts = [self.tree(rule) if "rules" in rule else self.rule(rule) for rule in tree.get("rules") or []]
        if not parts:
            return true()
        return or_(*parts) if tree.get("match") == "any" else and_(*parts)

    def rule(self, rule: Mapping[str, Any]) -> Any:
        field, op = str(rule.get("field")), str(rule.get("op"))
        value = rule.get("value")
        kind = FIELDS[field][2]
        days = _int(rule["days"], field) if rule.get("days") not in (None, "", 0) else 0
        if field in {"order_count", "total_spent", "aov"} and days:
            return self._period(field, op, _int(value, field), days)
        if field == "order_count":
            return _compare(func.coalesce(CustomerStats.order_count, 0), op, _int(value, field))
        if field == "total_spent":
            return _compare(func.coalesce(CustomerStats.total_spent, 0), op, _int(value, field))
        if field == "aov":
            return _aov(CustomerStats.total_spent, CustomerStats.order_count, op, _int(value, field),
                        CustomerStats.order_count > 0)
        if field == "days_since_last_order":
            return _days_since(CustomerStats.last_order_at, op, _int(value, field), self.now)
        if field == "days_since_signup":
            return _days_since(Customer.signed_up_at, op, _int(value, field), self.now)
        if field == "category_orders" and not days:  # kept per customer and category: an index look-up
            count = _int(value, field)
            kept = select(CustomerCategoryStats.customer_id).where(
                CustomerCategoryStats.category == str(rule.get("category") or ""))
            if _holds_at_zero(op, count):  # "fewer than 2": everyone but those with too many
                return ~Customer.id.in_(kept.where(~_compare(CustomerCategoryStats.order_count, op, count)))
            return Customer.id.in_(kept.where(_compare(CustomerCategoryStats.order_count, op, count)))
        if field in {"category_orders", "product_orders"}:
            item = (OrderItem.category == str(rule.get("category") or "") if field == "category_orders"
                    else OrderItem.product_name == str(rule.get("product") or ""))
            orders = (select(Order.customer_id)
                      .join(OrderItem, OrderItem.order_id == Order.id)
                      .where(item, Order.customer_id.is_not(None), Order.status.in_(COUNTED_STATUSES)))
            if days:
                orders = orders.where(Order.ordered_at > self.now - timedelta(days=days))
            return _counted(orders, func.count(func.distinct(Order.id)), op, _int(value, field))
        if field == "has_tag":
            tagged = Customer.id.in_(select(CustomerTag.customer_id).where(CustomerTag.tag == str(value or "")))
            return tagged if op == "has" else ~tagged
        if field.startswith("consent_"):
            granted = Customer.id.in_(select(Consent.customer_id).where(
                Consent.channel == field.removeprefix("consent_"), Consent.granted.is_(True)))
            return granted if op == "is_true" else ~granted
        if field == "is_vip":
            vip = Customer.id.in_(_vip_subquery(self.now, self.limits))
            return vip if op == "is_true" else ~vip
        if field == "lifecycle":
            if value not in LIFECYCLE:
                raise RuleError(f"lifecycle: unknown stage {value!r}")
            stage = _lifecycle_condition(str(value), self.now, self.limits)
            return stage if op == "eq" else ~stage
        if field in {"rfm_r", "rfm_f", "rfm_m"}:
            return and_(CustomerStats.order_count > 0, _compare(self.score(field[-1]), op, _int(value, field)))
        if field == "rfm_group":
            group = self.rfm_group(str(value))
            return group if op == "eq" else and_(CustomerStats.order_count > 0, ~group)
        if field == "grade":
            return _text(Customer.grade, op, value)
        if field == "gender":
            return _text(Customer.gender, op, value)
        if field == "customer_field":
            return _text(json_text(Customer.attributes, str(rule.get("name") or "")), op, value)
        raise RuleError(f"unknown field {field!r} ({kind})")

    def _period(self, field: str, op: str, value: int, days: int) -> Any:
        orders = select(Order.customer_id).where(
            Order.customer_id.is_not(None), Order.status.in_(COUNTED_STATUSES),
            Order.ordered_at > self.now - timedelta(days=days), Order.ordered_at <= self.now)
        if field == "order_count":
            return _counted(orders, func.count(Order.id), op, value)
        if field == "total_spent":
            return _counted(orders, func.coalesce(func.sum(Order.amount), 0), op, value)
        having = _aov(func.sum(Order.amount), func.count(Order.id), op, value, true())
        return Customer.id.in_(orders.group_by(Order.customer_id).having(having))

    def score(self, letter: str) -> Any:
        """SQL: the R, F or M score (1‥5) of a buyer, equal figures always the same score."""
        if self._cuts is None:
            self._cuts = rfm_cuts(self.session)
        column, starts = {"r": (CustomerStats.last_order_at, self._cuts.recency),
                          "f": (CustomerStats.order_count, self._cuts.frequency),
                          "m": (CustomerStats.total_spent, self._cuts.money)}[letter]
        return rfm_score_sql(column, starts)

    def rfm_group(self, key: str) -> Any:
        for name, _, _, r_scores, f_scores in RFM_GROUPS:
            if name == key:
                return and_(CustomerStats.order_count > 0,
                            self.score("r").in_(list(r_scores)), self.score("f").in_(list(f_scores)))
        raise RuleError(f"rfm_group: unknown group {key!r}")


def _compare(column: Any, op: str, value: Any) -> Any:
    return {"gte": column >= value, "lte": column <= value, "gt": column > value, "lt": column < value,
            "eq": column == value, "ne": column != value}[op]


def _holds_at_zero(op: str, value: int) -> bool:
    return {"gte": value <= 0, "lte": value >= 0, "gt": value < 0, "lt": value > 0, "eq": value == 0,
            "ne": value != 0}[op]


def _counted(orders: Select[Any], figure: Any, op: str, value: int) -> Any:
    """Customers whose `figure` over their rows of `orders` compares; those with no rows count it as 0."""
    grouped = orders.group_by(Order.customer_id)
    if _holds_at_zero(op, value):  # "fewer than 1 order in 60 days": everyone but those with too many
        return ~Customer.id.in_(grouped.having(~_compare(figure, op, value)))
    return Customer.id.in_(grouped.having(_compare(figure, op, value)))


def _aov(spent: Any, count: Any, op: str, value: int, known: Any) -> Any:
    """spent // count compared with value (whole won, as the facts compute it), without dividing in SQL."""
    at_least = spent >= value * count
    above = spent >= (value + 1) * count
    test = {"gte": at_least, "gt": above, "lte": ~above, "lt": ~at_least,
            "eq": and_(at_least, ~above), "ne": or_(~at_least, above)}[op]
    return and_(known, test)


def _days_since(column: Any, op: str, days: int, now: datetime) -> Any:
    """(now - column).days compared with `days`; no date never satisfies."""
    at_least = column <= now - timedelta(days=days)
    above = column <= now - timedelta(days=days + 1)
    test = {"gte": at_least, "gt": above, "lte": ~above, "lt": ~at_least,
            "eq": and_(at_least, ~above), "ne": or_(~at_least, above)}[op]
    return and_(column.is_not(None), test)


def _text(column: Any, op: str, value: Any) -> Any:
    text = "" if value is None else str(value)
    if op == "eq":
        return column == text
    if op == "ne":
        return or_(column.is_(None), column != text)
    found = column.contains(text, autoescape=True)
    return found if op == "contains" else or_(column.is_(None), ~found)


def _base() -> Select[Any]:
    return select(Customer.id).outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)


def tree_query(session: Session, tree: Mapping[str, Any], now: datetime, limits: Thresholds) -> Select[Any]:
    """The ids of the customers the tree selects, one query."""
    return _base().where(_Compiler(session, now, limits).tree(check_tree(tree)))


def count_tree(session: Session, tree: Mapping[str, Any], now: datetime, limits: Thresholds) -> int:
    """How many customers the tree selects (the live count while editing)."""
    where = _Compiler(session, now, limits).tree(check_tree(tree))
    query = (select(func.count()).select_from(Customer)
             .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id).where(where))
    return int(session.scalar(query) or 0)


def rfm_group_query(session: Session, key: str, now: datetime, limits: Thresholds) -> Select[Any]:
    return _base().where(_Compiler(session, now, limits).rfm_group(key))


def rfm_group_counts(session: Session, now: datetime, limits: Thresholds) -> dict[str, int]:
    """Buyers per named RFM group, one query (every buyer is in exactly one)."""
    compiler = _Compiler(session, now, limits)
    r, f = compiler.score("r").label("r"), compiler.score("f").label("f")
    counts = dict.fromkeys(RFM_GROUP_LABELS, 0)
    cells = (select(r, f, func.count()).select_from(CustomerStats)
             .where(CustomerStats.order_count > 0).group_by(r, f))
    for rs, fs, n in session.execute(cells):
        for name, _, _, r_scores, f_scores in RFM_GROUPS:
            if int(rs) in r_scores and int(fs) in f_scores:
                counts[name] += int(n)
    return counts


# --- saved segments --------------------------------------------------------------------------------

def key_of(segment: CustomSegment) -> str:
    return f"custom:{segment.id}"


def find(session: Session, key: str) -> CustomSegment | None:
    """The saved segment behind "custom:<id>" (None when there is none)."""
    try:
        number = int(key.removeprefix("custom:"))
    except ValueError:
        return None
    return session.get(CustomSegment, number) if key.startswith("custom:") else None


def list_segments(session: Session) -> list[CustomSegment]:
    return list(session.scalars(select(CustomSegment).order_by(CustomSegment.name)))


def save_segment(session: Session, name: str, tree: Mapping[str, Any], now: datetime,
                 segment_id: int | None = None) -> CustomSegment:
    """Create (or, with segment_id, replace) a named segment; RuleError on a bad tree or a taken name."""
    name = name.strip()
    if not name:
        raise RuleError("a segment needs a name")
    checked = check_tree(tree)
    clash = session.scalar(select(CustomSegment.id).where(CustomSegment.name == name))
    if clash is not None and clash != segment_id:
        raise RuleError(f"a segment named {name!r} already exists")
    row = session.get(CustomSegment, segment_id) if segment_id is not None else None
    if row is None:
        row = CustomSegment(name=name, rules=checked, created_at=now, updated_at=now)
        session.add(row)
    else:
        row.name, row.rules, row.updated_at = name, checked, now
    session.flush()
    return row


def delete_segment(session: Session, segment_id: int) -> None:
    row = session.get(CustomSegment, segment_id)
    if row is not None:
        session.delete(row)
    session.execute(delete(SegmentMember).where(SegmentMember.scope.like(f"%|custom:{segment_id}")))


def query_for(session: Session, key: str, now: datetime, limits: Thresholds) -> Select[Any]:
    """The members of "custom:<id>" or "rfm:<group>"; a deleted segment has none (a journey that starts on it
    lets nobody in, the customers page shows nobody), an unknown RFM group is a RuleError."""
    if key.startswith("rfm:"):
        return rfm_group_query(session, key.removeprefix("rfm:"), now, limits)
    row = find(session, key)
    if row is None:
        return _base().where(false())
    return tree_query(session, row.rules, now, limits)


def entrants(session: Session, scope: str, key: str, now: datetime, limits: Thresholds,
             first: bool) -> list[int]:
    """Who is in segment `key` now and was not at `scope`'s last look (sorted); the look is remembered.

    The first look (`first`) only remembers: those already in at publish enter by the backfill if at all.
    A customer who leaves and comes back enters again."""
    name = f"{scope}|{key}"
    current: set[int] = set(session.scalars(query_for(session, key, now, limits)))
    known: set[int] = set(session.scalars(select(SegmentMember.customer_id).where(SegmentMember.scope == name)))
    entered = sorted(current - known)
    left = sorted(known - current)
    for start in range(0, len(left), 900):
        session.execute(delete(SegmentMember).where(SegmentMember.scope == name,
                                                    SegmentMember.customer_id.in_(left[start : start + 900])))
    if entered:
        session.execute(insert(SegmentMember), [{"scope": name, "customer_id": cid} for cid in entered])
    return [] if first else entered


# --- export ------------------------------------------------------------------------------------------

EXPORT_HEADER = ("id", "name", "phone", "email", "grade", "order_count", "total_spent", "last_order_at")


def export_rows(session: Session, ids_query: Select[Any]) -> Iterable[tuple[Any, ...]]:
    members = ids_query.subquery()
    query = (select(Customer.id, Customer.name, Customer.phone, Customer.email, Customer.grade,
                    func.coalesce(CustomerStats.order_count, 0), func.coalesce(CustomerStats.total_spent, 0),
                    CustomerStats.last_order_at)
             .join(members, members.c.id == Customer.id)
             .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id).order_by(Customer.id))
    yield from session.execute(query)


def export_csv(session: Session, key: str, now: datetime, limits: Thresholds, path: Path) -> int:
    """Write the segment's customers to `path` (UTF-8 with BOM for Excel, formula cells neutralised);
    returns how many. Written to a side file first, so a failure leaves no half file."""
    query = query_for(session, key, now, limits)
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_HEADER)
            for row in export_rows(session, query):
                cells = list(row)
                cells[7] = cells[7].isoformat() if isinstance(cells[7], datetime) else (cells[7] or "")
                writer.writerow([neutralise(cell) for cell in cells])
                written += 1
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return written
