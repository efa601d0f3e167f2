"""Messages the lateness rule skipped (the PC was off past a node's limit): list them, send the still-useful
ones after all, or say they were seen.

The rule itself stays (`rules.lateness_rule`): a skipped row keeps status `skipped`, reason `late`, until the
owner decides. "Seen" is the reason `late_seen` (the notice at the next start counts only `late`); "send" puts
the row back in the queue as the owner's decision (`late_resent`, lateness `send_late`), where delivery applies
every other rule to it again (consent, quiet hours, caps). Only a row still skipped for lateness is changed,
and the outbox key stays, so a message is never sent twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.runtime.writes import fast_insert
from storage.models import Customer, OutboxMessage, StepLog
from storage.models import Journey as JourneyRow

UNSEEN = ("late",)
SKIPPED_LATE = ("late", "late_seen")


@dataclass(frozen=True)
class LateMessage:
    id: int
    customer_id: int
    customer: str
    journey: str
    channel: str
    subject: str
    body: str
    due_at: datetime
    seen: bool

    def preview(self, length: int = 60) -> str:
        text = (self.subject + " — " if self.subject else "") + self.body.replace("\n", " ")
        return text if len(text) <= length else text[: length - 1] + "…"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "customer_id": self.customer_id, "customer": self.customer, "journey": self.journey,
                "channel": self.channel, "subject": self.subject, "body": self.body,
                "due_at": self.due_at.isoformat(), "seen": self.seen}


def unseen_count(session: Session) -> int:
    """How many messages were skipped for lateness that the owner has not been told of yet."""
    return int(session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "skipped", OutboxMessage.reason.in_(UNSEEN))) or 0)


def late_messages(session: Session, *, include_seen: bool = False, limit: int = 5000) -> list[LateMessage]:
    """The skipped-for-lateness messages (not yet seen, or all of them), oldest due first."""
    reasons = SKIPPED_LATE if include_seen else UNSEEN
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.customer_id, Customer.name, JourneyRow.name, OutboxMessage.channel,
               OutboxMessage.subject, OutboxMessage.body, OutboxMessage.due_at, OutboxMessage.reason)
        .join(Customer, Customer.id == OutboxMessage.customer_id)
        .outerjoin(JourneyRow, JourneyRow.id == OutboxMessage.journey_id)
        .where(OutboxMessage.status == "skipped", OutboxMessage.reason.in_(reasons))
        .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)).all()
    return [LateMessage(row[0], row[1], row[2] or "", row[3] or "", row[4], row[5] or "", row[6] or "", row[7],
                        row[8] == "late_seen") for row in rows]


def _skipped_late(session: Session, ids: Iterable[int] | None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.status == "skipped", OutboxMessage.reason.in_(SKIPPED_LATE))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    return list(session.scalars(query))


def send_late(session: Session, ids: Iterable[int], now: datetime) -> int:
    """Queue these late-skipped messages again, to go at the next pass under every other rule; returns how many
    (a message already queued again, sent or not skipped for lateness is left as it is)."""
    rows = _skipped_late(session, ids)
    if rows:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_([r.id for r in rows]), OutboxMessage.status == "skipped").values(
            status="queued", reason="late_resent", not_before=now, due_at=now, lateness="send_late",
            lease_until=None, claimed_by=None))
        fast_insert(session, StepLog, [
            {"at": now, "customer_id": r.customer_id, "journey_id": r.journey_id, "version_id": None,
             "enrollment_id": r.enrollment_id, "node_id": r.node_id, "event": "released", "reason": "late_resent",
             "detail": {"channel": r.channel}} for r in rows])
    return len(rows)


def dismiss_late(session: Session, ids: Iterable[int] | None = None) -> int:
    """Mark these (None: every) late-skipped messages as seen: the start-up notice no longer counts them."""
    query = update(OutboxMessage).where(OutboxMessage.status == "skipped", OutboxMessage.reason.in_(UNSEEN))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    result = session.execute(query.values(reason="late_seen"))
    return int(getattr(result, "rowcount", 0) or 0)
