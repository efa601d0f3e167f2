"""The owner's decision on messages held for review (a send in doubt after a crash, no channel…)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.runtime.writes import fast_insert
from storage.models import OutboxMessage, StepLog


def _held(session: Session, ids: Iterable[int]) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(list(ids)),
                                                            OutboxMessage.status == "held")))


def _log(rows: list[OutboxMessage], now: datetime, event: str, reason: str) -> list[dict[str, object]]:
    return [{"at": now, "customer_id": r.customer_id, "journey_id": r.journey_id, "version_id": None,
             "enrollment_id": r.enrollment_id, "node_id": r.node_id, "event": event, "reason": reason,
             "detail": {"channel": r.channel}} for r in rows]


def release_held(session: Session, ids: Iterable[int], now: datetime) -> int:
    """Send these held messages after all (at the next pass, late or not: the owner decided). A message
    waiting for its coupon code is not among them: it would carry the placeholder (engine/coupons.py)."""
    rows = [row for row in _held(session, ids) if not (row.reason or "").startswith("coupon_")]
    if rows:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows])).values(
            status="queued", reason="released", not_before=now, due_at=now, lateness="send_late",
            lease_until=None, claimed_by=None))
        fast_insert(session, StepLog, _log(rows, now, "released", "released"))
    return len(rows)


def drop_held(session: Session, ids: Iterable[int], now: datetime) -> int:
    """Never send these held messages."""
    rows = _held(session, ids)
    if rows:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows])).values(
            status="cancelled", reason="dropped_by_owner", lease_until=None, claimed_by=None))
        fast_insert(session, StepLog, _log(rows, now, "cancelled", "dropped_by_owner"))
    return len(rows)
