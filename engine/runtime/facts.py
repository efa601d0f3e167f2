"""What the engine knows about a batch of customers, loaded in a few set-based queries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from engine.customers.recommend import cached, recommended_products
from engine.customers.segments import Thresholds, lifecycle, rfm_cuts, vip_ids
from engine.customers.stats import COUNTED_STATUSES
from engine.runtime.writes import parse_utc, raw_rows
from storage.models import Consent, Customer, CustomerStats, CustomerTag, CustomerTier, Order, OrderItem

__all__ = ["COUNTED_STATUSES", "Thresholds", "consents", "lifecycle", "load_facts"]


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _decoded(value: Any, empty: type[dict[str, Any]] | type[list[Any]]) -> Any:
    """A JSON column read as text: '{}' and '[]' (most rows) cost nothing; anything else is decoded."""
    if not value or value in ("{}", "[]"):
        return empty()
    decoded = json.loads(value) if isinstance(value, str) else value
    return empty(decoded) if isinstance(decoded, empty) else empty()


def load_facts(
    session: Session,
    customer_ids: Collection[int],
    now: datetime,
    limits: Thresholds,
    needs: Collection[str] = (),
) -> dict[int, dict[str, Any]]:
    """Facts per customer id: profile, stats, consent, lifecycle; costly ones only when `needs` names them."""
    ids = sorted(set(customer_ids))
    facts: dict[int, dict[str, Any]] = {}
    if session.get_bind().dialect.name == "sqlite":
        _profiles_raw(session, ids, now, limits, facts)
    else:
        _profiles(session, ids, now, limits, facts)
    for customer_id, granted in consents(session, ids).items():
        entry = facts.get(customer_id)
        if entry is not None:
            for channel, given in granted.items():
                entry[f"consent_{channel}"] = given
    needs = set(needs)
    if "has_tag" in needs:
        _load_tags(session, facts)
    if needs & {"bought_product", "bought_category"}:
        _load_purchases(session, facts)
    if "is_vip" in needs:
        _load_vip(session, facts, now, limits)
    if "rfm_score" in needs:
        cuts = cached(session, "rfm_cuts", rfm_cuts)  # computed again only when the shop data changes
        for entry in facts.values():
            entry["rfm_score"] = cuts.score(entry["last_order_at"], entry["order_count"], entry["total_spent"])
    if "recommended_product" in needs:
        for customer_id, product in recommended_products(session, facts).items():
            facts[customer_id]["recommended_product"] = product
    if "in_segment" in needs:
        _load_segments(session, facts, now, limits)
    return facts


def _load_segments(session: Session, facts: dict[int, dict[str, Any]], now: datetime, limits: Thresholds) -> None:
    """`in_segment`: the keys ("custom:<id>") of the saved custom segments each customer is in now."""
    from engine.customers.custom_segments import key_of, list_segments, tree_query

    for entry in facts.values():
        entry["in_segment"] = set()
    ids = list(facts)
    for segment in list_segments(session):
        query = tree_query(session, segment.rules, now, limits)
        for chunk in _chunks(ids):
            for customer_id in session.scalars(query.where(Customer.id.in_(chunk))):
                facts[customer_id]["in_segment"].add(key_of(segment))


def _profile(row: tuple[Any, ...], now: datetime, limits: Thresholds) -> dict[str, Any]:
    """A customer's facts from (id, name, email, phone, attributes, birthday, signed up, grade, order count,
    total spent, last order, first order, tier), instants and dates already parsed."""
    (customer_id, name, email, phone, attributes, birthday, signed_up_at, grade, count, spent, last, first,
     tier) = row
    count = int(count or 0)
    spent = int(spent or 0)
    return {
        "id": customer_id,
        "name": name or "",
        "email": email or "",
        "phone": phone or "",
        "attributes": _decoded(attributes, dict),
        "birthday": birthday,
        "signed_up_at": signed_up_at,
        "grade": grade,
        "tier": tier or "",  # our membership tier (engine/customers/tiers.py); "" without one
        "order_count": count,
        "total_spent": spent,
        "aov": spent // count if count else 0,
        "last_order_at": last,
        "first_order_at": first,
        "days_since_last_order": (now - last).days if last else None,
        "lifecycle": lifecycle(count, last, now, limits),
        "consent_email": False,
        "consent_sms": False,
        "consent_kakao": False,
        "consent_night": False,
    }


def _profiles_raw(session: Session, ids: list[int], now: datetime, limits: Thresholds,
                  facts: dict[int, dict[str, Any]]) -> None:
    """SQLite: plain tuples from the driver, each stored instant parsed once (a batch is hundreds of rows)."""
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for row in raw_rows(
            session,
            "SELECT c.id, c.name, c.email, c.phone, c.attributes, c.birthday, c.signed_up_at, c.grade,"
            " s.order_count, s.total_spent, s.last_order_at, s.first_order_at, t.tier"
            " FROM customers AS c LEFT JOIN customer_stats AS s ON s.customer_id = c.id"
            f" LEFT JOIN customer_tiers AS t ON t.customer_id = c.id WHERE c.id IN ({marks})",
            chunk,
        ):
            birthday = date.fromisoformat(row[5]) if row[5] else None
            facts[row[0]] = _profile((*row[:5], birthday, parse_utc(row[6]), row[7], row[8], row[9],
                                      parse_utc(row[10]), parse_utc(row[11]), row[12]), now, limits)


def _profiles(session: Session, ids: list[int], now: datetime, limits: Thresholds,
              facts: dict[int, dict[str, Any]]) -> None:
    connection = session.connection()  # Core results: no ORM bookkeeping for plain columns
    for chunk in _chunks(ids):
        rows = connection.execute(
            select(
                Customer.id, Customer.name, Customer.email, Customer.phone,
                type_coerce(Customer.attributes, Text).label("attributes"),  # decoded below, '{}' for free
                Customer.birthday, Customer.signed_up_at, Customer.grade,
                CustomerStats.order_count, CustomerStats.total_spent, CustomerStats.last_order_at,
                CustomerStats.first_order_at, CustomerTier.tier,
            )
            .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
            .outerjoin(CustomerTier, CustomerTier.customer_id == Customer.id)
            .where(Customer.id.in_(chunk))
        ).all()
        for row in rows:
            facts[row.id] = _profile(tuple(row), now, limits)


def consents(session: Session, customers: list[int]) -> dict[int, dict[str, bool]]:
    """Each customer's consent per channel (sms, email, kakao, night) as recorded now."""
    found: dict[int, dict[str, bool]] = {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    for chunk in _chunks(customers):
        rows = raw_rows(session, "SELECT customer_id, channel, granted FROM consents WHERE customer_id IN"
                        f" ({', '.join('?' * len(chunk))})", chunk) if sqlite else session.execute(
            select(Consent.customer_id, Consent.channel, Consent.granted).where(Consent.customer_id.in_(chunk)))
        for customer_id, channel, granted in rows:
            found.setdefault(customer_id, {})[channel] = bool(granted)
    return found


def _load_tags(session: Session, facts: dict[int, dict[str, Any]]) -> None:
    tags: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(facts)):
        for customer_id, tag in session.execute(
            select(CustomerTag.customer_id, CustomerTag.tag).where(CustomerTag.customer_id.in_(chunk))
        ):
            tags[customer_id].add(tag)
    for customer_id, entry in facts.items():
        entry["has_tag"] = tags.get(customer_id, set())


def _load_purchases(session: Session, facts: dict[int, dict[str, Any]]) -> None:
    products: dict[int, set[str]] = defaultdict(set)
    categories: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(facts)):
        query = (
            select(Order.customer_id, OrderItem.product_id, OrderItem.product_name, OrderItem.category)
            .join(OrderItem, OrderItem.order_id == Order.id)
            .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES))
        )
        for customer_id, product_id, product_name, category in session.execute(query):
            if product_id is not None:
                products[customer_id].add(str(product_id))
            products[customer_id].add(product_name)
            if category:
                categories[customer_id].add(category)
    for customer_id, entry in facts.items():
        entry["bought_product"] = products.get(customer_id, set())
        entry["bought_category"] = categories.get(customer_id, set())


def _load_vip(session: Session, facts: dict[int, dict[str, Any]], now: datetime, limits: Thresholds) -> None:
    vips = vip_ids(session, now, limits, sorted(facts))
    for customer_id, entry in facts.items():
        entry["is_vip"] = customer_id in vips
