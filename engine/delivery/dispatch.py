"""The delivery loop: due outbox rows → the rules → a channel, without ever sending one key twice.

Each pass:
1. rows a dead process left behind are settled: `claimed` ones (never tried) are queued again;
   `sending` ones are *ambiguous* (the provider may or may not have them). A channel that can look a
   key up (the file channel) settles those; any other is held for the owner's review, never sent
   again on a guess;
2. a short write transaction claims a batch of due rows, applying the rules in order (consent,
   address, lateness, quiet hours, frequency cap), and marks the passing ones `claimed`;
3. each claimed row in turn is marked `sending`, handed to its channel outside any transaction (a
   slow provider never blocks the app), and its outcome recorded at once: sent, failed (permanent),
   or queued again with a backoff (transient). So a crash leaves at most one message in doubt.
Every decision writes a step-log row, so the customer's timeline says what happened and why; a send
is recorded by the outbox row itself (status, time, provider id), which the timeline reads too.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from engine import config
from engine.channels import BY_NAME as CHANNEL_SPECS
from engine.channels import CLOSED_HOURS
from engine.channels import CONSENT as CONSENT_CHANNEL
from engine.clock import Clock
from engine.customers.consents import RENEWAL_KEY_SUFFIX, reconfirm_sent
from engine.delivery.adapters.base import Channel, OutgoingMessage, SendError, SendResult
from engine.delivery.rules import (
    DECIDED_APART,
    STALE_RECHECK,
    QuietHours,
    in_quiet_hours,
    lateness_rule,
    shop_day_start,
    stale_since,
    windows_end_after,
)
from engine.runtime.facts import consents as customer_consents
from engine.runtime.memory import bulk_work
from engine.runtime.writes import fast_insert, fast_update, parse_utc, raw_rows
from storage.db import Database
from storage.models import Journey as JourneyRow
from storage.models import OutboxMessage, StepLog, SyncState

log = logging.getLogger("dangol.delivery")
OUTBOX = OutboxMessage.__table__
BATCH = 500  # claimed rows a crash leaves are queued again (never tried), so claims can be large
WINDOW = 40  # claims' worth of due ids read at once (20,000 rows, earliest first), then taken in id order
SEND_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
MANY_MAX = 100  # messages in one provider request, for channels that send in bulk
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
HOST = socket.gethostname()[:100]
NOT_CUSTOMER = sorted(name for name in CHANNEL_SPECS if name not in CONSENT_CHANNEL)  # owner notes


def _me() -> str:
    return f"{HOST}:{os.getpid()}"


def _wall() -> datetime:
    """Claims expire in real time, whatever the engine's clock says (a fixed --now must not freeze them)."""
    return datetime.now(UTC)


def _claimer_gone(claimed_by: str | None) -> bool:
    """Whether the process that claimed a row is known to be dead (it ran on this PC and is gone)."""
    if not claimed_by:
        return False
    host, _, pid = claimed_by.rpartition(":")
    if host != HOST or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    import psutil

    return not psutil.pid_exists(int(pid))


@dataclass
class DeliverySummary:
    sent: int = 0
    skipped: int = 0
    deferred: int = 0
    held: int = 0
    failed: int = 0
    retried: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "skipped": self.skipped, "deferred": self.deferred, "held": self.held,
                "failed": self.failed, "retried": self.retried, "reasons": dict(self.reasons)}


@dataclass(frozen=True)
class Rules:
    zone: ZoneInfo
    quiet: QuietHours
    cap_day: int
    cap_week: int
    stale_hours: int = 0
    last_sync: datetime | None = None  # the newest sync of any shop source (None: never synced)
    email_at_night: bool = False  # the owner lets email ads go out in quiet hours (the law exempts email)

    @classmethod
    def load(cls, session: Session) -> Rules:
        get = config.Snapshot(session).get
        return cls(
            zone=ZoneInfo(str(get("shop.timezone"))),
            quiet=QuietHours.from_settings(get("rules.quiet_start"), get("rules.quiet_end")),
            cap_day=int(get("rules.ad_cap_per_day")),
            cap_week=int(get("rules.ad_cap_per_week")),
            stale_hours=int(get("sync.stale_after_hours")),
            last_sync=session.scalar(select(func.max(SyncState.last_synced_at))),
            email_at_night=bool(get("rules.email_ads_at_night")),
        )


