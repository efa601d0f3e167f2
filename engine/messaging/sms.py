"""Text-message length as Korean carriers count it: bytes in EUC-KR (a Hangul syllable is 2 bytes).

Up to 90 bytes is an SMS; up to 2,000 an LMS. Characters EUC-KR cannot hold (most emoji, rare Hangul)
may fail at the carrier, so they are reported before sending.
"""

from __future__ import annotations

SMS_MAX = 90
LMS_MAX = 2000


def unsupported_chars(text: str) -> list[str]:
    bad: list[str] = []
    for ch in text:
        try:
            ch.encode("euc-kr")
        except UnicodeEncodeError:
            if ch not in bad:
                bad.append(ch)
    return bad


def euckr_length(text: str) -> int:
    """Bytes in EUC-KR; a character outside it counts as 2 (what most gateways substitute)."""
    try:
        return len(text.encode("euc-kr"))
    except UnicodeEncodeError:
        pass
    total = 0
    for ch in text:
        try:
            total += len(ch.encode("euc-kr"))
        except UnicodeEncodeError:
            total += 2
    return total


def classify(text: str) -> str:
    """"sms", "lms", or "too_long"."""
    length = euckr_length(text)
    if length <= SMS_MAX:
        return "sms"
    if length <= LMS_MAX:
        return "lms"
    return "too_long"
