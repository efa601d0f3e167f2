"""Kakao Brand Message (kakao_brand): one channel module, always an ad, with every ad rule and Kakao's own
20:50–08:00 block, sent through Solapi (BMS_FREE) and NHN Cloud (brand-message v1.0) against local servers
answering as their documentation shows; Aligo has no such API and choosing it is one clear line.

Real SQLite (the demo shop copied per test), the real delivery loop, time from a FixedClock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select, update
from werkzeug import Request, Response

import main
from engine import channels, config
from engine.channels import BY_NAME, CONSENTS
from engine.delivery.adapters import nhn, solapi, textapi
from engine.delivery.adapters.file import FileChannel
from engine.journey.registry import node_type
from engine.journey.validate import ValidationContext, validate
from engine.messaging.adlaw import ShopInfo
from engine.messaging.compose import compose
from engine.messaging.render import Renderer, RenderError
from engine.runtime.run import Engine
from engine.timeline import REASON_TEXT_KO
from storage.models import Consent, Customer, OutboxMessage
from tests.conftest import ROOT
from tests.reliability.provider_fakes import API_KEY, API_SECRET, PF_ID, SENDER, FakeSolapi
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import build

BRAND = {"is_ad": True, "body": "{{ customer.first_name }}님께만 드리는 봄 신상품 소식", "lateness": "send_late"}
APP, SECRET, SENDER_KEY = "app-kakao-2", "secret-kakao-9", "b" * 40
BRAND_PATH = f"/brand-message/v1.0/appkeys/{APP}/freestyle-messages"
SHOP = ShopInfo(name="단골상회", contact="02-123-4567", optout_number="080-123-4567")


def file_engine(shop: Shop) -> FileChannel:
    """The shop's engine with a folder for every channel, the brand message's included."""
    channel = shop.channel
    shop.engine = Engine(shop.db, {"sms": channel, "kakao": channel, "kakao_brand": channel, "email": channel,
                                   "owner": channel})
    return channel


def rows(shop: Shop, channel: str = "kakao_brand") -> list[Any]:
    with shop.db.session() as session:
        return list(session.execute(select(OutboxMessage).where(OutboxMessage.channel == channel)
                                    .order_by(OutboxMessage.id)).scalars())


def set_settings(shop: Shop, values: dict[str, Any]) -> None:
    with shop.db.session() as session:
        config.set_values(session, values)


# --- one module, read by every part ---------------------------------------------------------------------------


def test_the_channel_is_one_registered_module_every_part_reads() -> None:
    spec = BY_NAME["kakao_brand"]
    assert spec.label_ko == "카카오 브랜드 메시지(광고)" and spec.consent == "kakao" and spec.address == "phone"
    kind = node_type("message.kakao_brand")  # the palette's node, made from the spec
    assert kind.label_ko == "카카오 브랜드 메시지(광고)"
    assert next(p for p in kind.params if p.name == "is_ad").default is True  # a new node is an ad already
    assert {"kakao_brand.provider", "kakao_brand.cost_won"} <= {item.key for item in config.SPECS}
    assert channels.price_keys()["kakao_brand"] == "kakao_brand.cost_won"
    assert [w.name for w in spec.ways] == ["file", "webhook", "solapi", "nhn"]  # no Aligo
    assert "20:50" in REASON_TEXT_KO["kakao_closed"]  # the timeline says why a message waited
    assert CONSENTS == ("sms", "kakao", "email")  # the customer dialog shows the kakao consent once


def test_a_brand_message_is_always_labelled_as_an_ad() -> None:
    variables = {"customer": {"first_name": "지은"}}
    for is_ad in (True, False):  # even a node someone marked informational goes out as the ad it is
        made = compose("kakao_brand", {"is_ad": is_ad, "body": "{{ customer.first_name }}님, 봄 신상품 소식"},
                       variables, SHOP, Renderer())
        lines = made.body.split("\n")
        assert made.is_ad and made.kind == "kakao_brand" and made.cost_hint == 20
        assert lines[0] == "(광고)단골상회" and lines[1] == "지은님, 봄 신상품 소식"
        assert lines[-2:] == ["문의 02-123-4567", "무료수신거부 080-123-4567"]
    with pytest.raises(RenderError) as caught:  # the free-form text type holds 1,300 characters, labels included
        compose("kakao_brand", {"is_ad": True, "body": "가" * 1290}, variables, SHOP, Renderer())
    assert caught.value.code == "too_long"
    with pytest.raises(RenderError):  # no shop name or contact: no ad at all
        compose("kakao_brand", {"is_ad": True, "body": "소식"}, variables, ShopInfo(), Renderer())


def test_validation_refuses_an_informational_brand_message_and_asks_for_the_optout_number(shop: Shop) -> None:
    from engine.journey.model import Journey

    journey = Journey(name="브랜드")
    journey.add_node("trigger.signed_up", node_id="t")
    journey.add_node("message.kakao_brand", {"is_ad": False, "body": "{{ customer.first_name }}님, 신상품 소식"},
                     node_id="m")
    journey.add_node("exit", node_id="x")
    journey.connect("t", "out", "m")
    journey.connect("m", "out", "x")
    context = ValidationContext({"name": "단골상회", "contact": "02-123-4567", "optout_number": ""})
    issues = {issue.code: issue for issue in validate(journey, context)}
    assert issues["brand_not_ad"].is_error and "광고로만" in issues["brand_not_ad"].message("ko")
    assert "ad_optout_missing" in issues  # the free opt-out line is the law's, Kakao's 채널 차단 does not replace it
    journey.set_param("m", "is_ad", True)
    codes = {issue.code for issue in validate(journey, ValidationContext({**context.shop_settings,
                                                                         "optout_number": "080-123-4567"}))}
    assert codes == set()


# --- the ad rules and Kakao's block, in the delivery loop ----------------------------------------------------


def test_consent_is_read_at_send_time_and_an_optout_stops_the_next_message_at_once(shop: Shop) -> None:
    file_engine(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    agreed = shop.signup("2026-03-02 09:59", kakao=True)
    refused = shop.signup("2026-03-02 09:59", kakao=False)
    leaving = shop.signup("2026-03-02 09:59", kakao=True)
    shop.run("2026-03-02 10:00", deliver=False)  # queued, not sent yet
    with shop.db.session() as session:  # the third customer opts out of Kakao ads before the send
        session.execute(update(Consent).where(Consent.customer_id == leaving, Consent.channel == "kakao")
                        .values(granted=False, changed_at=at("2026-03-02 10:00"), source="optout"))
    summary = shop.run("2026-03-02 10:01")
    by_customer = {row.customer_id: row for row in rows(shop)}
    assert by_customer[agreed].status == "sent" and by_customer[agreed].is_ad
    assert (by_customer[refused].status, by_customer[refused].reason) == ("skipped", "no_consent")
    assert (by_customer[leaving].status, by_customer[leaving].reason) == ("skipped", "no_consent")
    assert summary["sent"] == 1
    assert by_customer[agreed].body.startswith("(광고)") and "무료수신거부" in by_customer[agreed].body


@pytest.mark.parametrize(("signup", "run", "night"), [
    ("2026-03-02 20:49", "2026-03-02 20:50", True),  # Kakao's block from 20:50, night consent or not
    ("2026-03-02 20:54", "2026-03-02 20:55", False),
    ("2026-03-02 21:29", "2026-03-02 21:30", False),
    ("2026-03-03 02:59", "2026-03-03 03:00", True),
])
def test_no_brand_message_between_2050_and_0800_even_with_night_consent(
        shop: Shop, signup: str, run: str, night: bool) -> None:
    before, until = "2026-03-03 07:59", "2026-03-03 08:00"
    channel = file_engine(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    shop.signup(signup, kakao=True, night=night)
    summary = shop.run(run)
    (row,) = rows(shop)
    assert (row.status, row.reason, summary["sent"]) == ("queued", "kakao_closed", 0)
    assert row.not_before == at(until) and row.due_at == at(until)
    assert shop.run(before)["sent"] == 0  # a minute before: still waiting
    assert shop.run(until)["sent"] == 1 and rows(shop)[0].status == "sent"
    assert len(list(channel.folder.glob("*"))) == 1


def test_before_2050_it_goes_and_other_channels_keep_their_own_rules(shop: Shop) -> None:
    file_engine(shop)
    set_settings(shop, {"rules.ad_cap_per_day": 0, "rules.ad_cap_per_week": 0})  # two ads a day, here
    sms_ad = {"is_ad": True, "body": "{{ customer.first_name }}님께 드리는 혜택", "lateness": "send_late"}
    build(shop, [("message.kakao_brand", BRAND), ("message.sms", sms_ad)])
    shop.signup("2026-03-02 20:44", kakao=True, night=True)
    assert shop.run("2026-03-02 20:45")["sent"] == 2  # 20:45: Kakao still takes it
    shop.signup("2026-03-02 20:54", kakao=True, night=True)
    summary = shop.run("2026-03-02 20:55")
    assert summary["sent"] == 1  # the SMS ad (night consent) goes; the brand message waits for 08:00
    assert rows(shop)[-1].reason == "kakao_closed" and rows(shop, "sms")[-1].status == "sent"


def test_the_owners_wider_quiet_hours_still_hold_an_ad_without_night_consent(shop: Shop) -> None:
    file_engine(shop)
    set_settings(shop, {"rules.quiet_start": "20:00", "rules.quiet_end": "09:00"})
    build(shop, [("message.kakao_brand", BRAND)])
    shop.signup("2026-03-02 20:54", kakao=True, night=False)
    shop.signup("2026-03-02 20:54", kakao=True, night=True)
    shop.run("2026-03-02 20:55")
    waiting = {row.customer_id: row.not_before for row in rows(shop)}
    assert sorted(waiting.values()) == [at("2026-03-03 08:00"), at("2026-03-03 09:00")]
    assert shop.run("2026-03-03 08:00")["sent"] == 1  # the one with night consent, at Kakao's opening
    assert shop.run("2026-03-03 09:00")["sent"] == 1  # the other at the end of the owner's quiet hours


def test_a_message_moved_past_the_block_is_skipped_when_the_pc_was_off_past_its_lateness_limit(shop: Shop) -> None:
    file_engine(shop)
    build(shop, [("message.kakao_brand", {**BRAND, "lateness": "skip_if_late", "lateness_hours": 1})])
    shop.signup("2026-03-02 20:54", kakao=True, night=True)
    shop.run("2026-03-02 20:55")
    assert rows(shop)[0].due_at == at("2026-03-03 08:00")  # moved like a quiet-hours message
    summary = shop.run("2026-03-03 10:30")  # the PC was off from 08:00: 2.5 hours late
    (row,) = rows(shop)
    assert (row.status, row.reason, summary["sent"]) == ("skipped", "late", 0)


# --- providers --------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_solapi(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeSolapi:
    fake = FakeSolapi(httpserver)
    monkeypatch.setattr(solapi, "BASE_URL", fake.url)
    return fake


def solapi_shop(shop: Shop) -> None:
    set_settings(shop, {"sms.provider": "solapi", "kakao.provider": "solapi", "kakao_brand.provider": "solapi",
                        "sms.sender": SENDER, "kakao.sender_key": PF_ID, "sms.api_key": API_KEY,
                        "sms.api_secret": API_SECRET})
    shop.engine = Engine(shop.db, main._channels(shop.db, shop.clock))


def digits(shop: Shop, customer_id: int) -> str:
    with shop.db.session() as session:
        return textapi.phone_digits(session.get(Customer, customer_id).phone)


def test_solapi_sends_a_free_form_text_brand_message_to_the_channels_friends(
        shop: Shop, fake_solapi: FakeSolapi) -> None:
    solapi_shop(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    customers = [shop.signup("2026-03-02 09:59", kakao=True) for _ in range(3)]
    assert shop.run("2026-03-02 10:00")["sent"] == 3
    messages = fake_solapi.messages()
    assert len(messages) == 3 and len(fake_solapi.requests) == 1  # one bulk request
    for message in messages:
        assert message["type"] == "BMS_FREE"
        assert message["kakaoOptions"] == {"pfId": PF_ID, "bms": {"targeting": "I", "chatBubbleType": "TEXT"}}
        assert message["text"].startswith("(광고)") and "\n무료수신거부 " in message["text"]
        assert message["from"] == "021234567"
    assert {m["to"] for m in messages} == {digits(shop, c) for c in customers}
    assert {row.status for row in rows(shop)} == {"sent"}


def test_solapi_a_refused_number_fails_that_message_alone(shop: Shop, fake_solapi: FakeSolapi) -> None:
    solapi_shop(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    customers = [shop.signup("2026-03-02 09:59", kakao=True) for _ in range(2)]
    fake_solapi.bad.add(digits(shop, customers[0]))
    shop.run("2026-03-02 10:00")
    first, second = rows(shop)
    assert (first.status, first.reason) == ("failed", "bad_phone") and "수신번호 형식 오류" in first.error
    assert second.status == "sent"


@pytest.mark.parametrize(("mode", "reason", "words"), [
    ("login", "provider_login", "API 키"),
    ("balance", "provider_balance", "잔액"),
    ("rate", "provider_rate", "요청이 너무 많다"),
    ("down", "provider_busy", "서버 오류(503)"),
])
def test_solapi_temporary_refusals_keep_the_brand_message_queued_then_send_it_once(
        shop: Shop, fake_solapi: FakeSolapi, mode: str, reason: str, words: str) -> None:
    solapi_shop(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    shop.signup("2026-03-02 09:59", kakao=True)
    fake_solapi.mode = mode
    assert shop.run("2026-03-02 10:00")["retried"] == 1
    (row,) = rows(shop)
    assert (row.status, row.reason) == ("queued", reason) and words in row.error and API_SECRET not in row.error
    fake_solapi.mode = "ok"
    assert shop.run("2026-03-02 10:01")["sent"] == 1
    shop.run("2026-03-02 12:00")
    assert len(fake_solapi.messages()) == 1


def test_solapi_no_answer_holds_the_brand_message_for_review(
        shop: Shop, fake_solapi: FakeSolapi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textapi, "TIMEOUT", httpx.Timeout(0.4, connect=0.4))
    solapi_shop(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    shop.signup("2026-03-02 09:59", kakao=True)
    fake_solapi.mode = "slow"
    assert shop.run("2026-03-02 10:00")["held"] == 1
    assert (rows(shop)[0].status, rows(shop)[0].reason) == ("held", "ambiguous_send")


class FakeNhnBrand:
    """NHN Cloud's brand-message v1.0 free-form endpoint as documented: header {isSuccessful, resultCode,
    resultMessage} and message {requestId, sendResults[{recipientSeq, recipientNo, resultCode, resultMessage}]}."""

    def __init__(self, server: HTTPServer) -> None:
        self.mode = "ok"
        self.bad: set[str] = set()
        self.requests: list[dict[str, Any]] = []
        server.expect_request(BRAND_PATH, method="POST").respond_with_handler(self._send)
        server.expect_request(f"/alimtalk/v2.3/appkeys/{APP}/senders/{SENDER_KEY}", method="GET").respond_with_json(
            {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
             "sender": {"plusFriendId": "@단골상회", "senderKey": SENDER_KEY, "status": "YSC03"}})

    @staticmethod
    def _head(code: int, text: str) -> dict[str, Any]:
        return {"isSuccessful": code == 0, "resultCode": code, "resultMessage": text}

    def _send(self, request: Request) -> Response:
        if request.headers.get("X-Secret-Key") != SECRET or self.mode == "login":
            return _json({"header": self._head(-1001, "Invalid secretKey.")})
        if self.mode == "rate":
            return _json({"header": self._head(429, "Too Many Requests")}, 429)
        if self.mode == "down":
            return Response("Service Unavailable", status=503)
        if self.mode == "slow":
            time.sleep(1.0)
        payload = request.get_json()
        if len(payload["content"]) > 1300:
            return _json({"header": self._head(-2024, "The 'content' is too long.")})
        self.requests.append(payload)
        results = [{"recipientSeq": seq, "recipientNo": item["recipientNo"],
                    "resultCode": -2019 if item["recipientNo"] in self.bad else 0,
                    "resultMessage": "Invalid recipientNo." if item["recipientNo"] in self.bad else "SUCCESS"}
                   for seq, item in enumerate(payload["recipientList"], start=1)]
        return _json({"header": self._head(0, "SUCCESS"),
                      "message": {"requestId": "20260302-brand", "sendResults": results}})


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


@pytest.fixture
def fake_nhn(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeNhnBrand:
    monkeypatch.setattr(nhn, "KAKAO_URL", httpserver.url_for("/").rstrip("/"))
    return FakeNhnBrand(httpserver)


def nhn_shop(shop: Shop) -> None:
    set_settings(shop, {"kakao_brand.provider": "nhn", "kakao.nhn_app_key": APP, "kakao.nhn_secret_key": SECRET,
                        "kakao.nhn_sender_key": SENDER_KEY})
    made = main._channels(shop.db, shop.clock)
    assert isinstance(made["kakao_brand"], nhn.NhnBrandMessage)
    shop.engine = Engine(shop.db, made)


def test_nhn_sends_one_content_to_many_friends_in_one_request(shop: Shop, fake_nhn: FakeNhnBrand) -> None:
    nhn_shop(shop)
    build(shop, [("message.kakao_brand", {**BRAND, "body": "봄 신상품이 나왔어요"})])  # one text for everyone
    customers = [shop.signup("2026-03-02 09:59", kakao=True) for _ in range(3)]
    assert shop.run("2026-03-02 10:00")["sent"] == 3
    (payload,) = fake_nhn.requests
    assert payload["senderKey"] == SENDER_KEY and payload["chatBubbleType"] == "TEXT"
    assert payload["content"].startswith("(광고)") and "무료수신거부" in payload["content"]
    assert {item["targeting"] for item in payload["recipientList"]} == {"I"}
    assert {item["recipientNo"] for item in payload["recipientList"]} == {digits(shop, c) for c in customers}
    assert {row.provider_id.split(":")[0] for row in rows(shop)} == {"20260302-brand"}


def test_nhn_a_refused_number_and_a_refused_text_fail_for_good(shop: Shop, fake_nhn: FakeNhnBrand) -> None:
    nhn_shop(shop)
    build(shop, [("message.kakao_brand", {**BRAND, "body": "봄 신상품이 나왔어요"})])
    customers = [shop.signup("2026-03-02 09:59", kakao=True) for _ in range(2)]
    fake_nhn.bad.add(digits(shop, customers[1]))
    shop.run("2026-03-02 10:00")
    first, second = rows(shop)
    assert first.status == "sent" and (second.status, second.reason) == ("failed", "nhn_refused")
    adapter = shop.engine.channels["kakao_brand"]
    from engine.delivery.adapters.base import OutgoingMessage, SendError

    (outcome,) = adapter.send_many([OutgoingMessage("k1", "kakao_brand", "kakao_brand", "+821090001234", "",
                                                    "(광고)" + "가" * 1400, True, 1)])
    assert isinstance(outcome, SendError) and outcome.permanent and "1,300" in str(outcome)


@pytest.mark.parametrize(("mode", "reason"), [("login", "nhn_login"), ("rate", "rate_limited"),
                                              ("down", "provider_error")])
def test_nhn_bad_credentials_rate_limit_and_5xx_keep_the_message_queued(
        shop: Shop, fake_nhn: FakeNhnBrand, mode: str, reason: str) -> None:
    """(NHN Cloud bills afterwards: it documents no balance error for Bizmessage.)"""
    nhn_shop(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    shop.signup("2026-03-02 09:59", kakao=True)
    fake_nhn.mode = mode
    assert shop.run("2026-03-02 10:00")["retried"] == 1
    (row,) = rows(shop)
    assert (row.status, row.reason) == ("queued", reason) and SECRET not in (row.error or "")
    fake_nhn.mode = "ok"
    assert shop.run("2026-03-02 10:01")["sent"] == 1 and len(fake_nhn.requests) == 1


def test_nhn_no_answer_is_held_for_review_not_sent_twice(
        shop: Shop, fake_nhn: FakeNhnBrand, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nhn, "TIMEOUT", httpx.Timeout(0.4, connect=0.4))
    nhn_shop(shop)
    build(shop, [("message.kakao_brand", BRAND)])
    shop.signup("2026-03-02 09:59", kakao=True)
    fake_nhn.mode = "slow"
    assert shop.run("2026-03-02 10:00")["held"] == 1
    fake_nhn.mode = "ok"
    shop.run("2026-03-03 10:00")
    assert rows(shop)[0].status == "held"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_aligo_is_not_offered_and_choosing_it_is_one_clear_line(shop: Shop, fake_nhn: FakeNhnBrand) -> None:
    dbfile = shop.db.url.removeprefix("sqlite:///")
    done = cli("--db", dbfile, "config", "set", "kakao_brand.provider", "aligo")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error: ") and "Aligo offers no Kakao Brand Message API" in done.stderr
    with shop.db.session() as session:
        assert config.get(session, "kakao_brand.provider") == "file"  # nothing stored
    # a database holding it anyway (by hand): the runner cannot start and says which setting
    with shop.db.session() as session:
        from storage.models import Setting

        session.add(Setting(key="kakao_brand.provider", value="aligo"))
    with pytest.raises(main.UsageError, match=r"kakao_brand\.provider is 'aligo'"):
        main._channels(shop.db, shop.clock)
    # the connection test and a test message by NHN, on the command line
    set_settings(shop, {"kakao_brand.provider": "nhn", "kakao.nhn_app_key": APP, "kakao.nhn_secret_key": SECRET,
                        "kakao.nhn_sender_key": SENDER_KEY})
    env = {"DANGOL_NHN_KAKAO_URL": nhn.KAKAO_URL}
    done = cli("--db", dbfile, "channel", "test", "kakao_brand", env=env)
    assert done.returncode == 0 and done.stdout.startswith("ok: ") and SECRET not in done.stdout + done.stderr
    done = cli("--db", dbfile, "--now", "2026-03-02T10:00", "channel", "send-test", "kakao_brand", "010-5555-6666",
               env=env)
    assert done.returncode == 0, done.stderr
    assert fake_nhn.requests[-1]["content"].startswith("(광고)")


def test_simulate_and_the_timeline_know_the_channel_from_the_registry(shop: Shop) -> None:
    from datetime import timedelta

    from engine.runtime.simulate import simulate
    from engine.timeline import timeline

    file_engine(shop)
    set_settings(shop, {"kakao_brand.cost_won": 23})
    journey_id = build(shop, [("message.kakao_brand", BRAND)])
    for _ in range(2):  # history the replay enters: sign-ups with a Kakao consent (and one without)
        shop.signup("2026-02-28 12:00", kakao=True)
    shop.signup("2026-02-28 12:00", kakao=False)
    result = simulate(shop.db, journey_id, at("2026-03-02 10:00") - timedelta(days=3), at("2026-03-02 10:00"))
    assert result.messages.get("kakao_brand", 0) >= 2
    assert result.cost_won >= 23 * result.messages["kakao_brand"]
    customer = shop.signup("2026-03-02 20:54", kakao=True, night=True)
    shop.run("2026-03-02 20:55")
    with shop.db.session() as session:
        story = [entry.text(at("2026-03-02 10:00").tzinfo, "ko") for entry in timeline(session, customer)]  # type: ignore[arg-type]
    assert any("카카오는 20:50~08:00에 브랜드 메시지를 보내지 않음" in line for line in story), story
