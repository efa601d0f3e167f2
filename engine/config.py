"""Shop settings: one typed catalogue for the CLI (`config get|set`) and the GUI's settings page.

Plain values live in the `settings` table; secrets (passwords, API keys, the webhook URL, which may carry
a password or a token) go to the OS keyring and never touch the database, the logs or `config list`.
A secret an older version left in the database is moved to the keyring when the database is opened
(`move_plain_secrets`); until it can be, it is still read from there, and never printed.

Each value has one parser (the CLI and the settings page both use it); settings that depend on each other
(the quiet hours' start and end) are checked together by `set_values`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine import channels
from engine.settings_spec import (  # noqa: F401 (the parsers and types, under their old names too)
    ConfigError,
    SettingSpec,
    _bool,
    _choice,
    _email_or_empty,
    _host_name,
    _int,
    _ip_address,
    _phone_or_empty,
    _text,
    _time,
    _web_address,
    _zone,
)
from storage.models import Setting

if TYPE_CHECKING:
    from storage.db import Database

KEYRING_SERVICE = "Dangol"
KEYRING_FIX = "open or unlock one (Windows Credential Manager, macOS Keychain, GNOME Keyring or KWallet)"
NO_KEYRING = "no system keyring works on this PC, so {key} cannot be kept safely; " + KEYRING_FIX + " and try again"
NO_KEYRING_KO = ("이 PC에는 작동하는 시스템 키체인이 없어 {key}을(를) 안전하게 보관할 수 없습니다. 키체인(Windows 자격 증명 "
                 "관리자, macOS 키체인, GNOME 키링, KWallet)을 열거나 잠금을 푼 뒤 다시 해 보세요")

log = logging.getLogger("dangol.config")


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("shop.name", "", _text(60), "쇼핑몰 이름", "Shop name"),
    SettingSpec("shop.contact", "", _phone_or_empty, "쇼핑몰 연락처", "Shop contact number"),
    SettingSpec("shop.email", "", _email_or_empty, "쇼핑몰 이메일 (알림과 답장을 받는 곳)", "Shop email (gets notes and replies)"),
    SettingSpec("shop.url", "", _web_address("a shop address", "쇼핑몰 주소", "https://myshop.co.kr", allow_userinfo=False),
                "쇼핑몰 주소", "Shop URL"),
    SettingSpec("shop.optout_number", "", _phone_or_empty, "무료 수신거부 번호", "Free opt-out number (080)"),
    SettingSpec("shop.timezone", "Asia/Seoul", _zone, "시간대", "Time zone"),
    SettingSpec("ui.language", "ko", _choice("ko", "en"), "언어", "Language"),
    SettingSpec("ui.welcome_shown", False, _bool, "첫 실행 안내를 봄", "First-run welcome shown"),
    SettingSpec("ui.theme", "light", _choice("light", "dark", "system"), "테마", "Theme"),
    SettingSpec("segments.at_risk_days", 90, _int(7, 3650), "이탈 위험: 마지막 주문 뒤", "At risk: after the last order",
                unit_ko="일", unit_en="days"),
    SettingSpec("segments.lapsed_days", 365, _int(30, 3650), "휴면: 마지막 주문 뒤", "Lapsed: after the last order",
                unit_ko="일", unit_en="days"),
    SettingSpec("segments.vip_min_spent", 300_000, _int(0, 10**10), "VIP: 기간 안 구매액", "VIP: spent within the window",
                unit_ko="원", unit_en="won"),
    SettingSpec("segments.vip_window_days", 180, _int(1, 3650), "VIP: 기준 기간", "VIP: window", unit_ko="일",
                unit_en="days"),
    SettingSpec("segments.vip_min_orders", 3, _int(1, 1000), "VIP: 기간 안 주문 수", "VIP: orders within the window",
                unit_ko="번", unit_en="order(s)"),
    SettingSpec("rules.ad_cap_per_day", 1, _int(0, 100), "한 고객에게 하루 광고 최대", "Ads to one customer a day, at most",
                unit_ko="건", unit_en="ad(s)", zero_off=True),
    SettingSpec("rules.ad_cap_per_week", 3, _int(0, 100), "한 고객에게 한 주 광고 최대", "Ads to one customer a week, at most",
                unit_ko="건", unit_en="ad(s)", zero_off=True),
    SettingSpec("rules.quiet_start", "21:00", _time, "광고 금지 시작", "Quiet hours start"),
    SettingSpec("rules.quiet_end", "08:00", _time, "광고 금지 끝", "Quiet hours end"),
    # the law's night ban (§50③) covers texts and KakaoTalk; email is exempt, but the default is stricter
    SettingSpec("rules.email_ads_at_night", False, _bool, "이메일 광고는 밤에도 보내기 (법상 예외)",
                "Send email ads at night too (the law allows it)"),
    SettingSpec("rules.conversion_days", 7, _int(1, 90), "메시지 뒤 주문을 성과로 세는 기간", "Count an order as a result within",
                unit_ko="일", unit_en="days"),
    # customer messages wait while the newest sync is older than this (0: never wait); see rules.stale_since
    SettingSpec("sync.stale_after_hours", 48, _int(0, 8760), "데이터가 이보다 오래되면 발송 보류",
                "Hold messages when shop data is older than", unit_ko="시간", unit_en="hours", zero_off=True),
    # the runner syncs each connected shop API this often (engine/sync/api/run.sync_due)
    SettingSpec("sync.interval_minutes", 60, _int(0, 1440), "연결한 쇼핑몰 자동 동기화 간격",
                "Sync connected shops every", unit_ko="분", unit_en="minutes", zero_off=True),
    SettingSpec("runner.autostart", False, _bool, "PC를 켜면 자동 실행기 시작", "Start the runner with my PC"),
    *channels.SETTINGS,  # each channel's, from its module (engine/channels/)
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


@dataclass(frozen=True)
class SettingGroup:
    """Settings an owner thinks of together, with one line saying what they are for (the settings page's boxes)."""

    name: str
    title_ko: str
    title_en: str
    note_ko: str
    note_en: str
    keys: tuple[str, ...] = ()  # "sending" has none: each channel's section, then the webhook, from engine/channels/


GROUPS: tuple[SettingGroup, ...] = (
    SettingGroup("shop", "내 쇼핑몰", "My shop",
                 "법에 따라 광고 메시지마다 들어가는 가게 정보입니다. 이름과 연락처가 비어 있으면 광고를 보내지 않습니다.",
                 "The law puts these in every ad; without a name and a contact number no ad goes out.",
                 ("shop.name", "shop.contact", "shop.email", "shop.url", "shop.optout_number")),
    SettingGroup("sending", "보내기 (채널별)", "Sending (by channel)",
                 "채널마다 어떤 서비스로 보낼지와 그 계정, 단가를 정합니다. '파일로 저장'은 아무에게도 보내지 않습니다.",
                 "For each channel: the service it goes out by, its account and its price. 'Save as files' sends "
                 "nothing."),
    SettingGroup("limits", "조용한 시간과 횟수 제한", "Quiet hours and limits",
                 "광고를 보내지 않는 밤 시간과 한 고객에게 보내는 광고 수의 상한입니다. 주문 안내 같은 정보성 메시지는 "
                 "해당하지 않습니다.",
                 "When ads wait for the morning, and how many ads one customer gets at most. Informational messages "
                 "(order notices) are not held.",
                 ("rules.quiet_start", "rules.quiet_end", "rules.email_ads_at_night", "rules.ad_cap_per_day",
                  "rules.ad_cap_per_week")),
    SettingGroup("segments", "고객 분류와 성과", "Customer groups and results",
                 "이탈 위험·휴면·VIP 고객을 나누는 기준과, 메시지를 받은 뒤의 주문을 성과로 세는 기간입니다.",
                 "Who counts as at risk, lapsed or VIP, and how long after a message an order counts as its result.",
                 ("segments.at_risk_days", "segments.lapsed_days", "segments.vip_min_spent",
                  "segments.vip_window_days", "segments.vip_min_orders", "rules.conversion_days")),
    SettingGroup("sync", "데이터 동기화와 자동 실행", "Data sync and the runner",
                 "쇼핑몰 데이터를 얼마나 자주 가져올지, 데이터가 오래되면 발송을 멈출지, PC를 켜면 자동 실행기를 "
                 "시작할지 정합니다.",
                 "How often shop data is fetched, when old data holds the messages, and whether the runner starts "
                 "with the PC.",
                 ("sync.interval_minutes", "sync.stale_after_hours", "runner.autostart")),
)


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
    *channels.JOINT_CHECKS,
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
    secrets = False
    for key in sorted(parsed, key=lambda k: spec(k).secret):
        if spec(key).secret:
            _store_secret(session, key, parsed[key])
            secrets = True
            continue
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=parsed[key]))
        else:
            row.value = parsed[key]
    if secrets:  # the keyring changed: a plain row says so (a running runner makes its channels again)
        row = session.get(Setting, SECRETS_VERSION)
        if row is None:
            session.add(Setting(key=SECRETS_VERSION, value=1))
        else:
            row.value = int(row.value or 0) + 1
    return parsed


SECRETS_VERSION = "settings.secrets_version"  # not a setting: counts the secrets stored (see set_values)


def set_value(session: Session, key: str, raw: Any) -> Any:
    """Parse and store one setting; raises ConfigError with what to fix."""
    return set_values(session, {key: raw})[key]


def _store_secret(session: Session, key: str, value: str) -> None:
    """Into the keyring (read back, so a keyring that keeps nothing is found out); an empty value removes it."""
    write_secret(key, value)
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
