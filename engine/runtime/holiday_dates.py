"""Korean public holidays by name: a holiday is its whole span (추석 전날, 추석, 추석 다음날, a substitute
day), so "3 days before 추석" is counted from its first day and happens once a year."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

# the `holidays` package names each day of a span; these turn a day's name into its holiday's
_KO_SUFFIXES = (" 대체 휴일", " 대체휴일", " 전날", " 다음날", "연휴")
_EN_PREFIXES = ("alternative holiday for ", "the day preceding ", "the second day of ")
ALIASES = {"설": "설날", "구정": "설날", "음력설": "설날", "한가위": "추석", "신정": "신정",
           "lunar new year": "설날", "seollal": "설날", "korean new year": "설날", "chuseok": "추석",
           "크리스마스": "기독탄신일", "성탄절": "기독탄신일", "christmas": "christmas day"}


def _base_ko(name: str) -> str:
    name = name.strip()
    for suffix in _KO_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)].strip()
    return name


def _base_en(name: str) -> str:
    name = name.strip().lower()
    for prefix in _EN_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):].strip()
    return name


@lru_cache(maxsize=16)
def _spans(year: int) -> dict[str, date]:
    """Each holiday of the year (by its Korean and its English name, lower case) → its first day."""
    korean = holidays.country_holidays("KR", years=year, language="ko")
    english = holidays.country_holidays("KR", years=year, language="en_US")
    first: dict[str, date] = {}
    for day in sorted(korean):
        ko_names = [_base_ko(name) for name in korean.get_list(day)]
        en_names = [_base_en(name) for name in english.get_list(day)]
        for name in (*ko_names, *en_names):
            if name and name not in first:
                first[name] = day
        for ko, en in zip(ko_names, en_names, strict=False):  # an English name finds the Korean one's span
            first.setdefault(en, first.get(ko, day))
    return first


def holiday_key(name: str) -> str:
    """The name an owner typed, as the holidays are keyed ("추석 ", "Chuseok", "설" → "추석", "chuseok", "설날")."""
    key = " ".join(name.split()).lower()
    key = ALIASES.get(key, key)
    return _base_en(_base_ko(key))


def holiday_start(name: str, year: int) -> date | None:
    """The first day of the named holiday in that year (추석 2026 → 2026-09-24), or None if it has none."""
    key = holiday_key(name)
    return _spans(year).get(key) if key else None
