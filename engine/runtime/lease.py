"""One runner per database: a lease row with a heartbeat; a stale one may be taken over."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from engine.clock import Clock, SystemClock
from storage.db import Database
from storage.models import RunnerLease

LEASE_NAME = "runner"
LEASE_TTL = timedelta(seconds=30)


class LeaseHeld(Exception):
    """Another live runner holds the lease."""

    def __init__(self, pid: int, host: str, heartbeat_at: datetime) -> None:
        super().__init__(f"another runner is already running (pid {pid} on {host}, "
                         f"last heartbeat {heartbeat_at.astimezone(UTC):%H:%M:%S} UTC)")
        self.pid, self.host, self.heartbeat_at = pid, host, heartbeat_at


@dataclass(frozen=True)
class RunnerStatus:
    state: str  # running | stopped | stale | never
    pid: int | None = None
    host: str | None = None
    heartbeat_at: datetime | None = None
    started_at: datetime | None = None


class Lease:
    """The lease of this process; liveness uses the wall clock even when journeys run at a fixed --now."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.owner = uuid.uuid4().hex
        self.pid = os.getpid()
        self.host = socket.gethostname()[:200]

    def acquire(self) -> None:
        now = self.clock.now()
        with self.db.write_session() as session:
            row = session.get(RunnerLease, LEASE_NAME)
            if row is not None and row.state == "running" and row.expires_at > now and row.owner != self.owner \
                    and not self._dead_here(row.pid, row.host):
                raise LeaseHeld(row.pid, row.host, row.heartbeat_at)
            if row is None:
                row = RunnerLease(name=LEASE_NAME, owner=self.owner, pid=self.pid, host=self.host,
                                  started_at=now, heartbeat_at=now, expires_at=now + LEASE_TTL)
                session.add(row)
            else:
                row.owner, row.pid, row.host = self.owner, self.pid, self.host
                row.started_at, row.heartbeat_at, row.expires_at, row.state = now, now, now + LEASE_TTL, "running"

    def _dead_here(self, pid: int, host: str) -> bool:
        """A holder on this PC whose process is gone (killed, crashed): its lease can be taken at once."""
        if host != self.host:
            return False
        import psutil

        return not psutil.pid_exists(pid)

    def heartbeat(self) -> bool:
        """Extend the lease; False means it was lost (another runner took over) and we must stop."""
        now = self.clock.now()
        with self.db.write_session() as session:
            result = session.execute(
                update(RunnerLease)
                .where(RunnerLease.name == LEASE_NAME, RunnerLease.owner == self.owner)
                .values(heartbeat_at=now, expires_at=now + LEASE_TTL, state="running")
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self) -> None:
        now = self.clock.now()
        with self.db.write_session() as session:
            session.execute(
                update(RunnerLease)
                .where(RunnerLease.name == LEASE_NAME, RunnerLease.owner == self.owner)
                .values(state="stopped", expires_at=now, heartbeat_at=now)
            )


def status(db: Database, clock: Clock | None = None) -> RunnerStatus:
    now = (clock or SystemClock()).now()
    with db.session() as session:
        row = session.get(RunnerLease, LEASE_NAME)
        if row is None:
            return RunnerStatus("never")
        state = "stopped" if row.state != "running" else ("running" if row.expires_at > now else "stale")
        return RunnerStatus(state, row.pid, row.host, row.heartbeat_at, row.started_at)
