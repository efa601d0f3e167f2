"""One customer's story: every step the engine took or refused for them, and why."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.customers.phone import normalize_phone
from engine.journey_store import StoreError
from storage.models import Customer, Journey, OutboxMessage, StepLog

EVENT_TEXT = {
    "entered": "entered the journey",
    "entry_blocked": "did not enter",
    "waiting": "waits until {until}",
    "resumed": "moved on",
    "event": "did what the journey waited for",
    "goal": "reached the goal",
    "branch": "took the '{reason}' branch",
    "split": "was placed in group {reason}",
    "queued": "message prepared ({channel})",
    "sent": "message sent",
    "skipped": "message not sent",
    "deferred": "message delayed",
    "held": "message held for review",
    "failed": "failed",
    "action": "action done",
    "moved": "moved to the new version",
    "completed": "finished the journey",
    "exited": "left the journey",
}
REASON_TEXT = {
    "no_consent": "no consent for this channel",
    "no_address": "no phone number or email",
    "quiet_hours": "ads are not sent 21:00–08:00",
    "frequency_cap": "too many ads to this customer already",
    "late": "too late to send",
    "ambiguous_send": "unclear whether it was sent before a crash",
    "exclusion": "already in another journey of the same group today",
    "reentry": "the journey does not let them in again yet",
    "render_error": "the message template has an error",
    "goal_reached": "reached the goal",
    "end_of_path": "end of the path",
    "exit_node": "exit",
    "node_removed": "their step was removed in a new version",
    "republished": "the journey was republished",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    journey: str
    node_id: str | None
    event: str
    reason: str | None
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "journey": self.journey, "node": self.node_id, "event": self.event,
                "reason": self.reason, "detail": self.detail}

    def text(self, zone: ZoneInfo) -> str:
        local = self.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        what = EVENT_TEXT.get(self.event, self.event).format(reason=self.reason or "", **_fmt(self.detail, zone))
        why = REASON_TEXT.get(self.reason or "", self.reason or "") if self.event not in {"branch", "split"} else ""
        node = f" [{self.node_id}]" if self.node_id else ""
        return f"{local}  {self.journey}{node}: {what}" + (f" ({why})" if why else "")


def _fmt(detail: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    result = {"until": "", "channel": "", **detail}
    for key in ("until",):
        if result.get(key):
            with contextlib.suppress(ValueError):
                result[key] = datetime.fromisoformat(str(result[key])).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return result


def find_customer(session: Session, ref: str) -> Customer:
    """A customer by id, phone number, email or shop member id."""
    ref = ref.strip()
    conditions = [Customer.email == ref, Customer.external_id == ref]
    if ref.isdigit() and len(ref) < 9:
        conditions.append(Customer.id == int(ref))
    phone = normalize_phone(ref)
    if phone:
        conditions.append(Customer.phone == phone)
    matches = list(session.scalars(select(Customer).where(or_(*conditions)).limit(2)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise StoreError("not_found", f"no customer '{ref}' (give an id, phone number, email or member id)")
    raise StoreError("ambiguous", f"'{ref}' matches more than one customer; give the customer id")


def timeline(session: Session, customer_id: int) -> list[TimelineEntry]:
    names = {row[0]: row[1] for row in session.execute(select(Journey.id, Journey.name))}
    rows = session.scalars(
        select(StepLog).where(StepLog.customer_id == customer_id).order_by(StepLog.at, StepLog.id)
    )
    return [TimelineEntry(row.at, names.get(row.journey_id or "", "-"), row.node_id, row.event, row.reason,
                          dict(row.detail or {})) for row in rows]


def messages(session: Session, customer_id: int) -> list[OutboxMessage]:
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.customer_id == customer_id).order_by(OutboxMessage.created_at)
    ))