@dataclass
class _Claimed:
    id: int
    message: OutgoingMessage
    attempts: int
    journey_id: str | None
    enrollment_id: int | None
    node_id: str | None
    cost_won: int


def deliver_due(db: Database, clock: Clock, channels: Mapping[str, Channel], *, batch: int = BATCH) -> DeliverySummary:
    """Send what is due now; returns what happened. Safe to run in two processes at once.

    Due rows are read a window at a time (the earliest first) and claimed in id order within it, so a
    claim's rows sit on neighbouring pages (after a week off, messages queued in one pass are next to
    each other, while their due times are spread over the week)."""
    with bulk_work():
        try:
            return _deliver(db, clock, channels, batch)
        finally:
            _end_batch(channels)


def _end_batch(channels: Mapping[str, Channel]) -> None:
    """Tell each adapter the pass is over (an SMTP connection kept open for the batch is closed)."""
    for channel in {id(channel): channel for channel in channels.values()}.values():
        end = getattr(channel, "end_batch", None)
        if callable(end):
            try:
                end()
            except Exception as exc:  # closing a connection must not turn a pass into a failure
                log.warning("closing a channel after the pass failed: %s", type(exc).__name__)


def _deliver(db: Database, clock: Clock, channels: Mapping[str, Channel], batch: int) -> DeliverySummary:
    summary = DeliverySummary()
    now = clock.now()
    settle_ambiguous(db, now, channels, summary)
    # a claim fills a provider's largest request (1,000 recipients for some)
    batch = max([batch, *(int(getattr(channel, "many_max", 0) or 0) for channel in channels.values())])
    limit = batch * WINDOW
    sender = _Sender(db, channels, now, summary)
    while True:
        due = _due_rows(db, now, limit)
        if not due:
            break
        # A request's outcome is written in the next transaction the loop makes anyway (marking the next
        # request `sending`, or the next claim): one transaction fewer per request, and no later. If that
        # transaction fails, the outcome is written on its own before the error goes on: a message that
        # went out is never left `sending` (held for review) for want of its record.
        try:
            for chunk in _claim_chunks(due, batch):
                claimed = _claim(db, now, chunk, channels, summary, sender.take())
                for group in _requests(claimed, channels):
                    sender.send(group)
                sender.drain()
        finally:
            sender.close()
            outcome = sender.take()
            if outcome is not None:
                with db.write_session() as session:
                    outcome.write(session)
        if len(due) < limit:
            break
    return summary


class _Limiter:
    """A provider's rate limit (`rate_per_s` on its adapter): requests spaced evenly, never closer (a token
    bucket holding one token), a little under the limit so the provider's own clock never sees it passed."""

    MARGIN = 0.98

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / (rate * self.MARGIN)
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next)
            self.next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


_LIMITERS: dict[int, tuple[Channel, _Limiter]] = {}  # by adapter: one limit across passes and threads
_LIMITERS_LOCK = threading.Lock()


def _limiter(channel: Channel) -> _Limiter | None:
    rate = getattr(channel, "rate_per_s", None)
    if not rate:
        return None
    with _LIMITERS_LOCK:
        held = _LIMITERS.get(id(channel))
        if held is None or held[0] is not channel or held[1].interval != 1.0 / (float(rate) * _Limiter.MARGIN):
            held = _LIMITERS[id(channel)] = (channel, _Limiter(float(rate)))
        return held[1]


