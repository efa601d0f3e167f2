"""Each node kind and each rule, with a fixed clock, on small journeys built with the model's API."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine import config
from engine import journey_store as store
from engine.journey import Journey
from engine.runtime.publish import PublishError, publish, set_paused
from storage.models import Customer, CustomerTag, Enrollment, OutboxMessage, StepLog
from tests.runtime.shop import Shop, at


def build(shop: Shop, steps: list[tuple[str, dict[str, Any]]], trigger: str = "trigger.signed_up",
          trigger_params: dict[str, Any] | None = None, goal: str | None = None, name: str = "테스트 여정",
          settings: dict[str, Any] | None = None, publish_it: bool = True) -> str:
    """trigger → steps in a line → exit; a step's port to the next one is `out` unless given as kind@port."""
    journey = Journey(name=name, settings=settings)
    previous = journey.add_node(trigger, trigger_params or {}, node_id="trigger").id
    port = "out"
    for index, (spec, params) in enumerate(steps):
        kind, _, next_port = spec.partition("@")
        node = journey.add_node(kind, params, node_id=f"s{index}")
        journey.connect(previous, port, node.id)
        previous, port = node.id, next_port or "out"
    journey.add_node("exit", node_id="end")
    journey.connect(previous, port, "end")
    if goal:
        journey.add_node("goal", {"event": goal}, node_id="goal")
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        if publish_it:
            publish(session, journey.id, shop.clock)
    return journey.id


AD = {"is_ad": True, "body": "{{ customer.first_name }}님께 드리는 혜택", "lateness": "send_late"}
INFO = {"is_ad": False, "body": "{{ customer.first_name }}님, 주문 안내입니다.", "lateness": "send_late"}


def logs(shop: Shop, customer_id: int) -> list[tuple[str, str | None]]:
    with shop.db.session() as session:
        return [(r.event, r.reason) for r in session.scalars(
            select(StepLog).where(StepLog.customer_id == customer_id).order_by(StepLog.at, StepLog.id))]


def test_wait_duration_then_message(shop: Shop) -> None:
    build(shop, [("wait.duration", {"duration": 3 * 24 * 60}), ("message.sms", AD)])
    customer = shop.signup("2026-03-02 10:30")
    assert shop.run("2026-03-02 10:31")["waiting"] == 1
    with shop.db.session() as session:
        enrollment = session.scalar(select(Enrollment).where(Enrollment.customer_id == customer))
        assert enrollment.node_id == "s0" and enrollment.wake_at == at("2026-03-05 10:30")
    assert shop.run("2026-03-05 10:29")["sent"] == 0
    assert shop.run("2026-03-05 10:30")["sent"] == 1
    assert ("waiting", None) in logs(shop, customer) and ("completed", "end_of_path") not in logs(shop, customer)


def test_wait_until_time_and_weekday(shop: Shop) -> None:
    build(shop, [("wait.until_time", {"time": "09:30", "weekdays": [4]}), ("message.sms", AD)])  # Friday
    customer = shop.signup("2026-03-02 10:00")  # a Monday
    shop.run("2026-03-02 10:01")
    with shop.db.session() as session:
        wake = session.scalar(select(Enrollment.wake_at).where(Enrollment.customer_id == customer))
    assert wake == at("2026-03-06 09:30")


def test_wait_business_days_skips_korean_holidays(shop: Shop) -> None:
    # 2026-03-01 (삼일절) is a Sunday, so Monday 2 March is a substitute holiday
    build(shop, [("wait.business_days", {"days": 1, "time": "10:00"}), ("message.sms", AD)])
    shop.clock.set(at("2026-02-27 09:00"))
    customer = shop.signup("2026-02-27 09:00")  # Friday
    shop.run("2026-02-27 09:01")
    with shop.db.session() as session:
        wake = session.scalar(select(Enrollment.wake_at).where(Enrollment.customer_id == customer))
    assert wake == at("2026-03-03 10:00")


