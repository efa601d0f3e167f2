"""Advancing customers: each due enrollment steps through instant nodes until a wait or the end.

A batch of due rows is claimed, stepped in memory and written back in one short write
transaction (enrollment updates, step log, outbox, actions), so a crash leaves either the
whole batch done or none of it: nothing is lost or done twice.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine import config
from engine.channels import prices as channel_prices
from engine.channels import shop_info
from engine.clock import Clock
from engine.customers.segments import thresholds
from engine.kinds.actions.coupon import PENDING_PREFIX
from engine.kinds.effects import (
    PASS,
    SENT,
    Count,
    End,
    Go,
    GrantPoints,
    IssueCoupon,
    Log,
    Park,
    Run,
    Send,
    SetField,
    Tag,
    Visit,
)
from engine.messaging.adlaw import ShopInfo
from engine.messaging.render import Renderer, RenderError
from engine.runtime.compiled import CompiledJourney, CompiledNode
from engine.runtime.facts import Thresholds, load_facts
from engine.runtime.memory import bulk_work
from engine.runtime.versions import VersionCache
from engine.runtime.writer import WriterError, WriterProcess
from engine.runtime.writes import (
    Statement,
    fast_insert,
    fast_update,
    parse_utc,
    plan_insert,
    plan_update,
    raw_rows,
    run_planned,
    utc_text,
)
from storage.db import SQLITE_PRAGMAS, Database
from storage.models import (
    ACTIVE,
    Coupon,
    Customer,
    CustomerTag,
    Enrollment,
    OutboxMessage,
    PointGrant,
    StepLog,
)

ENROLLMENTS = Enrollment.__table__


def _env_count(name: str, default: int) -> int:
    """A whole number ≥ 1 from the environment (tests tune the pass with these); else the default."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        logging.getLogger("dangol.runner").warning("%s=%r is not a whole number ≥ 1; using %d", name, text, default)
        return default
    return int(text)
log = logging.getLogger("dangol.runner")

BATCH = _env_count("DANGOL_RUNNER_BATCH", 250)  # due rows per write transaction: the longest
# stays under 200 ms (400 reached 200–360 ms at times); the variable is for tests that need many batches
WINDOW = 80  # batches of due ids read at once (20,000 rows, earliest first), then taken in id order
# A pass checkpoints the write-ahead log every few batches itself (SQLite's automatic checkpoint would
# run inside the writer's commits, every 4 MB): a page changed by several batches is copied back once
# and the write lock is never held for it. The writer process does it between two batches; beside a
# writer thread, another thread does (three busy threads on two cores stretched a write to 200 ms).
CHECKPOINT_EVERY = 8
WRITE_TIMEOUT_S = 600  # a batch the writer has not answered in this long: the pass stops with an error
AHEAD = 4  # batches stepped ahead of the writer (a writer that stalls a moment does not stop the stepping)
PROCESS_FROM = _env_count("DANGOL_WRITER_PROCESS_FROM", 8)  # batches in a pass from which a
# writer process pays for its start (about 0.1 s); the variable lets the crash test kill runners using one
SWITCH_INTERVAL_S = 0.001  # how soon the writer gets the GIL back after SQLite worked without it
MAX_STEPS = 500  # graphs are acyclic; this only stops a corrupt version from spinning


