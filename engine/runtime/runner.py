"""The background runner: APScheduler as the clock, SQLite rows as the truth.

The scheduler only decides *when* to look; every waiting customer lives in the enrollments table,
so a job the scheduler loses (a crash, a sleeping PC) loses nothing: the next tick finds it due.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from engine.clock import Clock
from engine.delivery.adapters.base import Channel
from engine.runtime.lease import Lease
from engine.runtime.run import Engine
from storage.db import Database, StorageError, data_dir
from storage.models import ACTIVE, Enrollment, Journey, OutboxMessage, Setting

log = logging.getLogger("dangol.runner")
TICK_MAX = timedelta(seconds=60)
TICK_MIN = timedelta(seconds=1)
HEARTBEAT_SECONDS = 10
SYNC_CHECK_SECONDS = 60  # how often the runner asks which connected shop is due for a sync


def log_dir() -> Path:
    import os

    from platformdirs import user_log_path

    return data_dir() / "logs" if os.environ.get("DANGOL_HOME") else user_log_path("Dangol", appauthor=False)


def setup_logging(folder: Path | None = None) -> Path:
    """A rotating log file (no personal data is logged: ids and counts only)."""
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "runner.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("dangol")
    root.setLevel(logging.INFO)
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    # the scheduler's own warnings (a job that raised, a run missed) go to the file too, not to stderr
    scheduler_log = logging.getLogger("apscheduler")
    if not any(isinstance(h, RotatingFileHandler) for h in scheduler_log.handlers):
        scheduler_log.addHandler(handler)
    return path


def next_due(db: Database) -> datetime | None:
    """The earliest moment anything is due: a waiting customer or a queued message of a live journey."""
    with db.session() as session:
        wake = session.scalar(select(func.min(Enrollment.wake_at)).where(ACTIVE))
        send = session.scalar(
            select(func.min(OutboxMessage.not_before))
            .outerjoin(Journey, Journey.id == OutboxMessage.journey_id)
            .where(OutboxMessage.status == "queued", func.coalesce(Journey.status, "live") != "paused")
        )
    candidates = [value for value in (wake, send) if value is not None]
    return min(candidates) if candidates else None


def settings_version(db: Database) -> tuple[Any, ...]:
    """What changes whenever a setting does (one cheap query): the rows and their newest change; a secret's
    change (in the keyring) bumps a plain row too (engine/config.set_values)."""
    with db.session() as session:
        return tuple(session.execute(select(func.count(), func.max(Setting.updated_at))).one())


class Runner:
    """Runs ticks until stopped; `stop()` is safe from a signal handler or another thread."""

    def __init__(self, db: Database, clock: Clock, channels: Mapping[str, Channel], *,
                 nightly: Callable[[], Any] | None = None, sync: Callable[[], Any] | None = None,
                 rebuild: Callable[[], Mapping[str, Channel]] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.engine = Engine(db, channels)
        # makes the channels again from the settings: a provider chosen in Settings is used without a restart
        self.rebuild = rebuild
        self.settings_seen = settings_version(db) if rebuild is not None else None
        self.lease = Lease(db)
        self.nightly = nightly
        self.sync = sync
        self.stopping = threading.Event()
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1})
        self.ticks = 0

    def tick(self) -> None:
        if self.stopping.is_set():
            return
        try:
            self.refresh_channels()
            summary = self.engine.run_once(self.clock)
            self.ticks += 1
            busy = {key: value for key, value in summary.items() if value}
            if busy:
                log.info("tick %s", busy)
        except StorageError as exc:  # the database busy, read-only or on a full disk: one line, no traceback
            log.error("tick failed: %s; the next tick retries (nothing is lost: state is in the database)", exc)
        except Exception:
            log.exception("tick failed; the next tick retries (nothing is lost: state is in the database)")
        try:
            self._schedule_next()
        except StorageError as exc:
            log.error("could not plan the next tick: %s; trying again in %s s", exc, int(TICK_MAX.total_seconds()))

    def refresh_channels(self) -> bool:
        """Before each pass: if the settings changed since the channels were made, make them again (a new
        provider, a new key). Settings they cannot be made from are logged in one line and the previous ways
        stay until the settings are fixed. Returns whether the channels were made again."""
        if self.rebuild is None:
            return False
        seen = settings_version(self.db)
        if seen == self.settings_seen:
            return False
        self.settings_seen = seen
        try:
            channels = self.rebuild()
        except Exception as exc:  # ChannelSetupError / ValueError: says which setting, never a secret's value
            log.error("the settings changed but the channels cannot be made from them: %s; sending by the previous "
                      "ones until this is fixed", exc)
            return False
        self.engine.channels = channels
        log.info("the settings changed: channels made again")
        return True

    def _schedule_next(self) -> None:
        now = datetime.now(UTC)
        due = next_due(self.db)
        delay = TICK_MAX
        if due is not None:
            delay = max(TICK_MIN, min(TICK_MAX, due - self.clock.now()))
        if not self.stopping.is_set() and self.scheduler.get_job("tick") is not None:
            self.scheduler.modify_job("tick", next_run_time=now + delay)

    def heartbeat(self) -> None:
        """Extend the lease. A beat that cannot write (the database busy past the timeout, read-only, a full
        disk) is logged in one line and tried again at the next; the first beat that writes again finds out
        whether another runner took the lease meanwhile, and then this one stops."""
        try:
            held = self.lease.heartbeat()
        except StorageError as exc:
            log.error("heartbeat failed: %s; trying again in %s s", exc, HEARTBEAT_SECONDS)
            return
        if not held:
            log.error("the runner lease was taken by another runner; stopping")
            self.stop()

    def _nightly(self) -> None:
        assert self.nightly is not None
        try:
            self.nightly()
        except StorageError as exc:
            log.error("nightly statistics failed: %s; they run again tomorrow", exc)
        except Exception:
            log.exception("nightly statistics failed; they run again tomorrow")

    def _sync(self) -> None:
        """The connected shops' APIs, each when its interval has passed (engine/sync/api/run.sync_due)."""
        assert self.sync is not None
        if self.stopping.is_set():
            return
        try:
            self.sync()
        except StorageError as exc:
            log.error("shop sync failed: %s; it is tried again in a minute", exc)
        except Exception:
            log.exception("shop sync failed; it is tried again in a minute")

    def stop(self, *_: Any) -> None:
        self.stopping.set()

    def run(self, *, install_signals: bool = True, max_ticks: int | None = None,
            on_started: Callable[[], Any] | None = None) -> int:
        """Run until stopped; `on_started` is called once the lease is held (a second runner never gets there)."""
        self.lease.acquire()
        log.info("runner started (pid %s)", self.lease.pid)
        if on_started is not None:
            on_started()
        if install_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        self.scheduler.add_job(self.tick, "interval", seconds=int(TICK_MAX.total_seconds()), id="tick",
                               next_run_time=datetime.now(UTC))
        self.scheduler.add_job(self.heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat")
        if self.nightly is not None:
            self.scheduler.add_job(self._nightly, "cron", hour=18, minute=0, id="nightly")  # 03:00 in Seoul
        if self.sync is not None:  # checks every minute which connected shop is due (its own thread)
            self.scheduler.add_job(self._sync, "interval", seconds=SYNC_CHECK_SECONDS, id="sync",
                                   next_run_time=datetime.now(UTC) + timedelta(seconds=5))
        self.scheduler.start()
        try:
            while not self.stopping.wait(0.2):
                if max_ticks is not None and self.ticks >= max_ticks:
                    self.stop()
        finally:
            self.scheduler.shutdown(wait=True)
            try:
                self.lease.release()
            except StorageError as exc:  # the lease then runs out by itself within LEASE_TTL
                log.error("could not release the runner lease: %s", exc)
            log.info("runner stopped")
        return 0
