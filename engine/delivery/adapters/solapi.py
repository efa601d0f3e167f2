"""Solapi (solapi.com): SMS, LMS and KakaoTalk AlimTalk over its REST API (v4), signed with HMAC-SHA256.

Every request carries `Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…`, where the
signature is the hex HMAC-SHA256 of `date + salt` keyed with the API secret, and `date` is the real time
(ISO 8601, UTC): Solapi refuses a signature whose time is far off, so it is not the engine's clock.

Messages go to `POST /messages/v4/send-many/detail` (one or many in a request, `send_many`), each with:
`to`, `from` (the sender number registered at Solapi), `text`, `type` (SMS up to 90 EUC-KR bytes, LMS
with a `subject` above; ATA for AlimTalk, with `kakaoOptions` {pfId, templateId, disableSms}), and
`customFields.dangolKey` = our outbox key. The answer lists each message accepted (`messageList`,
statusCode 2000) or not (`failedMessageList`, with Solapi's reason), by the custom field.

Idempotency: Solapi does not drop a repeated request by a key of ours. The key rides along in
`customFields`, so a message is traceable in Solapi's console; a request whose answer never came is held
for the owner's review (see textapi.py), not sent again on a guess.

AlimTalk text: we send the whole rendered text, which Kakao checks against the approved template
(validation checked the same before publishing); with `disableSms: false` Solapi sends that text as
SMS/LMS when the AlimTalk fails (its own fallback, billed as SMS/LMS).

Kakao Brand Message (브랜드 메시지): `type` BMS_FREE (free-form, no template) with `kakaoOptions` {pfId, bms:
{targeting "I" (the channel's friends: the only targeting a channel under 50,000 friends may use),
chatBubbleType "TEXT"}}; the text is the labelled ad as composed. Solapi offers no SMS fallback for it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from engine.delivery.adapters import textapi
from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult
from engine.messaging.sms import SMS_MAX, euckr_length

BASE_URL = "https://api.solapi.com"  # tests point it at a local server (or set DANGOL_SOLAPI_URL)
NAME = "솔라피"
ACCEPTED = "2000"
MANY_MAX = 1000  # Solapi takes up to 10,000 in one request; the dispatcher sends at most 100


def base_url() -> str:
    return (os.environ.get("DANGOL_SOLAPI_URL") or BASE_URL).rstrip("/")


def signature(api_secret: str, date: str, salt: str) -> str:
    return hmac.new(api_secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()


def authorization(api_key: str, api_secret: str, now: datetime | None = None, salt: str | None = None) -> str:
    date = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    salt = salt or secrets.token_hex(16)
    return f"HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature(api_secret, date, salt)}"


@dataclass(frozen=True)
class SolapiSettings:
    api_key: str
    api_secret: str
    sender: str  # the sender number registered at Solapi
    pf_id: str = ""  # the Kakao channel's pfId (AlimTalk only)

    def __repr__(self) -> str:  # never the secret
        return f"SolapiSettings(api_key=…, sender=…, pf_id={'set' if self.pf_id else 'empty'})"


class SolapiChannel:
    """SMS/LMS (`kakao=False`), AlimTalk with SMS fallback (`kakao=True`) or Kakao Brand Messages (`brand=True`)."""

    def __init__(self, settings: SolapiSettings, *, kakao: bool = False, brand: bool = False,
                 client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.kakao = kakao
        self.brand = brand
        self.client = client or httpx.Client(timeout=textapi.TIMEOUT)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": authorization(self.settings.api_key, self.settings.api_secret),
                "Content-Type": "application/json"}

    def _payload(self, message: OutgoingMessage) -> dict[str, Any]:
        item: dict[str, Any] = {"to": textapi.phone_digits(message.recipient),
                                "from": textapi.phone_digits(self.settings.sender), "text": message.body,
                                "customFields": {"dangolKey": message.idem_key}}
        if self.brand:
            if not message.is_ad:
                raise SendError("brand_not_ad", "브랜드 메시지는 광고로만 보낼 수 있습니다", permanent=True)
            item["type"] = "BMS_FREE"  # free-form, no template: the text type, to the channel's friends
            item["kakaoOptions"] = {"pfId": self.settings.pf_id, "bms": {"targeting": "I", "chatBubbleType": "TEXT"}}
        elif self.kakao:
            template, fallback = textapi.parse_alimtalk(message.subject)
            if not template:
                raise SendError("no_template", "알림톡 템플릿 코드가 없어 보낼 수 없습니다. 카카오톡 노드에 템플릿 코드를 넣으세요",
                                permanent=True)
            item["type"] = "ATA"
            item["kakaoOptions"] = {"pfId": self.settings.pf_id, "templateId": template, "disableSms": not fallback}
        elif euckr_length(message.body) <= SMS_MAX:
            item["type"] = "SMS"
        else:
            item["type"] = "LMS"
            if message.subject:
                item["subject"] = message.subject
        return item

    def send(self, message: OutgoingMessage) -> SendResult:
        (outcome,) = self.send_many([message])
        if isinstance(outcome, SendError):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult | SendError]:
        outcomes: list[SendResult | SendError | None] = [None] * len(messages)
        payloads: list[dict[str, Any]] = []
        sent_index: dict[str, int] = {}
        for index, message in enumerate(messages):
            try:
                payloads.append(self._payload(message))
            except SendError as exc:
                outcomes[index] = exc
                continue
            sent_index[message.idem_key] = index
        if payloads:
            response = textapi.post(self.client, NAME, f"{base_url()}/messages/v4/send-many/detail",
                                    json={"messages": payloads, "showMessageList": True}, headers=self._headers())
            data = textapi.json_of(NAME, response)
            if response.status_code >= 400:
                raise _request_error(response.status_code, data)
            self._read(data, messages, sent_index, outcomes)
        return [outcome if outcome is not None else SendError(
            "provider_unconfirmed", "솔라피 답에 이 메시지가 없습니다. 갔을 수도 있어 확인을 기다립니다", ambiguous=True)
            for outcome in outcomes]

    @staticmethod
    def _read(data: dict[str, Any], messages: Sequence[OutgoingMessage], sent_index: dict[str, int],
              outcomes: list[SendResult | SendError | None]) -> None:
        for entry in data.get("failedMessageList") or []:
            index = _index_of(entry, sent_index)
            if index is not None:
                outcomes[index] = _message_error(str(entry.get("statusCode") or ""), str(entry.get("statusMessage") or ""))
        for entry in data.get("messageList") or []:
            index = _index_of(entry, sent_index)
            if index is None or outcomes[index] is not None:
                continue
            status = str(entry.get("statusCode") or ACCEPTED)
            if status == ACCEPTED:
                outcomes[index] = SendResult(str(entry.get("messageId") or messages[index].idem_key))
            else:
                outcomes[index] = _message_error(status, str(entry.get("statusMessage") or ""))

    def check(self) -> str:
        """The balance (won and points), which proves the key and secret; SendError when refused."""
        response = textapi.get(self.client, NAME, f"{base_url()}/cash/v1/balance", headers=self._headers())
        data = textapi.json_of(NAME, response)
        if response.status_code >= 400:
            raise _request_error(response.status_code, data)
        balance = int(float(data.get("balance") or 0))
        point = int(float(data.get("point") or 0))
        return f"{balance:,}원, 포인트 {point:,}"

    def end_batch(self) -> None:
        """Nothing to close between passes (the HTTP client keeps its connections)."""


def _index_of(entry: Any, sent_index: dict[str, int]) -> int | None:
    if not isinstance(entry, dict):
        return None
    fields = entry.get("customFields")
    key = fields.get("dangolKey") if isinstance(fields, dict) else None
    return sent_index.get(str(key)) if key is not None else None


_LOGIN = ("InvalidApiKey", "SignatureDoesNotMatch", "Unauthorized", "Forbidden", "InvalidCredentials",
          "InvalidAuthorization", "ExpiredSignature", "DuplicatedSignature", "AccountNotActive")
_BALANCE_WORDS = ("잔액", "포인트", "Balance", "NotEnough")


def _request_error(status: int, data: dict[str, Any]) -> SendError:
    """A whole request refused: Solapi answers {errorCode, errorMessage}."""
    code = str(data.get("errorCode") or "")
    text = str(data.get("errorMessage") or code or f"HTTP {status}")
    if any(word in code or word in text for word in _BALANCE_WORDS):
        return textapi.balance_empty(NAME)
    if status in (401, 403) or code in _LOGIN or "Signature" in code or "ApiKey" in code:
        return textapi.login_failed(NAME, code)
    if code == "TooManyRequests":
        return SendError("provider_rate", "솔라피가 요청이 너무 많다고 합니다. 잠시 뒤 다시 보냅니다")
    return textapi.refused(NAME, text)


def _message_error(status: str, text: str) -> SendError:
    """One message not accepted (failedMessageList): Solapi's status code and Korean reason."""
    if any(word in text for word in _BALANCE_WORDS):
        return textapi.balance_empty(NAME)
    code = "bad_phone" if "수신" in text and "번호" in text else "provider_refused"
    return textapi.refused(NAME, f"{text} ({status})" if status else text, code)