@dataclass
class AdvanceCounts:
    advanced: int = 0
    queued: int = 0
    waiting: int = 0
    completed: int = 0
    exited: int = 0
    failed: int = 0
    actions: int = 0
    skipped: int = 0  # messages already past their lateness limit when their step ran (after downtime)
    render_failed: int = 0  # of `failed`: customers whose message text could not be made
    deferred: int = 0  # messages moved to their next window for the same reason

    def add(self, other: AdvanceCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class RunContext:
    """Everything a pass needs that does not change during it."""

    now: datetime
    zone: ZoneInfo
    shop: ShopInfo
    limits: Thresholds
    prices: dict[str, int]


def load_run_context(session: Session, clock: Clock) -> RunContext:
    snapshot = config.Snapshot(session)
    get = snapshot.get
    return RunContext(
        now=clock.now(),
        zone=ZoneInfo(str(get("shop.timezone"))),
        shop=shop_info(get),
        limits=thresholds(session, snapshot),
        prices=channel_prices(get),
    )


@dataclass
class _Writes:
    """What one batch will write, gathered while stepping and flushed at once."""

    enrollments: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    coupons: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    tags_add: list[dict[str, Any]] = field(default_factory=list)
    tags_remove: list[tuple[int, str]] = field(default_factory=list)
    attributes: dict[int, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))

    def inserts(self) -> list[tuple[Any, list[dict[str, Any]], bool]]:
        """(table, rows, skip rows whose key exists) in the order a batch inserts them."""
        return [(OutboxMessage, self.outbox, True), (Coupon, self.coupons, True), (PointGrant, self.grants, True),
                (CustomerTag, self.tags_add, True), (StepLog, self.logs, False)]


@dataclass
class _Prepared:
    """A batch stepped in memory, and (for the writer thread) its SQL planned with every value converted."""

    writes: _Writes
    counts: AdvanceCounts
    guarded: list[Statement] = field(default_factory=list)
    inserts: list[Statement] = field(default_factory=list)

    def plan(self) -> None:
        self.guarded = plan_update(Enrollment, self.writes.enrollments, match=GUARD)
        self.inserts = [statement for model, rows, ignore in self.writes.inserts()
                        for statement in plan_insert(model, rows, ignore_conflicts=ignore)]


