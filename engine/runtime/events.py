"""Shop events that move customers already in a journey: an awaited event, or a goal reached."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.runtime.compiled import CompiledJourney
from engine.runtime.triggers import cursor, until_now
from engine.runtime.versions import VersionCache
from engine.runtime.writes import fast_insert
from storage.db import Database
from storage.models import Enrollment, ShopEvent, StepLog

ENROLLMENTS = Enrollment.__table__

CHUNK = 2000
CURSOR = "events:runtime"


@dataclass
class EventCounts:
    resumed: int = 0
    goals: int = 0


def renumber_chronologically(session: Session) -> None:
    """Give shop events ids in the order they happened (for an imported history or a replay copy).

    Only for a database whose cursors do not point into the events yet (a new demo shop, a copy)."""
    session.execute(text("CREATE TEMP TABLE _events_sorted AS SELECT kind, customer_id, occurred_at, ref, payload, "
                         "recorded_at FROM shop_events ORDER BY occurred_at, id"))
    session.execute(text("DELETE FROM shop_events"))
    session.execute(text("INSERT INTO shop_events (kind, customer_id, occurred_at, ref, payload, recorded_at) "
                         "SELECT kind, customer_id, occurred_at, ref, payload, recorded_at FROM _events_sorted "
                         "ORDER BY rowid"))
    session.execute(text("DROP TABLE _events_sorted"))


class EventScanner:
    def __init__(self, versions: VersionCache) -> None:
        self.versions = versions

    def scan(self, db: Database, clock: Clock) -> EventCounts:
        counts = EventCounts()
        while True:
            with db.write_session() as session:
                state = cursor(session, CURSOR)
                if state.last_at is None:  # first pass ever: older events cannot concern waits not yet made
                    state.last_id = int(session.scalar(select(func.max(ShopEvent.id))) or 0)
                    state.last_at = clock.now()
                    return counts
                events = session.execute(
                    select(ShopEvent.id, ShopEvent.kind, ShopEvent.customer_id, ShopEvent.occurred_at)
                    .where(ShopEvent.id > state.last_id, ShopEvent.customer_id.is_not(None))
                    .order_by(ShopEvent.id).limit(CHUNK)
                ).all()
                full = len(events) == CHUNK
                events = until_now(events, clock.now())
                if not events:
                    return counts
                state.last_id = events[-1].id
                state.last_at = clock.now()
                self._apply(session, events, clock.now(), counts)
            if not full:
                return counts

    def _apply(self, session: Session, events: list[Any], now: datetime, counts: EventCounts) -> None:
        by_customer: dict[int, list[Any]] = defaultdict(list)
        for event in events:
            by_customer[event.customer_id].append(event)
        enrollments = session.execute(
            select(Enrollment.id, Enrollment.journey_id, Enrollment.version_id, Enrollment.customer_id,
                   Enrollment.node_id, Enrollment.entered_at, Enrollment.data)
            .where(Enrollment.status == "active", Enrollment.customer_id.in_(list(by_customer)))
        ).all()
        updates: list[dict[str, Any]] = []
        logs: list[dict[str, Any]] = []
        for enrollment in enrollments:
            compiled = self.versions.get(session, enrollment.version_id)
            if compiled is None:
                continue
            move = self._match(compiled, enrollment, by_customer[enrollment.customer_id])
            if move is None:
                continue
            node_id, at, port, event_kind = move
            data = dict(enrollment.data or {})
            if port == "goal":
                data["goal"] = {"node": node_id, "event": event_kind, "at": at.isoformat()}
                counts.goals += 1
            else:
                data["resume_port"] = "event"
                counts.resumed += 1
            updates.append({"_id": enrollment.id, "node_id": node_id, "wake_at": at, "data": data,
                            "updated_at": now})
            logs.append({"at": at, "customer_id": enrollment.customer_id, "journey_id": enrollment.journey_id,
                         "version_id": enrollment.version_id, "enrollment_id": enrollment.id, "node_id": node_id,
                         "event": "goal" if port == "goal" else "event", "reason": event_kind, "detail": {}})
        if updates:
            session.execute(
                update(ENROLLMENTS).where(ENROLLMENTS.c.id == bindparam("_id"))
                ,
                updates,
            )
            fast_insert(session, StepLog, logs)

    def _match(self, compiled: CompiledJourney, enrollment: Any,
               events: list[Any]) -> tuple[str, datetime, str, str] | None:
        """A goal wins over a waiting event; both count only events after the customer got there."""
        data = enrollment.data or {}
        if "goal" in data:
            return None
        for goal in compiled.goals:
            wanted = goal.params.get("event", "order_placed")
            for event in events:
                if event.kind == wanted and event.occurred_at > enrollment.entered_at:
                    return goal.id, event.occurred_at, "goal", event.kind
        node = compiled.node(enrollment.node_id)
        if node is not None and node.kind == "wait.event" and "wait_since" in data:
            since = datetime.fromisoformat(data["wait_since"])
            wanted = node.params.get("event", "order_placed")
            for event in events:
                if event.kind == wanted and event.occurred_at > since:
                    return node.id, event.occurred_at, "event", event.kind
        return None
