"""Qt fixtures: one demo shop shared by the UI tests, settings kept out of the user's profile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from engine.clock import FixedClock
from engine.demo import create_demo_shop
from storage.db import Database, open_database
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _qsettings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


@pytest.fixture(scope="session", autouse=True)
def _clipboard_released() -> Iterator[None]:
    yield
    from ui.editor.scene import release_clipboard

    release_clipboard()  # as the app does on quitting: PySide would crash freeing it at exit


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path)
    create_demo_shop(db, seed=7, customers=2000, clock=FixedClock(NOW))
    db.close()
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo shop, so a test may change it."""
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