def test_wait_until_date(shop: Shop) -> None:
    build(shop, [("wait.until_date", {"date": "2026-03-20", "time": "11:00"}), ("message.sms", AD)])
    customer = shop.signup("2026-03-02 10:30")
    shop.run("2026-03-02 10:31")
    assert shop.run("2026-03-20 11:00")["sent"] == 1
    assert shop.messages(customer)[0].due_at == at("2026-03-20 11:00")


def test_condition_branches_on_total_spent(shop: Shop) -> None:
    journey = Journey(name="VIP 감사")
    journey.add_node("trigger.order_placed", node_id="trigger")
    journey.add_node("condition", {"rules": [{"field": "total_spent", "op": "gte", "value": 300000}]}, node_id="c")
    journey.add_node("message.sms", {**INFO, "body": "VIP 감사"}, node_id="vip")
    journey.add_node("message.sms", {**INFO, "body": "감사"}, node_id="normal")
    journey.connect("trigger", "out", "c")
    journey.connect("c", "yes", "vip")
    journey.connect("c", "no", "normal")
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock)
    big = shop.signup("2026-03-02 10:00")
    small = shop.signup("2026-03-02 10:00")
    shop.order(big, "2026-03-02 11:00", amount=350_000)
    shop.order(small, "2026-03-02 11:00", amount=20_000)
    shop.run("2026-03-02 11:01")
    assert [m.body for m in shop.messages(big)] == ["VIP 감사"]
    assert [m.body for m in shop.messages(small)] == ["감사"]
    assert ("branch", "yes") in logs(shop, big) and ("branch", "no") in logs(shop, small)


def test_wait_for_event_with_timeout_both_exits(shop: Shop) -> None:
    build(shop, [("wait.event@event", {"event": "order_placed", "timeout": 3 * 24 * 60}),
                 ("message.sms", {**INFO, "body": "주문 고마워요"})])
    buyer = shop.signup("2026-03-02 10:00")
    idle = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    shop.order(buyer, "2026-03-03 12:00")
    assert shop.run("2026-03-03 12:01")["resumed_by_event"] == 1
    assert [m.body for m in shop.messages(buyer)] == ["주문 고마워요"]
    shop.run("2026-03-05 10:01")  # idle's three days are over: the timeout port has no edge → path ends
    with shop.db.session() as session:
        ends = dict(session.execute(select(Enrollment.customer_id, Enrollment.end_reason)).all())
    assert ends[idle] == "end_of_path" and shop.messages(idle) == []
    assert ("resumed", "timeout") in logs(shop, idle)
    from zoneinfo import ZoneInfo

    from engine.timeline import timeline

    with shop.db.session() as session:  # the timeline names the way out, not the delivery reason "timeout"
        lines = {lang: [entry.text(ZoneInfo("Asia/Seoul"), lang) for entry in timeline(session, idle)]
                 for lang in ("ko", "en")}
    assert any(line.endswith("다음 단계로 (시간 초과)") for line in lines["ko"]), lines["ko"]
    assert any(line.endswith("moved on (timed out)") for line in lines["en"]), lines["en"]
    assert not any("서버" in line or "server" in line for line in lines["ko"] + lines["en"])


def test_goal_exits_customers_wherever_they_are(shop: Shop) -> None:
    build(shop, [("wait.duration", {"duration": 2 * 24 * 60}), ("message.sms", AD)], goal="order_placed")
    buyer = shop.signup("2026-03-02 10:00")
    waiter = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    shop.order(buyer, "2026-03-03 09:00")
    assert shop.run("2026-03-03 09:01")["goals"] == 1
    shop.run("2026-03-04 10:01")
    assert shop.messages(buyer) == [] and len(shop.messages(waiter)) == 1
    with shop.db.session() as session:
        reason = session.scalar(select(Enrollment.end_reason).where(Enrollment.customer_id == buyer))
    assert reason == "goal_reached"


