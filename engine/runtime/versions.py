"""Published versions compiled once and cached; a version never changes after publishing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.compiled import CompiledJourney, compile_graph
from storage.models import Journey, JourneyVersion


class VersionCache:
    """Compiled journey versions by version id (immutable, so the cache never goes stale)."""

    def __init__(self) -> None:
        self._by_id: dict[int, CompiledJourney] = {}

    def get(self, session: Session, version_id: int) -> CompiledJourney | None:
        compiled = self._by_id.get(version_id)
        if compiled is None:
            row = session.get(JourneyVersion, version_id)
            if row is None:
                return None
            compiled = compile_graph(row.journey_id, row.id, row.graph)
            self._by_id[version_id] = compiled
        return compiled

    def live(self, session: Session, *, include_paused: bool = False) -> list[tuple[Journey, CompiledJourney]]:
        """Journeys taking part in this pass with their newest published version, by priority."""
        statuses = ("live", "paused") if include_paused else ("live",)
        result: list[tuple[Journey, CompiledJourney]] = []
        rows = session.execute(
            select(Journey, JourneyVersion.id)
            .join(JourneyVersion, (JourneyVersion.journey_id == Journey.id)
                  & (JourneyVersion.version == Journey.live_version))
            .where(Journey.status.in_(statuses))
        ).all()
        for journey, version_id in rows:
            compiled = self.get(session, version_id)
            if compiled is not None:
                result.append((journey, compiled))
        result.sort(key=lambda pair: (-pair[1].priority, pair[0].created_at, pair[0].id))
        return result
