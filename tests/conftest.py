"""Shared fixtures: a fresh migrated SQLite file per test, a fixed clock, an isolated data dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from engine.clock import FixedClock
from storage.db import Database, open_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _artifacts_folder() -> None:
    """Screenshots go to tests/artifacts/ (ignored by git): made here for every worker, so no test depends on
    another having run first (a clean clone has no such folder)."""
    (ROOT / "tests" / "artifacts").mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data folder or keyring from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DANGOL_HOME", str(home))
    # a working keyring of the test's own (a file in `home`, see tests/file_keyring.py), here and in subprocesses
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.file_keyring.Keyring")
    # start-up entries (runner autostart) go to a scratch profile, never the real one
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("APPDATA", str(home / "appdata"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # 10:00 on a Monday in Seoul


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "shop.db")
    yield database
    database.close()
