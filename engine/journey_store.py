"""Journeys in the database: list, load, save drafts, import and export files.

A change to a journey's name or status is announced (`subscribe`) once its transaction commits, so every view
of it hears it: the journeys list, an open editor (issue 14: a rename on the list was overwritten by an editor's
next save). The announcement is plain Python; ui/context.py turns it into a Qt signal.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from engine import config
from engine.clock import Clock
from engine.journey import Journey, JourneyError, ValidationContext
from engine.journey.limits import LIMIT_CODES, LIMITS, describe, loads
from engine.messaging.samples import Sample, empty_sample, example_data
from storage.models import ACTIVE, Enrollment, JourneyVersion
from storage.models import Journey as JourneyRow


class StoreError(Exception):
    """A journey that cannot be found, read or written; `code` says which, the text what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class JourneySummary:
    id: str
    name: str
    status: str
    live_version: int | None
    nodes: int
    active: int
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "live_version": self.live_version,
            "nodes": self.nodes,
            "active_customers": self.active,
            "updated_at": self.updated_at.isoformat(),
        }


def new_id() -> str:
    return uuid.uuid4().hex


# --- announcements: who hears a journey's name or status change ------------------------------------------------

log = logging.getLogger("dangol.journeys")


@dataclass(frozen=True)
class JourneyChange:
    """A committed change of one journey: `field` is "name" or "status", `value` its new value."""

    journey_id: str
    field: str
    value: str


Listener = Callable[[JourneyChange], None]
_listeners: list[Listener] = []
_listeners_lock = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Hear every committed name or status change (in the committing thread); returns the way to stop."""
    with _listeners_lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _listeners_lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def _tell(change: JourneyChange) -> None:
    with _listeners_lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(change)
        except Exception:  # one broken view must not undo a committed change or silence the others
            log.exception("a listener failed on %s", change.field)


def announce(session: Session, journey_id: str, field: str, value: str) -> None:
    """Tell the listeners once `session` commits (nothing if it rolls back)."""
    change = JourneyChange(journey_id, field, value)
    event.listen(session, "after_commit", lambda _session: _tell(change), once=True)


def rename(session: Session, ref: str, name: str, clock: Clock) -> JourneyRow:
    """Rename a journey's draft (and its row); JourneyError when the name is too long. Announced."""
    row = find_row(session, ref)
    journey = Journey.from_dict(row.draft)
    journey.rename(name)
    return save_draft(session, journey, clock)


def list_journeys(session: Session) -> list[JourneySummary]:
    active = dict(
        session.execute(
            select(Enrollment.journey_id, func.count())
            .where(ACTIVE)
            .group_by(Enrollment.journey_id)
        ).all()
    )
    columns = (JourneyRow.id, JourneyRow.name, JourneyRow.status, JourneyRow.live_version, JourneyRow.updated_at)
    order = (JourneyRow.updated_at.desc(), JourneyRow.name)
    rows: list[tuple[Any, ...]]
    if session.get_bind().dialect.name == "sqlite":  # count in SQL: a list never parses every draft in Python
        count = func.coalesce(func.json_array_length(JourneyRow.draft, "$.nodes"), 0)
        rows = [tuple(row) for row in session.execute(select(*columns, count).order_by(*order))]
    else:
        rows = [(*row[:5], len((row[5] or {}).get("nodes", [])))
                for row in session.execute(select(*columns, JourneyRow.draft).order_by(*order))]
    return [
        JourneySummary(
            id=row_id,
            name=name,
            status=status,
            live_version=live_version,
            nodes=int(nodes or 0),
            active=int(active.get(row_id, 0)),
            updated_at=updated_at,
        )
        for row_id, name, status, live_version, updated_at, nodes in rows
    ]


