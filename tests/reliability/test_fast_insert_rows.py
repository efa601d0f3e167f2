"""`fast_insert_rows` (tuples, values converted once per distinct instant, small JSON texts memoised) stores
exactly what SQLAlchemy's own insert stores."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from engine.runtime.writes import fast_insert_rows
from storage.db import open_database
from storage.models import Customer, ShopEvent

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
EVENT_COLUMNS = ("kind", "customer_id", "occurred_at", "ref", "payload", "recorded_at")
CUSTOMER_COLUMNS = ("id", "source", "external_id", "name", "birthday", "is_guest", "attributes", "signed_up_at",
                    "created_at", "updated_at")


def rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    customers = [(1, "cafe24", "kim", "김", date(1990, 2, 28), False, {}, T0, T0, T0),
                 (2, "cafe24", None, "", None, True, {"lunar": True, "n": 1}, None, T0, T0)]
    payloads: list[dict[str, Any]] = [
        {"amount": 1}, {"amount": True}, {"amount": 1}, {"amount": True}, {"amount": 1.0}, {"amount": -0.0},
        {"amount": 0.0}, {"status": "shipped"}, {"status": None}, {}, {"a": 1, "b": "x"}, {"a": True, "b": "x"},
        {"items": [1, 2]}, {"nested": {"a": 1}}, {"한글": "값"}, {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5},
    ]
    events = []
    for index, payload in enumerate(payloads):
        # the same instant in two zones, and instants that recur: one stored text each
        occurred = (T0 + timedelta(minutes=index % 3)).astimezone(SEOUL if index % 2 else UTC)
        events.append(("order_placed", 1 + index % 2, occurred, f"O-{index}", payload, T0))
    return customers, events


def raw(path: Path) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return (connection.execute("SELECT * FROM customers ORDER BY id").fetchall()
                + connection.execute("SELECT * FROM shop_events ORDER BY id").fetchall())
    finally:
        connection.close()


def test_tuples_are_stored_as_sqlalchemy_stores_them(tmp_path: Path) -> None:
    customers, events = rows()
    fast = open_database(tmp_path / "fast.db")
    with fast.write_session() as session:
        fast_insert_rows(session, Customer, CUSTOMER_COLUMNS, customers)
        fast_insert_rows(session, ShopEvent, EVENT_COLUMNS, events)
    fast.close()
    plain = open_database(tmp_path / "plain.db")
    with plain.write_session() as session:
        session.execute(Customer.__table__.insert(), [dict(zip(CUSTOMER_COLUMNS, row, strict=True))
                                                      for row in customers])
        for row in events:  # one statement a row: nothing memoised
            session.execute(ShopEvent.__table__.insert(), [dict(zip(EVENT_COLUMNS, row, strict=True))])
    plain.close()
    stored = raw(tmp_path / "fast.db")
    assert stored == raw(tmp_path / "plain.db")
    texts = [row[5] for row in stored[2:]]
    assert texts[:4] == ['{"amount": 1}', '{"amount": true}', '{"amount": 1}', '{"amount": true}']
