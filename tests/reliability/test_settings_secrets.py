"""Issue 11, defect 5 (secrets): every credential lives in the OS keyring, never in the database or on screen.

`sms.api_key` and `delivery.webhook_url` (which may carry a password or a token) are secrets like the SMTP
password; `config list` shows each secret as (set) / (not set). A value an older version stored in the
database moves to the keyring when the database is opened, without ever being lost or printed; where no
keyring works, one clear line says so. The tests' keyring is a real one (tests/file_keyring.py, a file in the
test's own home, shared with the processes a test starts).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail, null
from sqlalchemy import select

import main
from engine import config
from storage.db import Database, open_database
from storage.models import Setting
from tests.conftest import ROOT
from tests.file_keyring import Keyring as FileKeyring

API_KEY = "NCSAPIKEY-3f9a7c1e"
HOOK = "https://owner:pa55-hunter2@hooks.example.com/T01/B02/tok-8d1f?sig=zz9"


@contextmanager
def keyring_backend(backend: Any) -> Iterator[None]:
    """This process's keyring for a while (a PC without one: fail.Keyring; one that keeps nothing: null)."""
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(before)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


def keyring_file() -> dict[str, str]:
    path = FileKeyring.path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def plain_rows(path: Path) -> dict[str, Any]:
    db = open_database(path)
    try:
        with db.session() as session:
            return {row.key: row.value for row in session.scalars(
                select(Setting).where(Setting.key.in_(config.SECRET_KEYS)))}
    finally:
        db.close()


def old_database(path: Path) -> None:
    """A shop database as an older version left it: the API key and the webhook URL in plain text."""
    db = open_database(path)
    with db.session() as session:
        session.add(Setting(key="sms.api_key", value=API_KEY))
        session.add(Setting(key="delivery.webhook_url", value=HOOK))
        session.add(Setting(key="sms.provider", value="webhook"))
    db.close()


def database_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob("shop.db*"))


def test_the_catalogue_marks_every_credential_secret() -> None:
    assert set(config.SECRET_KEYS) == {"smtp.password", "sms.api_key", "sms.api_secret", "delivery.webhook_url",
                                       "sms.nhn_secret_key", "kakao.nhn_secret_key"}


def test_secrets_go_to_the_keyring_and_config_list_shows_only_whether_they_are_set(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dbfile = str(tmp_path / "shop.db")
    for key, value in (("sms.api_key", API_KEY), ("delivery.webhook_url", HOOK)):
        code, out, err = run(capsys, "--db", dbfile, "config", "set", key, value)
        assert (code, err) == (0, "") and out.strip() == f"{key} = (saved to the system keyring)"
    assert keyring_file() == {"Dangol/sms.api_key": API_KEY, "Dangol/delivery.webhook_url": HOOK}
    assert plain_rows(tmp_path / "shop.db") == {}
    assert API_KEY.encode() not in database_bytes(tmp_path) and b"hunter2" not in database_bytes(tmp_path)
    code, listing, err = run(capsys, "--db", dbfile, "config", "list")
    assert code == 0 and err == ""
    lines = dict(line.split(" = ", 1) for line in listing.splitlines())
    assert {key: lines[key] for key in config.SECRET_KEYS} == {
        "smtp.password": "(not set)", "sms.api_key": "(set)", "sms.api_secret": "(not set)",
        "delivery.webhook_url": "(set)", "sms.nhn_secret_key": "(not set)", "kakao.nhn_secret_key": "(not set)"}
    assert set(lines) == {item.key for item in config.SPECS}
    assert run(capsys, "--db", dbfile, "config", "get", "delivery.webhook_url")[1] == "(set)\n"
    assert API_KEY not in listing and "hunter2" not in listing
    # the runner gets the webhook from the keyring
    run(capsys, "--db", dbfile, "config", "set", "sms.provider", "webhook")
    db = open_database(tmp_path / "shop.db")
    assert main._channels(db)["sms"].url == HOOK
    db.close()


def test_an_empty_value_removes_a_secret(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dbfile = str(tmp_path / "shop.db")
    run(capsys, "--db", dbfile, "config", "set", "sms.api_key", API_KEY)
    assert run(capsys, "--db", dbfile, "config", "set", "sms.api_key", "")[0] == 0
    assert keyring_file() == {} and run(capsys, "--db", dbfile, "config", "get", "sms.api_key")[1] == "(not set)\n"


def test_a_plain_secret_of_an_older_database_moves_to_the_keyring_when_it_is_opened(tmp_path: Path) -> None:
    old_database(tmp_path / "shop.db")
    done = cli("--db", str(tmp_path / "shop.db"), "config", "list")  # a real process, its own keyring client
    assert done.returncode == 0 and done.stderr == ""
    assert "sms.api_key = (set)" in done.stdout and "delivery.webhook_url = (set)" in done.stdout
    assert API_KEY not in done.stdout and "hunter2" not in done.stdout
    assert keyring_file() == {"Dangol/sms.api_key": API_KEY, "Dangol/delivery.webhook_url": HOOK}
    assert plain_rows(tmp_path / "shop.db") == {}
    db = open_database(tmp_path / "shop.db")
    with db.session() as session:
        assert config.get(session, "sms.api_key") == API_KEY and config.get(session, "delivery.webhook_url") == HOOK
    db.close()
    sqlite = sqlite3.connect(tmp_path / "shop.db")  # the deleted rows' pages wiped, then look at the file itself
    sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite.execute("VACUUM")
    sqlite.close()
    assert API_KEY.encode() not in database_bytes(tmp_path)


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["no keyring", "a keyring keeping nothing"])
def test_without_a_working_keyring_a_plain_secret_stays_usable_and_is_never_printed(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: type) -> None:
    old_database(tmp_path / "shop.db")
    dbfile = str(tmp_path / "shop.db")
    with keyring_backend(backend()):
        code, listing, err = run(capsys, "--db", dbfile, "config", "list")
        assert code == 0 and API_KEY not in listing + err and "hunter2" not in listing + err
        assert "sms.api_key = (set)" in listing and "delivery.webhook_url = (set)" in listing
        assert err.count("\n") == 1 and err.startswith("warning: sms.api_key, delivery.webhook_url are still in "
                                                       "the database in plain text")
        assert "Windows Credential Manager" in err
        db = open_database(tmp_path / "shop.db")
        assert sorted(config.move_plain_secrets(db)) == ["delivery.webhook_url", "sms.api_key"]
        with db.session() as session:  # the runner still has its webhook
            assert config.get(session, "delivery.webhook_url") == HOOK
        assert main._channels(db)["sms"].url == HOOK
        db.close()
    assert plain_rows(tmp_path / "shop.db") == {"sms.api_key": API_KEY, "delivery.webhook_url": HOOK}  # not lost
    code, _, err = run(capsys, "--db", dbfile, "config", "get", "sms.api_key")  # a keyring again: moved now
    assert (code, err) == (0, "") and plain_rows(tmp_path / "shop.db") == {}
    assert keyring_file() == {"Dangol/sms.api_key": API_KEY, "Dangol/delivery.webhook_url": HOOK}


def test_a_move_cut_short_after_the_keyring_write_loses_nothing(db: Database) -> None:
    with db.session() as session:
        session.add(Setting(key="sms.api_key", value=API_KEY))
    keyring.set_password(config.KEYRING_SERVICE, "sms.api_key", API_KEY)  # written, then the PC went off
    with db.session() as session:
        assert config.get(session, "sms.api_key") == API_KEY
    assert config.move_plain_secrets(db) == []
    with db.session() as session:
        assert session.get(Setting, "sms.api_key") is None and config.get(session, "sms.api_key") == API_KEY


def test_setting_a_secret_removes_an_older_plain_copy(db: Database) -> None:
    with db.session() as session:
        session.add(Setting(key="sms.api_key", value="old-key"))
    with db.session() as session:
        config.set_value(session, "sms.api_key", API_KEY)
    with db.session() as session:
        assert session.get(Setting, "sms.api_key") is None and config.get(session, "sms.api_key") == API_KEY


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["no keyring", "a keyring keeping nothing"])
def test_config_set_of_a_secret_without_a_keyring_is_one_clear_line(capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path, backend: type) -> None:
    dbfile = str(tmp_path / "shop.db")
    with keyring_backend(backend()):
        code, out, err = run(capsys, "--db", dbfile, "config", "set", "sms.api_key", API_KEY)
    assert code == 2 and out == "" and err.count("\n") == 1 and API_KEY not in err
    assert err.startswith("error: no system keyring works on this PC, so sms.api_key cannot be kept safely")
    assert plain_rows(tmp_path / "shop.db") == {}