class Advancer:
    """Steps due enrollments; one instance per runner keeps the compiled versions and templates."""

    def __init__(self, versions: VersionCache | None = None, renderer: Renderer | None = None) -> None:
        self.versions = versions or VersionCache()
        self.renderer = renderer or Renderer()
        # the lengths of the recent write transactions, in ms (the GUI may wait that long for the lock)
        self.write_ms: deque[float] = deque(maxlen=10_000)

    @property
    def longest_write_ms(self) -> float:
        return max(self.write_ms, default=0.0)

    def advance_due(self, db: Database, clock: Clock, *, batch_size: int = BATCH) -> AdvanceCounts:
        """Step every enrollment due now. Due rows are read a window at a time (earliest first) and taken
        in id order within it, so a batch's writes land on neighbouring pages."""
        with bulk_work():
            return self._advance_all(db, clock, batch_size)

    def _advance_all(self, db: Database, clock: Clock, batch_size: int) -> AdvanceCounts:
        total = AdvanceCounts()
        limit = batch_size * WINDOW
        writer: _Writer | None = None  # one for the whole pass, started with its first window of batches
        switch_interval = sys.getswitchinterval()
        finished = False
        try:
            while True:
                with db.session() as session:
                    table = ENROLLMENTS
                    ids = list(session.connection().execute(
                        select(table.c.id).where(ACTIVE, table.c.wake_at <= clock.now())
                        .order_by(table.c.wake_at, table.c.id).limit(limit)).scalars())
                if not ids:
                    break
                ids.sort()
                chunks = [ids[offset : offset + batch_size] for offset in range(0, len(ids), batch_size)]
                again = chunks
                if len(chunks) > 1 and db.sqlite_path is not None:
                    if writer is None:
                        writer = self._writer(db, len(chunks))
                        sys.setswitchinterval(SWITCH_INTERVAL_S)
                    again = self._pipeline(db, clock, chunks, total, writer)
                for chunk in again:
                    self._advance_locked(db, clock, chunk, total)  # changed meanwhile (or ORM work): locked
                if len(ids) < limit:
                    break
            finished = True
        finally:
            if writer is not None:
                writer.close(discard=not finished)  # after an error, batches not yet written are dropped
                sys.setswitchinterval(switch_interval)
                self.write_ms.extend(writer.write_times())
                _checkpoint(db)
        return total

    def _advance_locked(self, db: Database, clock: Clock, ids: list[int], total: AdvanceCounts) -> None:
        """Read, step and write one batch inside a single write transaction."""
        started = time.perf_counter()
        with db.write_session() as session:
            prepared = self._prepare(session, load_run_context(session, clock), ids)
            self._flush(session, prepared.writes)
        self.write_ms.append((time.perf_counter() - started) * 1000)
        total.add(prepared.counts)

    def _pipeline(self, db: Database, clock: Clock, chunks: list[list[int]], total: AdvanceCounts,
                  writer: _Writer) -> list[list[int]]:
        """Step batch n+1 here while a writer commits batch n, so two cores work at once. The writer is a
        process of its own for a long pass (no shared GIL: see engine/runtime/writer.py), else a thread
        (SQLite works without the GIL, the binding of values with it). Each batch is still one
        transaction; a row changed by another writer between the read and the write fails its guard and
        the batch is returned for a locked retry. Returns those batches."""
        again: list[list[int]] = []
        pending: deque[tuple[list[int], Future[bool], AdvanceCounts]] = deque()

        def settle() -> None:
            chunk, done, counts = pending.popleft()
            if done.result(timeout=WRITE_TIMEOUT_S):
                total.add(counts)
            else:
                again.append(chunk)

        context: RunContext | None = None
        for submitted, chunk in enumerate(chunks, start=1):
            with db.session() as session:  # a read snapshot; nothing here writes
                context = context or load_run_context(session, clock)
                prepared = self._prepare(session, context, chunk)
            prepared.plan()  # all Python work done here: the writer only runs SQL
            while len(pending) >= AHEAD:
                settle()
            sent = writer.send(prepared)
            if sent is None:  # writes only this process can make: after the pass, locked
                again.append(chunk)
                continue
            pending.append((chunk, sent, prepared.counts))
            if submitted % CHECKPOINT_EVERY == 0:
                writer.checkpoint()
        while pending:
            settle()
        return again

    def _writer(self, db: Database, batches: int) -> _Writer:
        path = db.sqlite_path
        if batches >= PROCESS_FROM and path is not None and not WriterProcess.unavailable:
            try:
                process = WriterProcess(path, SQLITE_PRAGMAS)
                log.info("a pass of %d batches writes through writer process %d", batches, process.process.pid)
                return _ProcessWriter(process)
            except WriterError as exc:  # e.g. no Python interpreter beside a packaged app: a thread will do
                log.warning("writing in a thread: %s", exc)
        return _ThreadWriter(self, db)

    def _write_guarded(self, db: Database, prepared: _Prepared) -> bool:
        started = time.perf_counter()
        try:
            with db.write_session() as session:
                if run_planned(session, prepared.guarded) != len(prepared.writes.enrollments):
                    raise _RowsChanged
                run_planned(session, prepared.inserts)
                self._flush_rare(session, prepared.writes)
        except _RowsChanged:
            return False
        self.write_ms.append((time.perf_counter() - started) * 1000)
        return True

    def _prepare(self, session: Session, ctx: RunContext, ids: list[int]) -> _Prepared:
        return _Prepared(*self._advance_batch(session, ctx, _due_rows(session, ctx.now, ids)))

    def _advance_batch(self, session: Session, ctx: RunContext, rows: list[Any]) -> tuple[_Writes, AdvanceCounts]:
        counts = AdvanceCounts()
        writes = _Writes()
        if not rows:
            return writes, counts
        compiled_by_version: dict[int, CompiledJourney | None] = {}
        for row in rows:
            if row.version_id not in compiled_by_version:
                compiled_by_version[row.version_id] = self.versions.get(session, row.version_id)
        needs: set[str] = set()
        for compiled in compiled_by_version.values():
            if compiled is not None:
                needs |= compiled.needs  # the facts its kinds' steps read
        facts = load_facts(session, {row.customer_id for row in rows}, ctx.now, ctx.limits, needs)
        sent_nodes: dict[int, set[str]] = defaultdict(set)
        if "got_message_in_journey" in needs:  # by customer (indexed), then kept to this batch's enrollments
            wanted = {row.id for row in rows}
            for enrollment_id, node_id in session.execute(
                select(OutboxMessage.enrollment_id, OutboxMessage.node_id).where(
                    OutboxMessage.customer_id.in_(sorted({row.customer_id for row in rows})),
                    OutboxMessage.status.in_(("queued", "claimed", "sending", "sent")),
                )
            ):
                if enrollment_id in wanted:
                    sent_nodes[enrollment_id].add(node_id)
        run = Run(ctx, session, self.renderer)
        for row in rows:
            compiled = compiled_by_version.get(row.version_id)
            customer = facts.get(row.customer_id)
            counts.advanced += 1
            if compiled is None or customer is None:
                self._finish(writes, ctx, row, row.node_id, "failed", "version_missing" if compiled is None
                             else "customer_missing", counts)
                continue
            self._step(run, compiled, row, customer, sent_nodes[row.id], writes, counts)
        return writes, counts

    def _log(self, writes: _Writes, row: Any, at: datetime, node_id: str | None, event: str,
             reason: str | None = None, **detail: Any) -> None:
        writes.logs.append({
            "at": at, "customer_id": row.customer_id, "journey_id": row.journey_id, "version_id": row.version_id,
            "enrollment_id": row.id, "node_id": node_id, "event": event, "reason": reason, "detail": detail,
        })

    def _finish(self, writes: _Writes, ctx: RunContext, row: Any, node_id: str, status: str, reason: str,
                counts: AdvanceCounts, data: dict[str, Any] | None = None, arm: str | None = None,
                **detail: Any) -> None:
        writes.enrollments.append({
            "_id": row.id, "node_id": node_id, "status": status, "wake_at": None, "updated_at": ctx.now,
            "ended_at": ctx.now, "end_reason": reason, "data": data if data is not None else dict(row.data or {}),
            "arm": arm or row.arm, **_was(row),
        })
        self._log(writes, row, ctx.now, node_id, status, reason, **detail)
        setattr(counts, status, getattr(counts, status) + 1)  # status is completed, exited or failed

    def _step(self, run: Run, compiled: CompiledJourney, row: Any, customer: dict[str, Any], sent: set[str],
              writes: _Writes, counts: AdvanceCounts) -> None:
        """Walk one customer through the graph: each node's kind says what happens (engine/kinds/), as
        effects this one writer turns into the batch's rows."""
        ctx = run.ctx
        visit = Visit(row, customer, dict(row.data or {}), row.arm, row.wake_at or ctx.now, sent, compiled)
        current = compiled.node(row.node_id)
        if current is None:
            self._finish(writes, ctx, row, row.node_id, "exited", "node_removed", counts, visit.data, visit.arm)
            return
        resume = current.impl.resume
        # a customer woken on a wait (or on a trigger or goal) goes on from there; one placed on an instant
        # node (e.g. moved by a republish) is stepped through it
        effects = resume(run, current, visit) if resume is not None else None
        for _ in range(MAX_STEPS):
            if effects is None:
                step = current.impl.step
                if step is None:
                    effects = PASS  # a trigger or goal reached by an edge passes straight through
                else:
                    try:
                        effects = step(run, current, visit)
                    except RenderError as exc:  # this customer's text cannot be made: they stop here
                        self._fail_render(writes, ctx, row, current, exc, counts, visit.data, visit.arm)
                        return
            port: str | None = None
            for effect in effects:
                kind = type(effect)
                if kind is Go:
                    port = effect.port
                    if effect.at is not None:
                        visit.at = effect.at
                elif kind is Log:
                    self._log(writes, row, effect.at or visit.at, current.id, effect.event, effect.reason,
                              **(effect.detail or {}))
                elif kind is Send:
                    out = effect.row
                    if out.get("status") == "queued" and (PENDING_PREFIX in out["body"] or PENDING_PREFIX in out["subject"]):
                        # a pool or shop coupon not obtained yet: held until engine/coupons.py puts its code in
                        out["status"], out["reason"] = "held", "coupon_wanted"
                    writes.outbox.append(out)
                elif kind is Count:
                    setattr(counts, effect.name, getattr(counts, effect.name) + 1)
                elif effect is SENT:
                    sent.add(current.id)
                elif kind is Park:
                    self._park(writes, ctx, row, current.id, effect.wake, visit.data, visit.arm, counts)
                    return
                elif kind is End:
                    self._finish(writes, ctx, row, current.id, effect.status, effect.reason, counts, visit.data,
                                 visit.arm, **(effect.detail or {}))
                    return
                elif kind is IssueCoupon:
                    writes.coupons.append(effect.row)
                elif kind is GrantPoints:
                    writes.grants.append({**effect.row, "enrollment_id": row.id})
                elif kind is Tag:
                    if effect.add:
                        writes.tags_add.append({"customer_id": row.customer_id, "tag": effect.tag, "added_at": effect.at})
                    else:
                        writes.tags_remove.append((row.customer_id, effect.tag))
                elif kind is SetField:
                    writes.attributes[row.customer_id][effect.name] = effect.value
            if port is None:  # a step that said neither where to go nor to stop: on through "out"
                port = "out"
            target = current.next.get(port)
            if target is None:
                self._finish(writes, ctx, row, current.id, "completed", current.impl.end_reason, counts, visit.data,
                             visit.arm)
                return
            node = compiled.node(target)
            if node is None:
                self._finish(writes, ctx, row, current.id, "failed", "broken_edge", counts, visit.data, visit.arm)
                return
            current, effects = node, None
        self._finish(writes, ctx, row, current.id, "failed", "too_many_steps", counts, visit.data, visit.arm)

    def _park(self, writes: _Writes, ctx: RunContext, row: Any, node_id: str, wake: datetime,
              data: dict[str, Any], arm: str | None, counts: AdvanceCounts) -> None:
        writes.enrollments.append({
            "_id": row.id, "node_id": node_id, "status": "active", "wake_at": wake, "updated_at": ctx.now,
            "ended_at": None, "end_reason": None, "data": data, "arm": arm, **_was(row),
        })
        self._log(writes, row, ctx.now, node_id, "waiting", None, until=wake.isoformat())
        counts.waiting += 1

    def _fail_render(self, writes: _Writes, ctx: RunContext, row: Any, node: CompiledNode, exc: RenderError,
                     counts: AdvanceCounts, data: dict[str, Any], arm: str | None) -> None:
        """A text that cannot be made for this customer ends their journey at that node, saying why; the
        pass goes on for everyone else (the editor shows the node's failures, the owner gets a notice)."""
        counts.render_failed += 1
        self._finish(writes, ctx, row, node.id, "failed", "render_error", counts, data, arm,
                     code=exc.code, error=str(exc.params.get("reason") or exc.code)[:300])

    def _flush(self, session: Session, writes: _Writes) -> None:
        fast_update(session, Enrollment, writes.enrollments)
        for model, rows, ignore in writes.inserts():
            fast_insert(session, model, rows, ignore_conflicts=ignore)
        self._flush_rare(session, writes)

    @staticmethod
    def _flush_rare(session: Session, writes: _Writes) -> None:
        for customer_id, tag in writes.tags_remove:
            session.query(CustomerTag).filter_by(customer_id=customer_id, tag=tag).delete()
        for customer_id, changes in writes.attributes.items():
            customer = session.get(Customer, customer_id)
            if customer is not None:
                customer.attributes = {**(customer.attributes or {}), **changes}


