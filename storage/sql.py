"""The SQL that differs between SQLite and PostgreSQL, behind portable SQLAlchemy constructs.

Queries elsewhere stay in SQLAlchemy Core and use these where the dialects part ways:
- `day_number(instant)`: the days since 1970-01-01 (a float) of a stored UTC instant, so that two instants
  can be subtracted in SQL (SQLite `julianday`, PostgreSQL `extract(epoch …)`);
- `epoch_seconds(instant)`: the whole seconds since 1970-01-01 00:00 UTC of a stored UTC instant, exact
  (an integer compares with a midnight bound exactly; `julianday` arithmetic can land a hair below it), for
  reports that read instants into arrays;
- `day_index(instant, offset_days)`: the whole days since 1970-01-01 of an instant shifted to a zone's
  offset, for grouping orders by the shop's calendar day;
- `scan(column)`: the column, telling SQLite's planner not to answer a condition or a GROUP BY on it from
  an index (`+column`). A report that reads most of a table is faster scanning it than walking an index and
  looking every row up; PostgreSQL's planner judges that by itself, so there it is the bare column;
- `json_text(column, key)`: the text of one key of a JSON object column. SQLite before 3.45 finds a key only
  as it is spelled in the stored text, and our JSON is stored ASCII-escaped ("\\uad00…" for Korean), so
  it looks the key up both ways; PostgreSQL `->>`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlalchemy import Float, Integer, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import TypeEngine


class day_number(FunctionElement[float]):
    type = Float()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _day_number_default(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400.0)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5)"


class epoch_seconds(FunctionElement[int]):
    type = Integer()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds)
def _epoch_seconds_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # the stored text without its fraction ('YYYY-MM-DD HH:MM:SS', the first 19 characters): SQLite's date
    # functions round a fraction to the millisecond, so '…14:59:59.999999' would come out as the next second
    inner = f"substr({compiler.process(element.clauses, **kw)}, 1, 19)"
    # unixepoch() (SQLite 3.38+) is strftime('%s') without the text round trip: twice as fast on a report's
    # million rows
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({inner})"
    return f"CAST(strftime('%s', {inner}) AS INTEGER)"


class scan(FunctionElement[Any]):
    inherit_cache = True
    name = "scan"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type: TypeEngine[Any] = column.type


@compiles(scan)
def _scan_default(element: scan, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(scan, "sqlite")
def _scan_sqlite(element: scan, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


class day_index(FunctionElement[int]):
    """The whole days since 1970-01-01 of a stored UTC instant shifted by `offset_days` (a zone's UTC offset,
    in days): the instant's local calendar day as a number, for grouping by day in SQL."""

    type = Integer()
    inherit_cache = False  # the offset is part of the SQL text, not of the cache key: compile every time
    name = "day_index"

    def __init__(self, column: Any, offset_days: float) -> None:
        super().__init__(column)
        self.offset_days = float(offset_days)


@compiles(day_index)
def _day_index_default(element: day_index, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {inner}) / 86400.0 + {element.offset_days!r}) AS INTEGER)"


@compiles(day_index, "sqlite")
def _day_index_sqlite(element: day_index, compiler: Any, **kw: Any) -> str:
    # CAST truncates toward zero, which is the floor for every day after 1970
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(julianday({inner}) - 2440587.5 + {element.offset_days!r} AS INTEGER)"


class _json_text(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "json_text"


def json_text(column: Any, key: str) -> Any:
    """SQL: the text of `key` in the JSON object `column` (NULL when absent)."""
    return _json_text(column, literal("$." + json.dumps(key)), literal("$." + json.dumps(key, ensure_ascii=False)),
                      literal(key))


@compiles(_json_text)
def _json_text_default(element: _json_text, compiler: Any, **kw: Any) -> str:
    column, _, _, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({column} ->> {key})"


@compiles(_json_text, "sqlite")
def _json_text_sqlite(element: _json_text, compiler: Any, **kw: Any) -> str:
    column, escaped, plain, _ = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(coalesce(json_extract({column}, {escaped}), json_extract({column}, {plain})) AS TEXT)"
