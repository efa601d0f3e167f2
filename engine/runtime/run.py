"""One engine pass: triggers → events → due steps → delivery; the deterministic unit tests drive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.clock import Clock
from engine.coupons import resolve_coupons
from engine.customers.points import give_due
from engine.delivery.adapters.base import Channel
from engine.delivery.dispatch import deliver_due
from engine.runtime.advance import Advancer
from engine.runtime.events import EventScanner
from engine.runtime.triggers import TriggerScanner
from engine.runtime.versions import VersionCache
from storage.db import Database


@dataclass
class Engine:
    """The runtime's parts sharing one cache of compiled versions; one per runner process."""

    db: Database
    channels: Mapping[str, Channel]
    versions: VersionCache = field(default_factory=VersionCache)
    give_points: bool = True  # False: grants stay recorded, no shop API is called (simulate's copy)
    shop_calls: bool = True  # False: shop coupons get stand-in codes, the shop is never called (simulate's copy)
    coupon_http: Any = None  # the shop API client coupon issuing uses (tests: fast retries); None: its own

    def __post_init__(self) -> None:
        self.triggers = TriggerScanner(self.versions)
        self.events = EventScanner(self.versions)
        self.advancer = Advancer(self.versions)

    def run_once(self, clock: Clock, *, deliver: bool = True) -> dict[str, Any]:
        entries = self.triggers.scan(self.db, clock)
        moves = self.events.scan(self.db, clock)
        steps = self.advancer.advance_due(self.db, clock)
        summary: dict[str, Any] = {
            "entered": entries.entered,
            "entry_blocked": entries.blocked,
            "history": entries.history,
            "resumed_by_event": moves.resumed,
            "goals": moves.goals,
            "advanced": steps.advanced,
            "queued": steps.queued,
            "waiting": steps.waiting,
            "completed": steps.completed,
            "exited": steps.exited,
            "failed_steps": steps.failed,
            "render_failed": steps.render_failed,
            "actions": steps.actions,
        }
        # pool and shop coupon codes, outside the advancer's transaction; their held messages queued again
        coupons = resolve_coupons(self.db, clock, http=self.coupon_http, offline=not self.shop_calls)
        summary["coupons_issued"] = coupons.issued
        delivered = deliver_due(self.db, clock, self.channels) if deliver else None
        if deliver and self.give_points:  # the points journeys asked for: outside every batch's transaction (engine/customers/points)
            grants = give_due(self.db, clock)
            summary["points_given"] = grants.given
            summary["points_manual"] = grants.manual
        for name in ("sent", "skipped", "deferred", "held", "failed", "retried"):
            summary[name] = int(getattr(delivered, name, 0)) if delivered is not None else 0
        summary["skipped"] += steps.skipped  # late messages settled as their step ran
        summary["deferred"] += steps.deferred
        return summary