class _Sender:
    """Sends a pass's requests: one at a time, or, for an adapter that allows it (`concurrency`), several
    in flight (a provider with 300 ms answers and a 10/s limit needs at least 3), each spaced by the
    adapter's rate limit. Each request's rows are marked `sending` before it starts, so a crash leaves
    in doubt only the requests in flight; outcomes are recorded here, in the main thread."""

    def __init__(self, db: Database, channels: Mapping[str, Channel], now: datetime,
                 summary: DeliverySummary) -> None:
        self.db, self.channels, self.now, self.summary = db, channels, now, summary
        self.done: list[_Outcome] = []
        self.inflight: dict[Future[list[SendResult | SendError]], list[_Claimed]] = {}
        self.pool: ThreadPoolExecutor | None = None

    def take(self) -> _Outcome | None:
        """The outcomes not yet written, as one (written by the caller's next transaction)."""
        if not self.done:
            return None
        merged = _Outcome([change for item in self.done for change in item.updates],
                          [line for item in self.done for line in item.logs],
                          [sent for item in self.done for sent in item.renewals])
        self.done = []
        return merged

    def send(self, group: list[_Claimed]) -> None:
        channel = self.channels[group[0].message.channel]
        width = max(1, int(getattr(channel, "concurrency", 1) or 1))
        limiter = _limiter(channel)
        while len(self.inflight) >= width:
            self._reap(block=True)
        self._reap(block=False)
        todo = _mark_sending(self.db, group, self.take())
        if not todo:
            return
        if width == 1 and limiter is None:  # the plain way: in this thread
            self.done.append(_outcome(self.now, todo, _request(self.channels, todo, None), self.summary))
            return
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dangol-send")
        future = self.pool.submit(_request, self.channels, todo, limiter)
        self.inflight[future] = todo

    def _reap(self, block: bool) -> None:
        if not self.inflight:
            return
        if block:
            wait_for(list(self.inflight), return_when=FIRST_COMPLETED)
        for future in [future for future in self.inflight if future.done()]:
            todo = self.inflight.pop(future)
            self.done.append(_outcome(self.now, todo, future.result(), self.summary))

    def drain(self) -> None:
        while self.inflight:
            self._reap(block=True)

    def close(self) -> None:
        self.drain()
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def _due_rows(db: Database, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(id, customer) of the earliest `limit` queued rows due by `now`, leaving out paused journeys'."""
    journeys = JourneyRow.__table__
    with db.session() as session:
        return [(row.id, row.customer_id) for row in session.connection().execute(
            select(OUTBOX.c.id, OUTBOX.c.customer_id)
            .outerjoin(journeys, journeys.c.id == OUTBOX.c.journey_id)
            .where(OUTBOX.c.status == "queued", OUTBOX.c.not_before <= now,
                   or_(OUTBOX.c.journey_id.is_(None), journeys.c.status != "paused"))
            .order_by(OUTBOX.c.not_before, OUTBOX.c.id)
            .limit(limit)
        )]


def _claim_chunks(due: list[tuple[int, int]], batch: int) -> list[list[int]]:
    """A window's ids in id order, `batch` a claim, except that all of one customer's messages go into
    the claim of the first of them, so the frequency cap still lets the earliest due one through."""
    first: dict[int, int] = {}
    for message_id, customer_id in sorted(due):
        first.setdefault(customer_id, message_id)
    chunks: list[list[int]] = []
    placed: dict[int, list[int]] = {}  # a customer's first id → the chunk it went into
    current: list[int] = []
    for message_id, customer_id in sorted(due):
        lead = first[customer_id]
        if lead != message_id:
            placed[lead].append(message_id)
            continue
        if len(current) >= batch:
            chunks.append(current)
            current = []
        current.append(message_id)
        placed[message_id] = current
    if current:
        chunks.append(current)
    return chunks


def _log(at: datetime, row: Any, event: str, reason: str | None, **detail: Any) -> dict[str, Any]:
    return {"at": at, "customer_id": row.customer_id, "journey_id": row.journey_id, "version_id": None,
            "enrollment_id": row.enrollment_id, "node_id": row.node_id, "event": event, "reason": reason,
            "detail": {"channel": row.channel, **detail}}


def settle_ambiguous(db: Database, now: datetime, channels: Mapping[str, Channel], summary: DeliverySummary) -> None:
    """Rows whose sender died between the claim and the record: settle by lookup, else hold for review."""
    with db.write_session() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.idem_key, OutboxMessage.channel,
                   OutboxMessage.customer_id,
                   OutboxMessage.journey_id, OutboxMessage.enrollment_id, OutboxMessage.node_id,
                   OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body, OutboxMessage.is_ad,
                   OutboxMessage.lease_until, OutboxMessage.claimed_by)
            .where(OutboxMessage.status.in_(("claimed", "sending")))
        ).all()
        wall = _wall()
        rows = [row for row in rows if (row.lease_until is not None and row.lease_until < wall)
                or _claimer_gone(row.claimed_by)]
        updates: list[dict[str, Any]] = []
        logs: list[dict[str, Any]] = []
        renewals: list[tuple[int, datetime]] = []  # consent re-confirmations found sent
        never_tried = [row.id for row in rows if row.status == "claimed"]
        if never_tried:  # claimed by a process that died before trying: safe to queue again
            session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(never_tried), OUTBOX.c.status == "claimed")
                            .values(status="queued", lease_until=None, claimed_by=None, reason="retry_after_crash"))
        for row in rows:
            if row.status == "claimed":
                continue
            lookup = getattr(channels.get(row.channel), "lookup", None)
            found: SendResult | None = None
            known = False
            if callable(lookup):
                message = OutgoingMessage(row.idem_key, row.channel, row.channel, row.recipient, row.subject,
                                          row.body, row.is_ad, row.customer_id)
                found = lookup(message)
                known = True
            if found is not None:
                updates.append({"_id": row.id, "status": "sent", "reason": None, "provider_id": found.provider_id,
                                "not_before": now, "lease_until": None})
                logs.append(_log(now, row, "sent", "confirmed_after_crash"))
                if row.idem_key.endswith(RENEWAL_KEY_SUFFIX):
                    renewals.append((row.id, now))
                summary.sent += 1
            elif known:
                updates.append({"_id": row.id, "status": "queued", "reason": "retry_after_crash", "provider_id": None,
                                "not_before": now, "lease_until": None})
            else:
                updates.append({"_id": row.id, "status": "held", "reason": "ambiguous_send", "provider_id": None,
                                "not_before": now, "lease_until": None})
                logs.append(_log(now, row, "held", "ambiguous_send"))
                summary.held += 1
                summary.reasons["ambiguous_send"] += 1
        if updates:
            session.execute(
                update(OUTBOX).where(OUTBOX.c.id == bindparam("_id"))
                .values(status=bindparam("status"), reason=bindparam("reason"), provider_id=bindparam("provider_id"),
                        not_before=bindparam("not_before"), lease_until=bindparam("lease_until"))
                ,
                updates,
            )
        if logs:
            fast_insert(session, StepLog, logs)
        reconfirm_sent(session, renewals)


