"""Entering journeys: trigger occurrences since each journey's cursor become enrollments.

Every occurrence has a key, so it enters a customer at most once however often the scan runs
(`enrollments.dedupe_key` is unique). Re-entry policy, priority and exclusion groups decide
whether an occurrence may enter; a refusal is written to the customer's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, Select, and_, func, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.customers.segments import Thresholds, segment_query
from engine.kinds import BY_KIND, kind_for
from engine.kinds.triggers import ENTRY_CHUNK, Occurrence
from engine.kinds.triggers import until_now as until_now  # engine/runtime/events.py reads it from here
from engine.runtime.advance import RunContext, load_run_context
from engine.runtime.compiled import CompiledJourney
from engine.runtime.conditions import condition_holds, needed_facts
from engine.runtime.facts import load_facts
from engine.runtime.versions import VersionCache
from engine.runtime.waits import parse_hhmm
from engine.runtime.writes import fast_insert
from storage.db import Database
from storage.models import (
    Cursor,
    Customer,
    CustomerStats,
    Enrollment,
    ShopEvent,
    StepLog,
)
from storage.models import Journey as JourneyRow

# Customers already in a segment when its journey was published may be let in too, a daily batch at a
# time (the owner's cap). VIP is not offered: that trigger's first pass takes every VIP anyway.
BACKFILL_SEGMENTS = frozenset({"new", "active", "at_risk", "lapsed"})




@dataclass
class TriggerCounts:
    entered: int = 0
    blocked: int = 0
    history: int = 0  # occurrences older than their trigger's look-back: recorded history enters nobody




def split_history(kind: str, params: dict[str, Any], occurrences: list[Occurrence],
                  now: datetime) -> tuple[list[Occurrence], int]:
    """The occurrences recent enough to enter, and how many were history: each trigger kind's `lookback`
    says how old an occurrence may be (history never messages anyone: an import of two years of orders
    after a journey is live must not thank anyone for a 2024 order)."""
    found = BY_KIND.get(kind)
    limit = found.lookback(params) if found is not None and found.lookback is not None else None
    if limit is None or not occurrences:
        return occurrences, 0
    oldest = now - limit
    recent = [o for o in occurrences if o.at >= oldest]
    return recent, len(occurrences) - len(recent)


def cursor(session: Session, name: str) -> Cursor:
    row = session.get(Cursor, name)
    if row is None:
        row = Cursor(name=name, last_id=0)
        session.add(row)
        session.flush()
    return row


def start_cursor(session: Session, journey_id: str, compiled: CompiledJourney, now: datetime,
                 zone: Any) -> None:
    """At first publish: only what happens from now on triggers (no flood of two years of history)."""
    row = cursor(session, f"trigger:{journey_id}")
    row.last_id = int(session.scalar(select(func.max(ShopEvent.id))) or 0)
    row.last_at = now
    row.last_date = None
    if compiled.trigger.kind == "trigger.date":  # dates: today's firing counts if its hour has not come yet
        local = now.astimezone(zone)
        fire_at = parse_hhmm(compiled.trigger.params.get("time"))
        row.last_date = local.date() if local.time() >= fire_at else local.date() - timedelta(days=1)


def backfill_name(journey_id: str) -> str:
    return f"backfill:{journey_id}"


def start_backfill(session: Session, journey_id: str, daily_cap: int, now: datetime) -> None:
    """Let the customers in the journey's segment at `now` (the publish) in too, at most `daily_cap` a day.

    Kept as a cursor the trigger scan advances: `last_at` is the publish moment (who was in the segment
    then), `last_id` the daily cap, `last_date` the shop day of the last batch; the row goes when no one
    is left. Each batch takes those still in the segment who have not been in the journey, most recent
    first, with the trigger's own occurrence keys, so nobody enters twice whichever way they come."""
    if daily_cap < 1:
        raise ValueError("daily_cap must be at least 1")
    row = cursor(session, backfill_name(journey_id))
    row.last_id = int(daily_cap)
    row.last_at = now
    row.last_date = None


