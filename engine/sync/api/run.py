"""Connecting shop APIs and syncing them: the one place that writes what a connector pulls.

State per source lives in `sync_state` under `api:<name>`: `details.config` (the owner's plain fields),
`details.connected`, the cursor (JSON) where the next sync starts, the last sync's time, status and error
(English in `last_error`, Korean in `details.error_ko`). Secrets (keys, passwords, tokens) are in the OS
keyring as `api.<name>.<field>`, never in the database.

The pages a connector yields are written with the last one's cursor in one transaction (a few pages at a
time, up to GROUP_RECORDS records or GROUP_SECONDS): a sync stopped anywhere (the PC off, `kill -9`, a 429
that asks for an hour) resumes after the last page written, and writing a page again changes nothing. One sync per source at a time, whichever process asks (the runner's schedule, the GUI's
"sync now", the CLI): a source marked running by a sync that made progress in the last `STALE_RUNNING` is
refused with `busy`.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psutil
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import config
from engine.clock import Clock
from engine.shopdata import (
    CartIn,
    ConsentIn,
    CouponUseIn,
    CustomerIn,
    OptOutIn,
    OrderIn,
    ShopDataError,
    ShopWriter,
    StatusChangeIn,
    WriteCounts,
)
from engine.sync.api import connector_class, connector_names
from engine.sync.api.base import Batch, Connector
from engine.sync.api.http import Http, SyncError
from storage.db import Database
from storage.models import SyncState

log = logging.getLogger("dangol.sync")

PREFIX = "api:"
# pages are written together up to this many records or seconds (one transaction each, with the last page's
# cursor): fewer transactions and stats refreshes, and never more than this much to fetch again after a stop
GROUP_RECORDS = 2_000
GROUP_SECONDS = 3.0
STALE_RUNNING = timedelta(minutes=10)  # a "running" mark with no page written for this long was left by a crash

_WRITE = {CustomerIn: "customer", OrderIn: "order", StatusChangeIn: "status_change", CartIn: "cart",
          ConsentIn: "consent", OptOutIn: "optout", CouponUseIn: "coupon_use"}


def state_key(name: str) -> str:
    return PREFIX + name


def secret_key(name: str, key: str) -> str:
    return f"api.{name}.{key}"


@dataclass
class SyncSummary:
    source: str
    status: str                      # ok | error
    started_at: datetime
    pages: int = 0
    records: int = 0
    written: WriteCounts = field(default_factory=WriteCounts)
    error_code: str | None = None
    error: str | None = None
    error_ko: str | None = None
    calls: int = 0
    waited_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "status": self.status, "started_at": self.started_at.isoformat(),
                "pages": self.pages, "records": self.records, "written": self.written.to_json(),
                "error_code": self.error_code, "error": self.error, "calls": self.calls,
                "waited_s": round(self.waited_s, 1)}


@dataclass(frozen=True)
class SourceStatus:
    """What the GUI and `source list` show for one platform."""

    name: str
    label: str
    label_en: str
    connected: bool
    config: dict[str, str]
    last_synced_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_error_ko: str | None
    last_attempt_at: datetime | None
    counts: dict[str, int]
    running: bool = False  # a sync of it is going on now (a mark left by a killed sync does not count)

    def error(self, lang: str) -> str | None:
        return self.last_error_ko if lang == "ko" else self.last_error

    def to_json(self) -> dict[str, Any]:
        return {"source": self.name, "label": self.label_en, "connected": self.connected, "config": self.config,
                "last_synced_at": self.last_synced_at.isoformat() if self.last_synced_at else None,
                "last_status": self.last_status, "last_error": self.last_error,
                "last_attempt_at": self.last_attempt_at.isoformat() if self.last_attempt_at else None,
                "counts": self.counts}


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _instant(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        return _aware(datetime.fromisoformat(str(text)))
    except ValueError:
        return None


def statuses(db: Database) -> list[SourceStatus]:
    """Every platform the app can connect, connected or not, in the registry's order."""
    with db.session() as session:
        rows = {row.source: row for row in session.scalars(select(SyncState).where(SyncState.source.like(PREFIX + "%")))}
    out = []
    wall = datetime.now(UTC)
    for name in connector_names():
        cls = connector_class(name)
        row = rows.get(state_key(name))
        details = dict(row.details or {}) if row is not None else {}
        out.append(SourceStatus(
            name=name, label=cls.label, label_en=cls.label_en, connected=bool(details.get("connected")),
            config=dict(details.get("config") or {}),
            last_synced_at=_aware(row.last_synced_at) if row is not None else None,
            last_status=row.last_status if row is not None else None,
            last_error=row.last_error if row is not None else None, last_error_ko=details.get("error_ko"),
            last_attempt_at=_instant(details.get("last_attempt_at")), counts=dict(details.get("counts") or {}),
            running=row is not None and row.last_status == "running" and _alive(details, wall)))
    return out


