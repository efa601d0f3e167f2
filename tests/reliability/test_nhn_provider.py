"""NHN Cloud (SMS API v3.0, KakaoTalk Bizmessage AlimTalk v2.3) against a local HTTP server answering the
JSON NHN documents: success, a refused number, bad credentials, the monthly limit, rate limiting, 5xx, a
timeout, a bulk send, an ad through the ad endpoint (labels not doubled), AlimTalk with SMS fallback;
and the way wired into the runner, the settings and `channel test`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

import main
from engine import config
from engine.channels import BY_NAME
from engine.delivery.adapters import nhn
from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult
from storage.models import OutboxMessage
from tests.conftest import ROOT
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build

APP, SECRET, SENDER_KEY = "app-sms-1", "secret-sms-7x", "a" * 40
SMS_PATH = f"/sms/v3.0/appKeys/{APP}/sender/sms"


def ok(results: list[dict[str, Any]], field: str = "sendResultList") -> dict[str, Any]:
    head = {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
    if field == "sendResults":
        return {"header": head, "message": {"requestId": "20260302-req", "sendResults": results}}
    return {"header": head, "body": {"data": {"requestId": "20260302-req", "statusCode": "2",
                                               "sendResultList": results}}}


def failed(code: int, message: str) -> dict[str, Any]:
    return {"header": {"isSuccessful": False, "resultCode": code, "resultMessage": message}, "body": None}


def echo_success(field: str = "sendResultList") -> Any:
    """Answer every recipient with success, as NHN does (recipientSeq from 1, the grouping key echoed)."""

    def handler(request: Request) -> Response:
        payload = request.get_json()
        results = [{"recipientSeq": seq, "recipientNo": item["recipientNo"], "resultCode": 0, "resultMessage": "SUCCESS",
                    "recipientGroupingKey": item.get("recipientGroupingKey")}
                   for seq, item in enumerate(payload["recipientList"], start=1)]
        return Response(json.dumps(ok(results, field)), content_type="application/json")

    return handler


@pytest.fixture
def api(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[HTTPServer]:
    url = httpserver.url_for("/").rstrip("/")
    monkeypatch.setattr(nhn, "SMS_URL", url)
    monkeypatch.setattr(nhn, "KAKAO_URL", url)
    yield httpserver


def sms(**kwargs: Any) -> nhn.NhnSms:
    settings = nhn.NhnSettings(app_key=APP, secret_key=SECRET, sender="02-1234-5678", title="단골상회")
    return nhn.NhnSms(settings, **kwargs)


def alimtalk() -> nhn.NhnAlimTalk:
    return nhn.NhnAlimTalk(nhn.NhnSettings(app_key="app-kakao-2", secret_key="secret-kakao-9", sender="02-1234-5678",
                                           sender_key=SENDER_KEY, title="단골상회"))


def message(key: str = "1:s0", body: str = "주문이 접수되었습니다.", recipient: str = "+821090001234",
            channel: str = "sms", is_ad: bool = False, subject: str = "") -> OutgoingMessage:
    return OutgoingMessage(key, channel, channel, recipient, subject, body, is_ad, 1)


def sent_json(server: HTTPServer, index: int = -1) -> dict[str, Any]:
    request, _ = server.log[index]
    return json.loads(request.get_data())


def test_an_sms_goes_to_the_sms_endpoint_with_the_secret_key_and_the_registered_sender(api: HTTPServer) -> None:
    api.expect_request(SMS_PATH, method="POST", headers={"X-Secret-Key": SECRET}).respond_with_handler(echo_success())
    result = sms().send(message())
    assert result == SendResult("20260302-req:1")
    payload = sent_json(api)
    assert payload["body"] == "주문이 접수되었습니다." and payload["sendNo"] == "0212345678"
    assert payload["recipientList"] == [{"recipientNo": "01090001234", "recipientGroupingKey": "1:s0"}]
    assert "title" not in payload


def test_a_long_text_goes_as_lms_with_a_title(api: HTTPServer) -> None:
    api.expect_request(f"/sms/v3.0/appKeys/{APP}/sender/mms", method="POST").respond_with_handler(echo_success())
    body = "가" * 46  # 92 bytes in EUC-KR: past an SMS
    assert sms().send(message(body=body)).provider_id == "20260302-req:1"
    payload = sent_json(api)
    assert payload["title"] == "단골상회" and payload["body"] == body


def test_an_ad_goes_through_the_ad_endpoint_labelled_once(api: HTTPServer) -> None:
    from engine.messaging.adlaw import ShopInfo

    shop = ShopInfo(name="단골상회", contact="02-1234-5678", optout_number="080-123-4567", email="", url="")
    _, body = BY_NAME["sms"].labelled("", "(광고) 봄 세일 10% 할인, 이번 주말까지 전 품목에 적용됩니다", True, shop)
    api.expect_request(f"/sms/v3.0/appKeys/{APP}/sender/ad-mms", method="POST").respond_with_handler(echo_success())
    sms().send(message(body=body, is_ad=True))
    sent = sent_json(api)["body"]
    assert sent.startswith("(광고)") and sent.count("(광고)") == 1  # NHN checks the labels; it adds none
    assert sent.rstrip().endswith("무료수신거부 080-123-4567") and sent.count("무료수신거부") == 1
    assert api.log[-1][0].path.endswith("/ad-mms")  # an LMS-length ad (the owner typed the prefix too)
    short = "(광고)단골\n세일\n무료수신거부 0801234567"
    api.expect_request(f"/sms/v3.0/appKeys/{APP}/sender/ad-sms", method="POST").respond_with_handler(echo_success())
    sms().send(message(body=short, is_ad=True))
    assert sent_json(api)["body"] == short and api.log[-1][0].path.endswith("/ad-sms")


def test_a_bulk_send_puts_up_to_1000_recipients_of_one_body_in_a_request(api: HTTPServer) -> None:
    api.expect_request(SMS_PATH, method="POST").respond_with_handler(echo_success())
    many = [message(f"{i}:s0", recipient=f"010-2000-{i:04d}") for i in range(2500)]
    many.append(message("other:s0", body="다른 본문"))
    results = sms().send_many(many)
    assert len(api.log) == 4  # 1,000 + 1,000 + 500 of one body, and 1 of the other
    sizes = [len(json.loads(request.get_data())["recipientList"]) for request, _ in api.log]
    assert sorted(sizes) == [1, 500, 1000, 1000]
    assert all(isinstance(result, SendResult) for result in results)
    assert results[1001].provider_id == "20260302-req:2"  # the second request's second recipient


def test_one_refused_number_in_a_bulk_request_fails_alone_with_the_reason_in_korean(api: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        items = request.get_json()["recipientList"]
        results = [{"recipientSeq": seq, "recipientNo": item["recipientNo"],
                    "resultCode": -2019 if seq == 2 else 0, "resultMessage": "RecipientNo is invalid." if seq == 2
                    else "SUCCESS", "recipientGroupingKey": item["recipientGroupingKey"]}
                   for seq, item in enumerate(items, start=1)]
        return Response(json.dumps(ok(results)), content_type="application/json")

    api.expect_request(SMS_PATH, method="POST").respond_with_handler(handler)
    results = sms().send_many([message("a"), message("b", recipient="010-9999-0000"), message("c")])
    assert isinstance(results[0], SendResult) and isinstance(results[2], SendResult)
    error = results[1]
    assert isinstance(error, SendError) and error.permanent and error.code == "bad_number"
    assert "전화번호가 올바르지 않습니다" in str(error)
    bad = sms().send_many([message("x", recipient="12")])[0]  # not a number at all: refused before any request
    assert isinstance(bad, SendError) and bad.permanent and len(api.log) == 1


@pytest.mark.parametrize(("answer", "status", "code", "permanent", "words"), [
    (failed(4, "Invalid parameter: body"), 200, "nhn_refused", True, "거절"),
    (failed(-2015, "Title or Body exceed maximum byte."), 200, "nhn_refused", True, "너무 깁니다"),
    (failed(-1000, "Invalid appKey."), 200, "nhn_login", False, "앱 키"),
    (failed(-2312, "Not regist sendno."), 200, "nhn_sender", False, "발신 번호"),
    (failed(-2052, "Blocked by organization message sending count exceed."), 200, "nhn_quota", False, "한도"),
    ({"header": {"isSuccessful": False, "resultCode": 429, "resultMessage": "Too many requests"}}, 429,
     "rate_limited", False, "속도"),
    ("<html>Bad Gateway</html>", 502, "provider_error", False, "서버 오류"),
    (failed(-9999, "System error."), 200, "provider_error", False, "시스템 오류"),
    ({"message": "Unauthorized"}, 401, "nhn_login", False, "시크릿 키"),
])
def test_each_documented_failure_is_permanent_or_temporary_with_a_korean_reason(
        api: HTTPServer, answer: Any, status: int, code: str, permanent: bool, words: str) -> None:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    api.expect_request(SMS_PATH, method="POST").respond_with_data(text, status=status, content_type="application/json")
    with pytest.raises(SendError) as caught:
        sms().send(message())
    error = caught.value
    assert (error.code, error.permanent, error.ambiguous) == (code, permanent, False)
    assert words in str(error) and SECRET not in str(error)


def test_a_provider_that_does_not_answer_in_time_is_a_temporary_timeout(api: HTTPServer) -> None:
    import httpx

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(json.dumps(ok([])), content_type="application/json")

    api.expect_request(SMS_PATH, method="POST").respond_with_handler(slow)
    with pytest.raises(SendError) as caught:
        sms(client=httpx.Client(timeout=0.2)).send(message())
    assert caught.value.code == "timeout" and not caught.value.permanent and "제때" in str(caught.value)


def test_alimtalk_sends_the_full_text_by_template_with_sms_fallback_and_the_idempotency_key(api: HTTPServer) -> None:
    path = "/alimtalk/v2.3/appkeys/app-kakao-2/raw-messages"
    api.expect_request(path, method="POST", headers={"X-Secret-Key": "secret-kakao-9"}).respond_with_handler(
        echo_success("sendResults"))
    long_body = "민지님, 주문하신 상품이 출발했습니다. " * 4
    results = alimtalk().send_many([
        message("7:s1", body="민지님, 주문이 접수되었습니다.", channel="kakao", subject="alimtalk:ORDER_01"),
        message("8:s1", body=long_body, channel="kakao", subject="alimtalk:ORDER_01"),
    ])
    assert [result.provider_id for result in results if isinstance(result, SendResult)] == ["20260302-req:1",
                                                                                              "20260302-req:2"]
    request, _ = api.log[-1]
    assert request.headers["X-NC-API-IDEMPOTENCY-KEY"]  # NHN refuses a repeat of this request for 10 minutes
    payload = json.loads(request.get_data())
    assert payload["senderKey"] == SENDER_KEY and payload["templateCode"] == "ORDER_01"
    first, second = payload["recipientList"]
    assert first["recipientNo"] == "01090001234" and first["content"] == "민지님, 주문이 접수되었습니다."
    assert first["resendParameter"] == {"isResend": True, "resendType": "SMS", "resendContent": first["content"],
                                        "resendSendNo": "0212345678"}
    assert second["resendParameter"]["resendType"] == "LMS" and second["resendParameter"]["resendTitle"] == "단골상회"
    single = alimtalk().send(message("9:s1", channel="kakao", subject="alimtalk:ORDER_01"))
    assert single.provider_id == "20260302-req:1"
    assert api.log[-1][0].headers["X-NC-API-IDEMPOTENCY-KEY"] == "9:s1"


def test_alimtalk_refuses_an_ad_and_a_missing_template_and_maps_its_own_codes(api: HTTPServer) -> None:
    ad, none = alimtalk().send_many([message("1", channel="kakao", subject="alimtalk:T1", is_ad=True),
                                     message("2", channel="kakao", subject="")])
    assert isinstance(ad, SendError) and ad.permanent and ad.code == "ad_alimtalk" and "광고" in str(ad)
    assert isinstance(none, SendError) and none.permanent and none.code == "no_template"
    assert api.log == []
    path = "/alimtalk/v2.3/appkeys/app-kakao-2/raw-messages"
    for answer, code, permanent in ((failed(-1001, "Invalid secretKey."), "nhn_login", False),
                                    (failed(-3010, "Not matched template."), "template", True)):
        api.clear()
        api.expect_request(path, method="POST").respond_with_json(answer)
        with pytest.raises(SendError) as caught:
            alimtalk().send(message("3", channel="kakao", subject="alimtalk:T1"))
        assert (caught.value.code, caught.value.permanent) == (code, permanent)
    api.clear()
    api.expect_request(path, method="POST").respond_with_json(failed(-1005, "The same key was used"))
    with pytest.raises(SendError) as caught:
        alimtalk().send(message("3", channel="kakao", subject="alimtalk:T1"))
    assert caught.value.ambiguous  # NHN already had it: held for review, never sent twice


# --- the way in the app: settings, the runner, `channel test` ---------------------------------------------


def configure(shop: Shop, url: str) -> None:
    with shop.db.session() as session:
        config.set_values(session, {
            "sms.provider": "nhn", "sms.nhn_app_key": APP, "sms.nhn_secret_key": SECRET, "sms.sender": "02-1234-5678",
            "kakao.provider": "nhn", "kakao.nhn_app_key": "app-kakao-2", "kakao.nhn_secret_key": "secret-kakao-9",
            "kakao.nhn_sender_key": SENDER_KEY,
        })


def test_the_runner_sends_sms_and_alimtalk_by_nhn_and_keeps_the_secret_out_of_the_database(
        shop: Shop, api: HTTPServer) -> None:
    from engine.runtime.run import Engine

    configure(shop, api.url_for("/"))
    api.expect_request(SMS_PATH, method="POST").respond_with_handler(echo_success())
    api.expect_request("/alimtalk/v2.3/appkeys/app-kakao-2/raw-messages",
                       method="POST").respond_with_handler(echo_success("sendResults"))
    build(shop, [("message.sms", {"is_ad": False, "body": "{{ customer.first_name }}님, 가입을 환영합니다.",
                                  "lateness": "send_late"}),
                 ("message.kakao", {"is_ad": False, "body": "{{ customer.first_name }}님, 가입이 완료되었습니다.",
                                    "template_code": "WELCOME_1", "template_text": "#{이름}님, 가입이 완료되었습니다.",
                                    "lateness": "send_late"})])
    for _ in range(3):
        shop.signup("2026-03-02 09:59", kakao=True)
    channels = main._channels(shop.db, shop.clock)
    assert isinstance(channels["sms"], nhn.NhnSms) and isinstance(channels["kakao"], nhn.NhnAlimTalk)
    shop.engine = Engine(shop.db, channels)
    assert shop.run("2026-03-02 10:00")["sent"] == 6
    with shop.db.session() as session:
        rows = session.execute(select(OutboxMessage.channel, OutboxMessage.status, OutboxMessage.provider_id,
                                      OutboxMessage.subject)).all()
    assert {(row.channel, row.status) for row in rows} == {("sms", "sent"), ("kakao", "sent")}
    assert all(row.provider_id.startswith("20260302-req:") for row in rows)
    assert {row.subject for row in rows if row.channel == "kakao"} == {"alimtalk:WELCOME_1"}  # the routing line
    paths = [request.path for request, _ in api.log]
    assert paths.count(SMS_PATH) == 3  # each body differs: one request each
    assert paths.count("/alimtalk/v2.3/appkeys/app-kakao-2/raw-messages") == 1  # one template: one bulk request
    dbfile = shop.db.url.removeprefix("sqlite:///")
    assert SECRET.encode() not in Path(dbfile).read_bytes()  # in the keyring, not the database


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_channel_test_logs_in_and_finds_the_sender_number_on_the_command_line(shop: Shop, api: HTTPServer) -> None:
    configure(shop, api.url_for("/"))
    numbers = {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
               "body": {"pageNum": 1, "pageSize": 15, "totalCount": 1,
                        "data": [{"serviceId": 71191, "sendNo": "0212345678", "useYn": "Y", "blockYn": "N"}]}}
    api.expect_request(f"/sms/v3.0/appKeys/{APP}/sendNos", method="GET",
                       headers={"X-Secret-Key": SECRET}).respond_with_json(numbers)
    env = {"DANGOL_NHN_SMS_URL": api.url_for("/").rstrip("/"), "DANGOL_NHN_KAKAO_URL": api.url_for("/").rstrip("/")}
    dbfile = shop.db.url.removeprefix("sqlite:///")
    done = cli("--db", dbfile, "channel", "test", "sms", env=env)
    assert done.returncode == 0 and done.stderr == "" and done.stdout.startswith("ok: ") and SECRET not in done.stdout
    with shop.db.session() as session:
        config.set_value(session, "sms.sender", "010-5555-6666")
    done = cli("--db", dbfile, "channel", "test", "sms", env=env)
    assert done.returncode == 2 and "등록되어 있지 않습니다" in done.stderr and SECRET not in done.stderr
    api.expect_request(f"/alimtalk/v2.3/appkeys/app-kakao-2/senders/{SENDER_KEY}", method="GET").respond_with_json(
        {"header": {"isSuccessful": False, "resultCode": -1001, "resultMessage": "Invalid secretKey."}})
    done = cli("--db", dbfile, "channel", "test", "kakao", env=env)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "secret-kakao-9" not in done.stderr