def _claim(db: Database, now: datetime, ids: list[int], channels: Mapping[str, Channel],
           summary: DeliverySummary, outcome: _Outcome | None = None) -> list[_Claimed]:
    """Apply the rules to the rows `ids` still queued and due (another process may have taken some, or
    the owner paused their journey meanwhile), in one write transaction that also records `outcome`
    (the last request's); returns those to send."""
    with db.write_session() as session:
        if outcome is not None:
            outcome.write(session)
        rules = Rules.load(session)
        rows = [row for row in _claimable(session, ids)
                if row.status == "queued" and row.not_before <= now and row.journey_status != "paused"]
        if not rows:
            return []
        rows.sort(key=lambda row: (row.not_before, row.id))  # the rules (caps above all) in due order
        customers = sorted({row.customer_id for row in rows})
        consents = customer_consents(session, customers)
        ad_customers = sorted({row.customer_id for row in rows if row.is_ad})
        if ad_customers and (rules.cap_day or rules.cap_week):
            day_counts, week_counts = _ad_counts(session, ad_customers, now, rules.zone)
        else:
            day_counts, week_counts = Counter(), Counter()
        claimed: list[_Claimed] = []
        changes: list[dict[str, Any]] = []
        logs: list[dict[str, Any]] = []

        lease, me = _wall() + SEND_LEASE, _me()
        stale = stale_since(rules.last_sync, now, rules.stale_hours)

        def change(row: Any, status: str, reason: str | None, not_before: datetime,
                   due_at: datetime, event: str | None, **detail: Any) -> None:
            if status == "claimed":  # only what changes: the times stay as they are
                changes.append({"_id": row.id, "status": status, "reason": None, "lease_until": lease,
                                "claimed_by": me, "attempts": row.attempts + 1, "sent_at": now})
            else:
                changes.append({"_id": row.id, "status": status, "reason": reason, "not_before": not_before,
                                "due_at": due_at, "lease_until": None, "claimed_by": None})
            if event:
                if now - row.due_at > DECIDED_APART:  # logged at `now`; the time it was meant for, too
                    detail["planned"] = row.due_at.isoformat()
                logs.append(_log(now, row, event, reason, **detail))
            if reason and status != "claimed":
                summary.reasons[reason] += 1

        for row in rows:
            granted = consents.get(row.customer_id, {})
            is_customer_channel = row.channel in CONSENT_CHANNEL
            if row.channel not in channels:
                change(row, "held", "no_channel", row.not_before, row.due_at, "held")
                summary.held += 1
                continue
            if not row.recipient:
                change(row, "skipped", "no_address", row.not_before, row.due_at, "skipped")
                summary.skipped += 1
                continue
            if row.is_ad and is_customer_channel and not granted.get(CONSENT_CHANNEL[row.channel], False):
                change(row, "skipped", "no_consent", row.not_before, row.due_at, "skipped")
                summary.skipped += 1
                continue
            if stale is not None and is_customer_channel:
                # planned time kept, so the lateness rule still judges it when the data is fresh again;
                # logged once (when the hold starts), not at every hourly look
                change(row, "queued", "stale_data", now + STALE_RECHECK, row.due_at,
                       None if row.reason == "stale_data" else "deferred", since=stale.isoformat())
                summary.deferred += 1
                continue
            verdict = lateness_rule(row.lateness, row.lateness_hours, row.due_at, now, rules.zone)
            if verdict is not None and verdict[0] == "late":
                change(row, "skipped", "late", row.not_before, row.due_at, "skipped",
                       late_hours=round((now - row.due_at).total_seconds() / 3600, 1))
                summary.skipped += 1
                continue
            if verdict is not None:
                moved = verdict[1]
                change(row, "queued", "late_moved", moved, moved, "deferred", until=moved.isoformat())
                summary.deferred += 1
                continue
            quiet = row.is_ad and is_customer_channel and not granted.get("night", False) and not (
                rules.email_at_night and row.channel == "email")
            closed = CLOSED_HOURS.get(row.channel)
            if closed is not None and in_quiet_hours(now, *closed, rules.zone):
                # the channel takes nothing now (Kakao: no brand message 20:50–08:00, night consent or not): to
                # the first moment both it and, for an ad without night consent, the quiet hours allow
                windows = (closed, *rules.quiet.windows) if quiet else (closed,)
                moved = windows_end_after(windows, now, rules.zone)
                change(row, "queued", "kakao_closed", moved, moved, "deferred", until=moved.isoformat())
                summary.deferred += 1
                continue
            if quiet and rules.quiet.contains(now, rules.zone):
                moved = rules.quiet.end_after(now, rules.zone)
                change(row, "queued", "quiet_hours", moved, moved, "deferred", until=moved.isoformat())
                summary.deferred += 1
                continue
            if row.is_ad and is_customer_channel:
                today = day_counts[row.customer_id]
                week = week_counts[row.customer_id]
                if (rules.cap_day and today >= rules.cap_day) or (rules.cap_week and week >= rules.cap_week):
                    if row.cap_policy == "skip":
                        change(row, "skipped", "frequency_cap", row.not_before, row.due_at, "skipped")
                        summary.skipped += 1
                    else:
                        moved = rules.quiet.next_day_opening(now, rules.zone)
                        change(row, "queued", "frequency_cap", moved, moved, "deferred", until=moved.isoformat())
                        summary.deferred += 1
                    continue
                day_counts[row.customer_id] += 1
                week_counts[row.customer_id] += 1
            change(row, "claimed", None, row.not_before, row.due_at, None)
            spec = CHANNEL_SPECS.get(row.channel)
            kind = spec.kind(row.body) if spec is not None else row.channel
            claimed.append(_Claimed(row.id, OutgoingMessage(row.idem_key, row.channel, kind, row.recipient,
                                                            row.subject, row.body, row.is_ad, row.customer_id),
                                    row.attempts + 1, row.journey_id, row.enrollment_id, row.node_id, row.cost_won))
        fast_update(session, OutboxMessage, changes)
        if logs:
            fast_insert(session, StepLog, logs)
        return claimed


