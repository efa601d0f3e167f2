"""Live numbers of a journey for the canvas: per node who is waiting, who passed, what was sent or skipped,
and the share of customers taking each branch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import ACTIVE, FAILED, Enrollment, JourneyVersion, OutboxMessage, StepLog
from storage.models import Journey as JourneyRow


@dataclass
class NodeNumbers:
    passed: int = 0
    waiting: int = 0
    sent: int = 0
    skipped: int = 0
    reached: int = 0  # customers who got a message from this node
    converted: int = 0  # of them, who ordered within the conversion window after the first one
    failed: dict[str, int] = field(default_factory=dict)  # customers who stopped here, by reason (render_error …)
    ports: dict[str, int] = field(default_factory=dict)  # branch taken → customers


@dataclass
class JourneyNumbers:
    nodes: dict[str, NodeNumbers] = field(default_factory=dict)
    entered: int = 0
    active: int = 0
    goals: int = 0

    def node(self, node_id: str) -> NodeNumbers:
        return self.nodes.setdefault(node_id, NodeNumbers())

    def share(self, node_id: str, port: str) -> float | None:
        numbers = self.nodes.get(node_id)
        if numbers is None or not numbers.ports:
            return None
        total = sum(numbers.ports.values())
        return numbers.ports.get(port, 0) / total if total else None


def journey_numbers(session: Session, journey_id: str, conversion_days: int = 7) -> JourneyNumbers:
    result = JourneyNumbers()
    for node_id, count in session.execute(
        select(StepLog.node_id, func.count(func.distinct(StepLog.enrollment_id)))
        .where(StepLog.journey_id == journey_id, StepLog.enrollment_id.is_not(None)).group_by(StepLog.node_id)
    ):
        if node_id:
            result.node(node_id).passed = int(count)
    for node_id, count in session.execute(
        select(Enrollment.node_id, func.count()).where(Enrollment.journey_id == journey_id,
                                                       ACTIVE).group_by(Enrollment.node_id)
    ):
        result.node(node_id).waiting = int(count)
        result.active += int(count)
    for node_id, status, count in session.execute(
        select(OutboxMessage.node_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.journey_id == journey_id).group_by(OutboxMessage.node_id, OutboxMessage.status)
    ):
        if node_id is None:
            continue
        if status == "sent":
            result.node(node_id).sent += int(count)
        elif status == "skipped":
            result.node(node_id).skipped += int(count)
    for node_id, reason, count in session.execute(
        select(StepLog.node_id, StepLog.reason, func.count())
        .where(StepLog.journey_id == journey_id, StepLog.event.in_(("branch", "split", "resumed")),
               StepLog.reason.is_not(None))
        .group_by(StepLog.node_id, StepLog.reason)
    ):
        if node_id and reason:
            result.node(node_id).ports[str(reason)] = int(count)
    for node_id, reason, count in session.execute(
        select(Enrollment.node_id, Enrollment.end_reason, func.count())
        .where(Enrollment.journey_id == journey_id, FAILED).group_by(Enrollment.node_id, Enrollment.end_reason)
    ):
        result.node(node_id).failed[str(reason)] = int(count)
    for node_id, reached, converted in _converted(session, OutboxMessage.node_id, conversion_days,
                                                  OutboxMessage.journey_id == journey_id):
        result.node(str(node_id)).reached = reached
        result.node(str(node_id)).converted = converted
    result.entered = int(session.scalar(select(func.count()).select_from(Enrollment)
                                        .where(Enrollment.journey_id == journey_id)) or 0)
    result.goals = int(session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.journey_id == journey_id, Enrollment.end_reason == "goal_reached")) or 0)
    return result


@dataclass(frozen=True)
class Failure:
    """Customers who stopped at one node of a live journey's current version because of a fault there."""

    journey_id: str
    journey: str
    node_id: str
    reason: str  # render_error: the message could not be made for them
    customers: int


def failures(session: Session, reasons: tuple[str, ...] = ("render_error",)) -> list[Failure]:
    """What the owner must fix: per live journey and node of its live version, the customers who failed
    there (a partial index of failed rows: cheap enough for the main window's status every few seconds)."""
    rows = session.execute(
        select(Enrollment.journey_id, JourneyRow.name, Enrollment.node_id, Enrollment.end_reason, func.count())
        .join(JourneyRow, JourneyRow.id == Enrollment.journey_id)
        .join(JourneyVersion, (JourneyVersion.journey_id == JourneyRow.id)
              & (JourneyVersion.version == JourneyRow.live_version))
        .where(FAILED, Enrollment.version_id == JourneyVersion.id, Enrollment.end_reason.in_(reasons),
               JourneyRow.status.in_(("live", "paused")))
        .group_by(Enrollment.journey_id, JourneyRow.name, Enrollment.node_id, Enrollment.end_reason)
    ).all()
    return [Failure(str(journey_id), str(name), str(node_id), str(reason), int(count))
            for journey_id, name, node_id, reason, count in rows]


def _converted(session: Session, key: Any, days: int, *where: Any) -> list[tuple[Any, int, int]]:
    """Per value of `key` (journey or node): (customers a message reached, of them who ordered within
    `days` after their first one), in one query."""
    from sqlalchemy import and_, case, exists, literal

    from engine.customers.stats import COUNTED_STATUSES as counted
    from storage.models import Order

    first = select(key.label("key"), OutboxMessage.customer_id.label("customer_id"),
                   func.min(OutboxMessage.sent_at).label("first")) \
        .where(OutboxMessage.status == "sent", OutboxMessage.channel != "owner", key.is_not(None), *where) \
        .group_by(key, OutboxMessage.customer_id).subquery()
    if session.get_bind().dialect.name == "sqlite":  # sent_at is 'YYYY-MM-DD HH:MM:SS.ffffff' text
        until = func.strftime("%Y-%m-%d %H:%M:%f", first.c.first, literal(f"+{int(days)} days")) + "999"
    else:
        until = first.c.first + func.make_interval(0, 0, 0, int(days))
    ordered = exists().where(and_(Order.customer_id == first.c.customer_id, Order.status.in_(counted),
                                  Order.ordered_at > first.c.first, Order.ordered_at <= until))
    rows = session.execute(select(first.c.key, func.count(), func.sum(case((ordered, 1), else_=0)))
                           .group_by(first.c.key)).all()
    return [(value, int(count), int(converted or 0)) for value, count, converted in rows]


def conversions(session: Session, days: int) -> dict[str, tuple[int, int]]:
    """Per journey: (customers who got a message, of them who ordered within `days` after it)."""
    return {str(journey_id): (count, converted)
            for journey_id, count, converted in _converted(session, OutboxMessage.journey_id, days)}
