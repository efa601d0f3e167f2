"""Cell values of shop export files → canonical values: int won, aware UTC times, E.164 phones, dates.

Every parser takes what a CSV gives (text) and what openpyxl gives (int, float, datetime, date) and
raises `ValueError` for a value it cannot read; an empty cell is `None`. The common shapes take a
fast path without regular expressions (a 1,000,000-line file calls these millions of times).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

from engine.customers.phone import normalize_phone

SEOUL = ZoneInfo("Asia/Seoul")


class Unreadable(ValueError):
    """A cell the parser cannot read, with the cell as it was (the import shows it beside the reason)."""

    def __init__(self, what: str, raw: object) -> None:
        super().__init__(f"{what}: {raw!r}")
        self.raw = raw

_MONEY_NOISE = str.maketrans("", "", ",원₩ \u00a0")
_DATE_SEPARATORS = str.maketrans("./", "--")
_KOREAN_DATE = re.compile(
    r"^\s*(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*[.일]?\s*"
    r"(?:(오전|오후|AM|PM|am|pm)?\s*(\d{1,2})\s*[:시]\s*(\d{1,2})\s*분?\s*(?::?\s*(\d{1,2})\s*초?)?)?\s*$")
_LUNAR_WORDS = ("음력", "lunar", "l")
_SOLAR_WORDS = ("양력", "solar", "s")


def text(value: object) -> str | None:
    """The cell as stripped text, or None when empty (openpyxl numbers lose a trailing `.0`)."""
    if value.__class__ is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    return result or None


def parse_money(value: object) -> int | None:
    """`30000`, `30000.00`, `30,000`, `30,000원`, `₩30,000`, `-3,000` → int won (rounded half up)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unreadable("not an amount", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(Decimal(repr(value)).quantize(Decimal(1), ROUND_HALF_UP))
    return money_text(str(value))


@lru_cache(maxsize=65536)
def money_text(raw: str) -> int | None:
    """`parse_money` of a text cell (cached: a file repeats its prices)."""
    try:
        return int(raw)
    except ValueError:
        pass
    cleaned = raw.translate(_MONEY_NOISE)
    if cleaned.upper().endswith("KRW"):
        cleaned = cleaned[:-3]
    if cleaned.upper().startswith("KRW"):
        cleaned = cleaned[3:]
    if not cleaned:
        if raw.strip():
            raise Unreadable("not an amount", raw)
        return None
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return int(Decimal(cleaned).quantize(Decimal(1), ROUND_HALF_UP))
    except InvalidOperation:
        raise Unreadable("not an amount", raw) from None


def parse_quantity(value: object) -> int | None:
    """A positive whole number of pieces (`2`, `2.0`, `2개`)."""
    if value.__class__ is str:
        return quantity_text(value)
    return _quantity(value)


@lru_cache(maxsize=1024)
def quantity_text(raw: str) -> int | None:
    """`parse_quantity` of a text cell (cached)."""
    try:
        return _quantity(raw.replace("개", ""))
    except ValueError:
        raise Unreadable("not a quantity", raw) from None  # the cell as written, "개" and all


def _quantity(value: object) -> int | None:
    amount = parse_money(value)
    if amount is None:
        return None
    if amount <= 0:
        raise Unreadable("not a quantity", value)
    return amount


def parse_datetime(value: object, zone: tzinfo = SEOUL) -> datetime | None:
    """A shop time (`2026-03-02 10:00:00`, `2026.03.02`, `2026/03/02 10:00`, `20260302`, …) → aware UTC.

    Times without an offset are read in `zone` (the shop's); times with one (Shopify's `+0900`) keep it.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:  # text (cached: a file repeats its times), or a number a spreadsheet made of one
        return _datetime_text(value if value.__class__ is str else str(value), zone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


@lru_cache(maxsize=65536)
def _datetime_text(value: str, zone: tzinfo) -> datetime | None:
    raw = value.strip()
    if not raw:
        return None
    moment = _parse_datetime_text(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


@lru_cache(maxsize=8192)
def _parse_datetime_text(raw: str) -> datetime:
    candidate = raw.translate(_DATE_SEPARATORS)
    if candidate.endswith(" UTC"):
        candidate = candidate[:-4] + "+00:00"
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    match = _KOREAN_DATE.match(raw)
    if match is None:
        raise Unreadable("not a date", raw)
    year, month, day, half, hour, minute, second = match.groups()
    h = int(hour or 0)
    if half in ("오후", "PM", "pm") and h < 12:
        h += 12
    elif half in ("오전", "AM", "am") and h == 12:
        h = 0
    try:
        return datetime(int(year), int(month), int(day), h, int(minute or 0), int(second or 0))
    except ValueError:
        raise Unreadable("not a date", raw) from None


@lru_cache(maxsize=65536)
def _phone_text(raw: str) -> str | None:
    digits = raw.replace("-", "").replace(" ", "")
    # the common case, 010 and eight digits, without phonenumbers' cost (same result, see the tests)
    if len(digits) == 11 and digits.isdigit() and digits.startswith("010") and digits[3] != "0":
        return "+82" + digits[1:]
    return normalize_phone(raw)


def parse_phone(value: object) -> str | None:
    """A phone number in E.164 (`+821012345678`), or None when empty, masked (`010-****-1234`) or invalid."""
    raw = text(value)
    if raw is None or "*" in raw:
        return None
    if raw.isdigit() and len(raw) == 10 and raw.startswith("10"):
        raw = "0" + raw  # a spreadsheet read the number as a number and dropped the leading 0
    return _phone_text(raw)


def is_masked(value: str | None) -> bool:
    """A masked id or name (`abcd****`, `홍*동`) identifies nobody."""
    return value is not None and "*" in value


def parse_id(value: object) -> str | None:
    """An external id as text; a masked one (`abcd****`) is no id."""
    raw = text(value)
    if raw is None or is_masked(raw):
        return None
    return raw


def parse_email(value: object) -> str | None:
    """An email address, lower-cased domain; None when empty, masked or not an address."""
    raw = text(value)
    if raw is None or "*" in raw or raw.count("@") != 1:
        return None
    local, _, domain = raw.partition("@")
    if not local or "." not in domain or " " in raw:
        return None
    return f"{local}@{domain.lower()}"


def parse_birthday(value: object, calendar: object = None) -> tuple[date | None, bool | None]:
    """A birthday and whether it is lunar: `1990-05-01`, `19900501`, `1990.05.01(음력)`, `양력 1990-05-01`.

    `calendar` is the cell of a separate 양력/음력 column when the file has one. The lunar flag is None
    when neither says. `0000-00-00` and empty cells are no birthday.
    """
    raw = text(value)
    lunar = _calendar_flag(text(calendar))
    if raw is None:
        return None, lunar
    for word, flag in (("음력", True), ("양력", False)):
        if word in raw:
            lunar = flag
            raw = raw.replace(word, "")
    raw = raw.replace("(", "").replace(")", "").strip()
    if not raw or raw.strip("0-./ ") == "":
        return None, lunar
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        return day, lunar
    moment = _parse_datetime_text(raw)
    return moment.date(), lunar


def _calendar_flag(raw: str | None) -> bool | None:
    if raw is None:
        return None
    word = raw.lower()
    if word in _LUNAR_WORDS or "음력" in word:
        return True
    if word in _SOLAR_WORDS or "양력" in word:
        return False
    return None


_YES = frozenset({"y", "yes", "t", "true", "1", "o", "예", "네", "동의", "수신", "수신동의", "허용", "subscribed"})
_NO = frozenset({"n", "no", "f", "false", "0", "x", "아니오", "아니요", "거부", "미동의", "비동의", "수신거부",
                 "수신안함", "거절", "unsubscribed", "not_subscribed"})


def parse_consent(value: object) -> bool | None:
    """A 수신여부 cell → True (수신/동의/Y/T), False (거부/N/F), None (empty)."""
    raw = text(value)
    if raw is None:
        return None
    word = raw.lower().replace(" ", "")
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Unreadable("not a yes/no", raw)
