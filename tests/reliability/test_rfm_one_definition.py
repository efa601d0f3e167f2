"""One definition of the RFM scores (issue 15): each of R, F and M is 1 + floor(5 × #(figures below mine) / n)
among the shop's n buyers, equal figures always the same score (the lowest their run reaches), whoever asks (the runtime's facts, the segment rules, the KPI
report). Checked on shops full of ties against the definition worked out here in plain Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.customers.custom_segments import rfm_group_counts
from engine.customers.segments import RFM_GROUPS, rfm_cuts, rfm_score_sql, rfm_scores, thresholds
from engine.customers.stats import refresh_stats
from storage.db import open_database
from storage.models import Customer, CustomerStats, Order

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _shop(path: Path, buyers: int) -> Any:
    """`buyers` customers whose figures repeat (3 last-order days, 1‥3 orders, 2 amounts), plus a customer
    who never bought and one whose only order was cancelled."""
    db = open_database(path)
    with db.write_session() as session:
        for index in range(buyers):
            customer = Customer(source="test", external_id=f"c{index}", name=f"c{index}")
            session.add(customer)
            session.flush()
            day = NOW - timedelta(days=10 * (index % 3))  # many customers share a last order
            for visit in range(1 + (index * 7) % 3):
                session.add(Order(source="test", external_id=f"o{index}-{visit}", customer_id=customer.id,
                                  status="paid", amount=10_000 if index % 4 else 30_000,
                                  ordered_at=day - timedelta(days=30 * visit)))
        session.add(Customer(source="test", external_id="never", name="never"))
        quitter = Customer(source="test", external_id="cancelled", name="cancelled")
        session.add(quitter)
        session.flush()
        session.add(Order(source="test", external_id="x", customer_id=quitter.id, status="cancelled",
                          amount=99_000, ordered_at=NOW))
        session.flush()
        refresh_stats(session, now=NOW)
    return db


def _definition(rows: list[tuple[int, Any, int, int]]) -> dict[int, tuple[int, int, int]]:
    """1 + floor(5 × #(figures below mine) / buyers) for each of R (last order), F (orders), M (spent)."""
    n = len(rows)

    def score(column: int, value: Any) -> int:
        below = sum(1 for row in rows if row[column] < value)
        return 1 + 5 * below // n

    return {row[0]: (score(1, row[1]), score(2, row[2]), score(3, row[3])) for row in rows}


@pytest.mark.parametrize("buyers", [1, 2, 3, 7, 23, 240])
def test_every_rfm_score_is_the_one_definition(tmp_path: Path, buyers: int) -> None:
    db = _shop(tmp_path / "shop.db", buyers)
    try:
        with db.session() as session:
            rows = [tuple(row) for row in session.execute(
                select(CustomerStats.customer_id, CustomerStats.last_order_at, CustomerStats.order_count,
                       CustomerStats.total_spent).where(CustomerStats.order_count > 0))]
            assert len(rows) == buyers
            expected = _definition(rows)  # type: ignore[arg-type]
            assert len({score for score in expected.values()}) < buyers or buyers < 4  # ties all round
            # the facts' sum, the rules' and the report's SQL, and the segments page's group counts: one
            # function's cut points
            assert rfm_scores(session, NOW) == expected
            cuts = rfm_cuts(session)
            assert {cid: cuts.score(last, count, spent) for cid, last, count, spent in rows} == {
                cid: sum(score) for cid, score in expected.items()}
            assert cuts.score(None, 0, 0) is None
            in_sql = {cid: (r, f, m) for cid, r, f, m in session.execute(select(
                CustomerStats.customer_id, rfm_score_sql(CustomerStats.last_order_at, cuts.recency),
                rfm_score_sql(CustomerStats.order_count, cuts.frequency),
                rfm_score_sql(CustomerStats.total_spent, cuts.money),
            ).where(CustomerStats.order_count > 0))}
            assert in_sql == expected
            groups = dict.fromkeys((key for key, *_ in RFM_GROUPS), 0)
            for r, f, _ in expected.values():
                groups[next(key for key, _, _, rs, fs in RFM_GROUPS if r in rs and f in fs)] += 1
            assert rfm_group_counts(session, NOW, thresholds(session)) == groups
    finally:
        db.close()
