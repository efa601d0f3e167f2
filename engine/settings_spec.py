"""What a setting is: its parser (one for the CLI and the settings page) and its labels.

Kept apart from engine/config.py so that each channel module (engine/channels/) can declare its own
settings without importing the catalogue that lists them.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A setting name or value the user must correct; the message says how (`key`: the setting, if one)."""

    def __init__(self, message: str, key: str | None = None, ko: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.ko = ko or message  # what the settings page shows in Korean

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else str(self)


@dataclass(frozen=True)
class IntParser:
    """A whole number from `lo` to `hi` (commas and 원 allowed); the settings page makes it a spin box."""

    lo: int
    hi: int

    def __call__(self, text: str) -> int:
        lo, hi = self.lo, self.hi
        cleaned = str(text).replace(",", "").replace("원", "").strip()
        try:
            value = int(cleaned)
        except ValueError:
            raise ConfigError(f"expected a whole number, got '{text}'", ko=f"정수를 입력하세요 (입력: '{text}')") from None
        if not lo <= value <= hi:
            raise ConfigError(f"expected a number from {lo:,} to {hi:,}, got {value:,}",
                              ko=f"{lo:,}~{hi:,} 사이의 숫자를 입력하세요 (입력: {value:,})")
        return value


def _int(lo: int, hi: int) -> IntParser:
    return IntParser(lo, hi)


def _text(max_len: int = 200, allow_empty: bool = True) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = str(text).strip()
        if not value and not allow_empty:
            raise ConfigError("this setting cannot be empty", ko="이 설정은 비울 수 없습니다")
        if len(value) > max_len:
            raise ConfigError(f"at most {max_len} characters", ko=f"{max_len}자까지 입력할 수 있습니다")
        return value

    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = str(text).strip()
        if value not in options:
            raise ConfigError(f"expected one of {', '.join(options)}, got '{text}'",
                              ko=f"다음 중 하나를 고르세요: {', '.join(options)} (입력: '{text}')")
        return value

    return parse


def _time(text: str) -> str:
    value = str(text).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ConfigError(f"expected a time like 21:00, got '{text}'", ko=f"21:00처럼 시각을 입력하세요 (입력: '{text}')")
    return f"{int(match[1]):02d}:{match[2]}"


def _zone(text: str) -> str:
    value = str(text).strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"'{text}' is not a time zone name (example: Asia/Seoul)",
                          ko=f"'{text}'은(는) 시간대 이름이 아닙니다 (예: Asia/Seoul)") from None
    return value


def _bool(text: str) -> bool:
    value = str(text).strip().lower()
    if value in {"1", "true", "yes", "on", "y", "예", "네"}:
        return True
    if value in {"0", "false", "no", "off", "n", "아니오", "아니요"}:
        return False
    raise ConfigError(f"expected true or false, got '{text}'", ko=f"예 또는 아니오로 입력하세요 (입력: '{text}')")


def _phone_or_empty(text: str) -> str:
    value = str(text).strip()
    if value and not re.fullmatch(r"[0-9+\-() ]{7,20}", value):
        raise ConfigError(f"expected a phone number like 02-123-4567, got '{text}'",
                          ko=f"02-123-4567처럼 전화번호를 입력하세요 (입력: '{text}')")
    return value


_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def _host_name(host: str) -> bool:
    """A DNS name with a dot and a top-level name of letters (Korean names allowed: 단골.한국)."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return (len(ascii_host) <= 253 and len(labels) >= 2 and all(_HOST_LABEL.fullmatch(label) for label in labels)
            and (labels[-1].isalpha() or labels[-1].startswith("xn--")))


def _email_or_empty(text: str) -> str:
    value = str(text).strip()
    if not value:
        return value
    local, at, domain = value.rpartition("@")
    if (not at or len(value) > 254 or len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local)
            or not _host_name(domain) or email.utils.parseaddr(value)[1] != value):
        raise ConfigError(f"expected an email address like shop@example.com, got '{text}'",
                          ko=f"shop@example.com처럼 이메일 주소를 입력하세요 (입력: '{text}')")
    return value


def _web_address(what: str, what_ko: str, example: str, allow_userinfo: bool) -> Callable[[str], str]:
    """An http(s) URL with a host; the message never repeats the value (it may be a secret)."""

    def parse(text: str) -> str:
        value = str(text).strip()
        if not value:
            return value
        wrong = f"expected {what} starting with https:// or http:// (example: {example})"
        wrong_ko = f"https:// 또는 http://로 시작하는 {what_ko}를 입력하세요 (예: {example})"
        if len(value) > 2000 or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ConfigError(wrong, ko=wrong_ko)
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (raises ValueError on a port that is not a number from 0 to 65535)
        except ValueError:
            raise ConfigError(wrong, ko=wrong_ko) from None
        host = parts.hostname or ""
        if parts.scheme.lower() not in {"http", "https"} or not host:
            raise ConfigError(wrong, ko=wrong_ko)
        if not (_host_name(host) or host == "localhost" or _ip_address(host)):
            raise ConfigError(f"'{host}' is not a host name; {wrong}", ko=f"'{host}'은(는) 호스트 이름이 아닙니다. {wrong_ko}")
        if not allow_userinfo and (parts.username is not None or parts.password is not None):
            raise ConfigError(f"{what} must not contain a user name or password (example: {example})",
                              ko=f"{what_ko}에는 사용자 이름이나 비밀번호를 넣을 수 없습니다 (예: {example})")
        return value

    return parse


def _ip_address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    parse: Callable[[str], Any]
    label_ko: str
    label_en: str
    secret: bool = False
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, Korean, English) when it is one of a list
    unit_ko: str = ""  # a number's unit as the settings page shows it after the value ("일", "원")
    unit_en: str = ""
    zero_off: bool = False  # 0 turns the feature off (the settings page shows "끄기" for 0)
    # read only when one of these settings has one of these values (a provider's account: shown on the settings
    # page only while some channel goes out by that provider); empty: always read
    used_when: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def used(self, values: Callable[[str], Any]) -> bool:
        """Whether the app reads this setting, given the other settings' values (`values(key)`)."""
        return not self.used_when or any(str(values(key)) in wanted for key, wanted in self.used_when)

    @property
    def number_range(self) -> tuple[int, int] | None:
        """(lowest, highest) of a whole-number setting; None for any other kind."""
        return (self.parse.lo, self.parse.hi) if isinstance(self.parse, IntParser) else None

    @property
    def is_time(self) -> bool:
        return self.parse is _time

    @property
    def is_flag(self) -> bool:
        return self.parse is _bool


def _values(choices: tuple[tuple[str, str, str], ...]) -> tuple[str, ...]:
    return tuple(value for value, _, _ in choices)


def choice_setting(key: str, default: str, choices: tuple[tuple[str, str, str], ...], label_ko: str,
                   label_en: str) -> SettingSpec:
    """A setting picked from a list: (value, Korean, English)."""
    return SettingSpec(key, default, _choice(*_values(choices)), label_ko, label_en, choices=choices)
