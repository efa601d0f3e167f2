"""Local stand-ins for Solapi and Aligo (pytest-httpserver), answering as their public documentation shows.

Each fake keeps the requests it got and has a `mode` a test switches: "ok", "login" (bad credentials),
"balance" (insufficient balance), "rate" (429), "down" (5xx), "slow" (answers after the client gave up).
Numbers in `bad` are refused one by one (a validation error on that message only).
"""

from __future__ import annotations

import hmac
import itertools
import json
import time
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API_KEY = "NCSTESTKEY0000001"
API_SECRET = "S3CR3T-solapi-0123456789abcdef"
ALIGO_USER = "dangolshop"
ALIGO_KEY = "aligo-key-0123456789"
SENDER = "02-123-4567"
PF_ID = "KA01PF0000000000000000000000TEST"
SLOW_SECONDS = 1.0


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


class FakeSolapi:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.mode = "ok"
        self.bad: set[str] = set()
        self.requests: list[dict[str, Any]] = []
        self.signatures: list[str] = []
        self._ids = itertools.count(1)
        server.expect_request("/messages/v4/send-many/detail", method="POST").respond_with_handler(self._send)
        server.expect_request("/cash/v1/balance", method="GET").respond_with_handler(self._balance)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def messages(self) -> list[dict[str, Any]]:
        return [message for request in self.requests for message in request["messages"]]

    def _signed(self, request: Request) -> bool:
        """The HMAC-SHA256 header as Solapi checks it: our key, a fresh date, hex HMAC(secret, date + salt)."""
        header = request.headers.get("Authorization", "")
        scheme, _, rest = header.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        if scheme != "HMAC-SHA256" or fields.get("apiKey") != API_KEY or len(fields.get("salt", "")) < 12:
            return False
        try:
            date = datetime.fromisoformat(fields["date"].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return False
        if abs(datetime.now(UTC) - date) > timedelta(minutes=15):
            return False
        expected = hmac.new(API_SECRET.encode(), (fields["date"] + fields["salt"]).encode(), sha256).hexdigest()
        self.signatures.append(fields["salt"])
        return hmac.compare_digest(expected, fields.get("signature", ""))

    def _refusal(self) -> Response | None:
        if self.mode == "login":
            return _json({"errorCode": "InvalidApiKey", "errorMessage": "유효하지 않은 API Key 입니다."}, 403)
        if self.mode == "balance":
            return _json({"errorCode": "NotEnoughBalance", "errorMessage": "잔액이 부족합니다."}, 402)
        if self.mode == "rate":
            return _json({"errorCode": "TooManyRequests", "errorMessage": "Too many requests"}, 429)
        if self.mode == "down":
            return _json({"errorCode": "InternalError", "errorMessage": "Internal Server Error"}, 503)
        if self.mode == "slow":
            time.sleep(SLOW_SECONDS)
        return None

    def _send(self, request: Request) -> Response:
        if not self._signed(request):
            return _json({"errorCode": "SignatureDoesNotMatch", "errorMessage": "signature가 일치하지 않습니다."}, 403)
        body = request.get_json()
        refusal = self._refusal()
        if refusal is not None:
            return refusal
        self.requests.append(body)
        accepted, failed = [], []
        for message in body["messages"]:
            entry = {"to": message["to"], "from": message["from"], "type": message.get("type"), "country": "82",
                     "messageId": f"M4V2026{next(self._ids):06d}", "customFields": message.get("customFields", {})}
            if message["to"] in self.bad:
                failed.append({**entry, "statusCode": "1062", "statusMessage": "수신번호 형식 오류"})
            else:
                accepted.append({**entry, "statusCode": "2000", "statusMessage": "정상 접수(이통사로 접수 예정) "})
        count = len(body["messages"])
        return _json({"failedMessageList": failed, "messageList": accepted if body.get("showMessageList") else None,
                      "groupInfo": {"groupId": "G4V2026TEST", "status": "SENDING",
                                    "count": {"total": count, "registeredFailed": len(failed),
                                              "registeredSuccess": count - len(failed)}}})

    def _balance(self, request: Request) -> Response:
        if not self._signed(request):
            return _json({"errorCode": "SignatureDoesNotMatch", "errorMessage": "signature가 일치하지 않습니다."}, 403)
        return self._refusal() or _json({"balance": 12345.6, "point": 300, "deposit": 0})


class FakeAligo:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.mode = "ok"
        self.bad: set[str] = set()
        self.sms: list[dict[str, str]] = []
        self.alimtalk: list[dict[str, str]] = []
        self.tokens = 0
        self._ids = itertools.count(700001)
        server.expect_request("/send/", method="POST").respond_with_handler(self._send)
        server.expect_request("/remain/", method="POST").respond_with_handler(self._remain)
        server.expect_request("/akv10/token/create/10/m/", method="POST").respond_with_handler(self._token)
        server.expect_request("/akv10/alimtalk/send/", method="POST").respond_with_handler(self._alimtalk)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def _authorised(self, form: Any, key: str, user: str) -> bool:
        return form.get(key) == ALIGO_KEY and form.get(user) == ALIGO_USER

    def _refusal(self, code_key: str) -> Response | None:
        if self.mode == "login":
            return _json({code_key: "-101", "message": "인증오류입니다."})
        if self.mode == "balance":
            return _json({code_key: "-201", "message": "잔액이 부족합니다. 충전 후 이용하세요."})
        if self.mode == "rate":
            return Response("Too Many Requests", status=429)
        if self.mode == "down":
            return Response("Bad Gateway", status=502)
        if self.mode == "slow":
            time.sleep(SLOW_SECONDS)
        return None

    def _send(self, request: Request) -> Response:
        form = request.form
        if not self._authorised(form, "key", "user_id"):
            return _json({"result_code": "-101", "message": "인증오류입니다."})
        refusal = self._refusal("result_code")
        if refusal is not None:
            return refusal
        if form["receiver"] in self.bad:
            return _json({"result_code": "-302", "message": f"수신번호({form['receiver']}) 형식이 올바르지 않습니다."})
        self.sms.append(dict(form))
        return _json({"result_code": "1", "message": "success", "msg_id": str(next(self._ids)), "success_cnt": 1,
                      "error_cnt": 0, "msg_type": form.get("msg_type", "SMS")})

    def _remain(self, request: Request) -> Response:
        if not self._authorised(request.form, "key", "user_id"):
            return _json({"result_code": "-101", "message": "인증오류입니다."})
        return self._refusal("result_code") or _json({"result_code": 1, "message": "", "SMS_CNT": 1234,
                                                      "LMS_CNT": 456, "MMS_CNT": 123})

    def _token(self, request: Request) -> Response:
        if not self._authorised(request.form, "apikey", "userid"):
            return _json({"code": -99, "message": "인증오류입니다. API 키를 확인하세요."})
        self.tokens += 1
        return _json({"code": 0, "message": "정상적으로 생성하였습니다.", "token": f"tok{self.tokens}",
                      "urlencode": f"tok{self.tokens}"})

    def _alimtalk(self, request: Request) -> Response:
        form = request.form
        if not self._authorised(form, "apikey", "userid") or not str(form.get("token", "")).startswith("tok"):
            return _json({"code": -99, "message": "인증오류입니다."})
        refusal = self._refusal("code")
        if refusal is not None:
            return refusal
        if form["receiver_1"] in self.bad:
            return _json({"code": -1, "message": "수신번호 형식이 올바르지 않습니다."})
        self.alimtalk.append(dict(form))
        return _json({"code": 0, "message": "성공적으로 전송요청 하였습니다.",
                      "info": {"type": "AT", "mid": next(self._ids), "current": "1000.5", "unit": 6.5, "total": 6.5,
                               "scnt": 1, "fcnt": 0}})
