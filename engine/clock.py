"""Clocks: every component asks one for the time, so tests and `--now` can fix it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHOP_ZONE = ZoneInfo("Asia/Seoul")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until told to move; for tests and `--now`."""

    at: datetime
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.at = to_utc(self.at)

    def now(self) -> datetime:
        with self._lock:
            return self.at

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self.at = self.at + delta
            return self.at

    def set(self, at: datetime) -> None:
        with self._lock:
            self.at = to_utc(at)


def to_utc(value: datetime, zone: ZoneInfo = SHOP_ZONE) -> datetime:
    """A naive datetime is read as shop time; an aware one is converted."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


YEARS = range(2000, 2101)  # the instants a shop's history and its journeys can mean


def parse_instant(text: str, zone: ZoneInfo = SHOP_ZONE) -> datetime:
    """Parse an ISO 8601 instant (`2026-03-01`, `2026-03-01T09:30`, `...+09:00`, `...Z`) in the years 2000–2100."""
    example = "(example: 2026-03-01T09:30+09:00)"
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"a time is needed, not an empty text {example}")
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO 8601 time {example}") from None
    if value.year not in YEARS:
        raise ValueError(f"'{text}' is outside the years {YEARS.start}–{YEARS.stop - 1} {example}")
    return to_utc(value, zone)


def shop_time(value: datetime, zone: ZoneInfo = SHOP_ZONE) -> datetime:
    """An instant shown in the shop's zone; naive values from SQLite are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)
