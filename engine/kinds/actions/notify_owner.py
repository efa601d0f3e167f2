"""action.notify_owner: a note to the shop owner (the `owner` channel, to `shop.email`); its text is a
template too ("{{ customer.name }} 후기 요청 보냄")."""

from __future__ import annotations

from typing import Any

from engine.kinds.effects import COUNT_ACTION, OUT, Log, Send
from engine.kinds.messages import template_needs
from engine.kinds.spec import IN, Kind, NodeType, ParamSpec, ParamType, ko_en
from engine.kinds.spec import OUT as OUT_PORTS
from engine.messaging.variables import message_variables

_LOG = Log("action", "owner_notified")


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    ctx = run.ctx
    row = visit.row
    at = visit.at
    text = run.renderer.render(str(node.params.get("text") or ""),
                               message_variables(visit.customer, ctx.shop, visit.data, ctx.zone))
    return (Send({
        "idem_key": f"{row.id}:{node.id}", "enrollment_id": row.id, "journey_id": row.journey_id,
        "node_id": node.id, "customer_id": row.customer_id, "channel": "owner", "is_ad": False,
        "recipient": ctx.shop.email, "subject": "단골여정 알림", "body": text, "status": "queued",
        "not_before": at, "due_at": at, "lateness": "send_late", "lateness_hours": 0,
        "cap_policy": "reschedule", "attempts": 0, "cost_won": 0, "created_at": ctx.now,
    }), _LOG, COUNT_ACTION, OUT)


NOTIFY_OWNER = Kind(NodeType("action.notify_owner", "action", "나에게 알림", "Notify me", "bell", IN, OUT_PORTS, (
    ParamSpec("text", ParamType.TEMPLATE, "알림 내용", "Text", "", required=True),
), "가게 주인에게 알림을 보냅니다.", "Sends the shop owner a note.",
    summarize=lambda p, lang: (str(p.get("text") or "")[:18] or ko_en(lang, "알림", "notify"))),
    step=_step, needs=template_needs, reasons={"owner_notified": ("가게 주인에게 알림", "you were notified")})

KINDS = (NOTIFY_OWNER,)