class _Due(NamedTuple):
    """An outbox row a claim looks at."""

    id: int
    idem_key: str
    journey_id: str | None
    enrollment_id: int | None
    node_id: str | None
    customer_id: int
    channel: str
    is_ad: bool
    recipient: str
    subject: str
    body: str
    status: str
    reason: str | None
    not_before: datetime
    due_at: datetime
    lateness: str
    lateness_hours: int
    cap_policy: str
    attempts: int
    cost_won: int
    journey_status: str | None


_DUE_COLUMNS = [name for name in _Due._fields if name != "journey_status"]


def _claimable(session: Session, ids: list[int]) -> list[_Due]:
    """The rows `ids` with their journey's status, by primary key (the status and time terms are checked
    by the caller: given to SQLite, they would make it walk the due index instead). On SQLite, plain
    tuples from the driver."""
    if session.get_bind().dialect.name == "sqlite":
        columns = ", ".join(f"o.{name}" for name in _DUE_COLUMNS)
        rows = [row for start in range(0, len(ids), 900)  # a claim can pass 500 ids (a customer's together)
                for row in raw_rows(session, f"SELECT {columns}, j.status FROM outbox AS o LEFT JOIN journeys AS j"
                                    f" ON j.id = o.journey_id WHERE o.id IN ({', '.join('?' * len(ids[start:start + 900]))})",
                                    ids[start : start + 900])]
        not_before, due_at = _DUE_COLUMNS.index("not_before"), _DUE_COLUMNS.index("due_at")
        is_ad = _DUE_COLUMNS.index("is_ad")
        result = []
        for row in rows:
            values = list(row)
            values[not_before], values[due_at] = parse_utc(values[not_before]), parse_utc(values[due_at])
            values[is_ad] = bool(values[is_ad])
            result.append(_Due(*values))
        return result
    journeys = JourneyRow.__table__
    return [_Due(*(getattr(row, name) for name in _DUE_COLUMNS), row.journey_status)
            for row in session.connection().execute(
                select(*(OUTBOX.c[name] for name in _DUE_COLUMNS), journeys.c.status.label("journey_status"))
                .outerjoin(journeys, journeys.c.id == OUTBOX.c.journey_id).where(OUTBOX.c.id.in_(ids)))]


