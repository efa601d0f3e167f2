"""Consent re-confirmation from a journey (issue 13 §3): the date trigger's `consent_renewal` enters each
customer whose ad consent is two years old on that day, once per consent basis; the message can say since
when and to what; and a *sent* message re-confirms the consents it named (a failed or skipped one does not)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from pytest_httpserver import HTTPServer
from sqlalchemy import select, update

from engine.customers.consents import RECONFIRMED_SOURCE, reconfirmation_due
from engine.delivery.adapters.webhook import WebhookChannel
from engine.journey import Journey
from engine.journey.registry import DATE_KINDS, summarize
from engine.journey.validate import ValidationContext, codes, validate
from engine.runtime.run import Engine
from storage.models import Consent, ConsentEvent, Customer, Enrollment, OutboxMessage, StepLog
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import build

SEOUL = ZoneInfo("Asia/Seoul")
RENEWAL = {"date_kind": "consent_renewal", "time": "10:00"}
NOTICE = {
    "is_ad": False, "lateness": "send_late",
    "body": "[{{ shop.name }}] {{ customer.name }}님은 {{ consent.since }}에 {{ consent.channels }} 광고 수신에 "
            "동의하셨습니다. 정보통신망법에 따라 2년마다 수신 동의 여부를 알려드립니다. 수신을 원하지 않으시면 "
            "{{ shop.contact }}로 연락 주시면 수신거부 처리해 드립니다.",
}


def _journey(shop: Shop, steps: list[tuple[str, dict[str, object]]] | None = None) -> str:
    shop.clock.set(at("2026-05-08 09:00"))
    return build(shop, steps or [("message.sms", NOTICE)], trigger="trigger.date", trigger_params=RENEWAL,
                 settings={"reentry": "after_exit"}, name="수신 동의 재확인")


def _entries(shop: Shop, journey_id: str, customer_id: int) -> list[date]:
    with shop.db.session() as session:
        return sorted(entered.astimezone(SEOUL).date() for entered in session.scalars(
            select(Enrollment.entered_at).where(Enrollment.journey_id == journey_id,
                                                Enrollment.customer_id == customer_id)))


def _consent(shop: Shop, customer_id: int, channel: str) -> Consent:
    with shop.db.session() as session:
        row = session.get(Consent, (customer_id, channel))
        session.expunge_all()
        return row


def _due(shop: Shop, customer_id: int) -> list[str]:
    with shop.db.session() as session:
        return [d.channel for d in reconfirmation_due(session, shop.clock.now()) if d.customer_id == customer_id]


def test_the_date_kind_has_its_korean_label() -> None:
    choice = next(choice for choice in DATE_KINDS if choice.value == "consent_renewal")
    assert choice.label_ko == "수신 동의 2년 확인"
    assert summarize("trigger.date", RENEWAL, "ko") == "수신 동의 2년 확인 10:00"


def test_enters_on_the_due_day_once_and_a_sent_notice_reconfirms(shop: Shop) -> None:
    journey = _journey(shop)
    shop.clock.set(at("2024-05-10 15:00"))
    two_years = shop.signup("2024-05-10 15:00", sms=True, email=False, name="박두해")
    one_year = shop.signup("2025-05-10 15:00", sms=True, email=True, name="이한해")
    for day in ("2026-05-08", "2026-05-09"):
        shop.run(f"{day} 10:30")
        assert _entries(shop, journey, two_years) == [], f"entered before the due day ({day})"
    assert _due(shop, two_years) == []

    shop.run("2026-05-10 10:30")
    assert _entries(shop, journey, two_years) == [date(2026, 5, 10)]
    [message] = shop.messages(two_years)
    assert message.status == "sent"
    assert "2024년 5월 10일에 문자 광고 수신에" in message.body
    assert "박두해님" in message.body and "(광고)" not in message.body
    sent_at = message.sent_at
    assert sent_at == at("2026-05-10 10:30")
    sms = _consent(shop, two_years, "sms")
    assert sms.granted and sms.confirmed_at == sent_at
    assert _consent(shop, two_years, "email").confirmed_at is None  # not granted: nothing to confirm
    assert _due(shop, two_years) == []
    with shop.db.session() as session:
        events = session.execute(select(ConsentEvent.channel, ConsentEvent.granted, ConsentEvent.at).where(
            ConsentEvent.customer_id == two_years, ConsentEvent.source == RECONFIRMED_SOURCE)).all()
        assert events == [("sms", True, sent_at)]
        note = session.scalar(select(StepLog).where(StepLog.customer_id == two_years,
                                                    StepLog.reason == "consent_reconfirmed"))
        assert note is not None and note.detail["consents"] == "sms"

    shop.run("2026-05-10 11:30")  # a second pass the same day
    for day in range(11, 16):
        shop.run(f"2026-05-{day} 10:30")
    assert _entries(shop, journey, two_years) == [date(2026, 5, 10)]
    assert len(shop.messages(two_years)) == 1
    assert _entries(shop, journey, one_year) == []
    assert shop.messages(one_year) == []


def test_due_again_two_years_after_the_notice(shop: Shop) -> None:
    journey = _journey(shop)
    customer = shop.signup("2024-05-10 15:00", sms=True, email=True, kakao=True)
    shop.run("2026-05-10 10:30")
    [message] = shop.messages(customer)
    assert "문자, 이메일, 카카오톡" in message.body
    assert all(_consent(shop, customer, c).confirmed_at == message.sent_at for c in ("sms", "email", "kakao"))
    shop.run("2028-05-09 10:30")
    assert _entries(shop, journey, customer) == [date(2026, 5, 10)]
    shop.run("2028-05-10 10:30")  # two years after the notice: told again, since the last notice
    assert _entries(shop, journey, customer) == [date(2026, 5, 10), date(2028, 5, 10)]
    assert "2026년 5월 10일에" in shop.messages(customer)[-1].body


def test_a_refused_send_reconfirms_nothing(shop: Shop, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/send").respond_with_data("bad number", status=400)
    webhook = WebhookChannel(httpserver.url_for("/send"))
    shop.engine = Engine(shop.db, {"sms": webhook, "email": webhook, "kakao": webhook, "owner": webhook})
    journey = _journey(shop)
    customer = shop.signup("2024-05-10 15:00", sms=True, email=False)
    shop.run("2026-05-10 10:30")
    [message] = shop.messages(customer)
    assert message.status == "failed" and message.reason == "http_400"
    assert _consent(shop, customer, "sms").confirmed_at is None
    with shop.db.session() as session:
        assert session.scalar(select(ConsentEvent).where(ConsentEvent.source == RECONFIRMED_SOURCE,
                                                         ConsentEvent.customer_id == customer)) is None
    shop.run("2026-05-11 10:30")
    assert _entries(shop, journey, customer) == [date(2026, 5, 10)]  # the same basis never enters twice
    assert _due(shop, customer) == ["sms"]  # still listed: the owner sees who was not told


def test_a_skipped_notice_reconfirms_nothing(shop: Shop) -> None:
    _journey(shop)
    customer = shop.signup("2024-05-10 15:00", sms=True, email=False)
    with shop.db.session() as session:
        session.execute(update(Customer).where(Customer.id == customer).values(phone=""))
    shop.run("2026-05-10 10:30")
    [message] = shop.messages(customer)
    assert message.status == "skipped" and message.reason == "no_address"
    assert _consent(shop, customer, "sms").confirmed_at is None
    shop.clock.set(at("2026-05-10 15:00"))
    assert _due(shop, customer) == ["sms"]


def test_an_opt_out_before_the_send_is_kept(shop: Shop) -> None:
    """An informational notice still goes out, but a consent withdrawn meanwhile is not confirmed again."""
    _journey(shop, [("wait.duration", {"duration": 24 * 60}), ("message.sms", NOTICE)])
    customer = shop.signup("2024-05-10 15:00", sms=True, email=True)
    shop.run("2026-05-10 10:30")
    shop.clock.set(at("2026-05-10 12:00"))
    shop.set_consent(customer, "email", False)
    shop.run("2026-05-11 10:30")
    [message] = shop.messages(customer)
    assert message.status == "sent" and "문자, 이메일" in message.body
    assert _consent(shop, customer, "sms").confirmed_at == message.sent_at
    email = _consent(shop, customer, "email")
    assert not email.granted and email.confirmed_at is None


def test_a_renewal_outbox_key_is_marked_and_others_are_not(shop: Shop) -> None:
    _journey(shop)
    other = build(shop, [("message.sms", {"is_ad": False, "body": "안내입니다.", "lateness": "send_late"})])
    customer = shop.signup("2024-05-10 15:00", sms=True, email=False)
    shop.clock.set(at("2026-05-10 10:00"))
    newcomer = shop.signup("2026-05-10 10:00")
    shop.run("2026-05-10 10:30")
    with shop.db.session() as session:
        keys = dict(session.execute(select(OutboxMessage.customer_id, OutboxMessage.idem_key).where(
            OutboxMessage.customer_id.in_([customer, newcomer]))).all())
        assert session.scalar(select(OutboxMessage.journey_id).where(OutboxMessage.customer_id == newcomer)) == other
    assert keys[customer].endswith(":consent") and not keys[newcomer].endswith(":consent")
    assert _consent(shop, newcomer, "sms").confirmed_at is None  # an ordinary message confirms nothing


def _validated(trigger: str, params: dict[str, object], body: str, reentry: str = "after_exit") -> set[str]:
    journey = Journey(name="확인", settings={"reentry": reentry})
    journey.add_node(trigger, params, node_id="t")
    journey.add_node("message.sms", {"is_ad": False, "body": body}, node_id="m")
    journey.connect("t", "out", "m")
    return codes(validate(journey, ValidationContext(shop_settings={"name": "단골상회", "contact": "02-123-4567"})))


def test_consent_variables_only_after_the_renewal_trigger() -> None:
    assert _validated("trigger.date", RENEWAL, NOTICE["body"]) == set()  # the law's notice is not "promotional"
    assert "unknown_variable" in _validated("trigger.date", {"date_kind": "birthday"}, NOTICE["body"])
    assert "unknown_variable" in _validated("trigger.signed_up", {}, "{{ consent.since }}")
    assert "renewal_reentry" in _validated("trigger.date", RENEWAL, NOTICE["body"], reentry="never")
    assert "renewal_reentry" not in _validated("trigger.date", {"date_kind": "birthday"}, "생일 축하", reentry="never")


def test_the_due_day_follows_the_shop_calendar(shop: Shop) -> None:
    """Agreed late in the evening (shop time) two years ago: due that day, not the next (UTC is a day behind)."""
    journey = _journey(shop)
    customer = shop.signup("2024-05-10 23:30", sms=True, email=False)
    shop.run("2026-05-09 10:30")
    assert _entries(shop, journey, customer) == []
    shop.run("2026-05-10 10:30")
    assert _entries(shop, journey, customer) == [date(2026, 5, 10)]
    assert "2024년 5월 10일" in shop.messages(customer)[0].body
    assert shop.clock.now() - timedelta(days=1) < _consent(shop, customer, "sms").confirmed_at
