"""Publishing: a draft becomes an immutable version; pause and resume; moving waiting customers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine import config
from engine.clock import Clock
from engine.journey import Issue, Journey, validate
from engine.journey_store import StoreError, announce, find_row, validation_context
from engine.runtime.compiled import compile_graph
from engine.runtime.triggers import BACKFILL_SEGMENTS, start_backfill, start_cursor
from engine.runtime.writes import fast_insert
from storage.models import ACTIVE, Enrollment, JourneyVersion, StepLog
from storage.models import Journey as JourneyRow

MOVE_CHOICES = ("stay", "move", "exit")


class PublishError(Exception):
    """Publishing refused; `issues` are the validation errors that must be fixed first."""

    def __init__(self, code: str, issues: list[Issue] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.issues = issues or []


@dataclass(frozen=True)
class PublishResult:
    journey_id: str
    version: int
    moved: int = 0
    exited: int = 0
    warnings: list[Issue] = field(default_factory=list)


def waiting_by_node(session: Session, journey_id: str) -> dict[str, int]:
    """How many customers wait on each node of a journey (all versions), for the publish dialog."""
    rows = session.execute(
        select(Enrollment.node_id, func.count())
        .where(Enrollment.journey_id == journey_id, ACTIVE)
        .group_by(Enrollment.node_id)
    ).all()
    return {node_id: int(count) for node_id, count in rows}


def publish(session: Session, ref: str, clock: Clock, *, on_change: str = "stay",
            accept_warnings: bool = True, backfill_daily: int | None = None) -> PublishResult:
    """Validate the draft and publish it as the next version; errors refuse, warnings may be accepted.

    `backfill_daily`: a segment-entered journey also lets in the customers in its segment now, at most
    this many a day (`triggers.start_backfill`); without it only those who enter the segment later do."""
    if on_change not in MOVE_CHOICES:
        raise PublishError("bad_move_choice")
    if backfill_daily is not None and backfill_daily < 1:
        raise PublishError("bad_backfill")
    row = find_row(session, ref)
    journey = Journey.from_dict(row.draft)
    issues = validate(journey, validation_context(session, clock.now()))
    errors = [issue for issue in issues if issue.severity == "error"]
    warnings = [issue for issue in issues if issue.severity != "error"]
    if errors:
        raise PublishError("invalid", errors)
    if backfill_daily is not None and not backfill_offered(journey):
        raise PublishError("bad_backfill")
    if warnings and not accept_warnings:
        raise PublishError("warnings", warnings)
    now = clock.now()
    latest = session.scalar(select(func.max(JourneyVersion.version)).where(JourneyVersion.journey_id == row.id))
    version = JourneyVersion(journey_id=row.id, version=int(latest or 0) + 1, graph=journey.to_dict(),
                             published_at=now)
    session.add(version)
    session.flush()
    compiled = compile_graph(row.id, version.id, version.graph)
    first = row.live_version is None
    row.live_version = version.version
    if row.status != "live":
        announce(session, row.id, "status", "live")
    row.status = "live"
    row.updated_at = now
    if first:
        zone = ZoneInfo(str(config.get(session, "shop.timezone")))
        start_cursor(session, row.id, compiled, now, zone)
    if backfill_daily is not None:
        start_backfill(session, row.id, backfill_daily, now)
    moved, exited = _handle_waiting(session, row.id, version.id, set(compiled.nodes), on_change, now)
    return PublishResult(row.id, version.version, moved, exited, warnings)


def backfill_offered(journey: Journey) -> bool:
    """Whether publishing may also let in those already in the trigger's segment (a daily batch at a time)."""
    triggers = journey.triggers()
    if not triggers or triggers[0].kind != "trigger.segment_entered":
        return False
    segment = str(triggers[0].effective_params().get("segment") or "at_risk")
    return segment in BACKFILL_SEGMENTS or segment.startswith("custom:")


def _handle_waiting(session: Session, journey_id: str, version_id: int, node_ids: set[str],
                    on_change: str, now: datetime) -> tuple[int, int]:
    if on_change == "stay":
        return 0, 0
    active = session.execute(
        select(Enrollment.id, Enrollment.customer_id, Enrollment.node_id, Enrollment.version_id)
        .where(Enrollment.journey_id == journey_id, ACTIVE,
               Enrollment.version_id != version_id)
    ).all()
    moved = exited = 0
    logs: list[dict[str, Any]] = []
    for enrollment in active:
        if on_change == "move" and enrollment.node_id in node_ids:
            session.execute(update(Enrollment).where(Enrollment.id == enrollment.id)
                            .values(version_id=version_id, updated_at=now))
            moved += 1
            event, reason = "moved", "republished"
        else:
            session.execute(update(Enrollment).where(Enrollment.id == enrollment.id).values(
                status="exited", wake_at=None, ended_at=now, updated_at=now,
                end_reason="node_removed" if on_change == "move" else "republished"))
            exited += 1
            event, reason = "exited", "node_removed" if on_change == "move" else "republished"
        logs.append({"at": now, "customer_id": enrollment.customer_id, "journey_id": journey_id,
                     "version_id": version_id, "enrollment_id": enrollment.id, "node_id": enrollment.node_id,
                     "event": event, "reason": reason, "detail": {"from_version": enrollment.version_id}})
    if logs:
        fast_insert(session, StepLog, logs)
    return moved, exited


def set_paused(session: Session, ref: str, clock: Clock, paused: bool) -> JourneyRow:
    """Pause (no new entries, messages held) or resume a published journey."""
    row = find_row(session, ref)
    if row.live_version is None:
        raise StoreError("not_published", f"'{row.name}' has not been published yet; publish it first")
    if not paused and row.status == "paused":
        # no entries while paused means none on resuming either: what happened meanwhile is skipped
        version = session.scalar(select(JourneyVersion).where(JourneyVersion.journey_id == row.id,
                                                              JourneyVersion.version == row.live_version))
        if version is not None:
            compiled = compile_graph(row.id, version.id, version.graph)
            zone = ZoneInfo(str(config.get(session, "shop.timezone")))
            start_cursor(session, row.id, compiled, clock.now(), zone)
    if row.status != ("paused" if paused else "live"):
        announce(session, row.id, "status", "paused" if paused else "live")
    row.status = "paused" if paused else "live"
    row.updated_at = clock.now()
    return row


def changed_nodes(old_graph: dict[str, Any], new_graph: dict[str, Any]) -> dict[str, str]:
    """Node ids that differ between two graphs: added, removed or changed (for the publish dialog)."""
    old = {node["id"]: node for node in old_graph.get("nodes", [])}
    new = {node["id"]: node for node in new_graph.get("nodes", [])}
    result: dict[str, str] = {}
    for node_id in old.keys() | new.keys():
        if node_id not in new:
            result[node_id] = "removed"
        elif node_id not in old:
            result[node_id] = "added"
        elif (old[node_id]["kind"], old[node_id].get("params")) != (new[node_id]["kind"], new[node_id].get("params")):
            result[node_id] = "changed"
    old_edges = Counter((e["source"], e["source_port"], e["target"]) for e in old_graph.get("edges", []))
    new_edges = Counter((e["source"], e["source_port"], e["target"]) for e in new_graph.get("edges", []))
    for source, _port, _target in (old_edges - new_edges) + (new_edges - old_edges):
        result.setdefault(source, "changed")
    return result
