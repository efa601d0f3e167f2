"""SMS/LMS and AlimTalk through Solapi and Aligo, against local servers answering as their documentation shows
(tests/reliability/provider_fakes.py): the requests in the providers' formats (Solapi's HMAC signature checked
by the fake), a bulk request, AlimTalk with its SMS fallback, and every way a provider says no — a refused
message fails with its reason in Korean; bad credentials, an empty balance, a rate limit and a 5xx keep the
message queued for a retry; no answer holds it for review (never a second send on a guess)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select

import main
from engine import config
from engine.delivery.adapters import aligo, solapi, textapi
from engine.runtime.run import Engine
from storage.models import Customer, OutboxMessage
from tests.conftest import ROOT
from tests.reliability.provider_fakes import (
    ALIGO_KEY,
    ALIGO_USER,
    API_KEY,
    API_SECRET,
    PF_ID,
    SENDER,
    FakeAligo,
    FakeSolapi,
)
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build

INFO = {"is_ad": False, "body": "{{ customer.first_name }}님, 주문이 접수되었습니다.", "lateness": "send_late"}
LONG = {"is_ad": False, "lateness": "send_late",
        "body": "{{ customer.first_name }}님, 주문이 접수되었습니다. " + "배송은 영업일 기준 2~3일 걸립니다. " * 4}
KAKAO = {"is_ad": False, "lateness": "send_late", "template_code": "TPL_ORDER_01",
         "template_text": "#{고객명}님, 주문이 접수되었습니다.", "body": "{{ customer.first_name }}님, 주문이 접수되었습니다."}


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    made = HTTPServer(threaded=True)
    made.start()
    yield made
    made.clear()
    if made.is_running():
        made.stop()


@pytest.fixture
def fast_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textapi, "TIMEOUT", httpx.Timeout(0.4, connect=0.4))


def configure(shop: Shop, provider: str, **extra: str) -> None:
    values = {"sms.provider": provider, "kakao.provider": provider, "sms.sender": SENDER, "kakao.sender_key": PF_ID}
    if provider == "solapi":
        values.update({"sms.api_key": API_KEY, "sms.api_secret": API_SECRET})
    else:
        values.update({"sms.api_key": ALIGO_KEY, "aligo.user_id": ALIGO_USER})
    values.update(extra)
    with shop.db.session() as session:
        config.set_values(session, values)


def engine_for(shop: Shop) -> dict[str, Any]:
    channels = main._channels(shop.db, shop.clock)
    shop.engine = Engine(shop.db, channels)
    return channels


def outbox(shop: Shop, channel: str = "sms") -> list[Any]:
    with shop.db.session() as session:
        return list(session.execute(select(OutboxMessage.id, OutboxMessage.idem_key, OutboxMessage.status,
                                           OutboxMessage.reason, OutboxMessage.error, OutboxMessage.provider_id,
                                           OutboxMessage.recipient, OutboxMessage.cost_won)
                                    .where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)))


def digits(shop: Shop, customer_id: int) -> str:
    with shop.db.session() as session:
        return textapi.phone_digits(session.get(Customer, customer_id).phone)


@pytest.fixture
def fake_solapi(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeSolapi:
    fake = FakeSolapi(server)
    monkeypatch.setattr(solapi, "BASE_URL", fake.url)
    return fake


@pytest.fixture
def fake_aligo(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeAligo:
    fake = FakeAligo(server)
    monkeypatch.setattr(aligo, "SMS_URL", fake.url)
    monkeypatch.setattr(aligo, "KAKAO_URL", fake.url)
    return fake


# --- Solapi ------------------------------------------------------------------------------------------------


def test_solapi_sends_sms_and_lms_in_bulk_signed_with_hmac(shop: Shop, fake_solapi: FakeSolapi) -> None:
    configure(shop, "solapi")
    build(shop, [("message.sms", INFO), ("message.sms", LONG)])
    customers = [shop.signup("2026-03-02 09:59") for _ in range(3)]
    engine_for(shop)
    summary = shop.run("2026-03-02 10:00")
    assert summary["sent"] == 6
    messages = fake_solapi.messages()
    assert len(messages) == 6 and len(fake_solapi.requests) < 6  # many messages a request (send_many)
    assert len(set(fake_solapi.signatures)) == len(fake_solapi.signatures)  # a fresh salt each request
    rows = outbox(shop)
    by_key = {message["customFields"]["dangolKey"]: message for message in messages}
    assert set(by_key) == {row.idem_key for row in rows}  # our key rides along with each message
    short = [m for m in messages if m["type"] == "SMS"]
    long = [m for m in messages if m["type"] == "LMS"]
    assert len(short) == 3 and len(long) == 3 and "주문이 접수되었습니다." in short[0]["text"]
    assert {m["to"] for m in messages} == {digits(shop, c) for c in customers}
    assert {m["from"] for m in messages} == {"021234567"}  # the registered sender number, digits only
    assert all(row.status == "sent" and row.provider_id.startswith("M4V2026") for row in rows)


def test_solapi_a_refused_number_fails_that_message_only_with_the_reason_in_korean(
        shop: Shop, fake_solapi: FakeSolapi) -> None:
    configure(shop, "solapi")
    build(shop, [("message.sms", INFO)])
    customers = [shop.signup("2026-03-02 09:59") for _ in range(3)]
    fake_solapi.bad.add(digits(shop, customers[1]))
    engine_for(shop)
    summary = shop.run("2026-03-02 10:00")
    rows = outbox(shop)
    assert [row.status for row in rows] == ["sent", "failed", "sent"] and summary["failed"] == 1
    assert rows[1].reason == "bad_phone" and "수신번호 형식 오류" in rows[1].error and "솔라피" in rows[1].error
    shop.run("2026-03-03 10:00")
    assert len(fake_solapi.messages()) == 3  # a permanent refusal is not tried again


@pytest.mark.parametrize(("mode", "reason", "words"), [
    ("login", "provider_login", "API 키"),
    ("balance", "provider_balance", "잔액"),
    ("rate", "provider_rate", "요청이 너무 많다"),
    ("down", "provider_busy", "서버 오류(503)"),
])
def test_solapi_temporary_refusals_keep_the_message_queued_then_send_it_once(
        shop: Shop, fake_solapi: FakeSolapi, mode: str, reason: str, words: str) -> None:
    configure(shop, "solapi")
    build(shop, [("message.sms", INFO)])
    shop.signup("2026-03-02 09:59")
    engine_for(shop)
    fake_solapi.mode = mode
    assert shop.run("2026-03-02 10:00")["retried"] == 1
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("queued", reason) and words in row.error
    assert API_SECRET not in row.error and API_KEY not in row.error
    fake_solapi.mode = "ok"
    assert shop.run("2026-03-02 10:01")["sent"] == 1  # after the first backoff
    shop.run("2026-03-02 12:00")
    assert len(fake_solapi.messages()) == 1 and outbox(shop)[0].status == "sent"


def test_solapi_a_wrong_secret_is_caught_by_the_signature(shop: Shop, fake_solapi: FakeSolapi) -> None:
    configure(shop, "solapi", **{"sms.api_secret": "not-the-secret"})
    build(shop, [("message.sms", INFO)])
    shop.signup("2026-03-02 09:59")
    engine_for(shop)
    shop.run("2026-03-02 10:00")
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("queued", "provider_login") and fake_solapi.messages() == []


def test_solapi_no_answer_holds_the_message_for_review_and_a_dead_server_is_retried(
        shop: Shop, fake_solapi: FakeSolapi, fast_timeout: None, server: HTTPServer) -> None:
    configure(shop, "solapi")
    build(shop, [("message.sms", INFO)])
    shop.signup("2026-03-02 09:59")
    shop.signup("2026-03-02 09:59")
    engine_for(shop)
    fake_solapi.mode = "slow"
    summary = shop.run("2026-03-02 10:00")
    assert summary["held"] == 2  # one request, two messages the provider may have
    assert {(row.status, row.reason) for row in outbox(shop)} == {("held", "ambiguous_send")}
    assert "확인" in outbox(shop)[0].error
    fake_solapi.mode = "ok"
    shop.run("2026-03-03 10:00")
    assert {row.status for row in outbox(shop)} == {"held"}  # never sent again on a guess
    # a server that is not there: nothing went out, so it is simply tried again
    server.stop()
    shop.signup("2026-03-03 10:00")
    summary = shop.run("2026-03-03 10:01")
    assert summary["retried"] == 1 and outbox(shop)[-1].reason == "provider_unreachable"


def test_solapi_alimtalk_with_and_without_the_sms_fallback(shop: Shop, fake_solapi: FakeSolapi) -> None:
    configure(shop, "solapi")
    build(shop, [("message.kakao", KAKAO), ("message.kakao", {**KAKAO, "fallback_sms": False})])
    customer = shop.signup("2026-03-02 09:59")  # no Kakao consent: AlimTalk is informational
    engine_for(shop)
    assert shop.run("2026-03-02 10:00")["sent"] == 2
    first, second = fake_solapi.messages()
    assert first["type"] == "ATA" and first["to"] == digits(shop, customer) and first["from"] == "021234567"
    assert first["kakaoOptions"] == {"pfId": PF_ID, "templateId": "TPL_ORDER_01", "disableSms": False}
    assert first["text"].endswith("님, 주문이 접수되었습니다.")  # the whole approved text, filled in
    assert second["kakaoOptions"]["disableSms"] is True
    assert [row.status for row in outbox(shop, "kakao")] == ["sent", "sent"]


# --- Aligo -------------------------------------------------------------------------------------------------


def test_aligo_sends_sms_and_lms_by_its_form_api(shop: Shop, fake_aligo: FakeAligo) -> None:
    configure(shop, "aligo")
    build(shop, [("message.sms", INFO), ("message.sms", LONG)])
    customer = shop.signup("2026-03-02 09:59")
    engine_for(shop)
    assert shop.run("2026-03-02 10:00")["sent"] == 2
    short, long = fake_aligo.sms
    assert short["msg_type"] == "SMS" and long["msg_type"] == "LMS"
    assert short["receiver"] == digits(shop, customer) and short["sender"] == "021234567"
    assert short["key"] == ALIGO_KEY and short["user_id"] == ALIGO_USER and "주문이 접수되었습니다." in short["msg"]
    assert [row.provider_id for row in outbox(shop)] == ["700001", "700002"]


def test_aligo_a_refused_number_fails_with_aligos_reason(shop: Shop, fake_aligo: FakeAligo) -> None:
    configure(shop, "aligo")
    build(shop, [("message.sms", INFO)])
    customers = [shop.signup("2026-03-02 09:59") for _ in range(2)]
    fake_aligo.bad.add(digits(shop, customers[0]))
    engine_for(shop)
    shop.run("2026-03-02 10:00")
    rows = outbox(shop)
    assert [row.status for row in rows] == ["failed", "sent"]
    assert rows[0].reason == "bad_phone" and "수신번호(…) 형식이 올바르지 않습니다" in rows[0].error
    assert digits(shop, customers[0]) not in rows[0].error  # the provider's words, without the number


@pytest.mark.parametrize(("mode", "reason", "words"), [
    ("login", "provider_login", "API 키"),
    ("balance", "provider_balance", "잔액"),
    ("rate", "provider_rate", "요청이 너무 많다"),
    ("down", "provider_busy", "서버 오류(502)"),
])
def test_aligo_temporary_refusals_keep_the_message_queued_then_send_it_once(
        shop: Shop, fake_aligo: FakeAligo, mode: str, reason: str, words: str) -> None:
    configure(shop, "aligo")
    build(shop, [("message.sms", INFO)])
    shop.signup("2026-03-02 09:59")
    engine_for(shop)
    fake_aligo.mode = mode
    assert shop.run("2026-03-02 10:00")["retried"] == 1
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("queued", reason) and words in row.error and ALIGO_KEY not in row.error
    fake_aligo.mode = "ok"
    assert shop.run("2026-03-02 10:01")["sent"] == 1
    shop.run("2026-03-02 12:00")
    assert len(fake_aligo.sms) == 1


def test_aligo_no_answer_holds_the_message_for_review(shop: Shop, fake_aligo: FakeAligo, fast_timeout: None) -> None:
    configure(shop, "aligo")
    build(shop, [("message.sms", INFO)])
    shop.signup("2026-03-02 09:59")
    engine_for(shop)
    fake_aligo.mode = "slow"
    assert shop.run("2026-03-02 10:00")["held"] == 1
    fake_aligo.mode = "ok"
    shop.run("2026-03-03 10:00")
    (row,) = outbox(shop)
    assert (row.status, row.reason) == ("held", "ambiguous_send")


def test_aligo_alimtalk_with_failover_to_sms_and_its_cost(shop: Shop, fake_aligo: FakeAligo) -> None:
    configure(shop, "aligo")
    build(shop, [("message.kakao", KAKAO), ("message.kakao", {**KAKAO, "fallback_sms": False})])
    customer = shop.signup("2026-03-02 09:59")
    engine_for(shop)
    assert shop.run("2026-03-02 10:00")["sent"] == 2
    first, second = fake_aligo.alimtalk
    assert fake_aligo.tokens == 1  # one token for the pass
    assert (first["senderkey"], first["tpl_code"], first["sender"]) == (PF_ID, "TPL_ORDER_01", "021234567")
    assert first["receiver_1"] == digits(shop, customer) and first["message_1"].endswith("님, 주문이 접수되었습니다.")
    assert first["failover"] == "Y" and first["fmessage_1"] == first["message_1"]  # the same text as SMS
    assert "failover" not in second and "fmessage_1" not in second
    rows = outbox(shop, "kakao")
    assert [row.cost_won for row in rows] == [7, 7]  # Aligo reports 6.5 won a message


def test_kakao_and_sms_must_use_the_same_provider_account(shop: Shop) -> None:
    from engine import channels

    configure(shop, "aligo", **{"kakao.provider": "solapi", "sms.api_secret": API_SECRET})
    with shop.db.session() as session, pytest.raises(channels.ChannelSetupError) as caught:
        channels.build_senders(lambda key: config.get(session, key), shop.folder, shop.clock.now, ["kakao"])
    assert "같은 발송 서비스" in caught.value.ko


# --- the command line: channel test / send-test ------------------------------------------------------------


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_channel_test_and_send_test_for_solapi_on_the_command_line(shop: Shop, fake_solapi: FakeSolapi) -> None:
    configure(shop, "solapi")
    dbfile = shop.db.url.removeprefix("sqlite:///")
    env = {"DANGOL_SOLAPI_URL": fake_solapi.url}
    done = cli("--db", dbfile, "channel", "test", "sms", env=env)
    assert done.returncode == 0 and done.stdout.startswith("ok: connected to Solapi"), done.stderr
    assert len(done.stdout.strip().splitlines()) == 1 and fake_solapi.messages() == []
    done = cli("--db", dbfile, "channel", "test", "kakao", env=env)
    assert done.returncode == 0, done.stderr
    done = cli("--db", dbfile, "channel", "send-test", "sms", "010-5555-1234", env=env)
    assert done.returncode == 0 and done.stdout.startswith("ok: Text messages: test message sent"), done.stderr
    assert "5555" not in done.stdout
    (test,) = fake_solapi.messages()
    assert test["to"] == "01055551234" and "테스트" in test["text"] and test["type"] == "SMS"
    done = cli("--db", dbfile, "channel", "send-test", "kakao", "010-5555-1234", env=env)
    assert done.returncode == 2 and "승인한 템플릿" in done.stderr and len(fake_solapi.messages()) == 1
    fake_solapi.mode = "login"
    done = cli("--db", dbfile, "channel", "test", "sms", env=env)
    assert done.returncode == 2 and done.stderr.startswith("error: sms:") and "API 키" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and API_SECRET not in done.stderr and API_KEY not in done.stderr


def test_channel_test_and_send_test_for_aligo_on_the_command_line(shop: Shop, fake_aligo: FakeAligo) -> None:
    configure(shop, "aligo")
    dbfile = shop.db.url.removeprefix("sqlite:///")
    env = {"DANGOL_ALIGO_URL": fake_aligo.url, "DANGOL_ALIGO_KAKAO_URL": fake_aligo.url}
    done = cli("--db", dbfile, "channel", "test", "sms", env=env)
    assert done.returncode == 0 and done.stdout.startswith("ok: connected to Aligo"), done.stderr
    done = cli("--db", dbfile, "channel", "test", "kakao", env=env)
    assert done.returncode == 0 and fake_aligo.tokens == 1, done.stderr
    done = cli("--db", dbfile, "channel", "send-test", "sms", "01055551234", env=env)
    assert done.returncode == 0, done.stderr
    assert [m["receiver"] for m in fake_aligo.sms] == ["01055551234"]
    fake_aligo.mode = "balance"
    done = cli("--db", dbfile, "channel", "send-test", "sms", "01055551234", env=env)
    assert done.returncode == 2 and "잔액" in done.stderr and ALIGO_KEY not in done.stderr
    assert "01055551234" not in done.stderr