def test_actions_tag_field_coupon_and_owner_note(shop: Shop) -> None:
    build(shop, [("action.tag", {"op": "add", "tag": "웰컴"}), ("action.set_field", {"field": "등급메모", "value": "신규"}),
                 ("action.coupon", {"discount_type": "won", "amount": 3000, "code_prefix": "HI"}),
                 ("action.notify_owner", {"text": "새 가입: {{ customer.name }}"})])
    customer = shop.signup("2026-03-02 10:00", name="박하늘")
    shop.run("2026-03-02 10:01")
    with shop.db.session() as session:
        assert session.get(CustomerTag, (customer, "웰컴")) is not None
        assert session.get(Customer, customer).attributes == {"등급메모": "신규"}
        owner = session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "owner"))
    assert owner.recipient == "hello@dangol-demo.kr" and owner.status == "sent"


def test_random_split_arms_are_stable_and_near_their_shares(shop: Shop) -> None:
    journey = Journey(name="A/B")
    journey.add_node("trigger.signed_up", node_id="trigger")
    journey.add_node("split.random", {"a_percent": 30, "b_percent": 50, "holdout_percent": 20}, node_id="s")
    for arm in ("a", "b", "holdout"):
        journey.add_node("action.tag", {"tag": arm}, node_id=arm)
        journey.connect("s", arm, arm)
    journey.connect("trigger", "out", "s")
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock)
    customers = [shop.signup("2026-03-02 10:00") for _ in range(400)]
    shop.run("2026-03-02 10:05")
    with shop.db.session() as session:
        arms = dict(session.execute(select(Enrollment.customer_id, Enrollment.arm)
                                    .where(Enrollment.customer_id.in_(customers))).all())
    shares = {arm: sum(1 for a in arms.values() if a == arm) / len(customers) for arm in ("a", "b", "holdout")}
    assert abs(shares["a"] - 0.3) < 0.08 and abs(shares["b"] - 0.5) < 0.08 and abs(shares["holdout"] - 0.2) < 0.08


def test_frequency_cap_reschedules_or_skips(shop: Shop) -> None:
    build(shop, [("message.sms", AD)], name="하나")
    # the other two come a minute later, so which one is sent first is known
    build(shop, [("wait.duration", {"duration": 1}), ("message.sms", {**AD, "cap_policy": "reschedule"})], name="둘")
    build(shop, [("wait.duration", {"duration": 1}), ("message.sms", {**AD, "cap_policy": "skip"})], name="셋")
    customer = shop.signup("2026-03-02 10:00")
    summary = shop.run("2026-03-02 10:01")
    assert (summary["sent"], summary["deferred"], summary["skipped"]) == (1, 1, 1)
    statuses = sorted((m.status, m.reason or "") for m in shop.messages(customer))
    assert statuses == [("queued", "frequency_cap"), ("sent", ""), ("skipped", "frequency_cap")]
    moved = next(m for m in shop.messages(customer) if m.status == "queued")
    assert moved.not_before == at("2026-03-03 08:00")
    assert shop.run("2026-03-03 08:00")["sent"] == 1  # a new shop day: the cap starts over
    # informational messages are never capped
    build(shop, [("message.sms", INFO)], name="안내")
    other = shop.signup("2026-03-03 09:00")
    assert shop.run("2026-03-03 09:01")["sent"] >= 2 and all(m.status != "skipped" or m.is_ad
                                                            for m in shop.messages(other))


def test_the_cap_lets_the_earliest_due_ad_through_whatever_the_claim_order(shop: Shop) -> None:
    """Delivery claims due messages in id order (neighbouring pages), a customer's messages together, and
    applies the rules in due order: the ad due first is sent, even when the later one has the lower id."""
    from engine.delivery.dispatch import _claim_chunks, deliver_due

    assert _claim_chunks([(4, 1), (1, 1), (3, 3), (2, 2)], 2) == [[1, 2, 4], [3]]  # id 4 joins id 1 (customer 1)
    customer = shop.signup("2026-03-02 10:00")
    dues = {"later": "2026-03-02 10:30", "earlier": "2026-03-02 10:10"}
    with shop.db.session() as session:
        for key, due in dues.items():  # inserted in this order: the later one has the lower id
            session.add(OutboxMessage(idem_key=key, customer_id=customer, channel="sms", is_ad=True,
                                      recipient="+821012345678", body="(광고) 혜택", status="queued",
                                      not_before=at(due), due_at=at(due), lateness="send_late",
                                      lateness_hours=0, cost_won=20, created_at=at("2026-03-02 10:00")))
    for batch in (1, 500):
        summary = deliver_due(shop.db, type(shop.clock)(at("2026-03-02 11:00")), {"sms": shop.channel}, batch=batch)
        sent = {m.idem_key: (m.status, m.reason) for m in shop.messages(customer)}
        assert sent["earlier"] == ("sent", None) and sent["later"] == ("queued", "frequency_cap"), (batch, sent)
        assert summary.sent == 1
        with shop.db.session() as session:  # the same again with the larger claims
            for message in session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer)):
                message.status, message.reason, message.sent_at = "queued", None, None
                message.not_before = message.due_at = at(dues[message.idem_key])


