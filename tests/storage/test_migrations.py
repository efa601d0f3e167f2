"""Migrations: empty → head, each previous revision → head with data kept, refusal of foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage.db import StorageError, make_engine, open_database, resolve_url
from storage.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from storage.models import Base


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_empty_database_upgrades_to_head_and_matches_the_models(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@pytest.mark.parametrize("previous", _revisions()[:-1])
def test_each_previous_revision_upgrades_in_place_keeping_data(tmp_path: Path, previous: str) -> None:
    engine = make_engine(resolve_url(tmp_path / "old.db"))
    upgrade(engine, previous)
    assert current_revision(engine) == previous
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (id, source, external_id, name, phone, is_guest, attributes,"
                " created_at, updated_at) VALUES (1, 'manual', 'm1', '김민지', '+821012345678', 0, '{}',"
                " '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO orders (id, source, external_id, customer_id, status, amount, discount,"
                " ordered_at, created_at, updated_at) VALUES (1, 'manual', 'o1', 1, 'paid', 32000, 0,"
                " '2025-01-02 03:00:00', '2025-01-02 03:00:00', '2025-01-02 03:00:00')"
            )
        )
    engine.dispose()
    db = open_database(tmp_path / "old.db")
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM customers WHERE id = 1")).scalar() == "김민지"
        assert connection.execute(text("SELECT amount FROM orders WHERE id = 1")).scalar() == 32000


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.db")
    downgrade(db.engine, "base")
    assert current_revision(db.engine) is None
    assert inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()


def test_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    db = open_database(tmp_path / "n.db")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.close()
    with pytest.raises(StorageError, match="newer version"):
        open_database(tmp_path / "n.db")


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    with pytest.raises(StorageError, match="not a database"):
        open_database(path)
    assert path.read_bytes().startswith(b"these are my notes")


def test_open_twice_is_harmless(tmp_path: Path) -> None:
    first = open_database(tmp_path / "twice.db")
    second = open_database(tmp_path / "twice.db")
    assert current_revision(second.engine) == head_revision()
    first.close()
    second.close()
    with sqlite3.connect(tmp_path / "twice.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_resolve_url(tmp_path: Path) -> None:
    assert resolve_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("postgresql://u@localhost/shop") == "postgresql://u@localhost/shop"
    assert resolve_url(None).startswith("sqlite:///") and resolve_url(None).endswith("shop.db")
    with pytest.raises(StorageError):
        resolve_url("nonsense://")
