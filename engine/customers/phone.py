"""Korean phone numbers: stored as E.164 (+821012345678), shown as 010-1234-5678 (via `phonenumbers`)."""

from __future__ import annotations

import phonenumbers


def normalize_phone(text: str | None, region: str = "KR") -> str | None:
    """E.164 for a valid number ("010-1234-5678", "+82 10 1234 5678", "01012345678"), else None."""
    if not text:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str | None) -> bool:
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in {
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def format_phone(e164: str | None) -> str:
    """The way a Korean owner writes it: 010-1234-5678 for Korean numbers, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "KR")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 82:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
