"""trigger.cart_abandoned: a cart left `hours` without an order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.kinds.spec import OUT, Kind, NodeType, ParamSpec, ParamType, ko_en
from engine.kinds.triggers import ENTRY_RULES, Occurrence, pass_through
from storage.models import Cart, Cursor, Order

LOOKBACK_EXTRA = timedelta(hours=1)  # a cart may enter up to an hour after its `hours` have passed


def _lookback(params: Mapping[str, Any]) -> timedelta:
    """Counted from the moment the cart occurs (its last update + `hours`): the extra hour."""
    return LOOKBACK_EXTRA


def _scan(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> tuple[list[Occurrence], bool]:
    occurrences = list(abandoned_carts(session, state, params, ctx.now))
    state.last_at = ctx.now
    return occurrences, False


def abandoned_carts(session: Session, state: Cursor, params: dict[str, Any],
                     now: datetime) -> Iterator[Occurrence]:
    hours = timedelta(hours=int(params.get("hours") or 3))
    since = state.last_at or now
    later_order = (
        select(Order.id)
        .where(Order.customer_id == Cart.customer_id, Order.ordered_at > Cart.updated_at)
        .exists()
    )
    rows = session.execute(
        select(Cart.id, Cart.customer_id, Cart.updated_at, Cart.amount, Cart.items, Cart.external_id)
        .where(Cart.ordered_at.is_(None), Cart.customer_id.is_not(None),
               Cart.updated_at > since - hours, Cart.updated_at <= now - hours,
               Cart.amount >= int(params.get("min_amount") or 0), ~later_order)
        .order_by(Cart.updated_at)
    ).all()
    for row in rows:
        if not row.items:
            continue
        stamp = row.updated_at.strftime("%Y%m%d%H%M%S")
        yield Occurrence(row.customer_id, row.updated_at + hours, f"cart:{row.id}:{stamp}",
                         {"cart": {"id": row.external_id, "amount": int(row.amount), "items": list(row.items)}})


CART_ABANDONED = Kind(
    NodeType("trigger.cart_abandoned", "trigger", "장바구니 이탈", "Cart abandoned", "cart", (), OUT, (
        ParamSpec("hours", ParamType.INT, "주문 없이 지난 시간", "Hours without an order", 3, required=True,
                  minimum=1, maximum=24 * 14),
        ParamSpec("min_amount", ParamType.WON, "최소 장바구니 금액", "Minimum cart value", 0, minimum=0),
        ENTRY_RULES,
    ), "장바구니에 담고 주문하지 않으면 시작합니다.", "Starts when a cart is left without an order.",
        summarize=lambda p, lang: ko_en(lang, f"{p.get('hours', 3)}시간 주문 없음",
                                        f"no order for {p.get('hours', 3)} h")),
    resume=pass_through, provides=("cart",), scan=_scan, lookback=_lookback)

KINDS = (CART_ABANDONED,)
