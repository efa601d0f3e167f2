"""trigger.tier_changed: a customer's membership tier went up or down (engine/customers/tiers.py records
each change once as a shop event `tier_changed`; this trigger reads them from its cursor)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.customers.tiers import TIER_EVENT
from engine.kinds.spec import OUT, Choice, Kind, NodeType, ParamSpec, ParamType, choice_label, ko_en
from engine.kinds.triggers import ENTRY_RULES, EVENT_CHUNK, Occurrence, pass_through, until_now
from engine.kinds.triggers.shop_events import RECENT
from engine.messaging.render import josa
from storage.models import Cursor, ShopEvent

DIRECTIONS = (Choice("up", "올라가면", "goes up"), Choice("down", "내려가면", "goes down"),
              Choice("any", "바뀌면", "changes"))


def _scan(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> tuple[list[Occurrence], bool]:
    events: list[Any] = list(session.execute(
        select(ShopEvent.id, ShopEvent.customer_id, ShopEvent.occurred_at, ShopEvent.payload)
        .where(ShopEvent.id > state.last_id, ShopEvent.kind == TIER_EVENT)
        .order_by(ShopEvent.id)
        .limit(EVENT_CHUNK)
    ).all())
    full = len(events) == EVENT_CHUNK
    events = until_now(events, ctx.now)
    if not events:
        return [], False
    state.last_id = events[-1].id
    wanted_direction = str(params.get("direction") or "up")
    wanted_tier = str(params.get("tier") or "").strip()
    found: list[Occurrence] = []
    for event in events:
        payload = dict(event.payload or {})
        if event.customer_id is None:
            continue
        if wanted_direction != "any" and payload.get("direction") != wanted_direction:
            continue
        new = str(payload.get("to") or "")
        if wanted_tier and new != wanted_tier:
            continue
        found.append(Occurrence(event.customer_id, event.occurred_at, f"tier:{event.id}", {"tier": {
            "name": new, "previous": str(payload.get("from") or ""), "direction": payload.get("direction", "")}}))
    return found, full


def _summary(p: Mapping[str, Any], lang: str) -> str:
    text = ko_en(lang, "멤버십 등급이 ", "tier ") + choice_label(DIRECTIONS, p.get("direction", "up"), lang)
    if p.get("tier"):
        text += f" ({p['tier']})" if lang == "en" else f" ({josa(p['tier'], '으로/로')})"
    return text


TIER_CHANGED = Kind(
    NodeType("trigger.tier_changed", "trigger", "멤버십 등급 변경", "Membership tier changed", "award", (), OUT, (
        ParamSpec("direction", ParamType.CHOICE, "등급이", "When the tier", "up", choices=DIRECTIONS),
        ParamSpec("tier", ParamType.TEXT, "바뀐 등급 (비우면 모든 등급)", "New tier (empty: any)", ""),
        ENTRY_RULES,
    ), "고객의 멤버십 등급이 오르거나 내리면 시작합니다. 등급은 설정의 '멤버십 등급'에서 정합니다.",
        "Starts when a customer's membership tier goes up or down (tiers are set in Settings).",
        summarize=_summary),
    resume=pass_through, provides=("tier",), scan=_scan, event=TIER_EVENT, lookback=lambda p: RECENT)

KINDS = (TIER_CHANGED,)