class _Writer:
    """Where a pipelined pass sends its planned batches."""

    def send(self, prepared: _Prepared) -> Future[bool] | None:
        raise NotImplementedError

    def write_times(self) -> list[float]:
        """The lengths of the write transactions this writer made (ms), for the advancer's record."""
        raise NotImplementedError

    def checkpoint(self) -> None:
        """A PASSIVE checkpoint outside any write transaction, between two batches."""
        raise NotImplementedError

    def close(self, discard: bool = False) -> None:
        """Wait for the batches sent (or, with `discard`, drop those not yet started) and stop."""
        raise NotImplementedError


class _ThreadWriter(_Writer):
    def __init__(self, advancer: Advancer, db: Database) -> None:
        self.advancer = advancer
        self.target = db.twin()
        assert self.target is not None
        # its own connection keeps its page cache warm from batch to batch; checkpoints are the pass's
        event.listen(self.target.engine, "connect", _no_autocheckpoint)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dangol-advance-writer")

    def send(self, prepared: _Prepared) -> Future[bool] | None:
        return self.pool.submit(self.advancer._write_guarded, self.target, prepared)

    def checkpoint(self) -> None:
        # in the writer's queue: never inside its transactions
        self.pool.submit(_checkpoint, self.target).add_done_callback(_log_failure)

    def write_times(self) -> list[float]:
        return []  # the thread writes through the advancer, which records them itself

    def close(self, discard: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=discard)
        self.target.close()