def backfill_candidates(session: Session, journey_id: str, segment: str, published: datetime, now: datetime,
                        limits: Thresholds) -> Select[Any]:
    """Customers in `segment` now who already were at `published` and have never been in the journey:
    (customer id, last order time), most recent first."""
    query = (segment_query(segment, now, limits, session).add_columns(CustomerStats.last_order_at)
             .where(~Customer.id.in_(select(Enrollment.customer_id).where(Enrollment.journey_id == journey_id))))
    if segment == "new":
        query = query.where(Customer.signed_up_at <= published)  # members who signed up, as the trigger sees them
    elif segment in BACKFILL_SEGMENTS:  # (a custom segment: everyone in it now who has not been in the journey)
        days = {"active": 0, "at_risk": limits.at_risk_days, "lapsed": limits.lapsed_days}[segment]
        query = query.where(CustomerStats.last_order_at <= published - timedelta(days=days))
    return query.order_by(CustomerStats.last_order_at.desc(), Customer.id)


class TriggerScanner:
    def __init__(self, versions: VersionCache) -> None:
        self.versions = versions

    def scan(self, db: Database, clock: Clock) -> TriggerCounts:
        counts = TriggerCounts()
        with db.session() as session:
            ctx = load_run_context(session, clock)
            live = [(row.id, compiled.version_id, compiled.trigger.kind) for row, compiled in self.versions.live(session)]
            newest_event = int(session.scalar(select(func.max(ShopEvent.id))) or 0)
            read = {row.name: row.last_id for row in session.scalars(
                select(Cursor).where(Cursor.name.in_([f"trigger:{journey_id}" for journey_id, _, _ in live])))}
        for journey_id, version_id, kind in live:
            if kind == "trigger.manual":
                continue  # entries come from enroll_manual only
            if kind_for(kind).event and read.get(f"trigger:{journey_id}", -1) >= newest_event:
                continue  # nothing new since the last pass: no need to take the write lock
            while True:
                with db.write_session() as session:
                    compiled = self.versions.get(session, version_id)
                    row = session.get(JourneyRow, journey_id)
                    if compiled is None or row is None or row.status != "live":
                        break
                    more = self._scan_journey(session, ctx, compiled, counts)
                if not more:
                    break
        return counts

    def _scan_journey(self, session: Session, ctx: RunContext, compiled: CompiledJourney,
                      counts: TriggerCounts) -> bool:
        """One bounded chunk of one journey's trigger; True when there is more to read."""
        state = cursor(session, f"trigger:{compiled.journey_id}")
        if state.last_at is None:
            start_cursor(session, compiled.journey_id, compiled, ctx.now, ctx.zone)
        kind = compiled.trigger.kind
        params = compiled.trigger.params
        scan = compiled.trigger.impl.scan  # how this kind finds its occurrences (engine/kinds/triggers/)
        occurrences: list[Occurrence]
        more = False
        if scan is not None:
            occurrences, more = scan(session, state, params, ctx)
        else:  # trigger.manual: entries come from enroll_manual only
            occurrences = []
        occurrences, history = split_history(kind, params, occurrences, ctx.now)
        counts.history += history
        rules = list(params.get("rules") or [])
        if rules and occurrences:
            facts = load_facts(session, {o.customer_id for o in occurrences}, ctx.now, ctx.limits,
                               needed_facts(rules))
            occurrences = [o for o in occurrences
                           if o.customer_id in facts and condition_holds(params, facts[o.customer_id])]
        if kind == "trigger.segment_entered":
            occurrences += self._backfill_batch(session, ctx, compiled, {o.customer_id for o in occurrences})
        self._enter(session, ctx, compiled, occurrences, counts)
        return more

    # --- sources -------------------------------------------------------------------------------

    def _backfill_batch(self, session: Session, ctx: RunContext, compiled: CompiledJourney,
                        taken: set[int]) -> list[Occurrence]:
        """Today's batch of the customers who were in the segment at publish (see `start_backfill`)."""
        state = session.get(Cursor, backfill_name(compiled.journey_id))
        segment = str(compiled.trigger.params.get("segment", "at_risk"))
        if state is None or state.last_at is None or not (segment in BACKFILL_SEGMENTS or segment.startswith("custom:")):
            return []
        today = ctx.now.astimezone(ctx.zone).date()
        if state.last_date is not None and state.last_date >= today:
            return []  # today's batch was taken
        params = compiled.trigger.params
        rules = list(params.get("rules") or [])
        batch: list[Occurrence] = []
        query = backfill_candidates(session, compiled.journey_id, segment, state.last_at, ctx.now, ctx.limits)
        rows = [(cid, last) for cid, last in session.execute(query).all() if cid not in taken]
        if not rows:
            session.delete(state)  # everyone who was there has had their turn (or left the segment)
            return []
        state.last_date = today
        for start in range(0, len(rows), ENTRY_CHUNK):
            chunk = rows[start : start + ENTRY_CHUNK]
            if rules:
                facts = load_facts(session, [cid for cid, _ in chunk], ctx.now, ctx.limits, needed_facts(rules))
                chunk = [(cid, last) for cid, last in chunk if cid in facts and condition_holds(params, facts[cid])]
            for customer_id, last in chunk:
                key = segment if segment == "new" or last is None else f"{segment}:{last.strftime('%Y%m%d%H%M%S')}"
                batch.append(Occurrence(customer_id, ctx.now, key))
                if len(batch) >= state.last_id:
                    return batch
        return batch

    # --- entering ------------------------------------------------------------------------------

    def _enter(self, session: Session, ctx: RunContext, compiled: CompiledJourney,
               occurrences: list[Occurrence], counts: TriggerCounts) -> None:
        for start in range(0, len(occurrences), ENTRY_CHUNK):
            self._enter_chunk(session, ctx, compiled, occurrences[start : start + ENTRY_CHUNK], counts)

    @staticmethod
    def _reentry_blocked(policy: str, active: bool, seen_now: bool, last: datetime | None, at: datetime,
                         reentry_days: int) -> bool:
        """Whether a customer who was in this journey before may not enter again now."""
        if policy == "never" or active or seen_now:
            return True
        return policy == "after_days" and last is not None and at - last < timedelta(days=reentry_days)

    def _enter_chunk(self, session: Session, ctx: RunContext, compiled: CompiledJourney,
                     chunk: list[Occurrence], counts: TriggerCounts) -> None:
        journey_id = compiled.journey_id
        customers = sorted({o.customer_id for o in chunk})
        history: dict[int, tuple[datetime | None, bool]] = {}
        for customer_id, last_entered, active in session.execute(
            select(Enrollment.customer_id, func.max(Enrollment.entered_at),
                   func.sum((Enrollment.status == "active").cast(Integer())))
            .where(Enrollment.journey_id == journey_id, Enrollment.customer_id.in_(customers))
            .group_by(Enrollment.customer_id)
        ):
            history[customer_id] = (last_entered, bool(active))
        excluded = self._excluded_today(session, ctx, compiled, customers)
        policy = compiled.settings.get("reentry", "never")
        reentry_days = int(compiled.settings.get("reentry_days") or 0)
        rows: list[dict[str, Any]] = []
        blocked: list[dict[str, Any]] = []
        seen: set[int] = set()
        all_keys = [f"{journey_id}:{occ.customer_id}:{occ.key}" for occ in chunk]
        known = set(session.scalars(select(Enrollment.dedupe_key).where(Enrollment.dedupe_key.in_(all_keys))))
        for occ in chunk:
            key = f"{journey_id}:{occ.customer_id}:{occ.key}"
            if key in known:
                continue  # this very occurrence entered already (a rescan): nothing to do, nothing to log
            last, active = history.get(occ.customer_id, (None, False))
            reason = None
            if occ.customer_id in excluded:
                reason = "exclusion"
            elif (last is not None or occ.customer_id in seen) and self._reentry_blocked(
                    policy, active, occ.customer_id in seen, last, occ.at, reentry_days):
                reason = "reentry"
            if reason:
                blocked.append({"at": occ.at, "customer_id": occ.customer_id, "journey_id": journey_id,
                                "version_id": compiled.version_id, "enrollment_id": None,
                                "node_id": compiled.trigger.id, "event": "entry_blocked", "reason": reason,
                                "detail": {"key": occ.key}})
                continue
            seen.add(occ.customer_id)
            rows.append({"journey_id": journey_id, "version_id": compiled.version_id,
                         "customer_id": occ.customer_id, "node_id": compiled.trigger.id, "status": "active",
                         "wake_at": occ.at, "dedupe_key": key, "data": occ.data, "entered_at": occ.at,
                         "updated_at": ctx.now})
        if rows:
            keys = [r["dedupe_key"] for r in rows]
            existing = set(session.scalars(select(Enrollment.dedupe_key).where(Enrollment.dedupe_key.in_(keys))))
            fast_insert(session, Enrollment, [r for r in rows if r["dedupe_key"] not in existing], ignore_conflicts=True)
            fresh = [key for key in keys if key not in existing]
            created = session.execute(
                select(Enrollment.id, Enrollment.customer_id, Enrollment.entered_at, Enrollment.dedupe_key)
                .where(Enrollment.dedupe_key.in_(fresh))
            ).all() if fresh else []
            counts.entered += len(created)
            logs = [{"at": at, "customer_id": cid, "journey_id": journey_id, "version_id": compiled.version_id,
                     "enrollment_id": eid, "node_id": compiled.trigger.id, "event": "entered", "reason": None,
                     "detail": {"key": key.split(":", 2)[2]}} for eid, cid, at, key in created]
            if logs:
                fast_insert(session, StepLog, logs)
        if blocked:
            counts.blocked += len(blocked)
            fast_insert(session, StepLog, blocked)

    def _excluded_today(self, session: Session, ctx: RunContext, compiled: CompiledJourney,
                        customers: list[int]) -> set[int]:
        """Customers who entered another journey of the same exclusion group today (shop time)."""
        group = compiled.exclusion_group
        if not group:
            return set()
        others = [c.journey_id for _, c in self.versions.live(session, include_paused=True)
                  if c.exclusion_group == group and c.journey_id != compiled.journey_id]
        if not others:
            return set()
        local = ctx.now.astimezone(ctx.zone)
        day_start = datetime.combine(local.date(), time(0), tzinfo=ctx.zone).astimezone(UTC)
        return set(session.scalars(
            select(Enrollment.customer_id).where(
                and_(Enrollment.journey_id.in_(others), Enrollment.customer_id.in_(customers),
                     Enrollment.entered_at >= day_start)
            )
        ))


