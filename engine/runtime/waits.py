"""When a wait node ends: durations, times of day, dates, and Korean business days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays


def parse_hhmm(text: str | None, default: time = time(10, 0)) -> time:
    if not text:
        return default
    hours, minutes = str(text).split(":", 1)
    return time(int(hours), int(minutes))


@lru_cache(maxsize=64)
def korean_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KR", years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in korean_holidays(day.year)


def add_business_days(day: date, count: int) -> date:
    """The date `count` business days after `day` (weekends and Korean public holidays skipped)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_time_of_day(start: datetime, at: time, weekdays: list[int] | None, zone: ZoneInfo) -> datetime:
    """The first instant ≥ start that is `at` shop time on one of `weekdays` (Monday = 0; all when empty)."""
    local = start.astimezone(zone)
    allowed = set(weekdays or range(7))
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        candidate = _at(day, at, zone)
        if candidate >= start and day.weekday() in allowed:
            return candidate
    raise ValueError("no allowed weekday")  # unreachable with a non-empty weekday set


def wake_time(kind: str, params: dict[str, Any], start: datetime, zone: ZoneInfo) -> datetime:
    """When a customer who reached a wait node at `start` moves on (the timeout for wait.event)."""
    if kind == "wait.duration":
        return start + timedelta(minutes=int(params.get("duration") or 0))
    if kind == "wait.event":
        return start + timedelta(minutes=int(params.get("timeout") or 0))
    if kind == "wait.until_time":
        return next_time_of_day(start, parse_hhmm(params.get("time")), params.get("weekdays") or None, zone)
    if kind == "wait.until_date":
        target = date.fromisoformat(str(params["date"]))
        return max(start, _at(target, parse_hhmm(params.get("time"), time(10, 0)), zone))
    if kind == "wait.business_days":
        local_day = start.astimezone(zone).date()
        target = add_business_days(local_day, int(params.get("days") or 1))
        return _at(target, parse_hhmm(params.get("time")), zone)
    raise ValueError(f"not a wait kind: {kind}")
