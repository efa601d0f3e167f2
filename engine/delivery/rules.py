"""The sending rules, as pure functions of shop time: quiet hours, lateness, the next allowed moment."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.runtime.waits import parse_hhmm

__all__ = ["LATE_GRACE", "in_quiet_hours", "lateness_rule", "next_shop_day", "parse_hhmm", "quiet_end_after",
           "same_time_next_day", "shop_day_start"]

LATE_GRACE = timedelta(hours=1)  # a message up to an hour late is simply on time (a tick, a short sleep)


def in_quiet_hours(at: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    """Whether `at` falls in [start, end) shop time (the window may wrap midnight: 21:00–08:00)."""
    local = at.astimezone(zone).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def quiet_end_after(at: datetime, end: time, zone: ZoneInfo) -> datetime:
    """The first `end` o'clock (shop time) at or after `at`."""
    local = at.astimezone(zone)
    candidate = datetime.combine(local.date(), end, tzinfo=zone)
    if candidate < local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


def next_shop_day(at: datetime, opening: time, zone: ZoneInfo) -> datetime:
    """`opening` o'clock on the shop-local day after `at` (when a daily cap starts over)."""
    local = at.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), opening, tzinfo=zone).astimezone(UTC)


def shop_day_start(at: datetime, zone: ZoneInfo) -> datetime:
    local = at.astimezone(zone)
    return datetime.combine(local.date(), time(0, 0), tzinfo=zone).astimezone(UTC)


def same_time_next_day(planned: datetime, now: datetime, zone: ZoneInfo) -> datetime:
    """The next moment after `now` with the planned message's shop-local time of day."""
    local_planned = planned.astimezone(zone)
    local_now = now.astimezone(zone)
    candidate = datetime.combine(local_now.date(), local_planned.timetz().replace(tzinfo=None), tzinfo=zone)
    if candidate <= local_now:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


def lateness_rule(policy: str, hours: int, due_at: datetime, now: datetime,
                  zone: ZoneInfo) -> tuple[str, datetime] | None:
    """What a message node's lateness policy says of a message planned for `due_at`, at `now`:
    ("late", due_at) to skip it, ("late_moved", its next window) to move it, or None to send it."""
    late = now - due_at
    if policy == "skip_if_late" and late > timedelta(hours=hours):
        return ("late", due_at)
    if policy == "next_window" and late > LATE_GRACE:
        return ("late_moved", same_time_next_day(due_at, now, zone))
    return None


# A decision (skip, delay) made this much after the time the message was planned for is told with both times.
DECIDED_APART = timedelta(minutes=1)
