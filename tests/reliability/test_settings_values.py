"""Issue 11, defect 5 (values): settings and `--now` that accepted nonsense are refused with one line.

Bad emails, a shop URL that is not an http(s) address, a webhook URL of ftp:// or javascript:, and
`--now ''` / `--now 0001-01-01`: each refused where it is typed (exit 2, one line saying what to fix with an
example, no traceback), nothing stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from engine import config
from engine.clock import parse_instant
from storage.db import Database
from storage.models import Setting
from tests.conftest import ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def rows(db_path: Path) -> dict[str, object]:
    from storage.db import open_database

    db = open_database(db_path)
    try:
        with db.session() as session:
            return {row.key: row.value for row in session.scalars(select(Setting))}
    finally:
        db.close()


BAD = [
    ("shop.email", "shop.example.com", "email address like shop@example.com"),
    ("shop.email", "shop@", "email address like"),
    ("shop.email", "@example.com", "email address like"),
    ("shop.email", "shop@example", "email address like"),
    ("shop.email", "shop@@example.com", "email address like"),
    ("shop.email", "Shop <shop@example.com>", "email address like"),
    ("shop.email", "shop@exa mple.com", "email address like"),
    ("shop.email", "shop..x@example.com", "email address like"),
    ("shop.email", "shop@-example.com", "email address like"),
    ("shop.url", "myshop", "starting with https:// or http:// (example: https://myshop.co.kr)"),
    ("shop.url", "myshop.co.kr", "starting with https://"),
    ("shop.url", "ftp://myshop.co.kr", "starting with https://"),
    ("shop.url", "javascript:alert(1)", "starting with https://"),
    ("shop.url", "https://", "starting with https://"),
    ("shop.url", "https://my shop.co.kr", "starting with https://"),
    ("shop.url", "https://myshop.co.kr:99999/", "starting with https://"),
    ("shop.url", "https://owner:pw@myshop.co.kr", "must not contain a user name or password"),
    ("shop.url", "https://my_shop!.co.kr", "not a host name"),
    ("delivery.webhook_url", "ftp://hooks.example.com/x", "webhook address starting with https://"),
    ("delivery.webhook_url", "javascript:alert(document.cookie)", "webhook address starting with https://"),
    ("delivery.webhook_url", "hooks.example.com/dangol", "(example: https://hooks.example.com/dangol)"),
    ("delivery.webhook_url", "http:///dangol", "webhook address starting with https://"),
]


@pytest.mark.parametrize(("key", "value", "expected"), BAD)
def test_config_set_refuses_nonsense_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   key: str, value: str, expected: str) -> None:
    dbfile = tmp_path / "shop.db"
    code, out, err = run(capsys, "--db", str(dbfile), "config", "set", key, value)
    assert code == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1
    assert expected in err and "example" in err
    assert key not in rows(dbfile)


def test_a_refused_webhook_url_is_not_repeated_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "shop.db"), "config", "set", "delivery.webhook_url",
                       "ftp://owner:hunter2@hooks.example.com/T0/B0/secret-token")
    assert code == 2 and "hunter2" not in err and "secret-token" not in err


@pytest.mark.parametrize(("key", "value"), [
    ("shop.email", "shop@example.com"), ("shop.email", "first.last+ads@mail.co.kr"), ("shop.email", "help@단골.한국"),
    ("shop.email", ""),
    ("shop.url", "https://myshop.co.kr"), ("shop.url", "http://smartstore.naver.com/myshop?tab=1"),
    ("shop.url", "https://단골상점.kr/"), ("shop.url", ""),
])
def test_good_values_are_kept_as_typed(capsys: pytest.CaptureFixture[str], tmp_path: Path, key: str,
                                       value: str) -> None:
    dbfile = tmp_path / "shop.db"
    code, out, err = run(capsys, "--db", str(dbfile), "config", "set", key, f"  {value} ")
    assert (code, err) == (0, "") and out.strip() == f"{key} = {value}".strip()
    assert rows(dbfile)[key] == value


@pytest.mark.parametrize("value", ["https://hooks.example.com/dangol", "http://127.0.0.1:8080/send",
                                   "http://localhost/send", "https://owner:pw@hooks.example.com/x?token=abc"])
def test_good_webhook_urls_are_accepted(db: Database, value: str) -> None:
    with db.session() as session:
        assert config.set_value(session, "delivery.webhook_url", value) == value
    with db.session() as session:
        assert config.get(session, "delivery.webhook_url") == value


# --- --now --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("", "a time is needed"),
    ("   ", "a time is needed"),
    ("0001-01-01", "outside the years 2000–2100"),
    ("9999-12-31T23:59-12:00", "outside the years 2000–2100"),
    ("1999-12-31", "outside the years"),
    ("yesterday", "is not an ISO 8601 time"),
])
@pytest.mark.parametrize("verb", [["config", "list"], ["journey", "list"], ["run-once"]])
def test_a_bad_now_is_refused_when_the_arguments_are_read(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                          value: str, expected: str, verb: list[str]) -> None:
    code, out, err = run(capsys, "--db", str(tmp_path / "shop.db"), "--now", value, *verb)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("error: argument --now: ") and expected in err and "example: 2026-03-01T09:30" in err
    assert not (tmp_path / "shop.db").exists()  # refused before anything was opened


def test_a_bad_now_in_a_real_process_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    for value in ("", "0001-01-01"):
        done = cli("--db", str(tmp_path / "shop.db"), "--now", value, "run-once")
        assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_parse_instant_range_and_zones() -> None:
    assert parse_instant("2026-03-01T09:30") == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    assert parse_instant("2000-01-01T09:00+09:00") == datetime(2000, 1, 1, tzinfo=UTC)
    assert parse_instant("2100-12-31T23:59Z") == datetime(2100, 12, 31, 23, 59, tzinfo=UTC)
    for text in ("", "0001-01-01", "0001-01-01T00:00+09:00", "9999-12-31T23:59:59-12:00", "2101-01-01"):
        with pytest.raises(ValueError, match="example"):
            parse_instant(text)


# --- the settings page shows the same refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [("shop.email", "shop.example.com"), ("shop.url", "myshop.co.kr"),
                                            ("delivery.webhook_url", "javascript:alert(1)")])
def test_the_settings_page_shows_the_same_refusal(qtbot, db: Database, key: str, value: str) -> None:
    from tests.ui.conftest import ARTIFACTS
    from tests.ui.test_main_window import open_window
    from ui.pages.settings import SettingsPage

    _controller, window = open_window(db)
    qtbot.addWidget(window)
    window.show_page("settings")
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    page.fields["shop.name"].setText("새 이름")
    page.fields[key].setText(value)
    with db.session() as session, pytest.raises(config.ConfigError) as cli_side:
        config.set_value(session, key, value)
    assert page.save() is False
    text = page.message.text()
    item = config.spec(key)
    assert text.startswith("저장하지 못했습니다") and f"{item.label_ko}: {cli_side.value.ko}" in text
    assert "expected" not in text  # the owner reads Korean; the CLI says it in English
    assert page.fields[key].hasFocus() or not window.isActiveWindow()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(ARTIFACTS / f"settings-refused-{key}.png"))
    with db.session() as session:
        assert config.get(session, "shop.name") == "" and config.get(session, key) == ""