def test_weekly_cap(shop: Shop) -> None:
    with shop.db.session() as session:
        config.set_value(session, "rules.ad_cap_per_week", "2")
    build(shop, [("message.sms", AD), ("wait.duration", {"duration": 24 * 60}), ("message.sms", AD),
                 ("wait.duration", {"duration": 24 * 60}), ("message.sms", AD)])
    customer = shop.signup("2026-03-02 10:00")
    for day in ("2026-03-02 10:01", "2026-03-03 10:01", "2026-03-04 10:01"):
        shop.run(day)
    statuses = [(m.node_id, m.status, m.reason) for m in shop.messages(customer)]
    assert statuses[:2] == [("s0", "sent", None), ("s2", "sent", None)]
    assert statuses[2][1:] == ("queued", "frequency_cap")


def test_consent_is_checked_when_sending_not_only_at_entry(shop: Shop) -> None:
    build(shop, [("message.sms", AD)])
    customer = shop.signup("2026-03-02 22:00")
    shop.run("2026-03-02 22:01")
    assert shop.messages(customer)[0].reason == "quiet_hours"
    shop.clock.set(at("2026-03-03 07:00"))
    shop.set_consent(customer, "sms", False)  # opted out during the night
    assert shop.run("2026-03-03 08:00")["skipped"] == 1
    assert (shop.messages(customer)[0].status, shop.messages(customer)[0].reason) == ("skipped", "no_consent")


def test_a_week_switched_off(shop: Shop) -> None:
    """Messages due while the PC was off: sent late, skipped when too stale, or moved, each by its policy."""
    build(shop, [("wait.duration", {"duration": 60}), ("message.sms", {**AD, "lateness": "skip_if_late",
                                                                       "lateness_hours": 24})], name="늦으면 건너뜀")
    build(shop, [("wait.duration", {"duration": 60}), ("message.sms", {**INFO, "lateness": "send_late"})],
          name="늦어도 보냄")
    build(shop, [("wait.duration", {"duration": 60}), ("message.email", {**INFO, "subject": "안내",
                                                                         "lateness": "next_window"})],
          name="다음 창")
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")  # they enter and wait an hour; then the PC is off for a week
    back = shop.run("2026-03-09 15:00")
    # the stale ad is settled as its step runs (never queued); the email is queued for its next window
    assert (back["queued"], back["skipped"], back["deferred"], back["sent"]) == (2, 1, 1, 1)
    by_journey = {m.channel + ("-ad" if m.is_ad else ""): m for m in shop.messages(customer)}
    assert (by_journey["sms-ad"].status, by_journey["sms-ad"].reason) == ("skipped", "late")
    assert by_journey["sms"].status == "sent"
    assert by_journey["email"].status == "queued" and by_journey["email"].reason == "late_moved"
    assert by_journey["email"].not_before == at("2026-03-10 11:00")  # the planned 11:00, next day
    assert shop.run("2026-03-10 11:00")["sent"] == 1
    texts = logs(shop, customer)
    assert ("skipped", "late") in texts and ("deferred", "late_moved") in texts
    # nothing was silently dropped: every message has a final state or a time to go
    assert all(m.status in {"sent", "skipped"} for m in shop.messages(customer))


