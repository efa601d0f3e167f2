"""Shop settings: one typed catalogue for the CLI (`config get|set`) and the GUI's settings page.

Plain values live in the `settings` table; secrets (passwords, API keys, the webhook URL, which may carry
a password or a token) go to the OS keyring and never touch the database, the logs or `config list`.
A secret an older version left in the database is moved to the keyring when the database is opened
(`move_plain_secrets`); until it can be, it is still read from there, and never printed.

Each value has one parser (the CLI and the settings page both use it); settings that depend on each other
(the quiet hours' start and end) are checked together by `set_values`.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storage.models import Setting

if TYPE_CHECKING:
    from storage.db import Database

KEYRING_SERVICE = "Dangol"
KEYRING_FIX = "open or unlock one (Windows Credential Manager, macOS Keychain, GNOME Keyring or KWallet)"
NO_KEYRING = "no system keyring works on this PC, so {key} cannot be kept safely; " + KEYRING_FIX + " and try again"
NO_KEYRING_KO = ("이 PC에는 작동하는 시스템 키체인이 없어 {key}을(를) 안전하게 보관할 수 없습니다. 키체인(Windows 자격 증명 "
                 "관리자, macOS 키체인, GNOME 키링, KWallet)을 열거나 잠금을 푼 뒤 다시 해 보세요")

log = logging.getLogger("dangol.config")


class ConfigError(ValueError):
    """A setting name or value the user must correct; the message says how (`key`: the setting, if one)."""

    def __init__(self, message: str, key: str | None = None, ko: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.ko = ko or message  # what the settings page shows in Korean

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else str(self)


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        cleaned = str(text).replace(",", "").replace("원", "").strip()
        try:
            value = int(cleaned)
        except ValueError:
            raise ConfigError(f"expected a whole number, got '{text}'", ko=f"정수를 입력하세요 (입력: '{text}')") from None
        if not lo <= value <= hi:
            raise ConfigError(f"expected a number from {lo:,} to {hi:,}, got {value:,}",
                              ko=f"{lo:,}~{hi:,} 사이의 숫자를 입력하세요 (입력: {value:,})")
        return value

    return parse


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
    SettingSpec("shop.email", "", _email_or_empty, "발신 이메일", "Sender email"),
    SettingSpec("shop.url", "", _web_address("a shop address", "쇼핑몰 주소", "https://myshop.co.kr", allow_userinfo=False),
                "쇼핑몰 주소", "Shop URL"),
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
    # customer messages wait while the newest sync is older than this (0: never wait); see rules.stale_since
    SettingSpec("sync.stale_after_hours", 48, _int(0, 8760), "데이터가 이보다 오래되면 발송 보류(시간, 0=끄기)",
                "Hold messages when shop data is older than (hours, 0 = off)"),
    # the runner syncs each connected shop API this often (engine/sync/api/run.sync_due)
    SettingSpec("sync.interval_minutes", 60, _int(0, 1440), "쇼핑몰 자동 동기화 간격(분, 0=끄기)",
                "Sync connected shops every (minutes, 0 = off)"),
    SettingSpec("smtp.host", "", _text(200), "SMTP 서버", "SMTP host"),
    SettingSpec("smtp.port", 587, _int(1, 65535), "SMTP 포트", "SMTP port"),
    SettingSpec("smtp.user", "", _text(254), "SMTP 사용자", "SMTP user"),
    SettingSpec("smtp.security", "starttls", _choice(*_values(SMTP_SECURITY)), "SMTP 보안", "SMTP security",
                choices=SMTP_SECURITY),
    SettingSpec("smtp.password", "", _text(500), "SMTP 비밀번호", "SMTP password", secret=True),
    SettingSpec("sms.provider", "", _choice(*_values(SMS_PROVIDERS)), "문자 발송사", "SMS provider",
                choices=SMS_PROVIDERS),
    SettingSpec("sms.sender", "", _phone_or_empty, "발신 번호", "SMS sender number"),
    SettingSpec("sms.api_key", "", _text(500), "문자 API 키", "SMS API key", secret=True),
    SettingSpec("sms.api_secret", "", _text(500), "문자 API 시크릿", "SMS API secret", secret=True),
    SettingSpec("sms.cost_won", 20, _int(0, 1000), "문자(SMS) 단가(원)", "SMS price (won)"),
    SettingSpec("lms.cost_won", 50, _int(0, 1000), "장문(LMS) 단가(원)", "LMS price (won)"),
    SettingSpec("kakao.cost_won", 8, _int(0, 1000), "알림톡 단가(원)", "AlimTalk price (won)"),
    SettingSpec("delivery.mode", "file", _choice("file", "webhook"), "보내는 방법", "How messages go out"),
    # a secret: a webhook URL often carries a password (https://user:pw@…) or a token in its path or query
    SettingSpec("delivery.webhook_url", "", _web_address("a webhook address", "웹훅 주소", "https://hooks.example.com/dangol",
                                                         allow_userinfo=True),
                "웹훅 주소", "Webhook URL", secret=True),
    SettingSpec("runner.autostart", False, _bool, "PC 시작 시 자동 실행", "Start with my PC"),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def spec(key: str) -> SettingSpec:
    try:
        return SPEC_BY_KEY[key]
    except KeyError:
        raise ConfigError(f"unknown setting '{key}'; see `config list` for the names", key) from None


SECRET_KEYS = tuple(item.key for item in SPECS if item.secret)


def _quiet_hours_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    from engine.delivery.rules import LAW_QUIET_END, LAW_QUIET_START, covers_law_window, parse_hhmm

    start, end = str(values["rules.quiet_start"]), str(values["rules.quiet_end"])
    try:
        if covers_law_window(parse_hhmm(start), parse_hhmm(end)):
            return None
    except ValueError:  # a stored value that is not a time (written by hand): not a window that covers the law's
        pass
    law = f"{LAW_QUIET_START:%H:%M}–{LAW_QUIET_END:%H:%M}"
    return (f"quiet hours {start}–{end} do not cover the law's {law}: start at {LAW_QUIET_START:%H:%M} or earlier "
            f"and end at {LAW_QUIET_END:%H:%M} or later (example: 20:00 to 09:00)",
            f"광고 금지 시간 {start}~{end}은(는) 법이 정한 {law}을(를) 다 덮지 않습니다. 시작은 "
            f"{LAW_QUIET_START:%H:%M} 이전, 끝은 {LAW_QUIET_END:%H:%M} 이후로 하세요 (예: 20:00~09:00). 넓힐 수는 "
            f"있어도 좁힐 수는 없습니다")


# settings checked together: (keys, a function of their values giving what is wrong, or None)
JOINT_CHECKS: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], tuple[str, str] | None]], ...] = (
    (("rules.quiet_start", "rules.quiet_end"), _quiet_hours_problem),
)


def _secret_store() -> Any:
    import keyring

    return keyring


def _keyring_value(key: str) -> str | None:
    try:
        value = _secret_store().get_password(KEYRING_SERVICE, key)
    except Exception as exc:  # keyring backends raise their own types
        raise ConfigError(NO_KEYRING.format(key=key) + f" ({type(exc).__name__})", key,
                          NO_KEYRING_KO.format(key=key)) from None
    return None if value is None else str(value)


def _plain_row(session: Session, key: str) -> Setting | None:
    """A secret an older version stored in the database (before it moved to the keyring)."""
    row = session.get(Setting, key)
    return row if row is not None and row.value not in (None, "") else None


def get(session: Session, key: str) -> Any:
    """The stored value, or the default."""
    item = spec(key)
    if item.secret:
        try:
            value = _keyring_value(key)
        except ConfigError:
            row = _plain_row(session, key)  # not moved yet (no keyring): still the owner's value
            if row is None:
                raise
            return row.value
        if value is None:
            row = _plain_row(session, key)
            return item.default if row is None else row.value
        return value
    row = session.get(Setting, key)
    return item.default if row is None else row.value


def is_set(session: Session, key: str) -> bool | None:
    """Whether a secret has a value (None: the keyring cannot be read and the database holds none)."""
    try:
        return bool(get(session, key))
    except ConfigError:
        return None


class Snapshot:
    """Every non-secret setting read in one query; `get` like config.get (for the runner's hot paths)."""

    def __init__(self, session: Session) -> None:
        self.stored = {row.key: row.value for row in session.scalars(select(Setting))}

    def get(self, key: str) -> Any:
        item = spec(key)
        if item.secret:
            raise ConfigError(f"{key} is a secret; read it with config.get", key)
        return self.stored.get(key, item.default)


def _parse(key: str, raw: Any) -> Any:
    item = spec(key)
    try:
        return item.parse(str(raw).lower() if isinstance(raw, bool) else str(raw))
    except ConfigError as exc:
        raise ConfigError(str(exc), key, exc.ko) from None


def set_values(session: Session, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Parse, check together and store several settings; raises ConfigError (saying what to fix) and then
    stores nothing. Plain values go to the session (committed by the caller); secrets to the keyring, last."""
    parsed = {key: _parse(key, raw) for key, raw in changes.items()}
    for keys, problem_of in JOINT_CHECKS:
        if not any(key in parsed for key in keys):
            continue
        values = {key: parsed[key] if key in parsed else get(session, key) for key in keys}
        problem = problem_of(values)
        if problem:  # named after the setting that changed (the settings page sends them all)
            changed = [key for key in keys if key in parsed and parsed[key] != get(session, key)]
            raise ConfigError(problem[0], (changed or [key for key in keys if key in parsed])[0], problem[1])
    for key in sorted(parsed, key=lambda k: spec(k).secret):
        if spec(key).secret:
            _store_secret(session, key, parsed[key])
            continue
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=parsed[key]))
        else:
            row.value = parsed[key]
    return parsed


def set_value(session: Session, key: str, raw: Any) -> Any:
    """Parse and store one setting; raises ConfigError with what to fix."""
    return set_values(session, {key: raw})[key]


def _store_secret(session: Session, key: str, value: str) -> None:
    """Into the keyring (read back, so a keyring that keeps nothing is found out); an empty value removes it."""
    store = _secret_store()
    try:
        if value:
            store.set_password(KEYRING_SERVICE, key, value)
        elif store.get_password(KEYRING_SERVICE, key) is not None:
            store.delete_password(KEYRING_SERVICE, key)
        kept = store.get_password(KEYRING_SERVICE, key)
    except Exception as exc:  # keyring backends raise their own types
        raise ConfigError(NO_KEYRING.format(key=key) + f" ({type(exc).__name__})", key,
                          NO_KEYRING_KO.format(key=key)) from None
    if (kept or "") != value:
        raise ConfigError(NO_KEYRING.format(key=key), key, NO_KEYRING_KO.format(key=key))
    row = session.get(Setting, key)
    if row is not None:  # an older version's plain copy: the keyring holds the value now
        session.delete(row)


def read_secret(key: str) -> str | None:
    """A secret outside the settings catalogue (a shop API's key or token: `api.<source>.<field>`), from the
    keyring; raises ConfigError when no keyring works."""
    return _keyring_value(key)


def write_secret(key: str, value: str) -> None:
    """Keep (or, with "", remove) a secret outside the catalogue in the keyring, read back to be sure it was
    kept; raises ConfigError when no keyring works."""
    store = _secret_store()
    try:
        if value:
            store.set_password(KEYRING_SERVICE, key, value)
        elif store.get_password(KEYRING_SERVICE, key) is not None:
            store.delete_password(KEYRING_SERVICE, key)
        kept = store.get_password(KEYRING_SERVICE, key)
    except Exception as exc:  # keyring backends raise their own types
        raise ConfigError(NO_KEYRING.format(key=key) + f" ({type(exc).__name__})", key,
                          NO_KEYRING_KO.format(key=key)) from None
    if (kept or "") != value:
        raise ConfigError(NO_KEYRING.format(key=key), key, NO_KEYRING_KO.format(key=key))


def move_plain_secrets(db: Database) -> list[str]:
    """Move secrets an older version stored in the database to the keyring; the keys still in plain text.

    Safe at any point: the value is written to the keyring and read back before the row is deleted (and only
    if the row still holds that value), so a crash or a keyring that keeps nothing loses nothing; a value
    already in the keyring is the newer one (set_values removes the row when it writes one).
    """
    with db.session() as session:
        rows = {row.key: row.value for row in session.scalars(select(Setting).where(Setting.key.in_(SECRET_KEYS)))}
    left: list[str] = []
    for key in (key for key in SECRET_KEYS if key in rows):
        value = rows[key]
        try:
            if value not in (None, "") and _keyring_value(key) is None:
                _secret_store().set_password(KEYRING_SERVICE, key, str(value))
                if _keyring_value(key) != str(value):
                    left.append(key)
                    continue
        except Exception:  # no keyring, or one that refuses: the value stays where it is, still read from there
            left.append(key)
            continue
        try:
            with db.write_session() as session:
                row = session.get(Setting, key)
                if row is not None and row.value == value:
                    session.delete(row)
        except SQLAlchemyError as exc:  # a read-only database: moved next time; the keyring has it already
            log.warning("could not remove the plain copy of %s: %s", key, type(exc).__name__)
    return left


def all_values(session: Session) -> dict[str, Any]:
    """Every setting with its current value; a secret shows only whether it is set."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    result: dict[str, Any] = {}
    for item in SPECS:
        if item.secret:
            state = is_set(session, item.key)
            result[item.key] = {True: "(set)", False: "(not set)", None: "(unknown: no system keyring)"}[state]
            continue
        result[item.key] = stored.get(item.key, item.default)
    return result
