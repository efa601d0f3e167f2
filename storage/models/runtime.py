"""Runner bookkeeping: the single-runner lease and the cursors that make every scan resumable."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class RunnerLease(Base):
    """Who runs the journeys on this database; a stale heartbeat lets another runner take over."""

    __tablename__ = "runner_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="running")


class Cursor(Base):
    """How far one scan has read: shop events by id, or time/dates already covered."""

    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None]
    last_date: Mapped[date | None] = mapped_column(Date)
