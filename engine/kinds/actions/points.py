"""action.give_points: points (적립금) for the customer; `{{ points.amount }}` in the messages after it.

The points stay the shop's: the step only records the grant (`point_grants`, one per enrollment and node,
so a retried batch records no second one). The runner gives it afterwards, outside the batch's transaction
(engine/customers/points.give_due): through the Cafe24 Admin API when the shop is connected to Cafe24 and the
customer is a Cafe24 member, otherwise onto the owner's list "적립금 수동 지급 목록" to give by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.kinds.effects import COUNT_ACTION, OUT, GrantPoints, Log
from engine.kinds.spec import IN, Kind, NodeType, ParamSpec, ParamType, ko_en
from engine.kinds.spec import OUT as OUT_PORTS

DEFAULT_REASON = "단골여정 적립금"


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    row = visit.row
    amount = int(node.params.get("amount") or 0)
    reason = str(node.params.get("reason") or DEFAULT_REASON).strip()[:200] or DEFAULT_REASON
    visit.data["points"] = {"amount": amount}
    return (GrantPoints({
        "customer_id": row.customer_id, "journey_id": row.journey_id, "node_id": node.id, "amount": amount,
        "reason": reason, "status": "pending", "attempts": 0, "next_try_at": visit.at, "error": None,
        "created_at": visit.at, "done_at": None,
    }), Log("action", "points_granted", {"amount": amount}), COUNT_ACTION, OUT)


def _summary(p: Mapping[str, Any], lang: str) -> str:
    amount = int(p.get("amount") or 0)
    return ko_en(lang, f"적립금 {amount:,}원", f"{amount:,} points")


GIVE_POINTS = Kind(NodeType("action.give_points", "action", "적립금 지급", "Give points", "gift", IN, OUT_PORTS, (
    ParamSpec("amount", ParamType.WON, "적립금", "Points (won)", 1000, required=True, minimum=1, maximum=1_000_000),
    ParamSpec("reason", ParamType.TEXT, "지급 사유", "Reason", DEFAULT_REASON),
), "고객에게 적립금을 줍니다. 카페24에 연결되어 있으면 자동으로, 아니면 '적립금 수동 지급 목록'에 올라 직접 지급합니다.",
    "Gives the customer points: automatically on Cafe24, otherwise listed for you to give by hand.",
    summarize=_summary),
    step=_step, provides=("points",),
    reasons={"points_granted": ("적립금 {amount}원 지급 요청", "{amount} points requested")})

KINDS = (GIVE_POINTS,)
