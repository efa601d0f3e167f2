"""The sending rules, as pure functions of shop time: quiet hours, lateness, stale shop data, the next allowed moment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.runtime.waits import parse_hhmm

__all__ = ["LATE_GRACE", "LAW_QUIET_END", "LAW_QUIET_START", "STALE_RECHECK", "QuietHours", "covers_law_window",
           "in_quiet_hours", "lateness_rule", "next_shop_day", "parse_hhmm", "quiet_end_after", "same_time_next_day",
           "shop_day_start", "stale_since", "windows_end_after"]

LATE_GRACE = timedelta(hours=1)  # a message up to an hour late is simply on time (a tick, a short sleep)
STALE_RECHECK = timedelta(hours=1)  # a message held for stale shop data is looked at again this much later

# 정보통신망법 제50조 제3항: no ads from 21:00 to 08:00 (the recipient's time) without a separate night consent.
# The owner may widen this window (start earlier, end later), never narrow it.
LAW_QUIET_START = time(21, 0)
LAW_QUIET_END = time(8, 0)


def in_quiet_hours(at: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    """Whether `at` falls in [start, end) shop time (the window may wrap midnight: 21:00–08:00)."""
    local = at.astimezone(zone).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def covers_law_window(start: time, end: time) -> bool:
    """Whether the window [start, end) (wrapping midnight) holds the whole of the law's 21:00–08:00."""
    return end < start <= LAW_QUIET_START and end >= LAW_QUIET_END


def _hhmm(value: Any) -> time | None:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class QuietHours:
    """When ads to a customer without night consent wait: the owner's window joined with the law's.

    The owner's `start`/`end` come from the settings, which refuse a window narrower than the law's;
    a database holding other values (written before that check, or by hand) still never lets an ad out
    between 21:00 and 08:00, because the law's window is always part of the union.
    """

    start: time = LAW_QUIET_START
    end: time = LAW_QUIET_END

    @classmethod
    def from_settings(cls, start: Any, end: Any) -> QuietHours:
        """From the stored texts ("20:00"); a value that is not a time counts as the law's bound."""
        return cls(_hhmm(start) or LAW_QUIET_START, _hhmm(end) or LAW_QUIET_END)

    @property
    def windows(self) -> tuple[tuple[time, time], ...]:
        if covers_law_window(self.start, self.end):
            return ((self.start, self.end),)
        return ((self.start, self.end), (LAW_QUIET_START, LAW_QUIET_END))

    def contains(self, at: datetime, zone: ZoneInfo) -> bool:
        """Whether `at` falls in quiet hours (either window)."""
        return any(in_quiet_hours(at, start, end, zone) for start, end in self.windows)

    def end_after(self, at: datetime, zone: ZoneInfo) -> datetime:
        """The first moment at or after `at` outside quiet hours (`at` itself when it is not in them)."""
        return windows_end_after(self.windows, at, zone)

    def next_day_opening(self, at: datetime, zone: ZoneInfo) -> datetime:
        """The first moment outside quiet hours on the shop-local day after `at` (a daily cap starts over)."""
        return self.end_after(next_shop_day(at, time(0, 0), zone), zone)


def windows_end_after(windows: tuple[tuple[time, time], ...], at: datetime, zone: ZoneInfo) -> datetime:
    """The first moment at or after `at` outside every window [start, end) of `windows` (shop time)."""
    moment = at
    for _ in range(2 * len(windows) + 2):  # at most a hop out of each window, then one more check
        ends = [quiet_end_after(moment, end, zone) for start, end in windows if in_quiet_hours(moment, start, end, zone)]
        if not ends:
            return moment
        moment = max(ends)
    return moment


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


def stale_since(last_sync: datetime | None, now: datetime, hours: int) -> datetime | None:
    """When the shop's data was last synced, if that is more than `hours` before `now` (its customer
    messages then wait: a win-back must not go to someone whose order the app has not seen yet); None
    when the data is fresh, when the hold is off (`hours` 0) or when nothing was ever synced (the demo
    shop, a shop that never imported: there is no source to be stale)."""
    if hours <= 0 or last_sync is None:
        return None
    return last_sync if now - last_sync > timedelta(hours=hours) else None
