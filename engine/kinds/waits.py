"""Waits: the customer parks on the node until its wake time (engine/runtime/waits.py computes it in
shop time); `wait.event` branches on whether the awaited event happened first (engine/runtime/events.py
wakes them early; a step that catches up after downtime looks the event up itself)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.kinds.effects import Go, Log, Park
from engine.kinds.spec import (
    EVENTS,
    IN,
    OUT,
    WEEKDAY_EN,
    WEEKDAY_KO,
    Kind,
    NodeType,
    ParamSpec,
    ParamType,
    PortSpec,
    choice_label,
    duration_text,
    ko_en,
)
from engine.runtime.waits import wake_time
from storage.models import ShopEvent

# the shop events that count as each awaited event
EVENT_KINDS = {
    "order_placed": ("order_placed",),
    "order_status_changed": ("order_status_changed",),
    "cart_updated": ("cart_updated",),
    "signed_up": ("signed_up",),
}
_CAUGHT_UP = {"caught_up": True}


def _resume(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    """A parked customer woke (its time came): on through "out"."""
    data = visit.data
    data.pop("wait_since", None)
    data.pop("waiting_for", None)
    return _OUT


_OUT = (Go("out"),)


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    wake = wake_time(node.kind, node.params, visit.at, run.ctx.zone)
    if wake > run.ctx.now:
        return (Park(wake),)
    return (Log("resumed", None, dict(_CAUGHT_UP), wake), Go("out", wake))  # caught up after downtime


def _resume_event(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    """Woken by the event (engine/runtime/events.py set `resume_port`) or by the time limit."""
    data = visit.data
    port = str(data.pop("resume_port", "timeout"))
    data.pop("wait_since", None)
    data.pop("waiting_for", None)
    # which way it went; a plain wait's end is already told by its "waits until …" row and what follows
    return (Log("resumed", port), Go(port))


def _step_event(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    ctx = run.ctx
    at = visit.at
    event = str(node.params.get("event"))
    wake = wake_time(node.kind, node.params, at, ctx.zone)
    if wake > ctx.now:
        visit.data["wait_since"] = at.isoformat()
        visit.data["waiting_for"] = event
        return (Park(wake),)
    happened = event_between(run.session, visit.row.customer_id, event, at, min(wake, ctx.now))
    port = "event" if happened else "timeout"
    at = happened or wake
    return (Log("resumed", port, dict(_CAUGHT_UP), at), Go(port, at))


def event_between(session: Any, customer_id: int, kind: str, start: datetime, end: datetime) -> datetime | None:
    """When the awaited event first happened in [start, end], for catching up after downtime."""
    kinds = EVENT_KINDS.get(kind, (kind,))
    found: datetime | None = session.scalar(
        select(ShopEvent.occurred_at)
        .where(ShopEvent.customer_id == customer_id, ShopEvent.kind.in_(kinds),
               ShopEvent.occurred_at >= start, ShopEvent.occurred_at <= end)
        .order_by(ShopEvent.occurred_at)
        .limit(1)
    )
    return found


def _sum_until_time(p: Mapping[str, Any], lang: str) -> str:
    days = p.get("weekdays") or []
    names = WEEKDAY_KO if lang == "ko" else WEEKDAY_EN
    prefix = ",".join(names[int(d)] for d in days if 0 <= int(d) < 7)
    at = p.get("time") or "10:00"
    return (f"{prefix} " if prefix else "") + ko_en(lang, f"{at}까지 대기", f"wait until {at}")


def _sum_wait_event(p: Mapping[str, Any], lang: str) -> str:
    event = choice_label(EVENTS, p.get("event"), lang)
    return ko_en(lang, f"{duration_text(p.get('timeout'), lang)} 안에 {event}?",
                 f"{event} within {duration_text(p.get('timeout'), lang)}?")


DURATION = Kind(NodeType("wait.duration", "wait", "기다리기", "Wait", "clock", IN, OUT, (
    ParamSpec("duration", ParamType.DURATION, "기간", "How long", 60 * 24, required=True, minimum=1,
              maximum=60 * 24 * 365),
), "정한 시간만큼 기다립니다.", "Waits for a while.",
    summarize=lambda p, lang: ko_en(lang, f"{duration_text(p.get('duration'), lang)} 대기",
                                    f"wait {duration_text(p.get('duration'), lang)}")),
    step=_step, resume=_resume)

UNTIL_TIME = Kind(NodeType("wait.until_time", "wait", "시각까지 기다리기", "Wait until a time", "alarm", IN, OUT, (
    ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00", required=True),
    ParamSpec("weekdays", ParamType.WEEKDAYS, "요일 (비우면 매일)", "Weekdays (empty: any)", []),
), "다음 정한 시각(과 요일)까지 기다립니다.", "Waits until a time of day (and weekday).",
    summarize=_sum_until_time), step=_step, resume=_resume)

UNTIL_DATE = Kind(NodeType("wait.until_date", "wait", "날짜까지 기다리기", "Wait until a date", "calendar-check", IN,
                           OUT, (
    ParamSpec("date", ParamType.DATE, "날짜", "Date", "", required=True),
    ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
), "정한 날짜까지 기다립니다.", "Waits until a date.",
    summarize=lambda p, lang: ko_en(lang, f"{p.get('date') or '?'}까지", f"until {p.get('date') or '?'}")),
    step=_step, resume=_resume)

BUSINESS_DAYS = Kind(NodeType("wait.business_days", "wait", "영업일 기다리기", "Wait business days", "briefcase", IN,
                              OUT, (
    ParamSpec("days", ParamType.INT, "영업일 수", "Business days", 2, required=True, minimum=1, maximum=60),
    ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
), "주말과 공휴일을 빼고 기다립니다.", "Waits N business days (weekends and Korean holidays skipped).",
    summarize=lambda p, lang: ko_en(lang, f"영업일 {p.get('days', 2)}일 대기",
                                    f"wait {p.get('days', 2)} business days")),
    step=_step, resume=_resume)

EVENT = Kind(NodeType("wait.event", "wait", "행동 기다리기", "Wait for an event", "hourglass", IN, (
    PortSpec("event", "했음", "happened"), PortSpec("timeout", "시간 초과", "timed out"),
), (
    ParamSpec("event", ParamType.CHOICE, "기다릴 행동", "Event", "order_placed", required=True, choices=EVENTS),
    ParamSpec("timeout", ParamType.DURATION, "최대 대기", "Time limit", 60 * 24 * 3, required=True,
              minimum=1, maximum=60 * 24 * 365),
), "정한 시간 안에 고객이 행동했는지에 따라 나뉩니다.", "Branches on whether the event happens in time.",
    summarize=_sum_wait_event),
    step=_step_event, resume=_resume_event)

KINDS = (DURATION, UNTIL_TIME, UNTIL_DATE, BUSINESS_DAYS, EVENT)
