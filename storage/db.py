"""Opening the database: the URL, SQLite pragmas, migrations at start, sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "Dangol"
BUSY_TIMEOUT_MS = 10_000


class StorageError(Exception):
    """A database that cannot be opened or upgraded; the message says what to do."""


def data_dir() -> Path:
    """The user's data folder for this app (override with DANGOL_HOME, e.g. in tests)."""
    home = os.environ.get("DANGOL_HOME")
    return Path(home) if home else user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "shop.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def resolve_url(db: str | os.PathLike[str] | None) -> str:
    """A path or an SQLAlchemy URL → an SQLAlchemy URL; None → the default shop database."""
    if db is None:
        return f"sqlite:///{default_db_path()}"
    text = os.fspath(db)
    if "://" in text:
        try:
            url = make_url(text)
            url.get_dialect()
        except (ArgumentError, NoSuchModuleError):
            raise StorageError(f"'{text}' is not a database URL this app knows (sqlite:/// or postgresql://)") from None
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


# Every connection's settings (also sent to the runner's writer process, which opens its own).
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
    # a runner walks indexes over a million rows: 64 MB of page cache instead of SQLite's 2 MB default,
    # and memory-mapped reads (both are per connection and cost nothing on a small shop)
    "PRAGMA cache_size=-65536",
    "PRAGMA mmap_size=268435456",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA journal_size_limit=67108864",  # a log grown by a long catch-up shrinks back to 64 MB
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # We emit BEGIN ourselves (see _sqlite_begin), so pysqlite must not open transactions on its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writer takes the lock up front: a read-then-write transaction could otherwise fail with
    # "database is locked" when another process wrote in between (WAL snapshot upgrade).
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the folder {folder}: {exc.strerror}") from None
        # LIFO: the connection used last comes back first, with its page cache still warm
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, pool_use_lifo=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    """An open, migrated database and its session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A unit of work that takes the write lock at its start (SQLite BEGIN IMMEDIATE)."""
        session = self.sessions()
        try:
            session.connection(execution_options={"sqlite_immediate": True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def twin(self) -> Database | None:
        """The same database through its own connections (for a thread that should keep its page cache);
        None for one that exists only in this connection's memory."""
        if self.is_sqlite and self.sqlite_path is None:
            return None
        return Database(url=self.url, engine=(engine := make_engine(self.url)),
                        sessions=sessionmaker(engine, expire_on_commit=False))

    @property
    def sqlite_path(self) -> str | None:
        """The SQLite file's path, or None (another database, or one only in memory)."""
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return str(url.database)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


def open_database(db: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default upgrade in place) the database at a path or URL."""
    from storage.migrate import upgrade

    url = resolve_url(db)
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return Database(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
