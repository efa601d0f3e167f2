"""Bulk writes for the runner: many rows a statement on SQLite, SQLAlchemy elsewhere; inserts that skip
rows whose unique key exists, and updates guarded against rows changed by another writer."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import JSON, Boolean, Date
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    table = model.__table__
    statement = (pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)).on_conflict_do_nothing()
    session.execute(statement, rows)


# --- the fast path: many rows through the driver, values converted once per column ---------------

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # exactly what SQLAlchemy's SQLite DateTime stores
# Many rows per statement: one trip into SQLite (and one release of the GIL) per few hundred rows
# instead of per row. SQLite before 3.32 allowed 999 parameters a statement; UPDATE … FROM came in 3.33.
_VERSION = sqlite3.sqlite_version_info
_MAX_PARAMS = 32_000 if _VERSION >= (3, 32) else 999
_ROWS_PER_STATEMENT = 500
_UPDATE_FROM = _VERSION >= (3, 33)


def _statements(width: int, count: int) -> list[tuple[int, int]]:
    """(start, stop) slices of `count` rows of `width` parameters, each slice one statement."""
    size = max(1, min(_ROWS_PER_STATEMENT, _MAX_PARAMS // max(width, 1)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


_PLAIN = (str, int, bool, type(None))  # JSON values memoised by value (no floats: 0.0 == -0.0)
_INSTANTS: dict[datetime, str] = {}  # an aware instant → its stored text (equal instants, equal texts)
_INSTANTS_KEPT = 1 << 16


def _converter(column: Any) -> Any:
    """How a Python value becomes what the column's SQLAlchemy type would store in SQLite (memoised:
    a batch repeats the same instants and the same small JSON objects over and over)."""
    from storage.models.base import UTCDateTime

    kind = column.type
    if isinstance(kind, UTCDateTime):
        seen = _INSTANTS  # shared by every column and batch: an order's instant recurs in its event rows

        def to_text(value: Any) -> Any:
            if value is None or isinstance(value, str):
                return value  # None, or the stored text itself (read raw, e.g. for a guard)
            text = seen.get(value)
            if text is None:
                if len(seen) >= _INSTANTS_KEPT:
                    seen.clear()
                if value.tzinfo is None:
                    raise ValueError("naive datetime given to a UTC column")
                # isoformat gives exactly _SQLITE_DATETIME's text, several times faster than strftime
                utc = value if value.tzinfo is UTC else value.astimezone(UTC)
                text = seen[value] = utc.replace(tzinfo=None).isoformat(" ", "microseconds")
            return text
        return to_text
    if isinstance(kind, JSON):
        texts: dict[tuple[Any, ...], str] = {}  # a flat object of plain values → its text (an event's payload)

        def to_json(value: Any) -> Any:
            if value is None:
                return None
            if value.__class__ is dict:
                if not value:
                    return "{}"
                key: tuple[Any, ...] | None = None
                if len(value) == 1:  # the usual event payload ({"amount": …}, {"status": …})
                    ((name, item),) = value.items()
                    if name.__class__ is str and item.__class__ in _PLAIN:
                        key = (name, item.__class__, item)  # typed: 1 and True are equal, their texts not
                elif len(value) <= 4 and all(name.__class__ is str and item.__class__ in _PLAIN
                                             for name, item in value.items()):
                    key = tuple((name, item.__class__, item) for name, item in value.items())
                if key is not None:
                    text = texts.get(key)
                    if text is None:
                        if len(texts) >= _INSTANTS_KEPT:
                            texts.clear()
                        text = texts[key] = json.dumps(value)
                    return text
            return json.dumps(value)
        return to_json
    if isinstance(kind, Boolean):
        return lambda value: None if value is None else int(bool(value))
    if isinstance(kind, Date):
        return lambda value: None if value is None else value.isoformat()
    return None


# --- the fast read path: plain tuples from the driver, instants parsed once per distinct text -------


@lru_cache(maxsize=1 << 16)
def parse_utc(text: str | None) -> datetime | None:
    """An instant as SQLAlchemy stores it in SQLite ('YYYY-MM-DD HH:MM:SS.ffffff', UTC) → aware UTC."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def utc_text(moment: datetime) -> str:
    """The stored text of an instant: compares in time order with what SQLite holds."""
    return moment.astimezone(UTC).strftime(_SQLITE_DATETIME)