def find_row(session: Session, ref: str) -> JourneyRow:
    """A journey by its id, a unique id prefix (≥4 characters), or its exact name."""
    ref = ref.strip()
    row = session.get(JourneyRow, ref)
    if row is not None:
        return row
    matches: list[JourneyRow] = []
    if len(ref) >= 4:
        matches = list(session.scalars(select(JourneyRow).where(JourneyRow.id.startswith(ref))))
    if not matches:
        matches = list(session.scalars(select(JourneyRow).where(JourneyRow.name == ref)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise StoreError("not_found", f"no journey '{ref}'; `journey list` shows the ids")
    raise StoreError("ambiguous", f"'{ref}' matches {len(matches)} journeys; give more of the id")


def load(session: Session, ref: str) -> Journey:
    row = find_row(session, ref)
    return Journey.from_dict(row.draft)


def save_draft(session: Session, journey: Journey, clock: Clock, *, template_id: str | None = None) -> JourneyRow:
    """Insert or update a journey's draft graph (a live journey keeps running its published version)."""
    data = journey.to_dict()
    row = session.get(JourneyRow, journey.id)
    now = clock.now()
    if row is None:
        row = JourneyRow(
            id=journey.id,
            name=journey.name,
            status="draft",
            draft=data,
            template_id=template_id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    else:
        if row.name != journey.name:
            announce(session, journey.id, "name", journey.name)
        row.name = journey.name
        row.draft = data
        row.updated_at = now
    session.flush()
    return row


def read_file(path: Path) -> Journey:
    """Parse a journey file; every way it can be wrong becomes one StoreError line.

    A file over the size limit is refused before it is read (engine/journey/limits.py).
    """
    try:
        size = path.stat().st_size
        if size > LIMITS.file_bytes:
            raise JourneyError("file_too_large", size=size, limit=LIMITS.file_bytes)
        text = path.read_text(encoding="utf-8-sig")
    except JourneyError as exc:
        raise StoreError("too_large", f"{path}: {describe(exc)}") from None
    except FileNotFoundError:
        raise StoreError("unreadable", f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise StoreError("unreadable", f"{path}: not a UTF-8 text file; save it as UTF-8 JSON") from None
    except OSError as exc:
        raise StoreError("unreadable", f"{path}: cannot read ({exc.strerror})") from None
    try:
        return Journey.from_dict(loads(text))
    except json.JSONDecodeError as exc:
        raise StoreError(
            "bad_json", f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        ) from None
    except JourneyError as exc:
        if exc.code in LIMIT_CODES:
            raise StoreError("too_large", f"{path}: {describe(exc)}") from None
        raise StoreError("bad_format", f"{path}: not a journey file ({describe_error(exc)})") from None


def write_file(journey: Journey, path: Path) -> None:
    """Write atomically, so a failure never leaves a half-written file behind."""
    text = json.dumps(journey.to_dict(), ensure_ascii=False, indent=2) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError("unwritable", f"{path}: cannot write ({exc.strerror})") from None


def import_journey(session: Session, path: Path, clock: Clock) -> JourneyRow:
    """Add a journey file as a new draft; an id already in use gets a fresh one, never overwritten."""
    journey = read_file(path)
    if session.get(JourneyRow, journey.id) is not None:
        data = journey.to_dict()
        data["id"] = new_id()
        journey = Journey.from_dict(data)
    return save_draft(session, journey, clock)


def versions(session: Session, journey_id: str) -> list[JourneyVersion]:
    return list(
        session.scalars(
            select(JourneyVersion).where(JourneyVersion.journey_id == journey_id).order_by(JourneyVersion.version)
        )
    )


def describe_error(exc: JourneyError) -> str:
    """One line for a JourneyError: its code and its parameters."""
    code = getattr(exc, "code", "error")
    params = getattr(exc, "params", {}) or {}
    detail = ", ".join(f"{key}={value}" for key, value in params.items())
    return f"{code}: {detail}" if detail else str(code)


def validation_context(session: Session, now: datetime) -> ValidationContext:
    """What validate() needs from the shop: its name, contact and opt-out number (for the ad law), its time
    zone, and sample customers every message is tried on."""
    shop = {key.split(".", 1)[1]: config.get(session, key)
            for key in ("shop.name", "shop.contact", "shop.optout_number", "shop.email", "shop.url",
                        "shop.timezone")}
    from engine.coupons import pools

    coupon_pools = {item.pool: (item.left, item.low) for item in pools(session, now)}
    return ValidationContext(shop_settings=shop, samples=shop_samples(session, now), now=now,
                             coupon_pools=coupon_pools)


def shop_samples(session: Session, now: datetime) -> tuple[Sample, ...]:
    """A handful of the shop's customers a message is tried on before publishing (the newest, the oldest,
    the biggest spenders, the longest names, some without an email or a phone), and a customer with
    every field empty. Each pick is one indexed or small query."""
    from engine.customers.segments import thresholds
    from engine.runtime.facts import load_facts
    from storage.models import Customer, CustomerStats

    picks: list[int] = []
    for query in (
        select(Customer.id).order_by(Customer.id.desc()).limit(3),
        select(Customer.id).order_by(Customer.id).limit(2),
        select(CustomerStats.customer_id).order_by(CustomerStats.total_spent.desc()).limit(2),
        select(CustomerStats.customer_id).order_by(CustomerStats.order_count.desc()).limit(1),
        select(Customer.id).where(Customer.email.is_(None)).limit(1),
        select(Customer.id).where(Customer.phone.is_(None)).limit(1),
    ):
        picks += [int(value) for value in session.scalars(query) if value not in picks]
    facts = load_facts(session, picks, now, thresholds(session)) if picks else {}
    data = example_data(now)
    samples = [Sample(f"고객 #{customer_id}", f"customer #{customer_id}", facts[customer_id], data) for customer_id in picks
               if customer_id in facts]
    return (*samples, empty_sample(now))
