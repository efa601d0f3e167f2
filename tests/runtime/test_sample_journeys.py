"""The four sample journeys, end to end on the demo shop with a fixed clock: who got which message when."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from engine.timeline import timeline
from storage.models import Coupon, Enrollment, StepLog
from tests.runtime.shop import Shop, at


def test_welcome_coupon(shop: Shop) -> None:
    shop.publish_template("welcome_coupon")
    yes = shop.signup("2026-03-02 11:00", name="김민지")
    no_sms = shop.signup("2026-03-02 11:10", sms=False)
    summary = shop.run("2026-03-02 11:15")
    assert summary["entered"] == 2 and summary["sent"] == 1 and summary["skipped"] == 1
    [message] = shop.messages(yes)
    assert message.status == "sent" and message.channel == "sms" and message.is_ad
    lines = message.body.splitlines()
    assert lines[0] == "(광고)단골상회"
    assert lines[1].startswith("민지님, 단골상회에 오신 것을 환영해요!")
    assert "2,000원 할인 쿠폰" in message.body
    assert lines[-2:] == ["문의 02-1234-5678", "무료수신거부 080-123-4567"]
    with shop.db.session() as session:
        coupon = session.scalar(select(Coupon).where(Coupon.customer_id == yes))
        assert coupon.code.startswith("WELCOME-") and coupon.code in message.body
        assert "2026년 3월 16일까지" in message.body  # 14 days, in shop time
        texts = [entry.text(ZoneInfo("Asia/Seoul")) for entry in timeline(session, no_sms)]
    assert [m.reason for m in shop.messages(no_sms)] == ["no_consent"]
    assert any("no consent for this channel" in text for text in texts)
    assert len(shop.sent_files()) == 1
    again = shop.run("2026-03-02 11:15")  # the same pass twice sends nothing more
    assert again["entered"] == 0 and again["sent"] == 0 and len(shop.sent_files()) == 1


def test_welcome_at_night_waits_for_morning(shop: Shop) -> None:
    shop.publish_template("welcome_coupon")
    night_owl = shop.signup("2026-03-02 22:30")
    night_ok = shop.signup("2026-03-02 22:31", night=True)
    summary = shop.run("2026-03-02 22:35")
    assert summary["sent"] == 1 and summary["deferred"] == 1
    assert shop.messages(night_ok)[0].status == "sent"
    waiting = shop.messages(night_owl)[0]
    assert (waiting.status, waiting.reason) == ("queued", "quiet_hours")
    assert waiting.not_before == at("2026-03-03 08:00")
    assert shop.run("2026-03-03 07:59")["sent"] == 0
    assert shop.run("2026-03-03 08:00")["sent"] == 1
    assert shop.messages(night_owl)[0].sent_at == at("2026-03-03 08:00")


def test_first_order_thanks_then_coupon_unless_they_ordered_again(shop: Shop) -> None:
    shop.publish_template("first_order_coupon")
    once = shop.signup("2026-03-02 10:30")
    twice = shop.signup("2026-03-02 10:31")
    no_sms = shop.signup("2026-03-02 10:32", sms=False)
    for customer in (once, twice, no_sms):
        shop.order(customer, "2026-03-02 12:00")
    first = shop.run("2026-03-02 12:05")
    assert first["entered"] == 3
    # the thank-you note is informational: it goes even without ad consent
    assert {shop.messages(c)[0].status for c in (once, twice, no_sms)} == {"sent"}
    assert not shop.messages(once)[0].is_ad and "첫 주문(수분 진정 토너 200ml)" in shop.messages(once)[0].body
    shop.order(twice, "2026-03-05 15:00")
    assert shop.run("2026-03-05 15:05")["resumed_by_event"] == 1
    assert shop.run("2026-03-09 11:59")["sent"] == 0  # 7 days are not over yet
    week = shop.run("2026-03-09 12:05")
    assert week["sent"] == 1 and week["skipped"] == 1  # once gets the coupon; no_sms has no ad consent
    coupon = shop.messages(once)[1]
    assert coupon.is_ad and "10% 할인 쿠폰" in coupon.body and coupon.body.startswith("(광고)단골상회")
    assert [m.status for m in shop.messages(twice)] == ["sent"]  # ordered again: no coupon
    with shop.db.session() as session:
        ended = dict(session.execute(select(Enrollment.customer_id, Enrollment.end_reason)).all())
    assert ended[twice] == "exit_node" and ended[once] == "exit_node"
    # a second order never starts the first-order journey again
    shop.order(once, "2026-03-10 09:00")
    assert shop.run("2026-03-10 09:05")["entered"] == 0


def test_cart_abandoned_three_hours(shop: Shop) -> None:
    shop.publish_template("cart_abandoned")
    left = shop.signup("2026-03-02 10:00")
    bought = shop.signup("2026-03-02 10:00")
    later = shop.signup("2026-03-02 10:00")
    shop.cart(left, "2026-03-02 11:00")
    shop.cart(bought, "2026-03-02 11:00")
    shop.order(bought, "2026-03-02 12:30")  # ordered within 3 hours: never abandoned
    shop.cart(later, "2026-03-02 12:00")
    assert shop.run("2026-03-02 13:59")["entered"] == 0  # not three hours yet
    summary = shop.run("2026-03-02 14:00")  # left's cart is 3 hours old, later's only 2
    assert summary["entered"] == 1 and summary["sent"] == 1
    assert [m.status for m in shop.messages(left)] == ["sent"]
    assert "린넨 오버핏 셔츠 잊지 않으셨죠?" in shop.messages(left)[0].body
    shop.order(later, "2026-03-02 14:30")  # later buys before their three hours are up
    assert shop.run("2026-03-02 15:01")["entered"] == 0
    assert shop.messages(bought) == [] and shop.messages(later) == []
    # a new cart a day later starts again only after the journey's 7-day re-entry pause
    shop.cart(left, "2026-03-03 11:00")
    again = shop.run("2026-03-03 14:00")
    assert again["entered"] == 0 and again["entry_blocked"] == 1


def test_winback_ab_split_and_ordered_within_7_days(shop: Shop) -> None:
    journey = shop.publish_template("winback_90d")
    first = shop.run("2026-03-02 10:05")
    assert first["entered"] == 0  # nobody crossed 90 days since publishing
    # a week passes (the PC was on): customers whose last order turns 90 days old enter, day by day
    entered = 0
    for day in range(3, 10):
        entered += shop.run(f"2026-03-{day:02d} 10:00")["entered"]
    assert entered >= 4
    with shop.db.session() as session:
        rows = session.execute(select(Enrollment.customer_id, Enrollment.arm, Enrollment.data)
                               .where(Enrollment.journey_id == journey)).all()
        arms = Counter(row.arm for row in rows)
        assert set(arms) <= {"a", "b", "holdout"} and sum(arms.values()) == entered  # 45 / 45 / 10
        assert all(row.data["arms"]["split"] == row.arm for row in rows)
        logged = dict(session.execute(select(StepLog.customer_id, StepLog.reason)
                                      .where(StepLog.event == "split")).all())
        assert all(logged[row.customer_id] == row.arm for row in rows)
    offers = [m for m in shop.messages() if m.node_id in {"offer_a", "offer_b"}]
    assert len(offers) == entered - arms["holdout"]  # the holdout gets nothing
    for message in offers:
        arm = next(r.arm for r in rows if r.customer_id == message.customer_id)
        assert message.node_id == f"offer_{arm}"
        assert ("10% 할인" in message.body) == (arm == "a")
        assert ("5,000원" in message.body) == (arm == "b")
    # one of them comes back within 7 days; the others get one reminder after 7 days
    back = next(row.customer_id for row in rows if row.arm != "holdout")
    shop.order(back, "2026-03-10 09:00")
    shop.run("2026-03-10 09:05")
    for day in range(10, 18):
        shop.run(f"2026-03-{day:02d} 10:00")
    everything = shop.messages()
    reminders = {m.customer_id: m for m in everything if m.node_id == "reminder"}
    offered = {m.customer_id: m for m in everything if m.node_id in {"offer_a", "offer_b"}}
    first_week = {row.customer_id for row in rows if row.arm != "holdout"}
    assert back not in reminders
    assert first_week - {back} <= set(reminders)
    for customer_id, reminder in reminders.items():  # exactly seven days after the offer, never sooner
        assert reminder.due_at - offered[customer_id].due_at == timedelta(days=7)
    with shop.db.session() as session:
        done = dict(session.execute(select(Enrollment.customer_id, Enrollment.node_id)
                                    .where(Enrollment.journey_id == journey)).all())
        assert done[back] == "came_back"
        assert session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.journey_id == journey, Enrollment.status == "active",
            Enrollment.customer_id.in_(first_week))) == 0  # the first week's customers are all done
