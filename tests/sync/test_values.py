"""Cell values → canonical values: money, shop times, phones, ids, birthdays, consents."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.customers.phone import normalize_phone
from engine.sync import values as v


@pytest.mark.parametrize("cell", ["30000", "30000.00", "30,000", "30,000원", "₩30,000", " 30000 ", "30000KRW",
                                  30000, 30000.0])
def test_money_is_int_won(cell: object) -> None:
    assert v.parse_money(cell) == 30000


def test_money_edge_cases() -> None:
    assert v.parse_money("-3,000원") == -3000
    assert v.parse_money("") is None and v.parse_money(None) is None
    assert v.parse_money("12345.5") == 12346  # KRW has no minor unit
    with pytest.raises(ValueError):
        v.parse_money("삼만원")
    with pytest.raises(ValueError):
        v.parse_money("원")


SEOUL_10AM_UTC = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("cell", ["2026-03-02 10:00:00", "2026-03-02 10:00", "2026.03.02 10:00", "2026/03/02 10:00:00",
                                  "2026-03-02T10:00:00+09:00", "2026-03-02 10:00:00 +0900", "2026. 3. 2. 오전 10:00:00",
                                  "2026년 3월 2일 10시 0분", datetime(2026, 3, 2, 10, 0)])
def test_shop_times_become_aware_utc(cell: object) -> None:
    moment = v.parse_datetime(cell)
    assert moment == SEOUL_10AM_UTC
    assert moment is not None and moment.tzinfo is UTC


@pytest.mark.parametrize("cell", ["2026-03-02", "2026.03.02", "2026/03/02", "20260302", date(2026, 3, 2)])
def test_dates_are_shop_midnight(cell: object) -> None:
    assert v.parse_datetime(cell) == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


def test_afternoon_and_bad_dates() -> None:
    assert v.parse_datetime("2026. 3. 2. 오후 2:30") == datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
    assert v.parse_datetime("") is None
    for bad in ("2026-13-02", "어제", "2026-02-30 10:00"):
        with pytest.raises(ValueError):
            v.parse_datetime(bad)


def test_phones_have_one_form() -> None:
    for cell in ("010-1234-5678", "01012345678", "010 1234 5678", "+82 10-1234-5678", 1012345678):
        assert v.parse_phone(cell) == "+821012345678"
    assert v.parse_phone("010-****-5678") is None  # masked
    assert v.parse_phone("12") is None
    assert v.parse_phone("02-312-3456") == "+8223123456"


@pytest.mark.parametrize("cell", ["010-1234-5678", "01099990000", "010-0123-4567", "011-123-4567", "016-1234-5678",
                                  "010-1234-567", "0101234567", "010-2000-0000"])
def test_phone_fast_path_agrees_with_phonenumbers(cell: str) -> None:
    assert v.parse_phone(cell) == normalize_phone(cell)


def test_masked_ids_are_no_ids() -> None:
    assert v.parse_id("abcd****") is None
    assert v.parse_id("abcd1234") == "abcd1234"
    assert v.parse_id("  ") is None


def test_birthdays_with_calendar() -> None:
    assert v.parse_birthday("1990-05-01") == (date(1990, 5, 1), None)
    assert v.parse_birthday("19900501", "음력") == (date(1990, 5, 1), True)
    assert v.parse_birthday("1990.05.01(양력)") == (date(1990, 5, 1), False)
    assert v.parse_birthday("음력 1990-05-01") == (date(1990, 5, 1), True)
    assert v.parse_birthday("0000-00-00") == (None, None)
    with pytest.raises(ValueError):
        v.parse_birthday("1990-02-31")


def test_consents() -> None:
    assert [v.parse_consent(cell) for cell in ("수신", "수신동의", "Y", "T", "동의")] == [True] * 5
    assert [v.parse_consent(cell) for cell in ("수신거부", "N", "F", "거부", "아니오")] == [False] * 5
    assert v.parse_consent("") is None
    with pytest.raises(ValueError):
        v.parse_consent("글쎄")
