"""Triggers fed by the shop's events: a sign-up, an order placed, an order's status changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.customers.stats import COUNTED_STATUSES
from engine.kinds.spec import (
    ORDER_STATUSES,
    OUT,
    Choice,
    Kind,
    NodeType,
    ParamSpec,
    ParamType,
    choice_label,
    ko_en,
)
from engine.kinds.triggers import ENTRY_RULES, EVENT_CHUNK, Occurrence, pass_through, until_now
from engine.money import won
from storage.models import Cursor, Order, OrderItem, ShopEvent

# How far back an occurrence may lie and still enter (history never messages anyone: an import of two
# years of orders after a journey is live must not thank anyone for a 2024 order).
RECENT = timedelta(hours=24)


def _recent(params: Mapping[str, Any]) -> timedelta:
    return RECENT


def _scan(event: str) -> Any:
    def scan(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> tuple[list[Occurrence], bool]:
        return from_events(session, state, event, params, ctx.now)

    return scan


def from_events(session: Session, state: Cursor, wanted: str,
                params: dict[str, Any], now: datetime) -> tuple[list[Occurrence], bool]:
    """The occurrences in the next chunk of shop events of kind `wanted` after the cursor; True when
    there may be more."""
    events = session.execute(
        select(ShopEvent.id, ShopEvent.customer_id, ShopEvent.occurred_at, ShopEvent.ref, ShopEvent.payload)
        .where(ShopEvent.id > state.last_id, ShopEvent.kind == wanted)
        .order_by(ShopEvent.id)
        .limit(EVENT_CHUNK)
    ).all()
    full = len(events) == EVENT_CHUNK
    events = until_now(events, now)
    if not events:
        return [], False
    state.last_id = events[-1].id
    occurrences: list[Occurrence] = []
    orders = orders_for(session, [e.ref for e in events if e.ref]) if wanted != "signed_up" else {}
    for event in events:
        if event.customer_id is None:
            continue
        payload = dict(event.payload or {})
        if wanted == "signed_up":
            occurrences.append(Occurrence(event.customer_id, event.occurred_at, f"signup:{event.id}"))
            continue
        order = orders.get(event.ref or "")
        if wanted == "order_status_changed":
            status = str(payload.get("status") or (order or {}).get("status") or "")
            if status != params.get("status"):
                continue
            occurrences.append(Occurrence(event.customer_id, event.occurred_at,
                                          f"status:{event.ref}:{status}", {"order": order or {}}))
            continue
        if order is None or not order_matches(session, order, event.customer_id, params):
            continue
        occurrences.append(Occurrence(event.customer_id, event.occurred_at, f"order:{event.ref}",
                                      {"order": order}))
    return occurrences, full


def orders_for(session: Session, refs: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(refs), 900):
        chunk = refs[start : start + 900]
        rows = session.execute(
            select(Order.id, Order.external_id, Order.amount, Order.status, Order.ordered_at,
                   Order.customer_id).where(Order.external_id.in_(chunk))
        ).all()
        by_id = {row.id: row for row in rows}
        items: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for order_id, name, category, quantity, amount in session.execute(
            select(OrderItem.order_id, OrderItem.product_name, OrderItem.category, OrderItem.quantity,
                   OrderItem.amount).where(OrderItem.order_id.in_(list(by_id)))
        ):
            items[order_id].append({"name": name, "category": category, "quantity": quantity,
                                    "amount": amount})
        for row in rows:
            found[row.external_id] = {
                "id": row.external_id, "amount": int(row.amount), "status": row.status,
                "ordered_at": row.ordered_at.isoformat(), "items": items.get(row.id, []), "_pk": row.id,
            }
    return found


def order_matches(session: Session, order: dict[str, Any], customer_id: int,
                   params: dict[str, Any]) -> bool:
    if order["status"] not in COUNTED_STATUSES:
        return False
    if int(order["amount"]) < int(params.get("min_amount") or 0):
        return False
    category = str(params.get("category") or "").strip()
    if category and not any(item.get("category") == category for item in order["items"]):
        return False
    which = params.get("which", "any")
    if which == "any":
        return True
    earlier = session.scalar(
        select(func.count()).select_from(Order).where(
            Order.customer_id == customer_id, Order.status.in_(COUNTED_STATUSES),
            Order.ordered_at < datetime.fromisoformat(order["ordered_at"]),
        )
    ) or 0
    position = earlier + 1
    return position == 1 if which == "first" else position == int(params.get("n") or 2)


def _sum_order(p: Mapping[str, Any], lang: str) -> str:
    which = p.get("which", "any")
    if which == "first":
        text = ko_en(lang, "첫 주문", "first order")
    elif which == "nth":
        text = ko_en(lang, f"{p.get('n', 2)}번째 주문", f"order no. {p.get('n', 2)}")
    else:
        text = ko_en(lang, "주문할 때마다", "every order")
    if p.get("min_amount"):
        text += f" ≥ {won(p['min_amount'], lang)}"
    if p.get("category"):
        text += f" ({p['category']})"
    return text


SIGNED_UP = Kind(
    NodeType("trigger.signed_up", "trigger", "회원 가입", "Signed up", "user-plus", (), OUT,
             (ENTRY_RULES,), "새 회원이 가입하면 시작합니다.", "Starts when someone signs up.",
             summarize=lambda p, lang: ko_en(lang, "가입하면 시작", "on sign-up")),
    resume=pass_through, scan=_scan("signed_up"), event="signed_up", lookback=_recent)

ORDER_PLACED = Kind(
    NodeType("trigger.order_placed", "trigger", "주문", "Order placed", "shopping-bag", (), OUT, (
        ParamSpec("which", ParamType.CHOICE, "어떤 주문", "Which order", "any", choices=(
            Choice("any", "모든 주문", "every order"), Choice("first", "첫 주문", "first order"),
            Choice("nth", "N번째 주문", "n-th order"))),
        ParamSpec("n", ParamType.INT, "몇 번째", "Order number", 2, minimum=2, maximum=1000,
                  visible_if=("which", ("nth",))),
        ParamSpec("min_amount", ParamType.WON, "최소 주문 금액", "Minimum amount", 0, minimum=0),
        ParamSpec("category", ParamType.CATEGORY, "카테고리", "Category", ""),
        ENTRY_RULES,
    ), "주문이 들어오면 시작합니다.", "Starts when an order comes in.", summarize=_sum_order),
    resume=pass_through, provides=("order",), scan=_scan("order_placed"), event="order_placed", lookback=_recent)

ORDER_STATUS = Kind(
    NodeType("trigger.order_status", "trigger", "주문 상태 변경", "Order status changed", "truck", (), OUT, (
        ParamSpec("status", ParamType.CHOICE, "바뀐 상태", "New status", "delivered", required=True,
                  choices=ORDER_STATUSES),
        ENTRY_RULES,
    ), "주문이 배송 완료 등으로 바뀌면 시작합니다.", "Starts when an order changes status.",
        summarize=lambda p, lang: choice_label(ORDER_STATUSES, p.get("status"), lang)),
    resume=pass_through, provides=("order",), scan=_scan("order_status_changed"), event="order_status_changed",
    lookback=_recent)

KINDS = (SIGNED_UP, ORDER_PLACED, ORDER_STATUS)