def _ad_counts(session: Session, customers: list[int], now: datetime,
               zone: ZoneInfo) -> tuple[Counter[int], Counter[int]]:
    """Ads sent (or being sent) to each customer today (shop day) and in the last 7 days."""
    day_start = shop_day_start(now, zone)
    week_start = now - timedelta(days=7)
    day: Counter[int] = Counter()
    week: Counter[int] = Counter()
    for start in range(0, len(customers), 900):
        rows = session.execute(
            select(OutboxMessage.customer_id, func.count(),
                   func.sum(case((OutboxMessage.sent_at >= day_start, 1), else_=0)))
            .where(OutboxMessage.customer_id.in_(customers[start : start + 900]), OutboxMessage.is_ad.is_(True),
                   OutboxMessage.status.in_(("sent", "sending", "claimed")), OutboxMessage.sent_at > week_start,
                   OutboxMessage.sent_at <= now, OutboxMessage.channel.not_in(NOT_CUSTOMER))
            .group_by(OutboxMessage.customer_id)
        ).all()
        for customer_id, in_week, in_day in rows:
            week[customer_id] = int(in_week)
            day[customer_id] = int(in_day or 0)
    return day, week


def _requests(claimed: list[_Claimed], channels: Mapping[str, Channel]) -> list[list[_Claimed]]:
    """What goes to a provider in one request: one message, or, for a channel that can send many at once
    (`send_many`), up to its `many_max` (MANY_MAX when it says nothing) that its `request_key` (if any)
    says can share a request (NHN: one body). A crash can leave in doubt only the requests under way."""
    groups: list[list[_Claimed]] = []
    bulk: dict[tuple[int, Any], list[_Claimed]] = {}
    for item in claimed:
        channel = channels[item.message.channel]
        if callable(getattr(channel, "send_many", None)):
            size = int(getattr(channel, "many_max", 0) or MANY_MAX)
            keyer = getattr(channel, "request_key", None)
            key = (id(channel), keyer(item.message) if callable(keyer) else None)
            current = bulk.setdefault(key, [])
            current.append(item)
            if len(current) >= size:
                groups.append(bulk.pop(key))
        else:
            groups.append([item])
    groups.extend(group for group in bulk.values() if group)
    return groups


