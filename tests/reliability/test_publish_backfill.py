"""Issue 14: a segment-entered journey published with "also those in the segment now" lets the customers who
were already in the segment enter too, at most the daily cap a day (a batch each shop day, none twice, none
who has left the segment meanwhile); published without it, none of them enters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import config, gallery
from engine import journey_store as store
from engine.runtime.publish import PublishError, publish
from engine.runtime.triggers import backfill_name
from storage.db import Database, open_database
from storage.models import Cursor, Customer, CustomerStats, Enrollment
from tests.runtime.shop import Shop, at
from tests.ui.conftest import NOW, demo_file  # noqa: F401  (the demo shop of the UI tests: 513 at risk)

CAP = 200


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:  # noqa: F811
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


def at_risk_at_publish(db: Database) -> set[int]:
    """By hand: customers whose last order is 90‥365 days before the publish moment."""
    with db.session() as session:
        low = int(config.get(session, "segments.at_risk_days"))
        high = int(config.get(session, "segments.lapsed_days"))
        return set(session.scalars(
            select(Customer.id).join(CustomerStats, CustomerStats.customer_id == Customer.id)
            .where(CustomerStats.order_count > 0, CustomerStats.last_order_at <= NOW - timedelta(days=low),
                   CustomerStats.last_order_at > NOW - timedelta(days=high))))


def still_at_risk(db: Database, ids: set[int], now) -> set[int]:
    with db.session() as session:
        low = int(config.get(session, "segments.at_risk_days"))
        high = int(config.get(session, "segments.lapsed_days"))
        return set(session.scalars(
            select(CustomerStats.customer_id).where(
                CustomerStats.customer_id.in_(ids), CustomerStats.order_count > 0,
                CustomerStats.last_order_at <= now - timedelta(days=low),
                CustomerStats.last_order_at > now - timedelta(days=high))))


def entered(db: Database, journey_id: str) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Enrollment.customer_id).where(Enrollment.journey_id == journey_id)))


def publish_winback(db: Database, shop: Shop, backfill: int | None) -> str:
    journey = gallery.instantiate(gallery.template("winback_90d"))
    with db.write_session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock, backfill_daily=backfill)
    return journey.id


def test_those_in_the_segment_at_publish_enter_a_daily_batch_at_a_time(demo_db: Database, tmp_path: Path) -> None:
    shop = Shop(demo_db, tmp_path)
    assert shop.clock.now() == NOW
    before = at_risk_at_publish(demo_db)
    assert len(before) > 2 * CAP  # 513 in the demo shop: three days' batches
    journey_id = publish_winback(demo_db, shop, CAP)

    shop.run("2026-03-02 10:01")
    day1 = entered(demo_db, journey_id)
    assert len(day1) == len(set(day1))
    backfilled = set(day1) & before
    assert len(backfilled) == CAP  # the first batch at once, no more
    shop.run("2026-03-02 18:00")  # a later pass the same shop day: no second batch
    assert set(entered(demo_db, journey_id)) & before == backfilled

    # one of those still waiting orders again: no longer at risk, so not in a later batch
    waiting = sorted(before - backfilled)
    came_back = waiting[0]
    shop.order(came_back, "2026-03-02 20:00")

    day = at("2026-03-03 09:00")
    total = set(backfilled)
    for _ in range(4):  # day 2, 3, 4, 5
        left = still_at_risk(demo_db, before - total, day) - {came_back}
        shop.clock.set(day)
        shop.engine.run_once(shop.clock)
        now_in = set(entered(demo_db, journey_id)) & before
        new = now_in - total
        assert len(new) == min(CAP, len(left)), (day, len(new), len(left))
        assert new <= left  # only those still in the segment who had not had their turn
        total |= new
        day += timedelta(days=1)
    assert came_back not in total
    ids = entered(demo_db, journey_id)
    assert len(ids) == len(set(ids))  # nobody twice
    with demo_db.session() as session:
        assert session.get(Cursor, backfill_name(journey_id)) is None  # done: the batch found no one left


def test_without_the_option_those_already_in_the_segment_never_enter(demo_db: Database, tmp_path: Path) -> None:
    shop = Shop(demo_db, tmp_path)
    before = at_risk_at_publish(demo_db)
    journey_id = publish_winback(demo_db, shop, None)
    shop.run("2026-03-02 10:01")
    shop.run("2026-03-03 10:01")
    assert not set(entered(demo_db, journey_id)) & before  # at risk before publishing: history, never entered


def test_the_option_is_refused_for_other_triggers_and_a_zero_cap(demo_db: Database, tmp_path: Path) -> None:
    shop = Shop(demo_db, tmp_path)
    journey = gallery.instantiate(gallery.template("first_order_coupon"))
    with demo_db.write_session() as session:
        store.save_draft(session, journey, shop.clock)
        with pytest.raises(PublishError) as refused:
            publish(session, journey.id, shop.clock, backfill_daily=50)
        assert refused.value.code == "bad_backfill"
    winback = gallery.instantiate(gallery.template("winback_90d"))
    with demo_db.write_session() as session:
        store.save_draft(session, winback, shop.clock)
        with pytest.raises(PublishError):
            publish(session, winback.id, shop.clock, backfill_daily=0)
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Cursor).where(Cursor.name.like("backfill:%"))) == 0


def test_a_replay_does_not_count_the_backfill(demo_db: Database, tmp_path: Path) -> None:
    """The publish dialog's first-day estimate (a replay) stays "from now on", whatever batches are pending."""
    from engine.runtime.simulate import simulate

    shop = Shop(demo_db, tmp_path)
    journey = gallery.instantiate(gallery.template("winback_90d"))
    with demo_db.write_session() as session:
        store.save_draft(session, journey, shop.clock)
    before = simulate(demo_db, journey.id, NOW - timedelta(days=1), NOW)
    with demo_db.write_session() as session:
        publish(session, journey.id, shop.clock, backfill_daily=CAP)
    after = simulate(demo_db, journey.id, NOW - timedelta(days=1), NOW)
    assert after.entered == before.entered < CAP and after.messages == before.messages


def test_the_cli_publishes_with_a_daily_batch_and_says_what_to_fix(demo_db: Database, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    shop = Shop(demo_db, tmp_path)
    journey = gallery.instantiate(gallery.template("winback_90d"))
    with demo_db.write_session() as session:
        store.save_draft(session, journey, shop.clock)
    url = str(demo_db.url)
    assert main(["--db", url, "--now", NOW.isoformat(), "journey", "publish", journey.id, "--backfill-daily", "0"]) == 2
    assert "--backfill-daily needs a number of 1 or more" in capsys.readouterr().err
    assert main(["--db", url, "--now", NOW.isoformat(), "journey", "publish", journey.id, "--backfill-daily", "150"]) == 0
    assert "published version 1" in capsys.readouterr().out
    with demo_db.session() as session:
        assert session.get(Cursor, backfill_name(journey.id)) is not None
