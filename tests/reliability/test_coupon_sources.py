"""Coupon code sources (issue #15 §3): a pool imported from the shop's export (one code per customer, never
the same code twice even with two writers), a shared code, an empty pool that holds the message and sends
it once codes are imported, the low-pool notice, and redemption by an order carrying the code."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.coupons import _take as take_code
from engine.coupons import import_pool, low_pools, pools, read_codes, resolve_coupons
from engine.shopdata import CouponUseIn, OrderIn, record_coupon_use, record_order
from engine.timeline import timeline
from storage.db import open_database
from storage.models import Coupon, CouponCode, Customer, OutboxMessage
from tests.conftest import ROOT
from tests.runtime.conftest import demo_template, shop
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import build

__all__ = ["demo_template", "shop"]

SEOUL = ZoneInfo("Asia/Seoul")
BODY = {"is_ad": True, "body": "{{ customer.first_name }}님, 쿠폰 {{ coupon.code }} 를 드려요.", "lateness": "send_late"}


def coupon_journey(shop: Shop, **params: object) -> str:
    return build(shop, [("action.coupon", {"discount_type": "won", "amount": 3000, **params}), ("message.sms", BODY)])


def export_file(folder: Path, codes: list[str], header: str = "쿠폰번호", encoding: str = "cp949") -> Path:
    path = folder / "coupons.csv"
    lines = [f"번호,{header},쿠폰명"] + [f"{i},{code},봄맞이 3천원" for i, code in enumerate(codes, 1)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def sent_bodies(shop: Shop, customer: int) -> list[str]:
    return [row.body for row in shop.messages(customer, status="sent")]


def test_pool_import_by_cli_gives_each_customer_their_own_code(shop: Shop, tmp_path: Path) -> None:
    codes = [f"SPRING-{n:04d}" for n in range(30)]
    result = cli(Path(shop.db.sqlite_path), "coupons", "import", "봄맞이", str(export_file(tmp_path, codes)))
    assert result.returncode == 0, result.stderr
    assert '"added": 30' in result.stdout
    again = cli(Path(shop.db.sqlite_path), "coupons", "import", "봄맞이", str(export_file(tmp_path, [*codes[:5], "NEW-1"])))
    assert '"added": 1' in again.stdout and '"already": 5' in again.stdout  # an export imported twice adds nothing twice
    coupon_journey(shop, code_source="pool", pool="봄맞이")
    first, second = shop.signup("2026-03-02 10:00"), shop.signup("2026-03-02 10:00")
    summary = shop.run("2026-03-02 10:01")
    assert summary["coupons_issued"] == 2
    with shop.db.session() as session:
        held = {c.customer_id: c.code for c in session.scalars(select(Coupon))}
        taken = {row.customer_id: row.code for row in session.scalars(select(CouponCode).where(
            CouponCode.customer_id.is_not(None)))}
    assert held == taken and len(set(held.values())) == 2 and set(held.values()) <= set(codes)
    for customer in (first, second):
        [body] = sent_bodies(shop, customer)  # sent in the same pass, with the real code, no placeholder
        assert held[customer] in body and "[[" not in body
    listed = cli(Path(shop.db.sqlite_path), "coupons", "list")
    assert listed.returncode == 0 and "봄맞이\t29/31 left" in listed.stdout


def test_a_file_without_a_code_column_is_one_line_exit_2(shop: Shop, tmp_path: Path) -> None:
    path = export_file(tmp_path, ["A1"], header="이름")
    result = cli(Path(shop.db.sqlite_path), "coupons", "import", "봄맞이", str(path))
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "쿠폰번호" in result.stderr
    assert "Traceback" not in result.stderr
    assert read_codes(export_file(tmp_path, ["X-1", "X-2"], header="Coupon Code", encoding="utf-8")) == ["X-1", "X-2"]


def test_two_writers_never_take_the_same_code(shop: Shop) -> None:
    import_pool(shop.db, "p", [f"C{n:03d}" for n in range(40)], shop.clock.now())
    with shop.db.session() as session:
        customers = list(session.scalars(select(Customer.id).limit(60)))
    results: dict[int, list[str | None]] = {0: [], 1: []}

    def worker(index: int) -> None:
        db = open_database(shop.db.sqlite_path)  # a second connection, as a second runner would have
        try:
            for n, customer in enumerate(customers[index::2]):
                with db.write_session() as session:
                    coupon = SimpleNamespace(id=10_000 * (index + 1) + n, customer_id=customer)
                    results[index].append(take_code(session, "p", coupon, shop.clock.now()))
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = [code for codes in results.values() for code in codes if code is not None]
    assert len(got) == 40 and len(set(got)) == 40  # every code once, then none (an empty pool says so)
    assert sum(code is None for codes in results.values() for code in codes) == 20


def test_a_shared_code_is_the_same_for_all_and_redeemed_per_customer(shop: Shop) -> None:
    coupon_journey(shop, code_source="shared", shared_code=" spring 10 ")
    first, second = shop.signup("2026-03-02 10:00"), shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    assert all("SPRING10" in body for c in (first, second) for body in sent_bodies(shop, c))
    with shop.db.session() as session:
        member = session.get(Customer, first).external_id
        record_order(session, OrderIn(source="test", external_id="O-1", ordered_at=at("2026-03-03 12:00"),
                                      amount=40_000, customer_external_id=member, coupon_code="SPRING10"),
                     at("2026-03-03 12:05"))
    with shop.db.session() as session:
        rows = {c.customer_id: c for c in session.scalars(select(Coupon))}
    assert rows[first].redeemed_order_id is not None and rows[first].redeemed_at is not None
    assert rows[second].redeemed_at is None  # the other customer's use of the same code is theirs alone


def test_an_empty_pool_holds_the_message_with_a_reason_and_sends_it_after_import(shop: Shop) -> None:
    coupon_journey(shop, code_source="pool", pool="가을")
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    [message] = shop.messages(customer)
    assert message.status == "held" and message.reason == "coupon_pool_empty"
    with shop.db.session() as session:
        lines = [entry.text(SEOUL, "ko") for entry in timeline(session, customer)]
        assert any("쿠폰 코드 묶음이 비어" in line for line in lines), lines
        assert [p.pool for p in low_pools(session, shop.clock.now())] == ["가을"]  # the owner is told
    shop.run("2026-03-02 11:00")  # still empty: still held, said once
    assert shop.messages(customer)[0].status == "held"
    import_pool(shop.db, "가을", ["FALL-1"], shop.clock.now())
    shop.run("2026-03-02 11:05")
    [message] = shop.messages(customer)
    assert message.status == "sent" and "FALL-1" in message.body


def test_a_low_pool_is_told_before_it_runs_out(shop: Shop) -> None:
    import_pool(shop.db, "big", [f"B{n:03d}" for n in range(200)], shop.clock.now())
    coupon_journey(shop, code_source="pool", pool="big")
    with shop.db.session() as session:
        assert low_pools(session, shop.clock.now()) == []
    for _ in range(3):
        shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    with shop.db.session() as session:
        [status] = pools(session, shop.clock.now())
        assert (status.total, status.left, status.used_week) == (200, 197, 3) and not status.low
        session.execute(CouponCode.__table__.update().where(CouponCode.code < "B185").values(
            customer_id=None, coupon_id=-1, taken_at=shop.clock.now()))  # 182 more given out this week
        [low] = low_pools(session, shop.clock.now())
    assert low.pool == "big" and low.left == 15 and low.low  # fewer than 20 left, and fewer than a week uses


def test_redemption_by_a_synced_coupon_use_and_an_imported_order(shop: Shop) -> None:
    import_pool(shop.db, "p", ["P-1"], shop.clock.now())
    coupon_journey(shop, code_source="pool", pool="p")
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    external = shop.order(customer, "2026-03-04 10:00")
    with shop.db.session() as session:
        counts = record_coupon_use(session, CouponUseIn(order_source="test", order_external_id=external, code="P-1",
                                                        at=at("2026-03-04 10:00")), at("2026-03-04 10:05"))
    assert counts.coupons_used == 1
    with shop.db.session() as session:
        coupon = session.scalar(select(Coupon))
        assert coupon.code == "P-1" and coupon.redeemed_at is not None and coupon.redeemed_order_id is not None


def test_resolve_has_nothing_to_do_without_wanted_coupons(shop: Shop) -> None:
    coupon_journey(shop)  # today's made-here codes need no second step
    shop.signup("2026-03-02 10:00")
    summary = shop.run("2026-03-02 10:01")
    assert summary["coupons_issued"] == 0
    assert resolve_coupons(shop.db, shop.clock).issued == 0
    with shop.db.session() as session:
        assert session.scalar(select(Coupon.status)) == "issued"
        assert session.scalar(select(OutboxMessage.status)) == "sent"


@pytest.mark.parametrize("source", ["pool", "shop"])
def test_placeholder_never_goes_out(shop: Shop, source: str) -> None:
    """A message carrying a pool/shop placeholder is never sent, whatever happens (no shop connected here)."""
    coupon_journey(shop, code_source=source, pool="none")
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    shop.run("2026-03-02 12:01")
    assert all("[[coupon:" not in path.read_text(encoding="utf-8") for path in shop.sent_files())
    assert shop.messages(customer)[0].status == "held"


def test_coupon_expiry_template_reminds_only_unused_coupons_once(shop: Shop) -> None:
    """The gallery's coupon-expiry reminder: 3 days before a coupon ends, at 10:00, its holder gets the code,
    unless the coupon was used; once per coupon (FixedClock days apart, as a PC that runs every day)."""
    coupon_journey(shop, code_prefix="HELLO", valid_days=14)
    shop.publish_template("coupon_expiry")
    keeper, user = shop.signup("2026-03-02 10:00"), shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")  # both get a coupon expiring 2026-03-16 10:01
    with shop.db.session() as session:
        codes = {c.customer_id: c.code for c in session.scalars(select(Coupon))}
        member = session.get(Customer, user).external_id
        record_order(session, OrderIn(source="test", external_id="USED-1", ordered_at=at("2026-03-05 12:00"),
                                      amount=20_000, customer_external_id=member, coupon_code=codes[user]),
                     at("2026-03-05 12:01"))
    for day in range(3, 13):
        shop.run(f"2026-03-{day:02d} 10:05")
    assert len(shop.messages(keeper)) == 1  # nothing before the day
    shop.run("2026-03-13 10:05")
    shop.run("2026-03-14 10:05")
    reminders = [m for m in shop.messages(keeper) if m.node_id == "reminder_sms"]
    assert len(reminders) == 1 and reminders[0].status == "sent"
    assert codes[keeper] in reminders[0].body and "3월 16일" in reminders[0].body
    assert [m for m in shop.messages(user) if m.node_id == "reminder_sms"] == []


def test_publish_warns_of_an_empty_or_low_pool_and_refuses_a_missing_name(shop: Shop) -> None:
    from engine import journey_store as store
    from engine.journey import Journey, validate

    def issues(**params: object) -> list[tuple[str, str]]:
        journey = Journey(name="쿠폰")
        journey.add_node("trigger.signed_up", node_id="t")
        journey.add_node("action.coupon", {"amount": 10, **params}, node_id="c")
        journey.add_node("exit", node_id="e")
        journey.connect("t", "out", "c")
        journey.connect("c", "out", "e")
        with shop.db.session() as session:
            context = store.validation_context(session, shop.clock.now())
        return [(issue.code, issue.severity) for issue in validate(journey, context) if issue.code.startswith("coupon")]

    assert issues(code_source="pool", pool="") == [("coupon_no_pool", "error")]
    assert issues(code_source="shared", shared_code=" ") == [("coupon_no_shared", "error")]
    assert issues(code_source="pool", pool="여름") == [("coupon_pool_empty", "warning")]
    import_pool(shop.db, "여름", [f"S{n}" for n in range(5)], shop.clock.now())
    assert issues(code_source="pool", pool="여름") == [("coupon_pool_low", "warning")]
    import_pool(shop.db, "여름", [f"T{n}" for n in range(50)], shop.clock.now())
    assert issues(code_source="pool", pool="여름") == [] and issues() == []


def test_a_later_message_of_the_journey_gets_the_same_pool_code(shop: Shop) -> None:
    """The enrollment keeps the placeholder; a message a day later is held a moment, then sent with the code
    the coupon got (not a second code, and never the placeholder)."""
    import_pool(shop.db, "p", ["ONE-1", "TWO-2"], shop.clock.now())
    build(shop, [("action.coupon", {"discount_type": "won", "amount": 3000, "code_source": "pool", "pool": "p"}),
                 ("message.sms", BODY), ("wait.duration", {"duration": 60 * 24}), ("message.sms", BODY)])
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    shop.run("2026-03-03 10:02")
    bodies = sent_bodies(shop, customer)
    assert len(bodies) == 2 and all("ONE-1" in body and "[[" not in body for body in bodies)
    with shop.db.session() as session:
        assert session.scalar(select(CouponCode.customer_id).where(CouponCode.code == "TWO-2")) is None