class _ProcessWriter(_Writer):
    def __init__(self, process: WriterProcess) -> None:
        self.process = process

    def send(self, prepared: _Prepared) -> Future[bool] | None:
        writes = prepared.writes
        if writes.tags_remove or writes.attributes:  # ORM work (merging JSON attributes): not for SQL alone
            return None
        return self.process.submit(prepared.guarded, len(writes.enrollments), prepared.inserts)

    def write_times(self) -> list[float]:
        return self.process.write_ms

    def checkpoint(self) -> None:
        self.process.checkpoint()  # between its batches: two busy processes, not three threads

    def close(self, discard: bool = False) -> None:
        self.process.close(discard=discard)


def _log_failure(done: Future[Any]) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.warning("checkpoint failed: %s", done.exception())


def _checkpoint(db: Database) -> None:
    """Copy the log back into the database file; readers and writers go on meanwhile (PASSIVE)."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class _RowsChanged(Exception):
    """A guarded batch found rows changed by another writer; its transaction is rolled back."""


GUARD = ("status", "node_id", "version_id", "wake_at", "updated_at")


def _was(row: DueRow) -> dict[str, Any]:
    """The values a guarded update expects to find still in place (as read: stored text on SQLite)."""
    return {"was_status": "active", "was_node_id": row.node_id, "was_version_id": row.version_id,
            "was_wake_at": row.wake_stored, "was_updated_at": row.updated_stored}


class DueRow(NamedTuple):
    """An enrollment due now, as a batch steps it."""

    id: int
    journey_id: str
    version_id: int
    customer_id: int
    node_id: str
    wake_at: datetime
    data: dict[str, Any]
    arm: str | None
    wake_stored: Any  # wake_at and updated_at as read, for the guard
    updated_stored: Any


def _due_rows(session: Session, now: datetime, ids: list[int]) -> list[DueRow]:
    """The rows `ids` that are still active and due. By primary key only, the rest checked here: given
    "status = 'active' AND wake_at <= now" too, SQLite walks the whole due range of ix_enrollments_due
    for each batch. On SQLite, plain tuples straight from the driver (the hottest read of a tick)."""
    if session.get_bind().dialect.name == "sqlite":
        limit = utc_text(now)
        rows = raw_rows(session, "SELECT id, journey_id, version_id, customer_id, node_id, wake_at, data, arm,"
                        f" updated_at, status FROM enrollments WHERE id IN ({', '.join('?' * len(ids))})", ids)
        return [DueRow(id_, journey, version, customer, node, parse_utc(wake), _data(data), arm, wake, updated)
                for id_, journey, version, customer, node, wake, data, arm, updated, status in rows
                if status == "active" and wake is not None and wake <= limit]
    table = ENROLLMENTS
    return [DueRow(row.id, row.journey_id, row.version_id, row.customer_id, row.node_id, row.wake_at,
                   dict(row.data or {}), row.arm, row.wake_at, row.updated_at)
            for row in session.connection().execute(
                select(table.c.id, table.c.journey_id, table.c.version_id, table.c.customer_id, table.c.node_id,
                       table.c.wake_at, table.c.data, table.c.arm, table.c.updated_at, table.c.status)
                .where(table.c.id.in_(ids)))
            if row.status == "active" and row.wake_at is not None and row.wake_at <= now]


def _data(text: str | None) -> dict[str, Any]:
    if not text or text == "{}":
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}
