"""Replay a journey against the stored history without sending anything: who would reach each node,
how many messages on which channel, how many coupons, and what it would cost.

The replay runs on a private copy of the database (SQLite's backup API), so the real shop is never
touched. The journey's draft is published in the copy at `start`, the trigger cursors are put back to
that moment, and the engine runs a pass every hour of shop time up to `end`, with a channel that only
counts. Conditions see today's customer statistics (a replay does not rebuild past statistics).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from engine import config
from engine.channels import CHANNELS
from engine.channels import prices as channel_prices
from engine.clock import FixedClock
from engine.delivery.adapters.base import OutgoingMessage, SendResult
from engine.journey_store import StoreError, find_row
from engine.runtime.events import renumber_chronologically
from engine.runtime.publish import publish
from engine.runtime.run import Engine
from engine.runtime.triggers import backfill_name, cursor
from storage.db import Database, open_database
from storage.models import (
    ACTIVE,
    Coupon,
    Cursor,
    Enrollment,
    JourneyVersion,
    OutboxMessage,
    ShopEvent,
    StepLog,
)
from storage.models import Journey as JourneyRow

STEP = timedelta(hours=1)


class CountingChannel:
    """Sends nothing; counts what would have gone out."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()

    def send(self, message: OutgoingMessage) -> SendResult:
        self.kinds[message.kind] += 1
        return SendResult(f"simulated:{message.idem_key}")


@dataclass
class SimulationResult:
    journey_id: str
    name: str
    start: datetime
    end: datetime
    entered: int = 0
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    coupons: int = 0
    cost_won: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"journey": self.journey_id, "name": self.name, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "entered": self.entered, "nodes": self.nodes,
                "messages": self.messages, "skipped": self.skipped, "coupons": self.coupons,
                "estimated_cost_won": self.cost_won}


def _copy_database(db: Database, target: Path) -> None:
    if not db.is_sqlite:
        raise StoreError("unsupported", "simulate works on an SQLite shop database")
    raw = db.engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        raw.close()


def simulate(db: Database, ref: str, start: datetime, end: datetime) -> SimulationResult:
    if end <= start:
        raise StoreError("bad_range", "--to must be after --from")
    if end - start > timedelta(days=400):
        raise StoreError("bad_range", "simulate at most 400 days at a time")
    with db.session() as session:
        row = find_row(session, ref)
        journey_id, name = row.id, row.name
    folder = Path(tempfile.mkdtemp(prefix="dangol-sim-"))
    try:
        path = folder / "simulation.db"
        _copy_database(db, path)
        copy = open_database(path)
        try:
            return _run(copy, journey_id, name, start, end)
        finally:
            copy.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(copy: Database, journey_id: str, name: str, start: datetime, end: datetime) -> SimulationResult:
    clock = FixedClock(start)
    with copy.session() as session:
        # only this journey runs, from a clean slate; sent history stays (frequency caps see it)
        session.execute(update(JourneyRow).where(JourneyRow.id != journey_id, JourneyRow.status == "live")
                        .values(status="paused"))
        session.execute(delete(StepLog))
        session.execute(delete(Enrollment))
        session.execute(delete(OutboxMessage).where(OutboxMessage.status != "sent"))
        session.execute(delete(Coupon).where(Coupon.journey_id == journey_id))
        session.execute(delete(Cursor).where(Cursor.name == backfill_name(journey_id)))  # a replay: from now on only
        renumber_chronologically(session)  # a replay reads the history in the order it happened
        row = session.get(JourneyRow, journey_id)
        assert row is not None
        row.live_version = None
        session.execute(delete(JourneyVersion).where(JourneyVersion.journey_id == journey_id))
        session.flush()
        publish(session, journey_id, clock)
        state = cursor(session, f"trigger:{journey_id}")
        state.last_id = int(session.scalar(select(func.max(ShopEvent.id)).where(ShopEvent.occurred_at < start)) or 0)
        state.last_at = start
        events = cursor(session, "events:runtime")
        events.last_id = state.last_id
        events.last_at = start
        prices = channel_prices(config.Snapshot(session).get)
    channel = CountingChannel()
    # a replay never gives points: the copy keeps the shop's Cafe24 connection, and a grant is real money
    engine = Engine(copy, {spec.name: channel for spec in CHANNELS}, give_points=False, shop_calls=False)
    result = SimulationResult(journey_id, name, start, end)
    moment = start
    while moment <= end:
        clock.set(moment)
        summary = engine.run_once(clock)
        result.entered += int(summary["entered"])
        moment += STEP
    with copy.session() as session:
        version = session.scalar(select(JourneyVersion).where(JourneyVersion.journey_id == journey_id))
        kinds = {node["id"]: node["kind"] for node in (version.graph["nodes"] if version else [])}
        reached = dict(session.execute(
            select(StepLog.node_id, func.count(func.distinct(StepLog.enrollment_id)))
            .where(StepLog.journey_id == journey_id).group_by(StepLog.node_id)).all())
        waiting = dict(session.execute(
            select(Enrollment.node_id, func.count()).where(Enrollment.journey_id == journey_id,
                                                           ACTIVE)
            .group_by(Enrollment.node_id)).all())
        for node_id, kind in kinds.items():
            result.nodes[node_id] = {"kind": kind, "customers": int(reached.get(node_id, 0)),
                                     "waiting_at_end": int(waiting.get(node_id, 0))}
        skipped = session.execute(
            select(OutboxMessage.reason, func.count()).where(OutboxMessage.journey_id == journey_id,
                                                             OutboxMessage.status == "skipped")
            .group_by(OutboxMessage.reason)).all()
        result.skipped = {str(reason): int(count) for reason, count in skipped}
        result.coupons = int(session.scalar(select(func.count()).select_from(Coupon)
                                            .where(Coupon.journey_id == journey_id)) or 0)
    result.messages = {kind: int(count) for kind, count in sorted(channel.kinds.items()) if kind != "owner"}
    result.cost_won = sum(prices.get(kind, 0) * count for kind, count in result.messages.items())
    return result