def test_paused_journey_holds_messages_and_takes_no_one(shop: Shop) -> None:
    journey = build(shop, [("wait.duration", {"duration": 60}), ("message.sms", AD)])
    first = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    with shop.db.session() as session:
        set_paused(session, journey, shop.clock, True)
    shop.signup("2026-03-02 10:30")
    paused = shop.run("2026-03-02 12:00")
    assert paused["entered"] == 0 and paused["sent"] == 0
    assert [m.status for m in shop.messages(first)] == ["queued"]  # held while paused
    with shop.db.session() as session:
        set_paused(session, journey, shop.clock, False)
    resumed = shop.run("2026-03-02 12:01")
    assert resumed["sent"] == 1 and resumed["entered"] == 0  # sign-ups during the pause never enter


@pytest.mark.parametrize(("choice", "expected_version", "expected_status"),
                         [("stay", 1, "active"), ("move", 2, "active"), ("exit", 1, "exited")])
def test_publishing_a_new_version(shop: Shop, choice: str, expected_version: int, expected_status: str) -> None:
    journey_id = build(shop, [("wait.duration", {"duration": 24 * 60}), ("message.sms", AD)])
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    with shop.db.session() as session:
        journey = store.load(session, journey_id)
        journey.set_param("s1", "body", "새 버전 문구")
        store.save_draft(session, journey, shop.clock)
        result = publish(session, journey_id, shop.clock, on_change=choice)
        assert result.version == 2
        enrollment = session.scalar(select(Enrollment).where(Enrollment.customer_id == customer))
        from storage.models import JourneyVersion

        version = session.get(JourneyVersion, enrollment.version_id).version
    assert (version, enrollment.status) == (expected_version, expected_status)
    shop.run("2026-03-03 10:01")
    bodies = [m.body for m in shop.messages(customer)]
    if choice == "exit":
        assert bodies == []
    else:
        assert "새 버전 문구" in bodies[0] if choice == "move" else "혜택" in bodies[0]


def test_ad_journey_needs_shop_details_to_publish(shop: Shop) -> None:
    with shop.db.session() as session:
        config.set_value(session, "shop.optout_number", "")
    journey_id = build(shop, [("message.sms", AD)], publish_it=False)
    with shop.db.session() as session, pytest.raises(PublishError) as caught:
        publish(session, journey_id, shop.clock)
    assert "ad_optout_missing" in {issue.code for issue in caught.value.issues}


def test_unknown_variable_is_refused_at_publish_not_at_send(shop: Shop) -> None:
    journey_id = build(shop, [("message.sms", {**INFO, "body": "{{ customer.nickname }}님"})], publish_it=False)
    with shop.db.session() as session, pytest.raises(PublishError) as caught:
        publish(session, journey_id, shop.clock)
    assert [issue.code for issue in caught.value.issues] == ["unknown_variable"]


def test_exclusion_group_one_journey_per_day(shop: Shop) -> None:
    build(shop, [("message.sms", AD)], name="먼저", settings={"exclusion_group": "promo", "priority": 5})
    build(shop, [("message.sms", AD)], name="나중", settings={"exclusion_group": "promo"})
    customer = shop.signup("2026-03-02 10:00")
    summary = shop.run("2026-03-02 10:01")
    assert summary["entered"] == 1 and summary["entry_blocked"] == 1
    assert ("entry_blocked", "exclusion") in logs(shop, customer)


def test_two_passes_at_once_send_each_message_once(shop: Shop) -> None:
    import threading

    build(shop, [("message.sms", AD)])
    customers = [shop.signup("2026-03-02 10:00") for _ in range(60)]
    shop.clock.set(at("2026-03-02 10:05"))
    results: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: results.append(shop.engine.run_once(shop.clock))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 60
    assert sum(r["entered"] for r in results) == 60
    assert len(shop.sent_files()) == 60 and len(customers) == 60