def test_a_runner_started_without_a_keyring_says_so_in_one_line(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    dbfile = str(tmp_path / "shop.db")
    run(capsys, "--db", dbfile, "config", "set", "delivery.webhook_url", HOOK)
    run(capsys, "--db", dbfile, "config", "set", "sms.provider", "webhook")
    done = cli("--db", dbfile, "--now", "2026-03-02T10:00", "run-once",
               env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert done.returncode == 2 and "Traceback" not in done.stderr and "hunter2" not in done.stderr
    assert done.stderr.startswith("error: no system keyring works on this PC, so delivery.webhook_url")
    assert len(done.stderr.strip().splitlines()) == 1
    # the file channel needs no keyring
    run(capsys, "--db", dbfile, "config", "set", "sms.provider", "file")
    done = cli("--db", dbfile, "--now", "2026-03-02T10:00", "run-once",
               env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert done.returncode == 0, done.stderr


def test_the_settings_page_says_which_secrets_are_set(qtbot, db: Database) -> None:
    from PySide6.QtWidgets import QLineEdit

    from tests.ui.conftest import ARTIFACTS
    from tests.ui.test_main_window import open_window
    from ui.pages.settings import SettingsPage

    with db.session() as session:
        config.set_values(session, {"delivery.webhook_url": HOOK, "sms.provider": "webhook"})
    _controller, window = open_window(db)
    qtbot.addWidget(window)
    window.show_page("settings")
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    hook, key = page.fields["delivery.webhook_url"], page.fields["sms.api_key"]
    assert isinstance(hook, QLineEdit) and isinstance(key, QLineEdit)
    assert hook.echoMode() == QLineEdit.EchoMode.Password and key.echoMode() == QLineEdit.EchoMode.Password
    assert hook.text() == "" and "저장됨" in hook.placeholderText() and "저장됨" not in key.placeholderText()
    page.scroll.ensureWidgetVisible(hook)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(ARTIFACTS / "settings-secrets.png"))
    key.setText(API_KEY)
    assert page.save() is True  # an empty secret field leaves the stored one as it is
    with db.session() as session:
        assert config.get(session, "delivery.webhook_url") == HOOK and config.get(session, "sms.api_key") == API_KEY
    page.refresh()
    assert "저장됨" in key.placeholderText() and key.text() == ""