def _read_secrets(cls: type[Connector], extra: Iterable[str] = ()) -> dict[str, str]:
    out = {}
    keys = [item.key for item in cls.fields if item.secret] + list(getattr(cls, "token_keys", ())) + list(extra)
    for key in keys:
        try:
            value = config.read_secret(secret_key(cls.name, key))
        except config.ConfigError as exc:
            raise SyncError("no_keyring", str(exc), exc.ko) from None
        if value:
            out[key] = value
    return out


def _saver(name: str) -> Callable[[str, str], None]:
    def save(key: str, value: str) -> None:
        try:
            config.write_secret(secret_key(name, key), value)
        except config.ConfigError as exc:
            raise SyncError("no_keyring", str(exc), exc.ko) from None

    return save


def _clean(cls: type[Connector], values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The owner's fields split into plain and secret, each parsed; unknown or missing ones are SyncErrors."""
    known = {item.key: item for item in cls.fields}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise SyncError("bad_setting", f"{cls.label_en} has no field '{unknown[0]}'; its fields: {', '.join(known)}",
                        f"{cls.label}에는 '{unknown[0]}' 항목이 없습니다. 항목: {', '.join(known)}")
    plain: dict[str, str] = {}
    secret: dict[str, str] = {}
    for key, item in known.items():
        value = str(values.get(key, "") or "").strip()
        if not value:
            if item.required:
                raise SyncError("bad_setting", f"{item.label_en} is needed to connect {cls.label_en}",
                                f"{cls.label}에 연결하려면 {item.label_ko}이(가) 필요합니다")
            continue
        if item.parse is not None:
            value = item.parse(value)
        (secret if item.secret else plain)[key] = value
    return plain, secret


def connect(db: Database, name: str, values: Mapping[str, str], now: datetime, *,
            http: Http | None = None) -> str:
    """Check the owner's fields against the platform (authorizing first where it asks) and, when that works,
    keep them: plain ones in the database, secrets in the keyring. Returns the check's line. Nothing is kept
    when the check fails. Connecting again with another shop address starts the next sync from scratch."""
    cls = connector_class(name)
    plain, secret = _clean(cls, values)
    handed: dict[str, str] = {}
    own = http is None
    client = http or Http(cls.label)
    try:
        connector = cls(client, plain, secret, handed.__setitem__)
        connector.authorize(now)
        line = connector.check(now)
    finally:
        if own:
            client.close()
    save = _saver(name)
    for key in [item.key for item in cls.fields if item.secret] + list(getattr(cls, "token_keys", ())):
        save(key, connector.secrets.get(key, ""))
    with db.write_session() as session:
        key = state_key(name)
        state = session.get(SyncState, key) or SyncState(source=key, details={})
        details = dict(state.details or {})
        if details.get("config") != plain:
            state.cursor = None
        details.update(config=plain, connected=True, check=line)
        details.pop("error_ko", None)
        state.details = details
        state.last_error = None
        session.add(state)
    return line


def disconnect(db: Database, name: str) -> bool:
    """Forget the credentials (keyring) and stop syncing; what was synced stays. False when not connected."""
    cls = connector_class(name)
    save = _saver(name)
    for key in [item.key for item in cls.fields if item.secret] + list(getattr(cls, "token_keys", ())):
        save(key, "")
    with db.write_session() as session:
        state = session.get(SyncState, state_key(name))
        if state is None or not (state.details or {}).get("connected"):
            return False
        details = dict(state.details or {})
        details["connected"] = False
        state.details = details
    return True


def _alive(details: Mapping[str, Any], wall: datetime) -> bool:
    """Whether the sync that marked a source running still runs: it wrote a page lately, and, on this PC,
    its process exists (a sync killed with the PC or `kill -9` does not block the next one)."""
    progress = _instant(details.get("progress_at"))
    if progress is None or wall - progress >= STALE_RUNNING:
        return False
    pid = details.get("running_pid")
    if details.get("running_host") == socket.gethostname() and isinstance(pid, int):
        return bool(psutil.pid_exists(pid))
    return True


def _claim(session: Session, name: str, wall: datetime) -> SyncState:
    state = session.get(SyncState, state_key(name), with_for_update=True)
    if state is None or not (state.details or {}).get("connected"):
        cls = connector_class(name)
        raise SyncError("not_connected", f"{cls.label_en} is not connected; connect it first",
                        f"{cls.label}이(가) 연결되어 있지 않습니다. 먼저 연결하세요")
    details = dict(state.details or {})
    if state.last_status == "running" and _alive(details, wall):
        cls = connector_class(name)
        raise SyncError("busy", f"a sync of {cls.label_en} is already running", f"{cls.label} 동기화가 이미 진행 중입니다")
    details.update(last_attempt_at=wall.isoformat(), progress_at=wall.isoformat(), running_pid=os.getpid(),
                   running_host=socket.gethostname())
    state.details = details
    state.last_status = "running"
    return state


def sync_source(db: Database, name: str, clock: Clock, *, http: Http | None = None,
                stop: threading.Event | None = None,
                progress: Callable[[SyncSummary], Any] | None = None) -> SyncSummary:
    """Pull what changed at `name` since its cursor and write it page by page; the summary says how it went
    (a SyncError is recorded on the source and returned in the summary, not raised, except `not_connected`
    and `busy`, which change nothing and are raised)."""
    cls = connector_class(name)
    started = clock.now()
    wall = datetime.now(UTC)
    with db.write_session() as session:
        state = _claim(session, name, wall)
        plain = dict((state.details or {}).get("config") or {})
        cursor = json.loads(state.cursor) if state.cursor else {}
    summary = SyncSummary(source=name, status="ok", started_at=started)
    own = http is None
    client = http or Http(cls.label, stop=stop)
    if stop is not None:
        client.stop = stop
    try:
        connector = cls(client, plain, _read_secrets(cls), _saver(name))
        pending: list[Any] = []
        pending_cursor: Mapping[str, Any] | None = None
        pending_pages = 0
        flushed = time.monotonic()
        try:
            for batch in _ahead(connector.pull(cursor, started), client.stop):
                pending.extend(batch.records)
                pending_cursor, pending_pages = batch.cursor, pending_pages + 1
                if len(pending) >= GROUP_RECORDS or time.monotonic() - flushed >= GROUP_SECONDS:
                    group, group_cursor, group_pages = pending, pending_cursor, pending_pages
                    pending, pending_cursor, pending_pages = [], None, 0
                    _write_page(db, name, group, group_cursor, clock.now(), summary, group_pages)
                    flushed = time.monotonic()
                    if progress is not None:
                        progress(summary)
        finally:  # the pages read before a failure are written (with their cursor) all the same
            if pending_cursor is not None:
                _write_page(db, name, pending, pending_cursor, clock.now(), summary, pending_pages)
                if progress is not None:
                    progress(summary)
    except SyncError as exc:
        summary.status, summary.error_code, summary.error, summary.error_ko = "error", exc.code, str(exc), exc.ko
    except (KeyError, TypeError, ValueError, AttributeError, httpx.HTTPError) as exc:
        # the platform answered in a shape the connector does not know: recorded, and the next sync retries
        log.exception("%s: unexpected answer", name)
        summary.status, summary.error_code = "error", "bad_response"
        summary.error = f"{cls.label_en} answered in an unexpected form ({type(exc).__name__}); the next sync tries again"
        summary.error_ko = f"{cls.label}의 응답 형식을 알 수 없습니다({type(exc).__name__}). 다음 동기화 때 다시 시도합니다"
    finally:
        summary.calls, summary.waited_s = client.calls, client.waited
        if own:
            client.close()
        _finish(db, name, summary)
    log.info("sync %s: %s, %s pages, %s records, %s calls", name, summary.status, summary.pages, summary.records,
             summary.calls)
    return summary


_DONE = object()


def _ahead(pages: Iterator[Batch], stop: threading.Event) -> Iterator[Batch]:
    """The connector's pages, read one page ahead in a thread of their own: the next page is fetched and
    parsed while this one is written. An error of the connector comes out here, in order, after the pages
    before it; leaving early (a write failed) stops the reader at its next page."""
    found: queue.Queue[Any] = queue.Queue(maxsize=1)
    leaving = threading.Event()

    def read() -> None:
        try:
            for page in pages:
                while not leaving.is_set():
                    try:
                        found.put(page, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if leaving.is_set():
                    return
            found.put(_DONE)
        except BaseException as exc:  # handed to the writing side, which raises it as its own
            found.put(exc)

    reader = threading.Thread(target=read, name="sync-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = found.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        leaving.set()
        reader.join(timeout=60)


def _write_page(db: Database, name: str, records: list[Any], cursor: Mapping[str, Any], now: datetime,
                summary: SyncSummary, pages: int) -> None:
    with db.write_session() as session:
        writer = ShopWriter(session, now)
        with writer:
            for record in records:
                try:
                    getattr(writer, _WRITE[type(record)])(record)
                except ShopDataError as exc:  # a value the store refuses (a connector maps statuses first)
                    log.warning("%s: a record was skipped (%s)", name, exc)
        state = session.get(SyncState, state_key(name))
        assert state is not None
        state.cursor = json.dumps(cursor, ensure_ascii=False, sort_keys=True, default=str)
        details = dict(state.details or {})
        details["progress_at"] = datetime.now(UTC).isoformat()
        state.details = details
    summary.pages += pages
    summary.records += len(records)
    for key, value in writer.counts.to_json().items():
        setattr(summary.written, key, getattr(summary.written, key) + value)


def _finish(db: Database, name: str, summary: SyncSummary) -> None:
    with db.write_session() as session:
        state = session.get(SyncState, state_key(name))
        if state is None:
            return
        details = dict(state.details or {})
        details["progress_at"] = None
        if summary.status == "ok":
            state.last_synced_at = summary.started_at  # the shop's data is as fresh as when this sync began
            state.last_status, state.last_error = "ok", None
            details.pop("error_ko", None)
            details.pop("error_code", None)
            details["counts"] = {"pages": summary.pages, "records": summary.records,
                                 "orders": summary.written.orders_created + summary.written.orders_updated,
                                 "customers": summary.written.customers_created + summary.written.customers_updated}
        elif summary.error_code == "cancelled":  # the owner stopped it: not a failure, the last outcome stands
            state.last_status = details.get("outcome") or None
        else:
            state.last_status, state.last_error = "error", summary.error
            details.update(error_ko=summary.error_ko, error_code=summary.error_code)
        if state.last_status in ("ok", "error"):
            details["outcome"] = state.last_status
        state.details = details


def sync_due(db: Database, clock: Clock, *, stop: threading.Event | None = None) -> list[SyncSummary]:
    """The runner's schedule: sync every connected source whose last attempt is older than the owner's
    `sync.interval_minutes` (0: never by schedule). A source another process is syncing is left to it."""
    with db.session() as session:
        minutes = int(config.get(session, "sync.interval_minutes"))
    if minutes <= 0:
        return []
    wall = datetime.now(UTC)
    done = []
    for status in statuses(db):
        if not status.connected:
            continue
        if status.last_attempt_at is not None and wall - status.last_attempt_at < timedelta(minutes=minutes):
            continue
        try:
            done.append(sync_source(db, status.name, clock, stop=stop))
        except SyncError as exc:  # busy (the GUI's "sync now") or disconnected meanwhile
            log.info("sync %s skipped: %s", status.name, exc)
    return done