def test_timeline_tells_the_story(shop: Shop) -> None:
    from zoneinfo import ZoneInfo

    from engine.timeline import timeline

    build(shop, [("wait.duration", {"duration": 60}), ("message.sms", AD)])
    customer = shop.signup("2026-03-02 20:30")
    shop.run("2026-03-02 20:31")
    shop.run("2026-03-02 21:31")
    shop.run("2026-03-03 08:00")
    with shop.db.session() as session:
        lines = [e.text(ZoneInfo("Asia/Seoul")) for e in timeline(session, customer)]
    joined = "\n".join(lines)
    for expected in ("entered the journey", "waits until 2026-03-02 21:30", "message prepared (SMS)",
                     "message delayed (ads are not sent 21:00–08:00)", "message sent"):
        assert expected in joined, joined
    assert lines[-1].startswith("2026-03-03 08:00")
    # the send is told by the outbox row, once; a database that also logged it as a step tells it once too
    assert joined.count("message sent") == 1
    sent = shop.messages(customer, status="sent")[0]
    with shop.db.session() as session:
        session.add(StepLog(at=sent.sent_at, customer_id=customer, journey_id=sent.journey_id, node_id=sent.node_id,
                            enrollment_id=sent.enrollment_id, event="sent", reason=None, detail={"channel": "sms"}))
    with shop.db.session() as session:
        lines = [e.text(ZoneInfo("Asia/Seoul")) for e in timeline(session, customer)]
    assert "\n".join(lines).count("message sent") == 1


def test_bulk_channel_gets_messages_in_requests_of_at_most_100(shop: Shop) -> None:
    from engine.delivery.adapters.base import SendError, SendResult
    from engine.runtime.run import Engine

    class Bulk:
        def __init__(self) -> None:
            self.requests: list[int] = []

        def send(self, message: Any) -> SendResult:
            raise AssertionError("a bulk channel gets send_many")

        def send_many(self, messages: list[Any]) -> list[SendResult | SendError]:
            self.requests.append(len(messages))
            return [SendError("bad_number", permanent=True) if m.recipient.endswith("0001") else SendResult("ok")
                    for m in messages]

    build(shop, [("message.sms", INFO)])
    for _ in range(150):
        shop.signup("2026-03-02 10:00")
    bulk = Bulk()
    summary = Engine(shop.db, {"sms": bulk, "email": bulk, "kakao": bulk, "owner": bulk}).run_once(shop.clock)
    assert sum(bulk.requests) == 150 and max(bulk.requests) <= 100
    assert summary["sent"] + summary["failed"] == 150


def test_conversions_count_orders_within_the_window_after_a_message(shop: Shop) -> None:
    from engine.runtime.stats import conversions, journey_numbers

    journey_id = build(shop, [("message.sms", AD)])
    buyer = shop.signup("2026-03-02 10:00")
    late = shop.signup("2026-03-02 10:00")
    shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    shop.order(buyer, "2026-03-04 12:00")
    shop.order(late, "2026-03-20 12:00")  # after the 7-day window
    with shop.db.session() as session:
        assert conversions(session, 7)[journey_id] == (3, 1)
        numbers = journey_numbers(session, journey_id)
    assert numbers.entered == 3 and numbers.node("s0").sent == 3
    assert (numbers.node("s0").reached, numbers.node("s0").converted) == (3, 1)
    with shop.db.session() as session:  # a wider window takes in the later order too
        assert journey_numbers(session, journey_id, conversion_days=30).node("s0").converted == 2


@pytest.mark.parametrize("email_at_night", [False, True])
def test_email_ads_wait_for_the_morning_unless_the_owner_uses_the_laws_email_exemption(shop: Shop,
                                                                                      email_at_night: bool) -> None:
    with shop.db.session() as session:
        config.set_value(session, "rules.email_ads_at_night", str(email_at_night).lower())
    build(shop, [("message.sms", AD), ("message.email", {**AD, "subject": "혜택 안내"})])
    customer = shop.signup("2026-03-02 22:00")
    shop.run("2026-03-02 22:01")
    email = ("email", "sent", None) if email_at_night else ("email", "queued", "quiet_hours")  # stricter by default
    assert {(m.channel, m.status, m.reason) for m in shop.messages(customer)} == {
        ("sms", "queued", "quiet_hours"), email}  # texts never: the law's night ban
