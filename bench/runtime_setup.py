"""Build large runtime databases fast (bare sqlite3 for the bulk rows, the engine's API for journeys)."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 10:00 in Seoul, a Monday


def naive(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it


def make_customers(path: Path, count: int, seed: int = 5) -> None:
    """`count` customers with SMS consent and statistics, inserted with bare sqlite3."""
    from storage.db import open_database

    db = open_database(path)
    from engine import config

    with db.session() as session:
        for key, value in (("shop.name", "단골상회"), ("shop.contact", "02-1234-5678"),
                           ("shop.optout_number", "080-123-4567"), ("shop.email", "hello@dangol-demo.kr"),
                           ("rules.ad_cap_per_day", "0"), ("rules.ad_cap_per_week", "0")):
            config.set_value(session, key, value)
    db.close()
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    stamp = naive(NOW - timedelta(days=400))
    names = ["김민지", "이서준", "박지우", "최하은", "정도윤", "강서연"]
    con.executemany(
        "INSERT INTO customers (id, source, external_id, name, email, phone, is_guest, attributes, signed_up_at,"
        " created_at, updated_at) VALUES (?, 'bench', ?, ?, ?, ?, 0, '{}', ?, ?, ?)",
        ((i, f"B{i}", rng.choice(names), f"c{i}@example.com", f"+8210{20000000 + i}", stamp, stamp, stamp)
         for i in range(1, count + 1)))
    con.executemany(
        "INSERT INTO consents (customer_id, channel, granted, changed_at, source) VALUES (?, ?, 1, ?, 'bench')",
        ((i, channel, stamp) for i in range(1, count + 1) for channel in ("sms", "email", "night")))
    con.executemany(
        "INSERT INTO customer_stats (customer_id, first_order_at, last_order_at, order_count, total_spent,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        ((i, stamp, naive(NOW - timedelta(days=rng.randint(1, 300))), rng.randint(1, 8),
          rng.randint(10, 600) * 1000, stamp) for i in range(1, count + 1)))
    con.commit()
    con.close()


def publish_journeys(path: Path, graphs: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Save and publish journeys through the engine; returns (journey id, version id) each."""
    from engine import journey_store as store
    from engine.clock import FixedClock
    from engine.journey import Journey
    from engine.runtime.publish import publish
    from storage.db import open_database
    from storage.models import JourneyVersion

    db = open_database(path)
    clock = FixedClock(NOW - timedelta(days=30))
    result = []
    with db.session() as session:
        for graph in graphs:
            journey = Journey.from_dict(graph)
            store.save_draft(session, journey, clock)
            publish(session, journey.id, clock)
            version = session.query(JourneyVersion).filter_by(journey_id=journey.id).one()
            result.append((journey.id, version.id))
    db.close()
    return result


def enroll(path: Path, journeys: list[tuple[str, int]], rows: list[tuple[int, int, str, datetime]]) -> None:
    """Enrollment rows (journey index, customer id, node id, wake time), inserted with bare sqlite3."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    stamp = naive(NOW - timedelta(days=30))
    con.executemany(
        "INSERT INTO enrollments (journey_id, version_id, customer_id, node_id, status, wake_at, dedupe_key, arm,"
        " data, entered_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, NULL, '{}', ?, ?)",
        ((journeys[j][0], journeys[j][1], customer, node, naive(wake), f"{journeys[j][0]}:{customer}:bench", stamp,
          stamp) for j, customer, node, wake in rows))
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def line_journey(name: str, steps: list[tuple[str, str, dict[str, Any]]], trigger: str = "trigger.manual") -> dict:
    """A journey file: trigger → steps (id, kind, params) in a line; `kind@port` picks the port onward."""
    from engine.journey import Journey

    journey = Journey(name=name)
    previous, port = journey.add_node(trigger, node_id="trigger").id, "out"
    for node_id, spec, params in steps:
        kind, _, next_port = spec.partition("@")
        journey.add_node(kind, params, node_id=node_id)
        journey.connect(previous, port, node_id)
        previous, port = node_id, next_port or "out"
    return json.loads(json.dumps(journey.to_dict()))
