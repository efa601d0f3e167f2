"""The dashboard's "journey results" section: the shop's published journeys, the one shown, and its results
(engine.results.journeys, the same figures as `journey results ID`) for the dashboard's period.

A period of N days that ends today is `journey results ID --days N` at the clock's now; one that ended before
today is the same N days up to the end of its last day (`--now` that instant), so a past month is that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.journey.registry import REGISTRY
from engine.results.journeys import JourneyResults, journey_results, list_figures
from engine.results.kpis import Period
from storage.models import Journey as JourneyRow
from storage.models import JourneyVersion

PUBLISHED = ("live", "paused")


@dataclass(frozen=True)
class JourneySection:
    choices: tuple[tuple[str, str], ...]  # (id, name) of the published journeys by name; empty: none yet
    chosen: str | None
    results: JourneyResults | None
    has_split: bool  # a published version of the chosen journey has an A/B split
    end: datetime
    days: int


def span(period: Period, zone: ZoneInfo, now: datetime) -> tuple[datetime, int]:
    """(the instant the figures run up to, the number of days before it): see the module's docstring."""
    _start, end = period.bounds(zone)
    return (now if end > now else end), period.days


def published(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every journey that is live or paused, by name."""
    rows = session.execute(select(JourneyRow.id, JourneyRow.name)
                           .where(JourneyRow.status.in_(PUBLISHED), JourneyRow.live_version.is_not(None))
                           .order_by(JourneyRow.name, JourneyRow.id))
    return [(str(row_id), str(name)) for row_id, name in rows]


def has_split(session: Session, journey_id: str) -> bool:
    for graph in session.scalars(select(JourneyVersion.graph).where(JourneyVersion.journey_id == journey_id)):
        for node in (graph or {}).get("nodes", []):
            spec = REGISTRY.get(str(node.get("kind"))) if isinstance(node, dict) else None
            if spec is not None and spec.category == "split":
                return True
    return False


def journey_section(session: Session, period: Period, zone: ZoneInfo, now: datetime,
                    wanted: str | None = None) -> JourneySection:
    """The section for `period`: `wanted` when it is still published, else the one that brought the most
    revenue in the span (ties: the first by name)."""
    end, days = span(period, zone, now)
    journeys = published(session)
    if not journeys:
        return JourneySection((), None, None, False, end, days)
    ids = [row_id for row_id, _name in journeys]
    if wanted in ids:
        chosen = str(wanted)
    else:
        figures = list_figures(session, end, days=days)
        chosen = max(ids, key=lambda row_id: figures[row_id].revenue if row_id in figures else 0)
    results = journey_results(session, chosen, end, days=days)
    split = bool(results.ab_tests or results.lifts) or has_split(session, chosen)
    return JourneySection(tuple(journeys), chosen, results, split, end, days)
