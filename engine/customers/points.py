"""Giving the points (적립금) journeys asked for (`point_grants`, written by action.give_points).

The points stay the shop's. `give_due` runs in the runner's pass, never inside the advancer's transaction:

- a grant for a Cafe24 member while Cafe24 is connected is claimed (`sending`, committed), given through the
  Cafe24 Admin API (`POST /api/v2/admin/points`), and then marked `done` (committed). A 429/5xx is tried
  again within the call (Http), and a call that still fails leaves the grant `pending` for a later pass
  (`next_try_at`, backing off) up to MAX_ATTEMPTS; an answer that refuses it (the member unknown, the
  permission missing, the connection expired) puts it on the owner's list with the reason.
- a grant left `sending` (the PC went off during the call) is never sent again: nobody knows whether Cafe24
  gave it, so it goes on the owner's list to check (`STUCK`).
- every other grant (another platform, a customer from a file import) goes on the owner's list at once:
  "적립금 수동 지급 목록" (`manual`), shown in the GUI and by `python main.py points list`; the owner gives
  them in the shop's admin and marks them done (`points done ID…`).
The message after the node says the amount (`{{ points.amount }}`) either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from storage.db import Database
from storage.models import Customer, PointGrant, SyncState

log = logging.getLogger("dangol.points")

MAX_ATTEMPTS = 5
STUCK = timedelta(minutes=10)
RETRY_BASE = timedelta(minutes=5)
PLATFORM = "cafe24"


@dataclass
class GrantCounts:
    given: int = 0
    manual: int = 0
    retried: int = 0


@dataclass(frozen=True)
class ManualGrant:
    id: int
    customer_id: int
    name: str
    phone: str
    member_id: str
    amount: int
    reason: str
    created_at: datetime
    error: str


def _cafe24_connected(session: Session) -> bool:
    state = session.get(SyncState, f"api:{PLATFORM}")
    return bool(state is not None and (state.details or {}).get("connected"))


def _manual(grant: PointGrant, error: str | None = None) -> None:
    grant.status = "manual"
    grant.next_try_at = None
    grant.error = error


def give_due(db: Database, clock: Clock, *, http: Any = None) -> GrantCounts:
    """Give the grants that are due (see the module's text); returns how many went where."""
    counts = GrantCounts()
    now = clock.now()
    with db.session() as session:  # the common case (nothing to do): one indexed read, no write lock
        if session.scalar(select(PointGrant.id).where(PointGrant.status.in_(("pending", "sending"))).limit(1)) is None:
            return counts
    claimed: list[tuple[int, str, int, str]] = []
    with db.write_session() as session:
        for grant in session.scalars(select(PointGrant).where(PointGrant.status == "sending",
                                                              PointGrant.next_try_at <= now - STUCK)):
            _manual(grant, "지급 중에 멈췄습니다: 카페24에서 지급됐는지 확인하세요")
            counts.manual += 1
        connected = _cafe24_connected(session)
        rows = session.execute(
            select(PointGrant, Customer.source, Customer.external_id)
            .join(Customer, Customer.id == PointGrant.customer_id)
            .where(PointGrant.status == "pending", PointGrant.next_try_at <= now)
            .order_by(PointGrant.id)
        ).all()
        for grant, source, member in rows:
            if not (connected and source == PLATFORM and member):
                _manual(grant)
                counts.manual += 1
                continue
            grant.status = "sending"  # claimed: committed before the call, so it is never sent twice
            grant.attempts += 1
            grant.next_try_at = now
            claimed.append((grant.id, str(member), int(grant.amount), grant.reason))
    if not claimed:
        return counts
    _send(db, clock, claimed, counts, http)
    return counts


def _send(db: Database, clock: Clock, claimed: list[tuple[int, str, int, str]], counts: GrantCounts,
          http: Any) -> None:
    from engine.sync.api import SyncError
    from engine.sync.api.cafe24 import Cafe24
    from engine.sync.api.http import Http
    from engine.sync.api.run import _read_secrets, _saver, state_key

    with db.session() as session:
        state = session.get(SyncState, state_key(PLATFORM))
        plain = dict(((state.details or {}) if state is not None else {}).get("config") or {})
    own = http is None
    client = http or Http(Cafe24.label)
    try:
        try:
            connector = Cafe24(client, plain, _read_secrets(Cafe24), _saver(PLATFORM))
        except SyncError as exc:
            _settle_all(db, clock, claimed, counts, exc)
            return
        for index, (grant_id, member, amount, reason) in enumerate(claimed):
            try:
                connector.give_points(member, amount, reason, clock.now())
            except SyncError as exc:
                if exc.code == "cancelled":
                    _settle_all(db, clock, claimed[index:], counts, exc)
                    return
                _settle(db, clock, grant_id, counts, exc)
                continue
            with db.write_session() as session:
                session.execute(update(PointGrant).where(PointGrant.id == grant_id)
                                .values(status="done", done_at=clock.now(), error=None, next_try_at=None))
            counts.given += 1
    finally:
        if own:
            client.close()


def _settle_all(db: Database, clock: Clock, claimed: list[tuple[int, str, int, str]], counts: GrantCounts,
                exc: Exception) -> None:
    for grant_id, *_ in claimed:
        _settle(db, clock, grant_id, counts, exc)


def _settle(db: Database, clock: Clock, grant_id: int, counts: GrantCounts, exc: Any) -> None:
    """A call that did not give the points: later again (it may work then) or onto the owner's list."""
    code = getattr(exc, "code", "")
    text = str(getattr(exc, "ko", "") or exc)[:300]
    with db.write_session() as session:
        grant = session.get(PointGrant, grant_id)
        if grant is None:
            return
        again = code in {"server_error", "rate_limited", "timeout", "unreachable", "bad_response", "cancelled"}
        if again and grant.attempts < MAX_ATTEMPTS:
            grant.status = "pending"
            grant.next_try_at = clock.now() + RETRY_BASE * 2 ** (grant.attempts - 1)
            grant.error = text
            counts.retried += 1
        else:
            _manual(grant, text)
            counts.manual += 1
    log.warning("points grant %s not given (%s)", grant_id, code or type(exc).__name__)


def manual_list(session: Session) -> list[ManualGrant]:
    """The owner's list: grants to give by hand in the shop's admin, oldest first."""
    rows = session.execute(
        select(PointGrant, Customer.name, Customer.phone, Customer.external_id)
        .join(Customer, Customer.id == PointGrant.customer_id)
        .where(PointGrant.status == "manual").order_by(PointGrant.id)
    ).all()
    return [ManualGrant(g.id, g.customer_id, name or "", phone or "", member or "", int(g.amount), g.reason,
                        g.created_at, g.error or "") for g, name, phone, member in rows]


def mark_done(session: Session, ids: list[int], now: datetime) -> list[int]:
    """Mark grants of the owner's list given; returns the ids that were on it (others are left alone)."""
    done: list[int] = []
    for grant in session.scalars(select(PointGrant).where(PointGrant.id.in_(ids), PointGrant.status == "manual")):
        grant.status = "done"
        grant.done_at = now
        done.append(grant.id)
    return sorted(done)
