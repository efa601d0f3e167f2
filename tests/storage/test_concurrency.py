"""Two connections at once: a reader is never blocked by a writer (WAL), a second writer waits."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from storage.db import Database, open_database
from storage.models import Customer

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_reader_sees_committed_data_while_a_write_is_open(db: Database) -> None:
    with db.session() as session:
        session.add(Customer(id=1, name="김하늘", signed_up_at=T0))
    writer = db.engine.connect().execution_options(sqlite_immediate=True)
    transaction = writer.begin()
    writer.execute(text("INSERT INTO customers (id, source, name, is_guest, attributes, created_at, updated_at)"
                        " VALUES (2, 'manual', '최유나', 0, '{}', '2026-03-02', '2026-03-02')"))
    reader = open_database(db.url.removeprefix("sqlite:///"))
    started = time.perf_counter()
    with reader.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
    assert time.perf_counter() - started < 0.5
    transaction.commit()
    writer.close()
    with reader.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 2
    reader.close()


def test_second_writer_waits_for_the_first_instead_of_failing(db: Database) -> None:
    other = open_database(db.url.removeprefix("sqlite:///"))
    writer = db.engine.connect().execution_options(sqlite_immediate=True)
    transaction = writer.begin()
    writer.execute(text("INSERT INTO settings (key, value, updated_at) VALUES ('a', '1', '2026-03-02')"))
    done = threading.Event()
    errors: list[BaseException] = []

    def second_write() -> None:
        try:
            with other.session() as session:
                session.execute(text("INSERT INTO settings (key, value, updated_at) VALUES ('b', '2', '2026-03-02')"))
        except BaseException as exc:
            errors.append(exc)
        done.set()

    thread = threading.Thread(target=second_write)
    thread.start()
    time.sleep(0.3)
    assert not done.is_set(), "the second writer should be waiting on the lock"
    transaction.commit()
    writer.close()
    thread.join(timeout=10)
    assert done.is_set() and errors == []
    with db.session() as session:
        keys = session.execute(text("SELECT key FROM settings ORDER BY key")).scalars().all()
    assert keys == ["a", "b"]
    other.close()


def test_write_session_takes_the_lock_at_its_start(db: Database) -> None:
    with db.write_session() as session:
        session.execute(text("SELECT 1"))  # no write yet, but the lock is already held
        blocked = sqlite3.connect(db.url.removeprefix("sqlite:///"), timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            blocked.execute("BEGIN IMMEDIATE")
        blocked.close()


def test_read_then_write_survives_a_concurrent_commit(db: Database) -> None:
    """The runner's pattern (read due rows, then update them) while the GUI writes."""
    gui = open_database(db.url.removeprefix("sqlite:///"))
    with db.session() as session:
        session.add(Customer(id=1, name="강민호", signed_up_at=T0))
    with db.write_session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1

        def gui_write() -> None:
            with gui.session() as gui_session:
                gui_session.add(Customer(id=2, name="윤아름", signed_up_at=T0))

        thread = threading.Thread(target=gui_write)
        thread.start()
        time.sleep(0.2)
        session.add(Customer(id=3, name="임도윤", signed_up_at=T0))
    thread.join(timeout=10)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 3
    gui.close()
