"""Shop settings: one typed catalogue for the CLI (`config get|set`) and the GUI's settings page.

Plain values live in the `settings` table; secrets (passwords, API keys) go to the OS keyring
and never touch the database or the logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Setting

KEYRING_SERVICE = "Dangol"


class ConfigError(ValueError):
    """A setting name or value the user must correct; the message says how."""


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        cleaned = str(text).replace(",", "").replace("원", "").strip()
        try:
            value = int(cleaned)
        except ValueError:
            raise ConfigError(f"expected a whole number, got '{text}'") from None
        if not lo <= value <= hi:
            raise ConfigError(f"expected a number from {lo:,} to {hi:,}, got {value:,}")
        return value

    return parse


def _text(max_len: int = 200, allow_empty: bool = True) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = str(text).strip()
        if not value and not allow_empty:
            raise ConfigError("this setting cannot be empty")
        if len(value) > max_len:
            raise ConfigError(f"at most {max_len} characters")
        return value

    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = str(text).strip()
        if value not in options:
            raise ConfigError(f"expected one of {', '.join(options)}, got '{text}'")
        return value

    return parse


def _time(text: str) -> str:
    value = str(text).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ConfigError(f"expected a time like 21:00, got '{text}'")
    return f"{int(match[1]):02d}:{match[2]}"


def _zone(text: str) -> str:
    value = str(text).strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"'{text}' is not a time zone name (example: Asia/Seoul)") from None
    return value


def _bool(text: str) -> bool:
    value = str(text).strip().lower()
    if value in {"1", "true", "yes", "on", "y", "예", "네"}:
        return True
    if value in {"0", "false", "no", "off", "n", "아니오", "아니요"}:
        return False
    raise ConfigError(f"expected true or false, got '{text}'")


def _phone_or_empty(text: str) -> str:
    value = str(text).strip()
    if value and not re.fullmatch(r"[0-9+\-() ]{7,20}", value):
        raise ConfigError(f"expected a phone number like 02-123-4567, got '{text}'")
    return value


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    parse: Callable[[str], Any]
    label_ko: str
    label_en: str
    secret: bool = False
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, Korean, English) when it is one of a list


# settings picked from a list: (value, Korean, English)
SMTP_SECURITY = (("starttls", "STARTTLS (보통 587 포트)", "STARTTLS (usually port 587)"),
                 ("ssl", "SSL/TLS (보통 465 포트)", "SSL/TLS (usually port 465)"),
                 ("none", "암호화 없음", "none"))
SMS_PROVIDERS = (("", "(사용 안 함)", "(none)"), ("solapi", "솔라피", "Solapi"), ("aligo", "알리고", "Aligo"),
                 ("nhn", "NHN Cloud", "NHN Cloud"))


def _values(choices: tuple[tuple[str, str, str], ...]) -> tuple[str, ...]:
    return tuple(value for value, _, _ in choices)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("shop.name", "", _text(60), "쇼핑몰 이름", "Shop name"),
    SettingSpec("shop.contact", "", _phone_or_empty, "쇼핑몰 연락처", "Shop contact number"),
    SettingSpec("shop.email", "", _text(254), "발신 이메일", "Sender email"),
    SettingSpec("shop.url", "", _text(300), "쇼핑몰 주소", "Shop URL"),
    SettingSpec("shop.optout_number", "", _phone_or_empty, "무료 수신거부 번호", "Free opt-out number (080)"),
    SettingSpec("shop.timezone", "Asia/Seoul", _zone, "시간대", "Time zone"),
    SettingSpec("ui.language", "ko", _choice("ko", "en"), "언어", "Language"),
    SettingSpec("ui.welcome_shown", False, _bool, "첫 실행 안내를 봄", "First-run welcome shown"),
    SettingSpec("ui.theme", "light", _choice("light", "dark", "system"), "테마", "Theme"),
    SettingSpec("segments.at_risk_days", 90, _int(7, 3650), "이탈 위험 기준(일)", "At-risk after (days)"),
    SettingSpec("segments.lapsed_days", 365, _int(30, 3650), "휴면 기준(일)", "Lapsed after (days)"),
    SettingSpec("segments.vip_min_spent", 300_000, _int(0, 10**10), "VIP 기준 구매액(원)", "VIP spend (won)"),
    SettingSpec("segments.vip_window_days", 180, _int(1, 3650), "VIP 기준 기간(일)", "VIP window (days)"),
    SettingSpec("segments.vip_min_orders", 3, _int(1, 1000), "VIP 기준 구매 횟수", "VIP repeat orders"),
    SettingSpec("rules.ad_cap_per_day", 1, _int(0, 100), "하루 광고 메시지 상한", "Ad messages per day"),
    SettingSpec("rules.ad_cap_per_week", 3, _int(0, 100), "주간 광고 메시지 상한", "Ad messages per week"),
    SettingSpec("rules.quiet_start", "21:00", _time, "광고 금지 시작", "Quiet hours start"),
    SettingSpec("rules.quiet_end", "08:00", _time, "광고 금지 끝", "Quiet hours end"),
    SettingSpec("rules.conversion_days", 7, _int(1, 90), "전환 인정 기간(일)", "Conversion window (days)"),
    SettingSpec("smtp.host", "", _text(200), "SMTP 서버", "SMTP host"),
    SettingSpec("smtp.port", 587, _int(1, 65535), "SMTP 포트", "SMTP port"),
    SettingSpec("smtp.user", "", _text(254), "SMTP 사용자", "SMTP user"),
    SettingSpec("smtp.security", "starttls", _choice(*_values(SMTP_SECURITY)), "SMTP 보안", "SMTP security",
                choices=SMTP_SECURITY),
    SettingSpec("smtp.password", "", _text(500), "SMTP 비밀번호", "SMTP password", secret=True),
    SettingSpec("sms.provider", "", _choice(*_values(SMS_PROVIDERS)), "문자 발송사", "SMS provider",
                choices=SMS_PROVIDERS),
    SettingSpec("sms.sender", "", _phone_or_empty, "발신 번호", "SMS sender number"),
    SettingSpec("sms.api_key", "", _text(500), "문자 API 키", "SMS API key"),
    SettingSpec("sms.api_secret", "", _text(500), "문자 API 시크릿", "SMS API secret", secret=True),
    SettingSpec("sms.cost_won", 20, _int(0, 1000), "문자(SMS) 단가(원)", "SMS price (won)"),
    SettingSpec("lms.cost_won", 50, _int(0, 1000), "장문(LMS) 단가(원)", "LMS price (won)"),
    SettingSpec("kakao.cost_won", 8, _int(0, 1000), "알림톡 단가(원)", "AlimTalk price (won)"),
    SettingSpec("delivery.mode", "file", _choice("file", "webhook"), "보내는 방법", "How messages go out"),
    SettingSpec("delivery.webhook_url", "", _text(500), "웹훅 주소", "Webhook URL"),
    SettingSpec("runner.autostart", False, _bool, "PC 시작 시 자동 실행", "Start with my PC"),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def spec(key: str) -> SettingSpec:
    try:
        return SPEC_BY_KEY[key]
    except KeyError:
        raise ConfigError(f"unknown setting '{key}'; see `config list` for the names") from None


def _secret_store() -> Any:
    import keyring

    return keyring


def get(session: Session, key: str) -> Any:
    """The stored value, or the default."""
    item = spec(key)
    if item.secret:
        try:
            value = _secret_store().get_password(KEYRING_SERVICE, key)
        except Exception as exc:  # keyring backends raise their own types
            raise ConfigError(f"the system keyring cannot be read: {exc}") from None
        return value if value is not None else item.default
    row = session.get(Setting, key)
    return item.default if row is None else row.value


class Snapshot:
    """Every non-secret setting read in one query; `get` like config.get (for the runner's hot paths)."""

    def __init__(self, session: Session) -> None:
        self.stored = {row.key: row.value for row in session.scalars(select(Setting))}

    def get(self, key: str) -> Any:
        item = spec(key)
        if item.secret:
            raise ConfigError(f"{key} is a secret; read it with config.get")
        return self.stored.get(key, item.default)


def set_value(session: Session, key: str, raw: Any) -> Any:
    """Parse and store one setting; raises ConfigError with what to fix."""
    item = spec(key)
    value = item.parse(str(raw).lower() if isinstance(raw, bool) else str(raw))
    if item.secret:
        try:
            _secret_store().set_password(KEYRING_SERVICE, key, value)
        except Exception as exc:
            raise ConfigError(f"the system keyring cannot store secrets here: {exc}") from None
        return value
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    return value


def all_values(session: Session) -> dict[str, Any]:
    """Every non-secret setting with its current value (secrets show whether they are set)."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    result: dict[str, Any] = {}
    for item in SPECS:
        if item.secret:
            continue
        result[item.key] = stored.get(item.key, item.default)
    return result
