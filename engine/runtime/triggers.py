"""Entering journeys: trigger occurrences since each journey's cursor become enrollments.

Every occurrence has a key, so it enters a customer at most once however often the scan runs
(`enrollments.dedupe_key` is unique). Re-entry policy, priority and exclusion groups decide
whether an occurrence may enter; a refusal is written to the customer's timeline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, Select, and_, func, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.customers.consents import AD_CONSENT_CHANNELS, two_years_before
from engine.customers.custom_segments import entrants as custom_entrants
from engine.customers.segments import Thresholds, segment_query
from engine.lunar import lunar_birthday_on
from engine.runtime.advance import RunContext, load_run_context
from engine.runtime.compiled import CompiledJourney
from engine.runtime.conditions import condition_holds, needed_facts
from engine.runtime.facts import COUNTED_STATUSES, load_facts
from engine.runtime.holiday_dates import holiday_start
from engine.runtime.versions import VersionCache
from engine.runtime.waits import parse_hhmm
from engine.runtime.writes import fast_insert
from storage.db import Database
from storage.models import (
    Cart,
    Consent,
    Cursor,
    Customer,
    CustomerStats,
    Enrollment,
    Order,
    OrderItem,
    ShopEvent,
    StepLog,
)
from storage.models import Journey as JourneyRow

EVENT_CHUNK = 2000
ENTRY_CHUNK = 2000
SEGMENT_RESCAN = timedelta(hours=1)
# Customers already in a segment when its journey was published may be let in too, a daily batch at a
# time (the owner's cap). VIP is not offered: that trigger's first pass takes every VIP anyway.
BACKFILL_SEGMENTS = frozenset({"new", "active", "at_risk", "lapsed"})


@dataclass(frozen=True)
class Occurrence:
    """One trigger firing for one customer: when, its unique key, and what templates may use."""

    customer_id: int
    at: datetime
    key: str
    data: dict[str, Any] = field(default_factory=dict)


EVENT_TRIGGERS = frozenset({"trigger.signed_up", "trigger.order_placed", "trigger.order_status"})


@dataclass
class TriggerCounts:
    entered: int = 0
    blocked: int = 0
    history: int = 0  # occurrences older than their trigger's look-back: recorded history enters nobody


# How far back an occurrence may lie and still enter (history never messages anyone: an import of two
# years of orders after a journey is live must not thank anyone for a 2024 order). Carts: the cart's
# hours + 1 h, measured from the cart's last update.
LOOKBACK = {"trigger.signed_up": timedelta(hours=24), "trigger.order_placed": timedelta(hours=24),
            "trigger.order_status": timedelta(hours=24)}
CART_LOOKBACK_EXTRA = timedelta(hours=1)


def lookback(kind: str, params: dict[str, Any]) -> timedelta | None:
    """How old an occurrence of this trigger may be at the pass that sees it (None: no limit)."""
    if kind == "trigger.cart_abandoned":
        return timedelta(hours=int(params.get("hours") or 3)) + CART_LOOKBACK_EXTRA
    return LOOKBACK.get(kind)


def split_history(kind: str, params: dict[str, Any], occurrences: list[Occurrence],
                  now: datetime) -> tuple[list[Occurrence], int]:
    """The occurrences recent enough to enter, and how many were history."""
    limit = lookback(kind, params)
    if limit is None or not occurrences:
        return occurrences, 0
    if kind == "trigger.cart_abandoned":  # a cart occurs `hours` after its update; the look-back counts from it
        limit -= timedelta(hours=int(params.get("hours") or 3))
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


def until_now(events: list[Any], now: datetime) -> list[Any]:
    """Events in id order up to the first one that has not happened yet at `now` (a shop clock ahead
    of ours, or a replay): that one and those after it wait for a later pass."""
    for index, event in enumerate(events):
        if event.occurred_at > now:
            return events[:index]
    return events


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
            if kind in EVENT_TRIGGERS and read.get(f"trigger:{journey_id}", -1) >= newest_event:
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
        more = False
        if kind in {"trigger.signed_up", "trigger.order_placed", "trigger.order_status"}:
            occurrences, more = self._from_events(session, state, kind, params, ctx.now)
        elif kind == "trigger.cart_abandoned":
            occurrences = list(self._abandoned_carts(session, state, params, ctx.now))
            state.last_at = ctx.now
        elif kind == "trigger.segment_entered":
            occurrences = list(self._segment_entries(session, state, params, ctx))
        elif kind == "trigger.date":
            occurrences = list(self._dates(session, state, params, ctx))
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

    def _from_events(self, session: Session, state: Cursor, kind: str,
                     params: dict[str, Any], now: datetime) -> tuple[list[Occurrence], bool]:
        wanted = {"trigger.signed_up": "signed_up", "trigger.order_placed": "order_placed",
                  "trigger.order_status": "order_status_changed"}[kind]
        events = session.execute(
            select(ShopEvent.id, ShopEvent.customer_id, ShopEvent.occurred_at, ShopEvent.ref, ShopEvent.payload)
            .where(ShopEvent.id > state.last_id, ShopEvent.kind == wanted)
            .order_by(ShopEvent.id)
            .limit(EVENT_CHUNK)
        ).all()
        full = len(events) == EVENT_CHUNK
        events = until_now(events, now)
        if not events:
            return [], False
        state.last_id = events[-1].id
        occurrences: list[Occurrence] = []
        orders = self._orders_for(session, [e.ref for e in events if e.ref]) if wanted != "signed_up" else {}
        for event in events:
            if event.customer_id is None:
                continue
            payload = dict(event.payload or {})
            if wanted == "signed_up":
                occurrences.append(Occurrence(event.customer_id, event.occurred_at, f"signup:{event.id}"))
                continue
            order = orders.get(event.ref or "")
            if wanted == "order_status_changed":
                status = str(payload.get("status") or (order or {}).get("status") or "")
                if status != params.get("status"):
                    continue
                occurrences.append(Occurrence(event.customer_id, event.occurred_at,
                                              f"status:{event.ref}:{status}", {"order": order or {}}))
                continue
            if order is None or not self._order_matches(session, order, event.customer_id, params):
                continue
            occurrences.append(Occurrence(event.customer_id, event.occurred_at, f"order:{event.ref}",
                                          {"order": order}))
        return occurrences, full

    def _orders_for(self, session: Session, refs: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(refs), 900):
            chunk = refs[start : start + 900]
            rows = session.execute(
                select(Order.id, Order.external_id, Order.amount, Order.status, Order.ordered_at,
                       Order.customer_id).where(Order.external_id.in_(chunk))
            ).all()
            by_id = {row.id: row for row in rows}
            items: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for order_id, name, category, quantity, amount in session.execute(
                select(OrderItem.order_id, OrderItem.product_name, OrderItem.category, OrderItem.quantity,
                       OrderItem.amount).where(OrderItem.order_id.in_(list(by_id)))
            ):
                items[order_id].append({"name": name, "category": category, "quantity": quantity,
                                        "amount": amount})
            for row in rows:
                found[row.external_id] = {
                    "id": row.external_id, "amount": int(row.amount), "status": row.status,
                    "ordered_at": row.ordered_at.isoformat(), "items": items.get(row.id, []), "_pk": row.id,
                }
        return found

    def _order_matches(self, session: Session, order: dict[str, Any], customer_id: int,
                       params: dict[str, Any]) -> bool:
        if order["status"] not in COUNTED_STATUSES:
            return False
        if int(order["amount"]) < int(params.get("min_amount") or 0):
            return False
        category = str(params.get("category") or "").strip()
        if category and not any(item.get("category") == category for item in order["items"]):
            return False
        which = params.get("which", "any")
        if which == "any":
            return True
        earlier = session.scalar(
            select(func.count()).select_from(Order).where(
                Order.customer_id == customer_id, Order.status.in_(COUNTED_STATUSES),
                Order.ordered_at < datetime.fromisoformat(order["ordered_at"]),
            )
        ) or 0
        position = earlier + 1
        return position == 1 if which == "first" else position == int(params.get("n") or 2)

    def _abandoned_carts(self, session: Session, state: Cursor, params: dict[str, Any],
                         now: datetime) -> Iterator[Occurrence]:
        hours = timedelta(hours=int(params.get("hours") or 3))
        since = state.last_at or now
        later_order = (
            select(Order.id)
            .where(Order.customer_id == Cart.customer_id, Order.ordered_at > Cart.updated_at)
            .exists()
        )
        rows = session.execute(
            select(Cart.id, Cart.customer_id, Cart.updated_at, Cart.amount, Cart.items, Cart.external_id)
            .where(Cart.ordered_at.is_(None), Cart.customer_id.is_not(None),
                   Cart.updated_at > since - hours, Cart.updated_at <= now - hours,
                   Cart.amount >= int(params.get("min_amount") or 0), ~later_order)
            .order_by(Cart.updated_at)
        ).all()
        for row in rows:
            if not row.items:
                continue
            stamp = row.updated_at.strftime("%Y%m%d%H%M%S")
            yield Occurrence(row.customer_id, row.updated_at + hours, f"cart:{row.id}:{stamp}",
                             {"cart": {"id": row.external_id, "amount": int(row.amount), "items": list(row.items)}})

    def _segment_entries(self, session: Session, state: Cursor, params: dict[str, Any],
                         ctx: RunContext) -> Iterator[Occurrence]:
        segment = params.get("segment", "at_risk")
        since = state.last_at or ctx.now
        if str(segment).startswith("custom:"):  # who is in it now and was not at the last look (hourly)
            if state.last_date is not None and state.last_at and ctx.now - state.last_at < SEGMENT_RESCAN:
                return
            first, state.last_at, state.last_date = state.last_date is None, ctx.now, ctx.now.astimezone(ctx.zone).date()
            for customer_id in custom_entrants(session, state.name, str(segment), ctx.now, ctx.limits, first):
                yield Occurrence(customer_id, ctx.now, f"{segment}:{ctx.now.strftime('%Y%m%d%H%M%S')}")
            return
        if segment in {"at_risk", "lapsed"}:
            days = ctx.limits.at_risk_days if segment == "at_risk" else ctx.limits.lapsed_days
            start, end = since - timedelta(days=days), ctx.now - timedelta(days=days)
            rows = session.execute(
                select(CustomerStats.customer_id, CustomerStats.last_order_at)
                .where(CustomerStats.order_count > 0, CustomerStats.last_order_at > start,
                       CustomerStats.last_order_at <= end)
            ).all()
            state.last_at = ctx.now
            for customer_id, last in rows:
                crossed = last + timedelta(days=days)
                yield Occurrence(customer_id, crossed, f"{segment}:{last.strftime('%Y%m%d%H%M%S')}")
            return
        if segment == "new":
            rows = session.execute(
                select(Customer.id, Customer.signed_up_at)
                .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
                .where(Customer.signed_up_at > since, Customer.signed_up_at <= ctx.now,
                       func.coalesce(CustomerStats.order_count, 0) == 0)
            ).all()
            state.last_at = ctx.now
            for customer_id, signed in rows:
                yield Occurrence(customer_id, signed, "new")
            return
        if segment == "active":
            rows = session.execute(
                select(CustomerStats.customer_id, CustomerStats.last_order_at)
                .where(CustomerStats.last_order_at > since, CustomerStats.last_order_at <= ctx.now)
            ).all()
            state.last_at = ctx.now
            for customer_id, last in rows:
                yield Occurrence(customer_id, last, f"active:{last.strftime('%Y%m%d%H%M%S')}")
            return
        if segment == "vip":
            if state.last_date is not None and state.last_at and ctx.now - state.last_at < SEGMENT_RESCAN:
                return
            buyers = list(session.scalars(select(CustomerStats.customer_id).where(CustomerStats.order_count > 0)))
            state.last_at = ctx.now
            state.last_date = ctx.now.astimezone(ctx.zone).date()
            for start in range(0, len(buyers), ENTRY_CHUNK):
                facts = load_facts(session, buyers[start : start + ENTRY_CHUNK], ctx.now, ctx.limits, {"is_vip"})
                for customer_id, entry in facts.items():
                    if entry.get("is_vip"):
                        yield Occurrence(customer_id, ctx.now, "vip")

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

    def _dates(self, session: Session, state: Cursor, params: dict[str, Any],
               ctx: RunContext) -> Iterator[Occurrence]:
        fire = parse_hhmm(params.get("time"))
        local_now = ctx.now.astimezone(ctx.zone)
        last_day = local_now.date() if local_now.time() >= fire else local_now.date() - timedelta(days=1)
        first_day = (state.last_date or last_day) + timedelta(days=1)
        if state.last_date is None:
            first_day = last_day
        state.last_date = max(state.last_date or last_day, last_day)
        day = first_day
        while day <= last_day:
            at = datetime.combine(day, fire, tzinfo=ctx.zone).astimezone(UTC)
            yield from self._date_occurrences(session, params, day, at, ctx.zone)
            day += timedelta(days=1)

    def _date_occurrences(self, session: Session, params: dict[str, Any], day: date,
                          at: datetime, zone: Any) -> Iterable[Occurrence]:
        date_kind = params.get("date_kind", "birthday")
        before = int(params.get("days_before") or 0)
        target = day + timedelta(days=before)
        if date_kind == "birthday":
            wanted = {(target.month, target.day)}
            if (target.month, target.day) == (2, 28) and not _is_leap(target.year):
                wanted.add((2, 29))  # a 29 February birthday is kept on the 28th in other years
            month = func.cast(func.strftime("%m", Customer.birthday), type_=Integer())
            mday = func.cast(func.strftime("%d", Customer.birthday), type_=Integer())
            lunar = func.coalesce(func.json_extract(Customer.attributes, "$.birthday_lunar"), 0) == 1
            born_today: list[int] = list(session.execute(
                select(Customer.id).where(Customer.birthday.is_not(None), ~lunar,
                                          month.in_([m for m, _ in wanted]), mday.in_([d for _, d in wanted]))
            ).scalars())
            # a lunar (음력) birthday, as the member list marks it, falls on a different solar day each year
            born_today += [cid for cid, born in session.execute(
                select(Customer.id, Customer.birthday).where(Customer.birthday.is_not(None), lunar))
                if born is not None and lunar_birthday_on(born, target)]
            return [Occurrence(cid, at, f"birthday:{target.year}") for cid in sorted(born_today)]
        if date_kind == "first_order_anniversary":
            rows = session.execute(
                select(CustomerStats.customer_id, CustomerStats.first_order_at)
                .where(CustomerStats.first_order_at.is_not(None))
            ).all()
            return [
                Occurrence(cid, at, f"anniversary:{target.year}")
                for cid, first in rows
                if first is not None and (first.month, first.day) == (target.month, target.day)
                and first.year < target.year
            ]
        if date_kind == "fixed_date":
            if str(params.get("date") or "") != target.isoformat():
                return []
            return [Occurrence(cid, at, f"date:{target.isoformat()}") for cid in self._everyone(session)]
        if date_kind == "holiday":
            # the named holiday's whole span is one holiday: counted from its first day, once a year
            first = holiday_start(str(params.get("holiday") or ""), target.year)
            if first != target:
                return []
            return [Occurrence(cid, at, f"holiday:{first.isoformat()}") for cid in self._everyone(session)]
        if date_kind == "recurring":
            weekdays = params.get("weekdays") or []
            if weekdays and day.weekday() not in weekdays:
                return []
            return [Occurrence(cid, at, f"recurring:{day.isoformat()}") for cid in self._everyone(session)]
        if date_kind == "consent_renewal":
            return consent_renewals(session, target, at, zone)
        return []

    def _everyone(self, session: Session) -> list[int]:
        return list(session.scalars(select(Customer.id).where(Customer.is_guest.is_(False)).order_by(Customer.id)))

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


def consent_renewals(session: Session, target: date, at: datetime, zone: Any) -> list[Occurrence]:
    """Customers whose ad consents (sms, email, kakao) are two years old on `target`, shop calendar: agreed or
    last told on or before the same day two years earlier (the rule of `reconfirmation_due`, by day, so the
    notice goes on the anniversary itself). One occurrence per customer for all their due consents; its key
    holds the newest basis, so once the notice is sent (which sets `confirmed_at`) they are due again, and
    enter again, only two years later, and a rescan or a failed send never enters them twice."""
    limit = two_years_before(datetime.combine(target + timedelta(days=1), time(0), tzinfo=zone))
    basis = func.coalesce(Consent.confirmed_at, Consent.changed_at)
    due: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for customer_id, channel, since in session.execute(
        select(Consent.customer_id, Consent.channel, basis)
        .where(Consent.granted.is_(True), Consent.channel.in_(AD_CONSENT_CHANNELS), basis < limit)
        .order_by(Consent.customer_id)
    ):
        due[customer_id].append((channel, since))
    occurrences = []
    for customer_id, consents in due.items():
        channels = [channel for channel in AD_CONSENT_CHANNELS if any(c == channel for c, _ in consents)]
        earliest = min(since for _, since in consents)
        newest = max(since for _, since in consents)
        occurrences.append(Occurrence(customer_id, at, f"consent:{newest.strftime('%Y%m%d%H%M%S')}",
                                      {"consent": {"since": earliest.isoformat(), "channels": channels}}))
    return occurrences


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


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


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