def raw_rows(session: Session, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a query on the session's SQLite connection and fetch every row as a plain tuple."""
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def _by_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    return list(groups.values())


def _prepared(table: Any, names: list[str], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    converters = [_converter(table.c[name]) for name in names]
    columns = []
    for name, convert in zip(names, converters, strict=True):
        values = [row[name] for row in rows]
        columns.append([convert(value) for value in values] if convert else values)
    return list(zip(*columns, strict=True))


def _prepared_tuples(table: Any, names: Sequence[str], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """`rows` (tuples in the order of `names`) with the values converted where a column needs it."""
    from storage.models.base import UTCDateTime

    converters = [_converter(table.c[name]) for name in names]
    if not any(converters):
        return rows
    columns = list(zip(*rows, strict=True))
    for index, convert in enumerate(converters):
        if convert is None:
            continue
        values = columns[index]
        if isinstance(table.c[names[index]].type, UTCDateTime):
            # a column of instants holds few distinct ones (the batch's `now`, an order's time in its events):
            # each converted once, the rest looked up in C
            texts = {value: convert(value) for value in set(values)}
            columns[index] = tuple(map(texts.__getitem__, values))
        else:
            columns[index] = tuple(map(convert, values))
    return list(zip(*columns, strict=True))


Statement = tuple[str, list[Any]]  # SQL for the SQLite driver and its parameters, ready to run


def _set_names(row: dict[str, Any], key: str) -> list[str]:
    """The columns an update row sets: all but its key and its expected old values (was_…)."""
    return [name for name in row if name != key and not name.startswith("was_")]


def plan_insert(model: Any, rows: list[dict[str, Any]], *, ignore_conflicts: bool = False) -> list[Statement]:
    """SQLite statements inserting `rows` (a few hundred rows each); all Python work is done here."""
    plans: list[Statement] = []
    table = model.__table__
    for group in _by_keys(rows):
        names = list(group[0])
        tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        head = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
        one = f"({', '.join('?' for _ in names)})"
        values = _prepared(table, names, group)
        for start, stop in _statements(len(names), len(values)):
            plans.append((head + ", ".join([one] * (stop - start)) + tail,
                          [value for row in values[start:stop] for value in row]))
    return plans


def plan_insert_rows(model: Any, names: Sequence[str], rows: list[tuple[Any, ...]], *,
                     ignore_conflicts: bool = False) -> list[Statement]:
    """Like `plan_insert`, for rows given as tuples in the order of `names` (no dict per row)."""
    table = model.__table__
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    head = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
    one = f"({', '.join('?' for _ in names)})"
    values = _prepared_tuples(table, names, rows)
    return [(head + ", ".join([one] * (stop - start)) + tail, list(chain.from_iterable(values[start:stop])))
            for start, stop in _statements(len(names), len(values))]


def plan_update(model: Any, rows: list[dict[str, Any]], key: str = "_id", match: tuple[str, ...] = ()) -> list[Statement]:
    """SQLite statements for UPDATE … WHERE id = row[key]; see `fast_update` for `match`."""
    plans: list[Statement] = []
    table = model.__table__
    for group in _by_keys(rows):
        names = _set_names(group[0], key)
        values = _prepared(table, names, group)
        olds = _prepared(table, list(match), [{name: row[f"was_{name}"] for name in match} for row in group]) \
            if match else [()] * len(group)
        if not _UPDATE_FROM:
            where = " AND ".join(["id = ?", *(f"{name} = ?" for name in match)])
            sql = f"UPDATE {table.name} SET {', '.join(f'{name} = ?' for name in names)} WHERE {where}"
            plans.extend((sql, [*value, row[key], *old]) for value, row, old in zip(values, group, olds, strict=True))
            continue
        # UPDATE … FROM (VALUES (id, new values…, expected values…), …): one statement per few hundred rows
        width = 1 + len(names) + len(match)
        sets = ", ".join(f"{name} = v.column{2 + index}" for index, name in enumerate(names))
        where = " AND ".join([f"{table.name}.id = v.column1",
                              *(f"{table.name}.{name} = v.column{2 + len(names) + index}"
                                for index, name in enumerate(match))])
        one = f"({', '.join('?' for _ in range(width))})"
        params = [(row[key], *value, *old) for value, row, old in zip(values, group, olds, strict=True)]
        for start, stop in _statements(width, len(params)):
            plans.append((f"UPDATE {table.name} SET {sets} FROM (VALUES {', '.join([one] * (stop - start))}) AS v"
                          f" WHERE {where}", [value for param in params[start:stop] for value in param]))
    return plans


def run_planned(session: Session, plans: list[Statement]) -> int:
    """Run planned statements on the session's connection; returns the rows they changed."""
    if not plans:
        return 0
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    changed = 0
    try:
        for sql, params in plans:
            cursor.execute(sql, params)
            changed += cursor.rowcount
    finally:
        cursor.close()
    return changed


def fast_insert(session: Session, model: Any, rows: list[dict[str, Any]], *, ignore_conflicts: bool = False) -> None:
    """Insert many rows. SQLite: straight through the driver; others: SQLAlchemy."""
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        run_planned(session, plan_insert(model, rows, ignore_conflicts=ignore_conflicts))
        return
    for group in _by_keys(rows):
        if ignore_conflicts:
            insert_ignore(session, model, group)
        else:
            session.execute(model.__table__.insert(), group)


def fast_insert_rows(session: Session, model: Any, names: Sequence[str], rows: list[tuple[Any, ...]], *,
                     ignore_conflicts: bool = False) -> None:
    """Insert many rows given as tuples, each in the order of `names` (the same columns for every row).
    SQLite: straight through the driver; others: SQLAlchemy."""
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        run_planned(session, plan_insert_rows(model, names, rows, ignore_conflicts=ignore_conflicts))
        return
    dicts = [dict(zip(names, row, strict=True)) for row in rows]
    if ignore_conflicts:
        insert_ignore(session, model, dicts)
    else:
        session.execute(model.__table__.insert(), dicts)


def fast_update(session: Session, model: Any, rows: list[dict[str, Any]], key: str = "_id",
                match: tuple[str, ...] = ()) -> int:
    """UPDATE … WHERE id = row[key] for many rows; returns how many rows matched.

    `match` names columns that must still hold the value in row["was_" + name], so rows another writer
    changed since they were read are left alone (and the caller sees fewer matches than rows).
    """
    if not rows:
        return 0
    if session.get_bind().dialect.name == "sqlite":
        return run_planned(session, plan_update(model, rows, key, match))
    from sqlalchemy import and_, bindparam, update

    table = model.__table__
    matched = 0
    for group in _by_keys(rows):
        names = _set_names(group[0], key)
        condition = and_(table.c.id == bindparam(key), *(table.c[name] == bindparam(f"was_{name}")
                                                          for name in match))
        result = session.execute(update(table).where(condition).values(
            {name: bindparam(name) for name in names}), group, execution_options={"synchronize_session": False})
        matched += int(result.rowcount)  # type: ignore[attr-defined]
    return matched