def _mark_sending(db: Database, group: list[_Claimed], outcome: _Outcome | None = None) -> list[_Claimed]:
    """Mark the rows `sending` (one short transaction, which also records earlier requests' `outcome`);
    returns those still claimed (another process may have settled some)."""
    with db.write_session() as session:
        if outcome is not None:
            outcome.write(session)
        marked = set(session.execute(
            update(OUTBOX).where(OUTBOX.c.id.in_([item.id for item in group]), OUTBOX.c.status == "claimed")
            .values(status="sending").returning(OUTBOX.c.id)).scalars())
    return [item for item in group if item.id in marked]


def _request(channels: Mapping[str, Channel], todo: list[_Claimed],
             limiter: _Limiter | None) -> list[SendResult | SendError]:
    """Make one request (after the rate limit lets it go): an outcome per row, never an exception."""
    if limiter is not None:
        limiter.wait()
    if len(todo) == 1:
        return [_send(channels, todo[0])]
    channel = channels[todo[0].message.channel]
    try:
        outcomes = list(channel.send_many([item.message for item in todo]))  # type: ignore[attr-defined]
    except SendError as exc:
        outcomes = [exc] * len(todo)
    except Exception as exc:
        log.warning("channel %s raised %s", todo[0].message.channel, type(exc).__name__)
        outcomes = [SendError("channel_error", f"{type(exc).__name__}: {exc}")] * len(todo)
    return outcomes


def _send(channels: Mapping[str, Channel], item: _Claimed) -> SendResult | SendError:
    channel = channels[item.message.channel]
    try:
        return channel.send(item.message)
    except SendError as exc:
        return exc
    except Exception as exc:  # a channel bug or an unexpected network error: treat as transient
        log.warning("channel %s raised %s for outbox %s", item.message.channel, type(exc).__name__, item.id)
        return SendError("channel_error", f"{type(exc).__name__}: {exc}")


