"""Opening the database: the URL, SQLite pragmas, migrations at start, sessions."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "Dangol"
BUSY_TIMEOUT_MS = 10_000


class StorageError(Exception):
    """A database that cannot be opened, upgraded or written; the message says what to do.

    `reason` is a code for the failures a user can meet (busy, read_only, disk_full, cannot_open, io_error,
    damaged, not_a_database), or "" for the rest."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


# SQLite's primary result codes → (reason, what the owner reads); extended codes (SQLITE_BUSY_SNAPSHOT,
# SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE, ...) fall under their primary code.
_SQLITE_FAILURES = {
    "SQLITE_BUSY": ("busy", "the database {path} is busy: another program has held its write lock for more than "
                            f"{BUSY_TIMEOUT_MS // 1000} s; close that program (or wait) and try again"),
    "SQLITE_LOCKED": ("busy", "the database {path} is locked by another connection; try again"),
    "SQLITE_READONLY": ("read_only", "the database {path} is read-only; make the file and its folder writable "
                                     "(or copy it to a folder you can write to) and try again"),
    "SQLITE_FULL": ("disk_full", "the disk holding the database {path} is full; free some space and try again "
                                 "(nothing of this change was saved)"),
    "SQLITE_CANTOPEN": ("cannot_open", "cannot open the database {path}: the file or its folder cannot be opened "
                                       "for writing (a read-only folder or disk?)"),
    "SQLITE_IOERR": ("io_error", "could not read or write the database {path} ({detail}); check that the disk is "
                                 "not full, read-only or removed"),
    "SQLITE_CORRUPT": ("damaged", "the database {path} is damaged ({detail}); restore a backup"),
    "SQLITE_NOTADB": ("not_a_database", "the file {path} is not a database this app can read ({detail})"),
}


def storage_error(exc: BaseException, url: str) -> StorageError | None:
    """A one-line StorageError (no SQL, no parameters) for a database failure a user can meet; None for
    anything else (a programming error keeps its own exception)."""
    orig = getattr(exc, "orig", exc) if isinstance(exc, DBAPIError) else exc
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    for code, (reason, text) in _SQLITE_FAILURES.items():
        if name == code or name.startswith(code + "_"):
            if reason == "io_error" and _disk_full(url):  # SQLite reports some writes to a full disk as I/O errors
                reason, text = _SQLITE_FAILURES["SQLITE_FULL"]
            return StorageError(text.format(path=_where(url), detail=str(orig)), reason)
    return None


def _disk_full(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database.startswith("file:"):
        return False
    try:
        return shutil.disk_usage(Path(parsed.database).parent).free < 1 << 20
    except OSError:
        return False


def _where(url: str) -> str:
    """The database's path for a message (the URL without any password for another database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or "(in memory)").removeprefix("file:")  # an SQLite URI filename
    return parsed.render_as_string(hide_password=True)


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
    # A writer takes the lock up front (BEGIN IMMEDIATE waits its turn under the busy timeout): a
    # read-then-write transaction would instead fail at once with "database is locked"
    # (SQLITE_BUSY_SNAPSHOT) when another connection committed between its first read and its first write,
    # as the runner does many times a second; SQLite cannot upgrade an outdated read snapshot.
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the folder {folder}: {exc.strerror}") from None
        # LIFO: the connection used last comes back first, with its page cache still warm
        # hide_parameters: an error's text never carries the values (settings, customers, journey JSON),
        # so a traceback on stderr or in the runner's log cannot leak them
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, pool_use_lifo=True,
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@dataclass
class Database:
    """An open, migrated database and its session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work for reading (commits on success, rolls back on any error).

        Anything that writes after it has read (nearly every write: a setting, a draft, a status) belongs in
        `write_session`: here the write would fail at once whenever another process committed since the
        first read, whatever the busy timeout."""
        with self._unit(immediate=False) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A unit of work that takes the write lock at its start (SQLite BEGIN IMMEDIATE): it waits its turn
        behind another writer (up to the busy timeout) instead of failing half way."""
        with self._unit(immediate=True) as session:
            yield session

    @contextmanager
    def _unit(self, *, immediate: bool) -> Iterator[Session]:
        session = self.sessions()
        try:
            if immediate:
                session.connection(execution_options={"sqlite_immediate": True})
            yield session
            session.commit()
        except BaseException as exc:
            try:
                session.rollback()
            except DBAPIError:
                if not isinstance(exc, DBAPIError):
                    raise  # else the first failure is the one to report
            failure = storage_error(exc, self.url) if isinstance(exc, DBAPIError) else None
            if failure is not None:  # busy past the timeout, read-only, disk full: one clear line, no SQL
                raise failure from exc
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
