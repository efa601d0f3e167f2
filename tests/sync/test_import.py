"""`python main.py import FILE`: a shop's own export file into the store, right, once, and all or nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.shopdata import CustomerIn, OptOutIn, ShopWriter
from main import main
from storage.db import open_database
from storage.models import Consent, Customer, Enrollment, Order, OrderItem, ShopEvent, SyncState
from tests.conftest import ROOT
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import build
from tests.sync.files import CAFE24_HEADER, MEMBERS_HEADER, cafe24_row, encrypt, write_csv, write_xlsx

NOW = "2026-03-02T12:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["--now", NOW, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else {}), err


def cafe24_file(path: Path, *, when: str = "2026-03-02 10:00:00") -> Path:
    rows = [
        cafe24_row("20260302-0000001", "20260302-0000001-01", when=when),
        cafe24_row("20260302-0000001", "20260302-0000001-02", when=when, product="유기농 꿀", code="P0002",
                   price="15,000원", total="45,000", paid="45000.00"),
        cafe24_row("20260302-0000002", "20260302-0000002-01", when=when, member="", name="손님",
                   email="guest@example.com", phone="01099998888", product="쿠키 세트", price="12000",
                   total="12,000", paid="12000"),
        cafe24_row("20260302-0000003", "20260302-0000003-01", when="어제쯤"),  # a date nobody can read
    ]
    # the order total repeats on each line of the order: the first order is 45,000 in all
    rows[0][15], rows[0][16] = "45,000", "45000.00"
    return write_csv(path, CAFE24_HEADER, rows, "cp949")


def orders(db_path: Path) -> list[tuple]:
    db = open_database(db_path)
    with db.session() as session:
        rows = session.execute(select(Order.external_id, Order.amount, Order.status, Order.customer_id)
                               .order_by(Order.external_id)).all()
    db.close()
    return [tuple(row) for row in rows]


def test_a_cafe24_csv_in_cp949_is_imported_once_with_its_rejects(tmp_path: Path, capsys) -> None:
    dbfile = str(tmp_path / "shop.db")
    db = open_database(dbfile)
    with db.write_session() as session, ShopWriter(session, at("2026-03-01 09:00")) as writer:
        # a customer the shop already had: the guest's order is theirs, matched by phone
        writer.customer(CustomerIn("cafe24", "old77", name="손님", phone="010-9999-8888"))
    db.close()
    file = cafe24_file(tmp_path / "orders.csv")
    rejects = tmp_path / "rejects.csv"
    code, summary, err = run(capsys, "--db", dbfile, "import", str(file), "--rejects", str(rejects))
    assert code == 1, err  # done, with a rejected line reported
    assert (summary["source"], summary["encoding"], summary["orders"], summary["rejected"]) == ("cafe24", "cp949", 2, 1)
    assert summary["rejects"][0]["line"] == 5 and summary["written"]["orders_created"] == 2
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[:2][1].startswith("5,bad_date,")
    stored = orders(tmp_path / "shop.db")
    assert [(o[0], o[1]) for o in stored] == [("20260302-0000001", 45000), ("20260302-0000002", 12000)]
    db = open_database(dbfile)
    with db.session() as session:
        old = session.scalar(select(Customer.id).where(Customer.external_id == "old77"))
        assert stored[1][3] == old  # the guest matched by phone
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 3
        assert session.scalar(select(func.sum(Order.amount))) == 57000
        events = session.scalar(select(func.count()).select_from(ShopEvent).where(ShopEvent.kind == "order_placed"))
        sync = session.get(SyncState, "file:cafe24")  # the main window's "last sync": when the file was exported
        assert sync is not None and sync.last_status == "rejects" and sync.details["orders"] == 2
        assert abs(sync.last_synced_at.timestamp() - min(file.stat().st_mtime, at(NOW).timestamp())) < 1
    db.close()
    assert events == 2
    # the same file again: nothing twice
    code, again, _ = run(capsys, "--db", dbfile, "import", str(file))
    assert code == 1 and again["written"]["orders_created"] == 0 and again["written"]["events"] == 0
    assert orders(tmp_path / "shop.db") == stored
    db = open_database(dbfile)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ShopEvent).where(ShopEvent.kind == "order_placed")) == 2
    db.close()


def test_a_password_protected_smartstore_xlsx(tmp_path: Path, capsys) -> None:
    from tests.sync.test_files import _smartstore_rows

    locked = encrypt(write_xlsx(tmp_path / "plain.xlsx", _smartstore_rows()), tmp_path / "스마트스토어.xlsx", "1234")
    dbfile = str(tmp_path / "shop.db")
    code, _, err = run(capsys, "--db", dbfile, "import", str(locked), "--password", "0000")
    assert code == 2 and err.count("\n") == 1 and "password" in err and "Traceback" not in err
    assert orders(tmp_path / "shop.db") == []
    code, summary, err = run(capsys, "--db", dbfile, "import", str(locked), "--password", "1234")
    assert code == 0, err
    assert summary["source"] == "smartstore" and summary["written"]["orders_created"] == 1
    assert [(o[0], o[1], o[2]) for o in orders(tmp_path / "shop.db")] == [("2026030211111", 45000, "delivered")]


def test_a_dry_run_writes_nothing_and_an_unreadable_file_is_one_line(tmp_path: Path, capsys) -> None:
    dbfile = str(tmp_path / "shop.db")
    code, summary, _ = run(capsys, "--db", dbfile, "import", str(cafe24_file(tmp_path / "o.csv")), "--dry-run")
    assert code == 1 and summary["dry_run"] and summary["orders"] == 2 and summary["written"] is None
    assert orders(tmp_path / "shop.db") == []
    (tmp_path / "empty.csv").write_bytes(b"")
    code, _, err = run(capsys, "--db", dbfile, "import", str(tmp_path / "empty.csv"))
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    code, _, err = run(capsys, "--db", dbfile, "import", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err


def test_members_bring_consents_and_a_later_optout_stands(tmp_path: Path, capsys) -> None:
    dbfile = str(tmp_path / "shop.db")
    members = write_csv(tmp_path / "members.csv", MEMBERS_HEADER, [
        ["hong01", "홍길동", "010-1234-5678", "hong@example.com", "Y", "N", "1990-05-01", "음력", "2025-01-02", "VIP"],
        ["kim02", "김철수", "010-2222-3333", "kim@example.com", "Y", "Y", "", "", "2025-02-03", "일반"]], "cp949")
    exported = time.mktime(time.strptime("2026-02-01", "%Y-%m-%d"))
    os.utime(members, (exported, exported))  # exported a month ago
    code, summary, err = run(capsys, "--db", dbfile, "import", str(members))
    assert code == 0, err and summary["kind"] == "members"
    db = open_database(dbfile)
    with db.write_session() as session, ShopWriter(session, at("2026-02-20 10:00")) as writer:
        writer.optout(OptOutIn(at=at("2026-02-20 10:00"), phone="010-2222-3333"))  # the 080 line, after the export
    db.close()
    run(capsys, "--db", dbfile, "import", str(members))  # the old member list again
    db = open_database(dbfile)
    with db.session() as session:
        consent = {(c.customer.external_id, c.channel): c.granted for c in session.scalars(select(Consent))}
        hong = session.scalar(select(Customer).where(Customer.external_id == "hong01"))
        assert hong.source == "cafe24" and hong.grade == "VIP" and hong.attributes.get("birthday_lunar") is True
    db.close()
    assert consent[("hong01", "sms")] is True and consent[("hong01", "email")] is False
    assert consent[("kim02", "sms")] is False  # the opt-out after the export is never overridden by it


def test_history_enters_nobody_and_a_new_first_order_does(demo_template: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "shop.db").write_bytes(demo_template.read_bytes())
    shop = Shop(open_database(tmp_path / "shop.db"), tmp_path)
    journey = build(shop, [("message.sms", {"body": "{{ customer.first_name }}님 첫 주문 감사합니다",
                                            "lateness": "send_late"})],
                    trigger="trigger.order_placed", trigger_params={"which": "first"}, name="첫 주문")
    shop.db.close()
    dbfile = str(tmp_path / "shop.db")
    old = cafe24_file(tmp_path / "2024.csv", when="2024-05-02 10:00:00")
    assert run(capsys, "--db", dbfile, "import", str(old))[0] == 1
    _code, summary, _ = run(capsys, "--db", dbfile, "run-once")
    assert summary["history"] >= 2 and summary["entered"] == 0
    new = write_csv(tmp_path / "new.csv", CAFE24_HEADER, [
        cafe24_row("20260302-0000009", "20260302-0000009-01", when="2026-03-02 11:30:00", member="new99",
                   name="새손님", phone="010-5555-6666", email="new@example.com")], "cp949")
    assert run(capsys, "--db", dbfile, "import", str(new))[0] == 0
    _code, summary, _ = run(capsys, "--db", dbfile, "run-once")
    assert summary["entered"] == 1
    db = open_database(dbfile)
    with db.session() as session:
        entered = session.scalars(select(Customer.external_id).join(Enrollment, Enrollment.customer_id == Customer.id)
                                  .where(Enrollment.journey_id == journey)).all()
    db.close()
    assert entered == ["new99"]


@pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals")
def test_kill_9_during_an_import_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    rows = []
    for number in range(40_000):
        order = f"20260302-{number:07d}"
        rows.append(cafe24_row(order, f"{order}-01", member=f"m{number % 5000}", phone=f"010-{number % 9000 + 1000}-0000"))
    big = write_csv(tmp_path / "big.csv", CAFE24_HEADER, rows, "cp949")
    dbfile = tmp_path / "shop.db"
    open_database(dbfile).close()
    randomness = random.Random(7)
    for _ in range(3):
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(dbfile), "--now", NOW, "import",
                                    str(big)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(randomness.uniform(0.7, 3.0))  # the import takes a few seconds: most kills land in it
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if process.returncode == 0:
            break  # it finished before the kill: all of it is there (checked below)
        stored = orders(dbfile)
        if len(stored) == 40_000:
            break  # killed after its commit, on the way out: all of it is there, never a part
        assert stored == []
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(dbfile), "--now", NOW, "import", str(big)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(orders(dbfile)) == 40_000