def enroll_manual(db: Database, clock: Clock, versions: VersionCache, journey_id: str,
                  customer_ids: Iterable[int]) -> TriggerCounts:
    """The owner's hand-picked customers enter a live journey now (each at most once per minute)."""
    counts = TriggerCounts()
    with db.write_session() as session:
        ctx = load_run_context(session, clock)
        live = {c.journey_id: c for _, c in versions.live(session)}
        compiled = live.get(journey_id)
        if compiled is None:
            raise ValueError("not_live")
        stamp = ctx.now.strftime("%Y%m%d%H%M")
        occurrences = [Occurrence(cid, ctx.now, f"manual:{stamp}") for cid in sorted(set(customer_ids))]
        TriggerScanner(versions)._enter(session, ctx, compiled, occurrences, counts)
    return counts


def enrol_by_hand(db: Database, clock: Clock, journey_ref: str, customer_ids: Iterable[int]) -> TriggerCounts:
    """The owner's customers into a live journey that starts "by hand" (trigger.manual): the CLI's
    `journey enrol` and the customer list's "여정에 넣기". Raises StoreError (not found, not live, not a
    hand-fed journey) with a line saying what to do."""
    from engine.journey_store import StoreError, find_row

    with db.session() as session:
        row = find_row(session, journey_ref)
        journey_id, name = row.id, row.name
    versions = VersionCache()
    with db.session() as session:
        live = {compiled.journey_id: compiled for _, compiled in versions.live(session)}
    compiled = live.get(journey_id)
    if compiled is None:
        raise StoreError("not_live", f"journey '{name}' is not live (paused or never published); publish or "
                                     "resume it first")
    if compiled.trigger.kind != "trigger.manual":
        raise StoreError("not_manual", f"journey '{name}' starts by itself ({compiled.trigger.kind}); only a journey "
                                       "that starts 'added by hand' takes customers this way")
    return enroll_manual(db, clock, versions, journey_id, customer_ids)
