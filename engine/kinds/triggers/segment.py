"""trigger.segment_entered: a customer crosses into a lifecycle segment (or becomes a VIP)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.customers.custom_segments import entrants as custom_entrants
from engine.kinds.spec import OUT, SEGMENTS, Kind, NodeType, ParamSpec, ParamType, choice_label, ko_en
from engine.kinds.triggers import ENTRY_CHUNK, ENTRY_RULES, Occurrence, pass_through
from engine.runtime.facts import load_facts
from storage.models import Cursor, Customer, CustomerStats

SEGMENT_RESCAN = timedelta(hours=1)  # the VIP scan looks again at most hourly


def _summary(p: Mapping[str, Any], lang: str) -> str:
    segment = str(p.get("segment") or "")
    if segment.startswith("custom:"):  # a saved custom segment (its name is in the database, not here)
        return ko_en(lang, "세그먼트 진입: 내 세그먼트 #", "enters: custom segment #") + segment.removeprefix("custom:")
    return ko_en(lang, "세그먼트 진입: ", "enters: ") + choice_label(SEGMENTS, p.get("segment"), lang)


def _scan(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> tuple[list[Occurrence], bool]:
    return list(segment_entries(session, state, params, ctx)), False


def segment_entries(session: Session, state: Cursor, params: dict[str, Any],
                     ctx: Any) -> Iterator[Occurrence]:
    segment = params.get("segment", "at_risk")
    since = state.last_at or ctx.now
    if str(segment).startswith("custom:"):  # who is in it now and was not at the last look (hourly)
        if state.last_date is not None and state.last_at and ctx.now - state.last_at < SEGMENT_RESCAN:
            return
        first, state.last_at, state.last_date = state.last_date is None, ctx.now, ctx.now.astimezone(ctx.zone).date()
        for customer_id in custom_entrants(session, state.name, str(segment), ctx.now, ctx.limits, first):
            yield Occurrence(customer_id, ctx.now, f"{segment}:{ctx.now.strftime('%Y%m%d%H%M%S')}")
        return
    if segment in {"at_risk", "lapsed"}:
        days = ctx.limits.at_risk_days if segment == "at_risk" else ctx.limits.lapsed_days
        start, end = since - timedelta(days=days), ctx.now - timedelta(days=days)
        rows = session.execute(
            select(CustomerStats.customer_id, CustomerStats.last_order_at)
            .where(CustomerStats.order_count > 0, CustomerStats.last_order_at > start,
                   CustomerStats.last_order_at <= end)
        ).all()
        state.last_at = ctx.now
        for customer_id, last in rows:
            crossed = last + timedelta(days=days)
            yield Occurrence(customer_id, crossed, f"{segment}:{last.strftime('%Y%m%d%H%M%S')}")
        return
    if segment == "new":
        rows = session.execute(
            select(Customer.id, Customer.signed_up_at)
            .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
            .where(Customer.signed_up_at > since, Customer.signed_up_at <= ctx.now,
                   func.coalesce(CustomerStats.order_count, 0) == 0)
        ).all()
        state.last_at = ctx.now
        for customer_id, signed in rows:
            yield Occurrence(customer_id, signed, "new")
        return
    if segment == "active":
        rows = session.execute(
            select(CustomerStats.customer_id, CustomerStats.last_order_at)
            .where(CustomerStats.last_order_at > since, CustomerStats.last_order_at <= ctx.now)
        ).all()
        state.last_at = ctx.now
        for customer_id, last in rows:
            yield Occurrence(customer_id, last, f"active:{last.strftime('%Y%m%d%H%M%S')}")
        return
    if segment == "vip":
        if state.last_date is not None and state.last_at and ctx.now - state.last_at < SEGMENT_RESCAN:
            return
        buyers = list(session.scalars(select(CustomerStats.customer_id).where(CustomerStats.order_count > 0)))
        state.last_at = ctx.now
        state.last_date = ctx.now.astimezone(ctx.zone).date()
        for start in range(0, len(buyers), ENTRY_CHUNK):
            facts = load_facts(session, buyers[start : start + ENTRY_CHUNK], ctx.now, ctx.limits, {"is_vip"})
            for customer_id, entry in facts.items():
                if entry.get("is_vip"):
                    yield Occurrence(customer_id, ctx.now, "vip")


SEGMENT_ENTERED = Kind(
    NodeType("trigger.segment_entered", "trigger", "세그먼트 진입", "Enters a segment", "users", (), OUT, (
        ParamSpec("segment", ParamType.SEGMENT, "세그먼트", "Segment", "at_risk", required=True,
                  choices=SEGMENTS),
        ENTRY_RULES,
    ), "고객이 이탈 위험·휴면·VIP 등이 되면 시작합니다.", "Starts when a customer enters a segment.",
        summarize=_summary),
    resume=pass_through, scan=_scan)

KINDS = (SEGMENT_ENTERED,)