@dataclass
class _Outcome:
    """What a request's results change: the rows (only if still `sending`) and their step-log lines; and the
    consents that sent re-confirmation messages confirm, in the same transaction as their `sent`."""

    updates: list[dict[str, Any]]
    logs: list[dict[str, Any]]
    renewals: list[tuple[int, datetime]] = field(default_factory=list)  # (outbox id, sent at)

    def write(self, session: Session) -> None:
        fast_update(session, OutboxMessage, self.updates, match=("status",))
        fast_insert(session, StepLog, self.logs)
        if self.renewals:
            reconfirm_sent(session, self.renewals)


def _outcome(now: datetime, claimed: list[_Claimed], outcomes: list[SendResult | SendError],
             summary: DeliverySummary) -> _Outcome:
    updates: list[dict[str, Any]] = []
    logs: list[dict[str, Any]] = []
    renewals: list[tuple[int, datetime]] = []
    for item, outcome in zip(claimed, outcomes, strict=True):
        row = _RowRef(item)
        if isinstance(outcome, SendResult):
            cost = outcome.cost_won if outcome.cost_won is not None else item.cost_won
            updates.append({"_id": item.id, "status": "sent", "reason": None, "error": None,
                            "provider_id": outcome.provider_id, "cost_won": cost, "not_before": now,
                            "sent_at": now})
            summary.sent += 1  # no step-log row: the outbox row records the send (engine/timeline.py)
            if item.message.idem_key.endswith(RENEWAL_KEY_SUFFIX):  # the key says it: no look-up per message
                renewals.append((item.id, now))
        elif outcome.ambiguous:  # the provider may have it: the owner decides, never a second send on a guess
            updates.append({"_id": item.id, "status": "held", "reason": "ambiguous_send", "error": str(outcome)[:2000],
                            "provider_id": None, "cost_won": item.cost_won, "not_before": now, "sent_at": None})
            logs.append(_log(now, row, "held", "ambiguous_send", code=outcome.code))
            summary.held += 1
            summary.reasons["ambiguous_send"] += 1
        elif outcome.permanent or item.attempts >= MAX_ATTEMPTS:
            updates.append({"_id": item.id, "status": "failed", "reason": outcome.code, "error": str(outcome)[:2000],
                            "provider_id": None, "cost_won": 0, "not_before": now, "sent_at": None})
            logs.append(_log(now, row, "failed", outcome.code))
            summary.failed += 1
            summary.reasons[outcome.code] += 1
        else:
            wait = timedelta(minutes=BACKOFF_MINUTES[min(item.attempts, len(BACKOFF_MINUTES)) - 1])
            updates.append({"_id": item.id, "status": "queued", "reason": outcome.code, "error": str(outcome)[:2000],
                            "provider_id": None, "cost_won": item.cost_won, "not_before": now + wait,
                            "sent_at": None})
            logs.append(_log(now, row, "deferred", "send_retry", code=outcome.code,
                             until=(now + wait).isoformat()))
            summary.retried += 1
    for change in updates:  # only a row still `sending` (not settled by another process meanwhile)
        change["lease_until"] = None
        change["was_status"] = "sending"
    return _Outcome(updates, logs, renewals)


@dataclass(frozen=True)
class _RowRef:
    """The fields `_log` reads, from a claimed item."""

    item: _Claimed

    @property
    def customer_id(self) -> int:
        return self.item.message.customer_id

    @property
    def journey_id(self) -> str | None:
        return self.item.journey_id

    @property
    def enrollment_id(self) -> int | None:
        return self.item.enrollment_id

    @property
    def node_id(self) -> str | None:
        return self.item.node_id

    @property
    def channel(self) -> str:
        return self.item.message.channel
