"""Issue 11, defect 4: the law's quiet window (21:00–08:00 shop time) can be widened, never narrowed.

Refused at `config set` and on the settings page (the pair is checked together), and whatever the database
holds (values stored before the check, or by hand), the runner never sends an ad at night to a customer
without night consent: the window it applies is the owner's joined with the law's.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from engine import config
from engine.delivery.rules import QuietHours, covers_law_window
from storage.db import Database
from storage.models import Setting
from tests.runtime.conftest import demo_template, shop  # noqa: F401 (fixtures)
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import AD, build


def store_raw(db: Database, **values: str) -> None:
    """Write settings as an older version (or a hand edit) could have: no parser, no check."""
    with db.session() as session:
        for key, value in values.items():
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value


def stored(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {row.key: row.value for row in session.scalars(select(Setting).where(Setting.key.like("rules.quiet%")))}


# --- the runner ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [
    ("21:00", "21:00"),  # the case: an empty window
    ("23:30", "06:00"),  # narrower at both ends
    ("10:00", "12:00"),  # a daytime window that leaves the night open
    ("soon", "later"),  # not times at all
])
def test_an_ad_due_at_23_waits_for_morning_whatever_is_stored(shop: Shop, start: str, end: str) -> None:  # noqa: F811
    store_raw(shop.db, **{"rules.quiet_start": start, "rules.quiet_end": end})
    build(shop, [("message.sms", AD)])
    customer = shop.signup("2026-03-02 22:59", night=False)
    summary = shop.run("2026-03-02 23:00")
    assert summary["sent"] == 0 and shop.sent_files() == []
    message = shop.messages(customer)[0]
    assert (message.status, message.reason) == ("queued", "quiet_hours")
    assert message.not_before == at("2026-03-03 08:00")
    assert shop.run("2026-03-03 07:59")["sent"] == 0  # still night by the law, whatever the owner's end says
    assert shop.run("2026-03-03 08:00")["sent"] == 1


def test_a_customer_with_night_consent_still_gets_the_ad_at_23(shop: Shop) -> None:  # noqa: F811
    store_raw(shop.db, **{"rules.quiet_start": "21:00", "rules.quiet_end": "21:00"})
    build(shop, [("message.sms", AD)])
    shop.signup("2026-03-02 22:59", night=True)
    assert shop.run("2026-03-02 23:00")["sent"] == 1


def test_a_widened_window_is_applied(shop: Shop) -> None:  # noqa: F811
    with shop.db.session() as session:
        config.set_values(session, {"rules.quiet_start": "20:00", "rules.quiet_end": "09:30"})
    build(shop, [("message.sms", AD)])
    customer = shop.signup("2026-03-02 20:10", night=False)
    assert shop.run("2026-03-02 20:15")["sent"] == 0
    assert shop.messages(customer)[0].not_before == at("2026-03-03 09:30")
    assert shop.run("2026-03-03 09:00")["sent"] == 0
    assert shop.run("2026-03-03 09:30")["sent"] == 1


def test_the_effective_window_is_the_union_with_the_law() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Seoul")
    law = QuietHours()
    empty = QuietHours.from_settings("21:00", "21:00")
    daytime = QuietHours.from_settings("10:00", "12:00")
    wide = QuietHours.from_settings("19:00", "10:00")
    for hour, quiet_by_law in ((20, False), (21, True), (23, True), (3, True), (7, True), (8, False), (11, False)):
        moment = at(f"2026-03-03 {hour:02d}:00")
        assert law.contains(moment, zone) is quiet_by_law
        assert empty.contains(moment, zone) is quiet_by_law
        assert daytime.contains(moment, zone) is (quiet_by_law or hour == 11)
        assert wide.contains(moment, zone) is (quiet_by_law or hour in (20, 8))
    assert daytime.end_after(at("2026-03-03 07:00"), zone) == at("2026-03-03 08:00")
    assert daytime.end_after(at("2026-03-03 11:00"), zone) == at("2026-03-03 12:00")
    assert wide.end_after(at("2026-03-02 23:00"), zone) == at("2026-03-03 10:00")
    assert wide.next_day_opening(at("2026-03-02 15:00"), zone) == at("2026-03-03 10:00")
    assert law.end_after(at("2026-03-03 12:00"), zone) == at("2026-03-03 12:00")  # not quiet: now


@pytest.mark.parametrize(("start", "end", "allowed"), [
    ("21:00", "08:00", True), ("20:00", "09:00", True), ("09:00", "08:00", True), ("21:00", "20:59", True),
    ("21:00", "21:00", False), ("21:01", "08:00", False), ("21:00", "07:59", False), ("07:00", "08:00", False),
    ("00:00", "08:00", False), ("22:00", "07:00", False), ("08:00", "08:00", False),
])
def test_which_windows_cover_the_law(start: str, end: str, allowed: bool) -> None:
    parse = config.spec("rules.quiet_start").parse
    h1, m1 = map(int, parse(start).split(":"))
    h2, m2 = map(int, parse(end).split(":"))
    assert covers_law_window(time(h1, m1), time(h2, m2)) is allowed


# --- config set --------------------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("key", "value"), [
    ("rules.quiet_end", "21:00"),  # the case
    ("rules.quiet_end", "07:00"),
    ("rules.quiet_start", "22:00"),
    ("rules.quiet_start", "08:00"),
    ("rules.quiet_start", "00:00"),
])
def test_config_set_refuses_a_narrower_window(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              key: str, value: str) -> None:
    dbfile = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "--db", dbfile, "config", "set", key, value)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "cover the law's 21:00–08:00" in err and "example:" in err
    assert run(capsys, "--db", dbfile, "config", "get", key)[1].strip() == config.spec(key).default


def test_config_set_widens_one_setting_at_a_time_checked_against_the_other(capsys: pytest.CaptureFixture[str],
                                                                             tmp_path: Path) -> None:
    dbfile = str(tmp_path / "shop.db")
    for key, value in (("rules.quiet_start", "20:00"), ("rules.quiet_end", "09:00"),
                       ("rules.quiet_start", "09:30"), ("rules.quiet_start", "21:00"), ("rules.quiet_end", "08:00")):
        code, out, err = run(capsys, "--db", dbfile, "config", "set", key, value)
        assert (code, err) == (0, ""), (key, value, err)
        assert out.strip() == f"{key} = {value}"
    code, _, err = run(capsys, "--db", dbfile, "config", "set", "rules.quiet_end", "09:00")
    assert code == 0
    code, _, err = run(capsys, "--db", dbfile, "config", "set", "rules.quiet_start", "08:30")  # 08:30 < 09:00
    assert code == 2 and "quiet hours 08:30–09:00" in err


def test_a_bad_pair_stored_earlier_is_repaired_by_setting_both_together(db: Database) -> None:
    store_raw(db, **{"rules.quiet_start": "23:00", "rules.quiet_end": "06:00"})
    with db.session() as session, pytest.raises(config.ConfigError) as refused:
        config.set_value(session, "rules.quiet_start", "20:00")  # 20:00–06:00 still ends too early
    assert refused.value.key == "rules.quiet_start" and "20:00–06:00" in str(refused.value)
    with db.session() as session, pytest.raises(config.ConfigError):
        config.set_values(session, {"rules.quiet_start": "20:00", "rules.quiet_end": "07:00"})
    assert stored(db) == {"rules.quiet_start": "23:00", "rules.quiet_end": "06:00"}  # nothing half-written
    with db.session() as session:
        config.set_values(session, {"rules.quiet_start": "20:00", "rules.quiet_end": "08:00"})
    assert stored(db) == {"rules.quiet_start": "20:00", "rules.quiet_end": "08:00"}


# --- the settings page -------------------------------------------------------------------------------------------


def test_the_settings_page_refuses_the_same_with_the_same_message(qtbot, db: Database) -> None:
    from tests.ui.conftest import ARTIFACTS
    from tests.ui.test_main_window import open_window
    from ui.pages.settings import SettingsPage

    _controller, window = open_window(db)
    qtbot.addWidget(window)
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    window.show_page("settings")
    page.fields["shop.name"].setText("새 이름")
    page.set_field("rules.quiet_end", "21:00")
    with db.session() as session, pytest.raises(config.ConfigError) as cli_side:
        config.set_value(session, "rules.quiet_end", "21:00")
    assert page.save() is False
    text = page.message.text()
    assert text.startswith("저장하지 못했습니다") and "광고 금지 끝" in text and cli_side.value.ko in text
    assert "08:00 이후" in text and "quiet hours" not in text  # in Korean, as the CLI says it in English
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(ARTIFACTS / "settings-quiet-hours-refused.png"))
    with db.session() as session:
        assert config.get(session, "shop.name") == "" and stored(db) == {}
    page.set_field("rules.quiet_start", "20:00")
    page.set_field("rules.quiet_end", "09:00")
    assert page.save() is True
    assert stored(db) == {"rules.quiet_start": "20:00", "rules.quiet_end": "09:00"}
