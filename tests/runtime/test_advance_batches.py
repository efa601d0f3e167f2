"""Due steps taken in many batches (a reader stepping while a writer thread or process commits) give
exactly what one locked batch gives, and a row another writer changes in between is never overwritten."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from engine.runtime import advance as advance_module
from engine.runtime.advance import Advancer
from engine.runtime.triggers import enroll_manual
from engine.runtime.versions import VersionCache
from storage.db import open_database
from storage.models import Coupon, Customer, CustomerTag, Enrollment, OutboxMessage, StepLog
from tests.runtime.shop import Shop
from tests.runtime.test_rules import INFO, build

STEPS = [
    ("wait.duration", {"duration": 60}),
    ("condition@yes", {"rules": [{"field": "total_spent", "op": "gte", "value": 100000}]}),
    ("action.coupon", {"discount_type": "percent", "amount": 10, "code_prefix": "VIP"}),
    ("action.tag", {"op": "add", "tag": "배치"}),
    ("message.sms", {**INFO, "body": "{{ customer.first_name }}님 코드 {{ coupon.code }}를 보내 드려요."}),
]


def _enrolled(shop: Shop, steps: list[tuple[str, dict[str, Any]]] = STEPS) -> tuple[str, list[int]]:
    journey_id = build(shop, steps, trigger="trigger.manual")
    with shop.db.session() as session:
        customers = list(session.scalars(select(Customer.id).order_by(Customer.id).limit(120)))
    enroll_manual(shop.db, shop.clock, VersionCache(), journey_id, customers)
    shop.clock.set(shop.clock.now() + timedelta(hours=2))  # past the one-hour wait
    return journey_id, customers


def _outcome(path: Path) -> dict[str, Any]:
    db = open_database(path)
    with db.session() as session:
        result = {
            "enrollments": sorted(session.execute(select(
                Enrollment.id, Enrollment.node_id, Enrollment.status, Enrollment.wake_at, Enrollment.end_reason,
                Enrollment.data)).all(), key=lambda row: row[0]),
            "outbox": sorted(session.execute(select(
                OutboxMessage.idem_key, OutboxMessage.customer_id, OutboxMessage.body, OutboxMessage.not_before,
                OutboxMessage.status)).all()),
            "steps": sorted(session.execute(select(
                StepLog.enrollment_id, StepLog.node_id, StepLog.event, StepLog.reason, StepLog.at)).all(),
                key=repr),
            "coupons": sorted(session.execute(select(Coupon.code, Coupon.customer_id)).all()),
            "tags": sorted(session.execute(select(CustomerTag.customer_id, CustomerTag.tag)).all()),
        }
    db.close()
    return result


@pytest.fixture(params=["thread", "process"])
def writer(request: Any, monkeypatch: Any) -> str:
    """Which writer a pipelined pass uses: a thread, or (from this many batches) a process."""
    monkeypatch.setattr(advance_module, "PROCESS_FROM", 10**9 if request.param == "thread" else 2)
    return str(request.param)


def test_many_small_batches_write_exactly_what_one_batch_writes(shop: Shop, tmp_path: Path, writer: str,
                                                                 monkeypatch: Any) -> None:
    started: list[Any] = []
    original_send = advance_module._ProcessWriter.send

    def send(self: Any, prepared: Any) -> Any:  # a batch that did go to a writer process
        started.append(prepared)
        return original_send(self, prepared)

    monkeypatch.setattr(advance_module._ProcessWriter, "send", send)
    _enrolled(shop)
    shop.db.close()
    one, many = tmp_path / "one.db", tmp_path / "many.db"
    shutil.copy(tmp_path / "shop.db", one)
    shutil.copy(tmp_path / "shop.db", many)
    counts = {}
    for path, size in ((one, 1000), (many, 7)):
        db = open_database(path)
        advancer = Advancer()
        counts[size] = advancer.advance_due(db, shop.clock, batch_size=size)
        db.close()
    assert counts[1000] == counts[7]
    assert counts[7].advanced == 120 and counts[7].queued > 0 and counts[7].completed > 0
    first, second = _outcome(one), _outcome(many)
    assert first["outbox"] and first["coupons"] and first["tags"]
    assert first == second
    assert bool(started) == (writer == "process")  # the pass did run through the writer it was meant to


def test_a_row_changed_by_another_writer_meanwhile_is_left_as_that_writer_left_it(
        shop: Shop, monkeypatch: Any, writer: str) -> None:
    journey_id, customers = _enrolled(shop)
    advancer = Advancer()
    taken: list[int] = []

    def owner_ends_one(prepared: Any) -> None:
        if not taken:  # the owner ends one customer's journey while the runner is stepping it
            victim = prepared.writes.enrollments[0]["_id"]
            with shop.db.write_session() as session:
                session.execute(update(Enrollment).where(Enrollment.id == victim).values(
                    status="exited", end_reason="owner_exit", wake_at=None, node_id="s0"))
            taken.append(victim)

    if writer == "thread":
        original = advancer._write_guarded

        def meanwhile(db: Any, prepared: Any) -> bool:
            owner_ends_one(prepared)
            return original(db, prepared)

        monkeypatch.setattr(advancer, "_write_guarded", meanwhile)
    else:
        send = advance_module._ProcessWriter.send

        def sending(self: Any, prepared: Any) -> Any:
            owner_ends_one(prepared)
            return send(self, prepared)

        monkeypatch.setattr(advance_module._ProcessWriter, "send", sending)
    counts = advancer.advance_due(shop.db, shop.clock, batch_size=10)
    assert taken
    with shop.db.session() as session:
        victim = session.get(Enrollment, taken[0])
        assert (victim.status, victim.end_reason, victim.node_id) == ("exited", "owner_exit", "s0")
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.enrollment_id == victim.id)) == 0
        assert session.scalar(select(func.count()).select_from(StepLog).where(
            StepLog.enrollment_id == victim.id, StepLog.event != "entered")) == 0
        left = session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.journey_id == journey_id, Enrollment.status == "active",
            Enrollment.wake_at <= shop.clock.now()))
        finished = session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.journey_id == journey_id, Enrollment.status != "active"))
    # the rest of the changed batch was taken again under the lock: everyone else went through, once
    assert left == 0 and finished == len(customers)
    assert counts.advanced == len(customers) - 1


def test_writes_a_writer_process_cannot_make_are_made_after_the_pass(shop: Shop, tmp_path: Path,
                                                                     monkeypatch: Any) -> None:
    """Removing a tag and setting a customer field (JSON merged in Python) are done under the lock after
    the pipelined pass; the outcome is the same as one batch's."""
    monkeypatch.setattr(advance_module, "PROCESS_FROM", 2)
    steps = [*STEPS, ("action.tag", {"op": "remove", "tag": "배치"}),
             ("action.set_field", {"field": "등급메모", "value": "쿠폰 받음"})]
    _enrolled(shop, steps)
    shop.db.close()
    sent: list[Any] = []
    original_send = advance_module._ProcessWriter.send
    monkeypatch.setattr(advance_module._ProcessWriter, "send",
                        lambda self, prepared: sent.append(original_send(self, prepared)) or sent[-1])
    one, many = tmp_path / "one.db", tmp_path / "many.db"
    shutil.copy(tmp_path / "shop.db", one)
    shutil.copy(tmp_path / "shop.db", many)
    for path, size in ((one, 1000), (many, 7)):
        db = open_database(path)
        assert Advancer().advance_due(db, shop.clock, batch_size=size).advanced == 120
        db.close()
    assert sent and all(answer is None for answer in sent)  # offered to the writer process, which declined
    first, second = _outcome(one), _outcome(many)
    assert first == second and not [tag for _, tag in first["tags"] if tag == "배치"]  # added, then removed
    fields = []
    for path in (one, many):
        db = open_database(path)
        with db.session() as session:
            fields.append({c.id: c.attributes.get("등급메모") for c in session.scalars(select(Customer))})
        db.close()
    assert fields[0] == fields[1] and "쿠폰 받음" in fields[1].values()


def test_a_writer_process_that_cannot_open_the_database_ends_and_later_passes_use_a_thread(
        shop: Shop, tmp_path: Path, monkeypatch: Any) -> None:
    import psutil

    from engine.runtime.writer import WriterError, WriterProcess
    from storage.db import SQLITE_PRAGMAS

    monkeypatch.setattr(WriterProcess, "unavailable", False)
    with pytest.raises(WriterError, match="did not open the database"):
        WriterProcess(str(tmp_path), SQLITE_PRAGMAS)  # a folder, not a database file
    assert WriterProcess.unavailable
    left = [child for child in psutil.Process().children(recursive=True)
            if "engine.runtime.writer" in " ".join(child.cmdline())]
    assert not left, left  # the process was ended, not left waiting on its input
    monkeypatch.setattr(advance_module, "PROCESS_FROM", 2)
    _enrolled(shop)
    counts = Advancer().advance_due(shop.db, shop.clock, batch_size=7)
    assert counts.advanced == 120  # the pass wrote through a thread instead
