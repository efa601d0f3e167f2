"""Live numbers of a journey for the canvas: per node who is waiting, who passed, what was sent or skipped,
and the share of customers taking each branch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import ACTIVE, Enrollment, OutboxMessage, StepLog


@dataclass
class NodeNumbers:
    passed: int = 0
    waiting: int = 0
    sent: int = 0
    skipped: int = 0
    reached: int = 0  # customers who got a message from this node
    converted: int = 0  # of them, who ordered within the conversion window after the first one
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
    for node_id, reached, converted in _converted(session, OutboxMessage.node_id, conversion_days,
                                                  OutboxMessage.journey_id == journey_id):
        result.node(str(node_id)).reached = reached
        result.node(str(node_id)).converted = converted
    result.entered = int(session.scalar(select(func.count()).select_from(Enrollment)
                                        .where(Enrollment.journey_id == journey_id)) or 0)
    result.goals = int(session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.journey_id == journey_id, Enrollment.end_reason == "goal_reached")) or 0)
    return result


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
