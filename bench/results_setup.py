"""A shop of 1,000,000 orders and 200,000 customers for the KPI report, built fast and cached.

The schema comes from the app (migrated by `open_database`); the rows go in with bare `sqlite3.executemany`
in one transaction, customer_stats by one INSERT … SELECT. The file is kept under the temp folder, keyed by the
scale and a layout version, so a second run reuses it (delete it to rebuild).
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

LAYOUT = 1  # bump when the generated rows change
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
HISTORY_DAYS = 730  # two years of orders before NOW
STATUSES = ("paid", "shipped", "delivered", "confirmed", "confirmed", "confirmed", "delivered", "delivered",
            "confirmed", "delivered", "confirmed", "cancelled", "refunded")
GRADES = (None, None, None, "일반", "일반", "실버", "골드", "VIP")
STAMP = "2026-03-02 01:00:00.000000"


def naive(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it


def database(orders: int, customers: int) -> Path:
    """The cached database of `orders` orders and `customers` customers (built on first use)."""
    path = Path(tempfile.gettempdir()) / f"dangol-bench-results-v{LAYOUT}-{orders}-{customers}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        build(partial, orders, customers)
        partial.rename(path)
    return path


def build(path: Path, orders: int, customers: int, seed: int = 11) -> None:
    from storage.db import open_database

    open_database(path).close()  # the app's schema, migrated
    rng = random.Random(seed)
    start = NOW - timedelta(days=HISTORY_DAYS)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    # each customer joins on a day of the two years and buys from then on, a few often, most once or twice
    joined = sorted(rng.random() for _ in range(customers))
    con.executemany(
        "INSERT INTO customers (id, source, external_id, name, is_guest, grade, attributes, signed_up_at, created_at,"
        " updated_at) VALUES (?, 'bench', ?, ?, 0, ?, '{}', ?, ?, ?)",
        ((i + 1, f"B{i + 1}", f"고객{i + 1}", rng.choice(GRADES),
          naive(start + timedelta(seconds=joined[i] * HISTORY_DAYS * 86400)), STAMP, STAMP) for i in range(customers)))
    weights = [rng.paretovariate(1.6) for _ in range(customers)]
    buyers = rng.choices(range(customers), weights=weights, k=orders)
    buyers[:customers] = range(customers)  # everyone bought at least once (their first order at joining)

    def rows():  # type: ignore[no-untyped-def]
        for number, buyer in enumerate(buyers, start=1):
            since = joined[buyer]
            at = since if number <= customers else since + (1 - since) * rng.random()
            when = naive(start + timedelta(seconds=at * HISTORY_DAYS * 86400))
            customer = None if number % 50 == 0 and number > customers else buyer + 1  # 2 % guests
            yield (number, f"O{number}", customer, rng.choice(STATUSES), rng.randint(5, 150) * 1000, when, when)

    con.executemany(
        "INSERT INTO orders (id, source, external_id, customer_id, status, amount, discount, ordered_at, paid_at,"
        f" created_at, updated_at) VALUES (?, 'bench', ?, ?, ?, ?, 0, ?, ?, '{STAMP}', '{STAMP}')", rows())
    con.execute(
        "INSERT INTO customer_stats (customer_id, first_order_at, last_order_at, order_count, total_spent,"
        f" updated_at) SELECT c.id, min(o.ordered_at), max(o.ordered_at), count(o.id), coalesce(sum(o.amount), 0),"
        f" '{STAMP}' FROM customers c LEFT JOIN orders o ON o.customer_id = c.id"
        " AND o.status IN ('paid', 'shipped', 'delivered', 'confirmed') GROUP BY c.id")
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()
