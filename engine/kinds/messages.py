"""Messages: one `message.<channel>` kind per channel with a node (engine/channels/ is the list). The text
is made now (engine/messaging/compose.py); a step already past the node's lateness limit is written
skipped, or moved to its next window, at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from engine.channels import BY_NAME as CHANNEL_SPECS
from engine.channels import CHANNELS
from engine.customers.consents import RENEWAL_KEY_SUFFIX
from engine.delivery.rules import lateness_rule
from engine.kinds.effects import COUNT_DEFERRED, COUNT_QUEUED, COUNT_SKIPPED, OUT, SENT, Log, Send
from engine.kinds.spec import IN, Kind, NodeType, ParamSpec, ParamType, ko_en, lateness_params
from engine.kinds.spec import OUT as OUT_PORTS
from engine.messaging.compose import compose
from engine.messaging.variables import message_variables

VARIABLE = re.compile(r"\{\{.*?\}\}")
RECOMMENDED = re.compile(r"\brecommended\b")


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    ctx = run.ctx
    row = visit.row
    at = visit.at
    channel = node.kind.split(".", 1)[1]
    params = node.params
    variables = message_variables(visit.customer, ctx.shop, visit.data, ctx.zone)
    message = compose(channel, params, variables, ctx.shop, run.renderer, prices=ctx.prices)
    recipient = visit.customer.get(CHANNEL_SPECS[channel].address)  # compose knew the channel
    lateness = str(params.get("lateness", "skip_if_late"))
    hours = int(params.get("lateness_hours", 24) or 0)
    # A step that runs late (the PC was off) meets the node's lateness rule here, as delivery would
    # meet it moments later in this same pass: the message row is written in its final state at once.
    status, reason, due = "queued", None, at
    verdict = lateness_rule(lateness, hours, at, ctx.now, ctx.zone)
    if verdict is not None:
        reason, due = verdict
        status = "skipped" if reason == "late" else "queued"
    key = f"{row.id}:{node.id}{RENEWAL_KEY_SUFFIX}" if visit.compiled.renews_consent else f"{row.id}:{node.id}"
    send = Send({
        "idem_key": key, "enrollment_id": row.id, "journey_id": row.journey_id,
        "node_id": node.id, "customer_id": row.customer_id, "channel": channel, "is_ad": message.is_ad,
        "recipient": recipient or "", "subject": message.subject, "body": message.body, "status": status,
        "reason": reason, "not_before": due, "due_at": due, "lateness": lateness, "lateness_hours": hours,
        "cap_policy": str(params.get("cap_policy", "reschedule")), "attempts": 0,
        "cost_won": message.cost_hint, "created_at": ctx.now,
    })
    # logged at the planned time (`at`); `decided` says when this pass, running late, made the call
    if status == "skipped":
        late = ctx.now - at
        return (send, Log("skipped", "late", {"channel": channel, "late_hours": round(late.total_seconds() / 3600, 1),
                                              "decided": ctx.now.isoformat()}), COUNT_SKIPPED, OUT)
    if reason == "late_moved":
        return (send, Log("deferred", "late_moved", {"channel": channel, "until": due.isoformat(),
                                                     "decided": ctx.now.isoformat()}),
                COUNT_DEFERRED, SENT, COUNT_QUEUED, OUT)
    return (send, Log("queued", None, {"channel": channel, "kind": message.kind, "ad": message.is_ad}),
            SENT, COUNT_QUEUED, OUT)


def template_needs(params: Mapping[str, Any]) -> set[str]:
    """A text naming `recommended` needs the customer's recommended product."""
    for value in params.values():
        if isinstance(value, str) and "recommended" in value and RECOMMENDED.search(value):
            return {"recommended_product"}
    return set()


def _summary(channel_ko: str, channel_en: str) -> Callable[[Mapping[str, Any], str], str]:
    def summarize(p: Mapping[str, Any], lang: str) -> str:
        kind = ko_en(lang, "광고", "ad") if p.get("is_ad") else ko_en(lang, "정보", "info")
        body = VARIABLE.sub("○○", str(p.get("subject") or p.get("body") or "")).replace("\n", " ").strip()
        if len(body) > 18:
            body = body[:17] + "…"
        return f"[{kind}] {body}" if body else f"{ko_en(lang, channel_ko, channel_en)} ({kind})"

    return summarize


def _params(spec: Any) -> tuple[ParamSpec, ...]:
    """A message node's fields, from its channel's spec (engine/channels/)."""
    subject = (ParamSpec("subject", ParamType.TEMPLATE, "제목", "Subject", "", required=True),) if spec.subject else ()
    extra: tuple[ParamSpec, ...] = spec.node.extra_params() if spec.node.extra_params else ()
    return (
        ParamSpec("is_ad", ParamType.BOOL, "광고성 메시지", "Advertising message", spec.ad_only),  # a Brand Message: on
        *subject,
        ParamSpec("body", ParamType.TEMPLATE, "내용", "Text", "", required=True),
        *extra,
        *lateness_params(),
    )


KINDS = tuple(
    Kind(NodeType(f"message.{spec.name}", "message", spec.node.label_ko, spec.node.label_en, spec.node.icon, IN,
                  OUT_PORTS, _params(spec), spec.node.help_ko, spec.node.help_en,
                  summarize=_summary(spec.node.short_ko, spec.node.short_en)),
         step=_step, needs=template_needs)
    for spec in CHANNELS if spec.node is not None)
