"""Lunar (음력) birthdays: the solar day a lunar month/day falls on, from the KARI tables of
`korean-lunar-calendar` (no hand-written calendar)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from korean_lunar_calendar import KoreanLunarCalendar


@lru_cache(maxsize=4096)
def lunar_to_solar(lunar_year: int, month: int, day: int) -> date | None:
    """The solar date of lunar `month`/`day` in `lunar_year` (never a leap month); a 30th in a 29-day month
    is kept on the 29th. None outside the tables (1000‥2050) or for an impossible month/day."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    calendar = KoreanLunarCalendar()
    for wanted in (day, 29) if day == 30 else (day,):
        if calendar.setLunarDate(lunar_year, month, wanted, False):
            return date(calendar.solarYear, calendar.solarMonth, calendar.solarDay)
    return None


def lunar_birthday_on(birthday: date, solar_day: date) -> bool:
    """Whether a lunar birthday (its month and day; the year is the birth year) falls on `solar_day`. A lunar
    year starts in late January or February, so the day may belong to this lunar year or the one before."""
    return any(lunar_to_solar(year, birthday.month, birthday.day) == solar_day
               for year in (solar_day.year, solar_day.year - 1))
