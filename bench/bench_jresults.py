"""Journey results (issue #16): attribution and A/B figures for a journey with 100,000 sent messages.

The shop: 110,000 customers, each with two older orders; journey J split them A 45 % / B 45 % / holdout 10 %
and texted the 100,000 in A and B (one coupon each); journey K texted 20,000 of them later (last touch
competes); 12,000 ordered within the week after, a third of them with J's coupon. Rows are written with
bare sqlite3; `journey_results_100k_sent_s` times `engine.results.journeys.journey_results` alone (funnel,
messages, last-touch attribution, A/B and holdout), best of three. DANGOL_BENCH_SCALE=0.1 shrinks it.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from runtime_setup import NOW, make_customers, naive

SCALE = float(os.environ.get("DANGOL_BENCH_SCALE", "1"))
SENT = max(1_000, int(100_000 * SCALE))
HOLDOUT = SENT // 9  # 10 % of everyone placed
K_SENT = SENT // 5
CONVERTED = SENT * 12 // 100


def build(path: Path) -> None:
    from storage.db import open_database

    total = SENT + HOLDOUT
    make_customers(path, total)
    db = open_database(path)  # the schema is there; the journeys go in with bare SQL like the rest
    db.close()
    rng = random.Random(16)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    placed = NOW - timedelta(days=10)
    stamp = naive(placed)
    graph = '{"schema_version": 1, "id": "J", "name": "J", "settings": {}, "nodes": [], "edges": []}'
    for journey in ("J", "K"):
        con.execute("INSERT INTO journeys (id, name, status, draft, live_version, created_at, updated_at)"
                    " VALUES (?, ?, 'live', ?, 1, ?, ?)", (journey, journey, graph, stamp, stamp))
        con.execute("INSERT INTO journey_versions (journey_id, version, graph, published_at, note)"
                    " VALUES (?, 1, ?, ?, '')", (journey, graph, stamp))
    arms = ["a" if i % 2 else "b" for i in range(1, SENT + 1)] + ["holdout"] * HOLDOUT
    con.executemany(
        "INSERT INTO enrollments (id, journey_id, version_id, customer_id, node_id, status, dedupe_key, arm, data,"
        " entered_at, updated_at, ended_at, end_reason) VALUES (?, 'J', 1, ?, 'done', 'completed', ?, ?, '{}', ?,"
        " ?, ?, 'end_of_path')",
        ((i, i, f"J:{i}", arms[i - 1], stamp, stamp, stamp) for i in range(1, total + 1)))
    con.executemany(
        "INSERT INTO step_log (at, customer_id, journey_id, version_id, enrollment_id, node_id, event, reason,"
        " detail) VALUES (?, ?, 'J', 1, ?, 'split', 'split', ?, '{}')",
        ((stamp, i, i, arms[i - 1]) for i in range(1, total + 1)))
    sent_at = naive(placed + timedelta(minutes=5))
    con.executemany(
        "INSERT INTO outbox (idem_key, enrollment_id, journey_id, node_id, customer_id, channel, is_ad, recipient,"
        " subject, body, status, not_before, due_at, lateness, lateness_hours, cap_policy, attempts, cost_won,"
        " created_at, sent_at) VALUES (?, ?, ?, ?, ?, 'sms', 1, '010', '', '쿠폰을 드려요', 'sent', ?, ?,"
        " 'skip_if_late', 24, 'reschedule', 1, ?, ?, ?)",
        [(f"J:{i}", i, "J", "offer_" + arms[i - 1], i, sent_at, sent_at, 20 if i % 3 else 50, sent_at, sent_at)
         for i in range(1, SENT + 1)]
        + [(f"K:{i}", None, "K", "offer", i, naive(placed + timedelta(days=2)), naive(placed + timedelta(days=2)),
            20, naive(placed + timedelta(days=2)), naive(placed + timedelta(days=2)))
           for i in rng.sample(range(1, SENT + 1), K_SENT)])
    con.executemany(
        "INSERT INTO coupons (code, customer_id, journey_id, node_id, discount_type, amount, issued_at)"
        " VALUES (?, ?, 'J', 'coupon', 'won', 3000, ?)", ((f"J-{i:07d}", i, stamp) for i in range(1, SENT + 1)))
    orders = []
    for i in range(1, total + 1):  # the history: two older orders each
        for back in (200, 60):
            orders.append((f"H{back}-{i}", i, 30_000, 0, None, naive(NOW - timedelta(days=back + i % 7))))
    for n, i in enumerate(rng.sample(range(1, total + 1), CONVERTED)):
        coupon = f"J-{i:07d}" if n % 3 == 0 and i <= SENT else None
        orders.append((f"N-{i}", i, 42_000, 3_000 if coupon else 0, coupon,
                       naive(placed + timedelta(days=1 + n % 6, hours=3))))
    con.executemany(
        "INSERT INTO orders (source, external_id, customer_id, status, amount, discount, coupon_code, ordered_at,"
        " created_at, updated_at) VALUES ('bench', ?, ?, 'paid', ?, ?, ?, ?, ?, ?)",
        ((ext, customer, amount, discount, code, at, at, at) for ext, customer, amount, discount, code, at in orders))
    con.commit()
    con.execute("ANALYZE")
    con.close()


def run() -> dict[str, float]:
    from engine.results.journeys import journey_results
    from storage.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="dangol-bench-jresults-"))
    try:
        path = folder / "shop.db"
        build(path)
        db = open_database(path)
        best = float("inf")
        try:
            for _ in range(3):
                with db.session() as session:
                    started = time.perf_counter()
                    results = journey_results(session, "J", NOW)
                    best = min(best, time.perf_counter() - started)
        finally:
            db.close()
        assert results.messages.sent == SENT, results.messages.sent
        assert results.ab_tests and results.lifts
        return {"journey_results_100k_sent_s": round(best, 3)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
