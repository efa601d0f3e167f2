"""trigger.coupon_expiring: a coupon a journey gave is about to expire unused (the coupon-expiry reminder).

Each shop day at `time`, the customers holding an issued, unredeemed coupon that expires `days_before` days
later (shop calendar) enter, once per coupon; the messages after it may use `{{ coupon.* }}` (that coupon)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.kinds.spec import OUT, Kind, NodeType, ParamSpec, ParamType, ko_en
from engine.kinds.triggers import ENTRY_RULES, Occurrence, pass_through
from engine.runtime.waits import parse_hhmm
from storage.models import Coupon, Cursor


def _summary(p: Mapping[str, Any], lang: str) -> str:
    days = int(p.get("days_before") or 0)
    return ko_en(lang, f"쿠폰 만료 {days}일 전 {p.get('time') or '10:00'}",
                 f"{days} days before a coupon expires, {p.get('time') or '10:00'}")


def _scan(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> tuple[list[Occurrence], bool]:
    return list(expiring(session, state, params, ctx)), False


def expiring(session: Session, state: Cursor, params: dict[str, Any], ctx: Any) -> Iterator[Occurrence]:
    fire = parse_hhmm(params.get("time"))
    before = int(params.get("days_before") or 0)
    local_now = ctx.now.astimezone(ctx.zone)
    last_day = local_now.date() if local_now.time() >= fire else local_now.date() - timedelta(days=1)
    first_day = last_day if state.last_date is None else state.last_date + timedelta(days=1)
    state.last_date = max(state.last_date or last_day, last_day)
    day = first_day
    while day <= last_day:
        at = datetime.combine(day, fire, tzinfo=ctx.zone).astimezone(UTC)
        target = day + timedelta(days=before)
        start = datetime.combine(target, time(0), tzinfo=ctx.zone).astimezone(UTC)
        rows = session.execute(
            select(Coupon.id, Coupon.customer_id, Coupon.code, Coupon.discount_type, Coupon.amount, Coupon.expires_at)
            .where(Coupon.status == "issued", Coupon.redeemed_at.is_(None), Coupon.expires_at >= start,
                   Coupon.expires_at < start + timedelta(days=1), Coupon.expires_at > at)
            .order_by(Coupon.id)).all()
        for coupon_id, customer_id, code, kind, amount, expires in rows:
            yield Occurrence(customer_id, at, f"coupon:{coupon_id}", {"coupon": {
                "code": code, "discount_type": kind, "amount": amount,
                "expires_at": expires.isoformat() if expires else ""}})
        day += timedelta(days=1)


COUPON_EXPIRING = Kind(
    NodeType("trigger.coupon_expiring", "trigger", "쿠폰 만료 전", "Coupon about to expire", "ticket", (), OUT, (
        ParamSpec("days_before", ParamType.INT, "만료 며칠 전", "Days before it expires", 3, minimum=0, maximum=60),
        ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
        ENTRY_RULES,
    ), "여정이 준 쿠폰을 아직 쓰지 않은 고객이, 쿠폰이 끝나기 며칠 전에 시작합니다.",
        "Starts some days before a coupon a journey gave expires, for customers who have not used it.",
        summarize=_summary),
    resume=pass_through, provides=("coupon",), scan=_scan)

KINDS = (COUPON_EXPIRING,)
