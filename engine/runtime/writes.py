"""Bulk inserts that skip rows whose unique key already exists, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import UTC
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


def _converter(column: Any) -> Any:
    """How a Python value becomes what the column's SQLAlchemy type would store in SQLite (memoised:
    a batch repeats the same instants and the same small JSON objects over and over)."""
    from storage.models.base import UTCDateTime

    kind = column.type
    if isinstance(kind, UTCDateTime):
        seen: dict[Any, str] = {}

        def to_text(value: Any) -> Any:
            if value is None:
                return None
            text = seen.get(value)
            if text is None:
                if value.tzinfo is None:
                    raise ValueError("naive datetime given to a UTC column")
                text = seen[value] = value.astimezone(UTC).strftime(_SQLITE_DATETIME)
            return text
        return to_text
    if isinstance(kind, JSON):
        def to_json(value: Any) -> Any:
            if value is None:
                return None
            if not value and isinstance(value, dict):
                return "{}"
            return json.dumps(value)
        return to_json
    if isinstance(kind, Boolean):
        return lambda value: None if value is None else int(bool(value))
    if isinstance(kind, Date):
        return lambda value: None if value is None else value.isoformat()
    return None


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


def fast_insert(session: Session, model: Any, rows: list[dict[str, Any]], *, ignore_conflicts: bool = False) -> None:
    """Insert many rows. SQLite: straight through the driver; others: SQLAlchemy."""
    if not rows:
        return
    groups = _by_keys(rows)
    if len(groups) > 1:
        for group in groups:
            fast_insert(session, model, group, ignore_conflicts=ignore_conflicts)
        return
    table = model.__table__
    if session.get_bind().dialect.name != "sqlite":
        if ignore_conflicts:
            insert_ignore(session, model, rows)
        else:
            session.execute(table.insert(), rows)
        return
    names = list(rows[0])
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}){tail}")
    session.connection().exec_driver_sql(sql, _prepared(table, names, rows))


def fast_update(session: Session, model: Any, rows: list[dict[str, Any]], key: str = "_id") -> None:
    """UPDATE … WHERE id = row[key] for many rows."""
    if not rows:
        return
    groups = _by_keys(rows)
    if len(groups) > 1:
        for group in groups:
            fast_update(session, model, group, key)
        return
    table = model.__table__
    names = [name for name in rows[0] if name != key]
    if session.get_bind().dialect.name != "sqlite":
        from sqlalchemy import bindparam, update

        session.execute(update(table).where(table.c.id == bindparam(key)).values(
            {name: bindparam(name) for name in names}), rows)
        return
    sql = f"UPDATE {table.name} SET {', '.join(f'{name} = ?' for name in names)} WHERE id = ?"
    values = _prepared(table, names, rows)
    session.connection().exec_driver_sql(sql, [(*value, row[key]) for value, row in zip(values, rows, strict=True)])
