"""Aligo (smartsms.aligo.in): SMS/LMS by its form API, KakaoTalk AlimTalk by its kakao API (akv10).

Text messages: `POST https://apis.aligo.in/send/` (form fields `key`, `user_id`, `sender` — a number
registered at Aligo —, `receiver`, `msg`, `msg_type` SMS or LMS by EUC-KR bytes, `title` for an LMS).
The answer is JSON with `result_code` (1 = accepted; below 0 = refused, `message` saying why in Korean)
and `msg_id`. The connection test asks `POST /remain/` (messages the balance still pays for).

AlimTalk: `POST https://kakaoapi.aligo.in/akv10/alimtalk/send/` with `apikey`, `userid`, a `token` made by
`/akv10/token/create/10/m/`, `senderkey` (the Kakao channel's sending profile key), `tpl_code`, `sender`,
`receiver_1`, `subject_1`, `message_1` (the whole approved text, filled in), and with the fallback
`failover=Y`, `fsubject_1`, `fmessage_1`: Aligo sends the same text as SMS/LMS when AlimTalk fails. The
answer has `code` (0 = accepted) and `info` {mid, unit (won a message), …}.

Aligo answers HTTP 200 for refusals too; what a refusal means is read from its Korean `message`
(authentication → the owner's key; balance → top up; anything else → the message is refused). Neither API
takes an idempotency key; `send_mass` (one request, many texts) answers only with counts, so a partial
failure could not be pinned on a message: each message is its own request.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from engine.delivery.adapters import textapi
from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult
from engine.messaging.sms import SMS_MAX, euckr_length

SMS_URL = "https://apis.aligo.in"  # tests point these at a local server (or set DANGOL_ALIGO_URL…)
KAKAO_URL = "https://kakaoapi.aligo.in"
NAME = "알리고"
TOKEN_SECONDS = 540  # a token lives 10 minutes; made again a minute early
ALIMTALK_SUBJECT = "안내"  # Aligo asks for a title; Kakao shows it only for emphasised templates


def sms_url() -> str:
    return (os.environ.get("DANGOL_ALIGO_URL") or SMS_URL).rstrip("/")


def kakao_url() -> str:
    return (os.environ.get("DANGOL_ALIGO_KAKAO_URL") or KAKAO_URL).rstrip("/")


@dataclass(frozen=True)
class AligoSettings:
    user_id: str
    api_key: str
    sender: str
    sender_key: str = ""  # the Kakao channel's sending profile key (AlimTalk only)

    def __repr__(self) -> str:  # never the key
        return f"AligoSettings(user_id=…, api_key=…, sender=…, sender_key={'set' if self.sender_key else 'empty'})"


_LOGIN_WORDS = ("인증", "API", "아이디", "키", "토큰", "IP")
_BALANCE_WORDS = ("잔액", "잔여", "포인트", "충전", "건수")


def _refusal(code: int, text: str) -> SendError:
    if code == -101 or any(word in text for word in _LOGIN_WORDS):
        return textapi.login_failed(NAME, text)
    if code == -201 or any(word in text for word in _BALANCE_WORDS):
        return textapi.balance_empty(NAME, text)
    if "수신" in text and "번호" in text:
        return textapi.refused(NAME, text, "bad_phone")
    return textapi.refused(NAME, text)


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default


class AligoChannel:
    """SMS/LMS through Aligo's form API."""

    def __init__(self, settings: AligoSettings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(timeout=textapi.TIMEOUT)

    def _auth(self) -> dict[str, str]:
        return {"key": self.settings.api_key, "user_id": self.settings.user_id}

    def send(self, message: OutgoingMessage) -> SendResult:
        form = {**self._auth(), "sender": textapi.phone_digits(self.settings.sender),
                "receiver": textapi.phone_digits(message.recipient), "msg": message.body}
        if euckr_length(message.body) <= SMS_MAX:
            form["msg_type"] = "SMS"
        else:
            form["msg_type"] = "LMS"
            if message.subject:
                form["title"] = message.subject
        response = textapi.post(self.client, NAME, f"{sms_url()}/send/", data=form)
        data = textapi.json_of(NAME, response)
        code = _int(data.get("result_code"), -1)
        if code < 0 or response.status_code >= 400:
            raise _refusal(code, str(data.get("message") or f"HTTP {response.status_code}"))
        return SendResult(str(data.get("msg_id") or message.idem_key))

    def check(self) -> str:
        """What the balance still pays for; SendError when the key is refused."""
        response = textapi.post(self.client, NAME, f"{sms_url()}/remain/", data=self._auth())
        data = textapi.json_of(NAME, response)
        code = _int(data.get("result_code"), -1)
        if code < 0:
            raise _refusal(code, str(data.get("message") or ""))
        return f"SMS {_int(data.get('SMS_CNT'), 0):,}건, LMS {_int(data.get('LMS_CNT'), 0):,}건"

    def end_batch(self) -> None:
        """Nothing to close between passes."""


class AligoKakaoChannel:
    """AlimTalk through Aligo's kakao API, with its SMS/LMS failover."""

    def __init__(self, settings: AligoSettings, client: httpx.Client | None = None,
                 monotonic: Any = time.monotonic) -> None:
        self.settings = settings
        self.client = client or httpx.Client(timeout=textapi.TIMEOUT)
        self._token: tuple[str, float] | None = None
        self._monotonic = monotonic

    def _auth(self) -> dict[str, str]:
        return {"apikey": self.settings.api_key, "userid": self.settings.user_id}

    def token(self) -> str:
        if self._token is not None and self._monotonic() < self._token[1]:
            return self._token[0]
        response = textapi.post(self.client, NAME, f"{kakao_url()}/akv10/token/create/10/m/", data=self._auth())
        data = textapi.json_of(NAME, response)
        code = _int(data.get("code"), -1)
        if code != 0 or not data.get("token"):
            error = _refusal(code, str(data.get("message") or "토큰을 만들 수 없음"))
            raise error if error.code != "provider_refused" else textapi.login_failed(NAME, str(data.get("message") or ""))
        self._token = (str(data["token"]), self._monotonic() + TOKEN_SECONDS)
        return self._token[0]

    def send(self, message: OutgoingMessage) -> SendResult:
        template, fallback = textapi.parse_alimtalk(message.subject)
        if not template:
            raise SendError("no_template", "알림톡 템플릿 코드가 없어 보낼 수 없습니다. 카카오톡 노드에 템플릿 코드를 넣으세요",
                            permanent=True)
        form = {**self._auth(), "senderkey": self.settings.sender_key, "tpl_code": template,
                "sender": textapi.phone_digits(self.settings.sender),
                "receiver_1": textapi.phone_digits(message.recipient), "subject_1": ALIMTALK_SUBJECT,
                "message_1": message.body}
        token = self.token()  # a refused key is found before the message is offered
        form["token"] = token
        if fallback:
            form.update({"failover": "Y", "fsubject_1": ALIMTALK_SUBJECT, "fmessage_1": message.body})
        response = textapi.post(self.client, NAME, f"{kakao_url()}/akv10/alimtalk/send/", data=form)
        data = textapi.json_of(NAME, response)
        code = _int(data.get("code"), -1)
        if code != 0 or response.status_code >= 400:
            if "토큰" in str(data.get("message") or ""):
                self._token = None  # made again on the next try
            raise _refusal(code, str(data.get("message") or f"HTTP {response.status_code}"))
        info = data.get("info") if isinstance(data.get("info"), dict) else {}
        assert isinstance(info, dict)
        cost: int | None = None
        with contextlib.suppress(KeyError, ArithmeticError, ValueError):  # won a message, as Aligo reports it
            cost = int(Decimal(str(info["unit"])).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return SendResult(str(info.get("mid") or message.idem_key), cost)

    def check(self) -> str:
        """A token, which proves the user id and the key."""
        self._token = None
        self.token()
        return "알림톡 인증 완료"

    def end_batch(self) -> None:
        """Nothing to close between passes."""
