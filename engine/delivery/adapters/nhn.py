"""NHN Cloud: SMS/LMS through its Notification SMS API v3.0, KakaoTalk AlimTalk through its KakaoTalk
Bizmessage API v2.3 (with SMS/LMS fallback). Both authenticate with the app key in the path and the
secret key in the `X-Secret-Key` header.

SMS: `POST /sms/v3.0/appKeys/{appKey}/sender/sms` (SMS) or `/sender/mms` (LMS, with a title); an ad goes
by `/sender/ad-sms` or `/sender/ad-mms`, which NHN requires for ads and which *checks* (does not add)
that the body starts with `(광고)` and ends with `무료수신거부 080…`: our labels (engine/messaging/adlaw.py)
are already there, so the body goes as it is, never labelled twice. One request carries up to 1,000
recipients of one body (`recipientList`), so `send_many` groups the messages that share a body.

AlimTalk: `POST /alimtalk/v2.3/appkeys/{appkey}/raw-messages` with the sender key, the approved template
code and each recipient's full text (NHN checks it against the approved template: -3010 when it
differs), `resendParameter` for the SMS/LMS fallback from the registered sender number, and the outbox
key as `X-NC-API-IDEMPOTENCY-KEY` (NHN refuses a repeat within 10 minutes). Up to 1,000 recipients of one
template a request.

Answers → outcomes: `header.isSuccessful` and each recipient's `resultCode`. A refused number or text
is permanent (the message fails with NHN's reason in plain Korean); credentials, an unregistered sender
number, the monthly send limit, rate limiting (429), 5xx and timeouts are temporary (retried with a
backoff, the reason shown).

Brand Message (브랜드 메시지, FriendTalk's successor): `POST /brand-message/v1.0/appkeys/{appkey}/freestyle-messages`
on the Bizmessage domain with the AlimTalk app key and sender key: `chatBubbleType` TEXT, one `content` (up to
1,300 characters) for up to 1,000 recipients, each with `targeting` "I" (the channel's friends) and our key as
its `recipientGroupingKey`; the answer has the AlimTalk shape (`message.sendResults`). The API documents no
idempotency key, so a request whose answer never came is held for review (never sent again on a guess).
Kakao takes no brand message 20:50–08:00 (3022 "발송 가능한 시간이 아님"): delivery never sends one then.

The base URLs can be pointed elsewhere for tests: the module attributes `SMS_URL` / `KAKAO_URL`, or the
environment variables `DANGOL_NHN_SMS_URL` / `DANGOL_NHN_KAKAO_URL`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult
from engine.delivery.adapters.textapi import parse_alimtalk
from engine.messaging.sms import SMS_MAX, euckr_length

SMS_URL = "https://sms.api.nhncloudservice.com"
KAKAO_URL = "https://kakaotalk-bizmessage.api.nhncloudservice.com"
MANY_MAX = 1000  # recipients in one request (SMS v3.0 and AlimTalk v2.3 both document 1,000)
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
LMS_TITLE_MAX = 40  # bytes (EUC-KR) of an LMS title, NHN's standard

# (code, Korean reason, permanent) for the answers NHN documents; anything else is judged by its range
_LOGIN = "nhn_login"
_SMS_CODES: dict[int, tuple[str, str, bool]] = {
    -1000: (_LOGIN, "NHN Cloud 문자 앱 키가 올바르지 않습니다. 설정에서 앱 키를 확인하세요", False),
    -1001: (_LOGIN, "NHN Cloud에 이 앱 키의 문자 서비스가 없습니다. 앱 키를 확인하세요", False),
    -1002: (_LOGIN, "NHN Cloud 문자 서비스가 사용 종료된 앱 키입니다", False),
    -1003: (_LOGIN, "NHN Cloud 프로젝트 멤버가 아닌 계정입니다", False),
    -1004: (_LOGIN, "NHN Cloud가 이 PC의 IP를 허용하지 않습니다. 콘솔의 허용 IP를 확인하세요", False),
    -1007: (_LOGIN, "NHN Cloud가 계정을 받아들이지 않습니다", False),
    -1008: (_LOGIN, "NHN Cloud 프로젝트가 차단되었습니다. NHN Cloud에 문의하세요", False),
    -2019: ("bad_number", "받는 사람 전화번호가 올바르지 않습니다", True),
    -2018: ("bad_number", "받는 사람 전화번호가 비어 있습니다", True),
    -2015: ("nhn_refused", "제목이나 본문이 너무 깁니다", True),
    -2014: ("nhn_refused", "제목이나 본문이 비어 있습니다", True),
    -2023: ("nhn_refused", "본문에 문자로 보낼 수 없는 글자(이모지 등)가 있습니다", True),
    -2312: ("nhn_sender", "발신 번호가 NHN Cloud에 등록되어 있지 않습니다. 콘솔에서 발신 번호를 등록하세요", False),
    -2313: ("nhn_sender", "발신 번호가 NHN Cloud에서 차단되었습니다", False),
    -2052: ("nhn_quota", "NHN Cloud의 이번 달 발송 한도를 넘었습니다. 한도를 늘리면 다시 보냅니다", False),
    -2021: ("provider_error", "NHN Cloud 시스템 오류입니다. 나중에 다시 보냅니다", False),
    -6001: ("nhn_optout", "받는 사람이 080 수신거부한 번호입니다", True),
    -6003: ("nhn_refused", "광고 문자 끝에 무료수신거부 080 번호 안내가 없습니다", True),
    -6000: ("nhn_optout_setup", "NHN Cloud의 080 수신거부 서비스에 가입되어 있지 않습니다. 콘솔에서 설정하세요", False),
    -6004: ("nhn_optout_setup", "수신거부 080 번호가 NHN Cloud에 가입된 번호가 아닙니다. 설정의 080 번호를 확인하세요",
            False),
    -9999: ("provider_error", "NHN Cloud 시스템 오류입니다. 나중에 다시 보냅니다", False),
}
_KAKAO_CODES: dict[int, tuple[str, str, bool]] = {
    -1000: (_LOGIN, "NHN Cloud 알림톡 앱 키가 올바르지 않습니다. 설정에서 앱 키를 확인하세요", False),
    -1001: (_LOGIN, "NHN Cloud 알림톡 시크릿 키가 올바르지 않습니다. 설정에서 시크릿 키를 확인하세요", False),
    -4004: (_LOGIN, "NHN Cloud에 없는 알림톡 앱 키입니다. 앱 키를 확인하세요", False),
    -4005: (_LOGIN, "NHN Cloud 알림톡 서비스가 사용 종료된 앱 키입니다", False),
    -1002: ("nhn_sender", "대체 발송용 NHN Cloud 문자 서비스가 없습니다", False),
    -1003: ("nhn_sender", "대체 발송 발신 번호가 NHN Cloud 문자 서비스에 등록되어 있지 않습니다", False),
    -1006: ("nhn_sender", "카카오 발신 키가 올바르지 않습니다. 설정에서 발신 키를 확인하세요", False),
    -2017: ("nhn_sender", "카카오 발신 프로필이 NHN Cloud에 없습니다. 설정에서 발신 키를 확인하세요", False),
    -1027: ("nhn_sender", "카카오 발신 프로필이 차단되었습니다", False),
    -3003: ("template", "NHN Cloud에 없는 알림톡 템플릿 코드입니다", True),
    -3004: ("template", "알림톡 템플릿 변수가 맞지 않습니다", True),
    -3005: ("template", "아직 승인되지 않은 알림톡 템플릿입니다", True),
    -3010: ("template", "보낼 내용이 승인된 알림톡 템플릿과 다릅니다", True),
    -9999: ("provider_error", "NHN Cloud 시스템 오류입니다. 나중에 다시 보냅니다", False),
}
_BRAND_CODES: dict[int, tuple[str, str, bool]] = {
    **{code: known for code, known in _KAKAO_CODES.items() if known[0] != "template"},
    -2024: ("nhn_refused", "브랜드 메시지 본문이 1,300자를 넘습니다", True),
    -3298: ("nhn_sender", "브랜드 메시지 타겟팅 정보가 올바르지 않습니다", False),
    -4029: ("nhn_sender", "이 카카오 채널은 브랜드 메시지 M/N 발송을 신청하지 않았습니다", False),
    3022: ("kakao_closed", "카카오가 20:50~08:00에는 브랜드 메시지를 보내지 않습니다. 08:00 뒤에 다시 보냅니다", False),
}


def base_url(kind: str) -> str:
    """The API's base URL (SMS or AlimTalk): the module attribute, or the environment's override."""
    if kind == "sms":
        return os.environ.get("DANGOL_NHN_SMS_URL") or SMS_URL
    return os.environ.get("DANGOL_NHN_KAKAO_URL") or KAKAO_URL


def phone_number(recipient: str) -> str:
    """A Korean number as NHN takes it (digits, 0 first); SendError bad_number when it is not one."""
    digits = re.sub(r"[\s\-().]", "", recipient.strip())
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("82") and len(digits) >= 11:
        digits = "0" + digits[2:].lstrip("0")
    if not re.fullmatch(r"0\d{8,11}", digits):
        raise SendError("bad_number", "받는 사람 전화번호가 올바르지 않습니다", permanent=True)
    return digits


def _short_key(key: str) -> str:
    """An outbox key as NHN's grouping/idempotency fields take it (at most 100 characters)."""
    return key if len(key) <= 100 else hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NhnSettings:
    app_key: str
    secret_key: str
    sender: str  # the sender number registered with NHN Cloud's SMS service
    sender_key: str = ""  # the Kakao channel's sender key (AlimTalk)
    title: str = ""  # an LMS's title (the shop's name)


class _NhnBase:
    kind = "sms"
    codes: dict[int, tuple[str, str, bool]] = _SMS_CODES
    many_max = MANY_MAX
    concurrency = 4  # requests in flight at once (the dispatcher pipelines them)
    rate_per_s: float | None = None  # NHN publishes no per-second limit; its monthly quota answers -2052
    unconfirmed_timeout = False  # a read timeout may have sent it, and no idempotency key guards a second try

    def __init__(self, settings: NhnSettings, client: httpx.Client | None = None) -> None:
        if not settings.app_key or not settings.secret_key:
            raise ValueError("the NHN Cloud app key and secret key are required")
        self.settings = settings
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def _headers(self, idem: str | None = None) -> dict[str, str]:
        headers = {"X-Secret-Key": self.settings.secret_key, "Content-Type": "application/json;charset=UTF-8"}
        if idem:
            headers["X-NC-API-IDEMPOTENCY-KEY"] = idem
        return headers

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None,
              idem: str | None = None) -> dict[str, Any]:
        """One request; the answer's JSON when NHN took it (header.isSuccessful), else SendError."""
        url = base_url(self.kind).rstrip("/") + path
        try:
            response = self.client.request(method, url, json=payload, headers=self._headers(idem))
        except httpx.TimeoutException as exc:
            if self.unconfirmed_timeout and isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
                raise SendError("timeout", "NHN Cloud에 보냈지만 답을 받지 못했습니다. 갔을 수도 있어 다시 보내지 않고 "
                                "확인을 기다립니다", ambiguous=True) from None
            raise SendError("timeout", "NHN Cloud가 제때 응답하지 않습니다. 나중에 다시 보냅니다") from None
        except httpx.HTTPError as exc:
            raise SendError("network", f"NHN Cloud에 연결할 수 없습니다 ({type(exc).__name__}). 나중에 다시 "
                            "보냅니다") from None
        status = response.status_code
        if status == 429:
            raise SendError("rate_limited", "NHN Cloud가 발송 속도를 제한했습니다. 잠시 뒤 다시 보냅니다")
        if status >= 500:
            raise SendError("provider_error", f"NHN Cloud 서버 오류입니다 (HTTP {status}). 나중에 다시 보냅니다")
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("header"), dict):
            if status in (401, 403):
                raise SendError(_LOGIN, "NHN Cloud가 앱 키나 시크릿 키를 받아들이지 않습니다. 설정에서 확인하세요")
            raise SendError("provider_error", f"NHN Cloud의 응답을 이해할 수 없습니다 (HTTP {status})",
                            permanent=400 <= status < 500)
        header = data["header"]
        if not header.get("isSuccessful"):
            raise self._error(header.get("resultCode"), header.get("resultMessage"))
        return data

    def _error(self, code: Any, message: Any) -> SendError:
        """NHN's result code → a SendError with the reason in Korean (NHN's own message kept, short)."""
        try:
            number = int(code)
        except (TypeError, ValueError):
            number = 0
        detail = f" ({number}: {str(message or '')[:120]})" if number else ""
        known = self.codes.get(number)
        if known is not None:
            reason, text, permanent = known
            return SendError(reason, text + detail, permanent=permanent)
        if number == -1005 and self.kind == "kakao":  # the same idempotency key within 10 minutes
            return SendError("duplicate", "NHN Cloud가 같은 메시지를 10분 안에 이미 받았습니다. 두 번 가지 않도록 "
                             "확인을 기다립니다", ambiguous=True)
        if number <= -9000:
            return SendError("provider_error", "NHN Cloud 시스템 오류입니다. 나중에 다시 보냅니다" + detail)
        return SendError("nhn_refused", "NHN Cloud가 요청을 거절했습니다" + detail, permanent=True)

    def end_batch(self) -> None:
        """Nothing to close between passes (the HTTP client keeps its connections)."""


class NhnSms(_NhnBase):
    """SMS/LMS by NHN Cloud's SMS API v3.0 (ads by its ad endpoints)."""

    kind = "sms"
    codes = _SMS_CODES

    def _path(self, long: bool, ad: bool) -> str:
        name = ("ad-" if ad else "") + ("mms" if long else "sms")
        return f"/sms/v3.0/appKeys/{self.settings.app_key}/sender/{name}"

    def check(self) -> str:
        """Log in and find the sender number among the registered ones; returns a line to show, or
        SendError saying what is wrong."""
        data = self._call("GET", f"/sms/v3.0/appKeys/{self.settings.app_key}/sendNos?pageSize=1000")
        body = data.get("body") or {}
        numbers = [str(item.get("sendNo", "")) for item in (body.get("data") or []) if isinstance(item, dict)]
        wanted = re.sub(r"\D", "", self.settings.sender)
        if not wanted:
            raise SendError("nhn_sender", "로그인은 되었지만 발신 번호가 비어 있습니다. 설정에서 발신 번호를 입력하세요")
        if wanted not in numbers:
            raise SendError("nhn_sender", f"로그인은 되었지만 발신 번호 {self.settings.sender}가 NHN Cloud에 등록되어 "
                            "있지 않습니다. 콘솔에서 발신 번호를 등록하세요")
        return f"등록된 발신 번호 {len(numbers)}개 중 {self.settings.sender}를 찾았습니다"

    def request_key(self, message: OutgoingMessage) -> tuple[str, bool]:
        """Messages with the same key can share one request (the dispatcher groups them so)."""
        return message.body, message.is_ad

    def send(self, message: OutgoingMessage) -> SendResult:
        outcome = self.send_many([message])[0]
        if isinstance(outcome, SendError):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult | SendError]:
        """The messages sharing a body (and ad flag) in one request each, up to 1,000 recipients."""
        results: dict[int, SendResult | SendError] = {}
        groups: dict[tuple[str, bool], list[tuple[int, OutgoingMessage, str]]] = {}
        for index, message in enumerate(messages):
            try:
                number = phone_number(message.recipient)
            except SendError as exc:
                results[index] = exc
                continue
            groups.setdefault((message.body, message.is_ad), []).append((index, message, number))
        for (body, ad), members in groups.items():
            for start in range(0, len(members), self.many_max):
                part = members[start : start + self.many_max]
                try:
                    outcomes = self._request(body, ad, part)
                except SendError as exc:
                    outcomes = [exc] * len(part)
                results.update(zip((index for index, _, _ in part), outcomes, strict=True))
        return [results[index] for index in range(len(messages))]

    def _request(self, body: str, ad: bool, part: list[tuple[int, OutgoingMessage, str]]) -> list[SendResult | SendError]:
        long = euckr_length(body) > SMS_MAX
        payload: dict[str, Any] = {
            "body": body, "sendNo": re.sub(r"\D", "", self.settings.sender),
            "recipientList": [{"recipientNo": number, "recipientGroupingKey": _short_key(message.idem_key)}
                              for _, message, number in part],
            "userId": "dangol",
        }
        if long:
            payload["title"] = _lms_title(self.settings.title)
        data = self._call("POST", self._path(long, ad), payload)
        return _per_recipient(self, data.get("body", {}).get("data") or {}, "sendResultList", part)


class NhnAlimTalk(_NhnBase):
    """KakaoTalk AlimTalk by NHN Cloud's KakaoTalk Bizmessage API v2.3, with SMS/LMS fallback."""

    kind = "kakao"
    codes = _KAKAO_CODES

    def __init__(self, settings: NhnSettings, client: httpx.Client | None = None) -> None:
        super().__init__(settings, client)
        if not settings.sender_key:
            raise ValueError("the Kakao sender key is required")

    def check(self) -> str:
        data = self._call("GET", f"/alimtalk/v2.3/appkeys/{self.settings.app_key}/senders/{self.settings.sender_key}")
        sender = data.get("sender") or {}
        name = str(sender.get("plusFriendId") or "") if isinstance(sender, dict) else ""
        return f"카카오 발신 프로필 {name}을 찾았습니다".replace("  ", " ") if name else "카카오 발신 프로필을 찾았습니다"

    def request_key(self, message: OutgoingMessage) -> str:
        return message.subject.strip()  # the routing line (template code, fallback): one template a request

    def send(self, message: OutgoingMessage) -> SendResult:
        outcome = self.send_many([message])[0]
        if isinstance(outcome, SendError):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult | SendError]:
        """The messages of one template in one request each (each recipient with its own text)."""
        results: dict[int, SendResult | SendError] = {}
        groups: dict[str, list[tuple[int, OutgoingMessage, str]]] = {}
        for index, message in enumerate(messages):
            # the node's approved template code and fallback choice (engine/channels/kakao.routing_line)
            template = parse_alimtalk(message.subject.strip())[0]
            if message.is_ad:
                results[index] = SendError("ad_alimtalk", "광고는 알림톡으로 보낼 수 없습니다. 정보성 메시지만 알림톡으로 "
                                           "보냅니다", permanent=True)
                continue
            if not template:
                results[index] = SendError("no_template", "알림톡 템플릿 코드가 없습니다. 메시지 노드에 카카오가 승인한 "
                                           "템플릿 코드를 입력하세요", permanent=True)
                continue
            try:
                number = phone_number(message.recipient)
            except SendError as exc:
                results[index] = exc
                continue
            groups.setdefault(template, []).append((index, message, number))
        for template, members in groups.items():
            for start in range(0, len(members), self.many_max):
                part = members[start : start + self.many_max]
                try:
                    outcomes = self._request(template, part)
                except SendError as exc:
                    outcomes = [exc] * len(part)
                results.update(zip((index for index, _, _ in part), outcomes, strict=True))
        return [results[index] for index in range(len(messages))]

    def _recipient(self, message: OutgoingMessage, number: str) -> dict[str, Any]:
        item: dict[str, Any] = {"recipientNo": number, "content": message.body,
                                "recipientGroupingKey": _short_key(message.idem_key)}
        sender = re.sub(r"\D", "", self.settings.sender)
        if sender and parse_alimtalk(message.subject.strip())[1]:
            # the fallback the node asks for, under the SMS rules: from the registered number, SMS or LMS by length
            long = euckr_length(message.body) > SMS_MAX
            fallback: dict[str, Any] = {"isResend": True, "resendType": "LMS" if long else "SMS",
                                        "resendContent": message.body, "resendSendNo": sender}
            if long:
                fallback["resendTitle"] = _lms_title(self.settings.title)
            item["resendParameter"] = fallback
        return item

    def _request(self, template: str, part: list[tuple[int, OutgoingMessage, str]]) -> list[SendResult | SendError]:
        payload = {"senderKey": self.settings.sender_key, "templateCode": template,
                   "recipientList": [self._recipient(message, number) for _, message, number in part]}
        keys = "\n".join(message.idem_key for _, message, _ in part)
        idem = part[0][1].idem_key if len(part) == 1 else hashlib.sha256(keys.encode()).hexdigest()
        data = self._call("POST", f"/alimtalk/v2.3/appkeys/{self.settings.app_key}/raw-messages", payload,
                          idem=_short_key(idem))
        return _per_recipient(self, data.get("message") or {}, "sendResults", part)


class NhnBrandMessage(NhnAlimTalk):
    """Kakao Brand Messages (free-form text, to the channel's friends) by NHN Cloud's brand-message API v1.0."""

    codes = _BRAND_CODES
    unconfirmed_timeout = True

    def request_key(self, message: OutgoingMessage) -> str:
        return message.body  # one content a request

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult | SendError]:
        results: dict[int, SendResult | SendError] = {}
        groups: dict[str, list[tuple[int, OutgoingMessage, str]]] = {}
        for index, message in enumerate(messages):
            if not message.is_ad:
                results[index] = SendError("brand_not_ad", "브랜드 메시지는 광고로만 보낼 수 있습니다", permanent=True)
                continue
            try:
                number = phone_number(message.recipient)
            except SendError as exc:
                results[index] = exc
                continue
            groups.setdefault(message.body, []).append((index, message, number))
        for body, members in groups.items():
            for start in range(0, len(members), self.many_max):
                part = members[start : start + self.many_max]
                try:
                    outcomes = self._brand_request(body, part)
                except SendError as exc:
                    outcomes = [exc] * len(part)
                results.update(zip((index for index, _, _ in part), outcomes, strict=True))
        return [results[index] for index in range(len(messages))]

    def _brand_request(self, body: str, part: list[tuple[int, OutgoingMessage, str]]) -> list[SendResult | SendError]:
        payload = {"senderKey": self.settings.sender_key, "chatBubbleType": "TEXT", "content": body,
                   "recipientList": [{"recipientNo": number, "targeting": "I",
                                      "recipientGroupingKey": _short_key(message.idem_key)}
                                     for _, message, number in part]}
        data = self._call("POST", f"/brand-message/v1.0/appkeys/{self.settings.app_key}/freestyle-messages", payload)
        return _per_recipient(self, data.get("message") or {}, "sendResults", part)


def _lms_title(title: str) -> str:
    """An LMS title within NHN's standard 40 bytes (EUC-KR)."""
    title = title.strip() or "알림"
    while euckr_length(title) > LMS_TITLE_MAX:
        title = title[:-1]
    return title


def _per_recipient(adapter: _NhnBase, data: dict[str, Any], field: str,
                   part: list[tuple[int, OutgoingMessage, str]]) -> list[SendResult | SendError]:
    """Each recipient's outcome, matched by its grouping key (else by order)."""
    request_id = str(data.get("requestId") or "")
    answers = [item for item in (data.get(field) or []) if isinstance(item, dict)]
    by_key = {str(item.get("recipientGroupingKey")): item for item in answers if item.get("recipientGroupingKey")}
    outcomes: list[SendResult | SendError] = []
    for position, (_, message, _) in enumerate(part):
        answer = by_key.get(_short_key(message.idem_key))
        if answer is None and position < len(answers):
            answer = answers[position]
        if answer is None:  # NHN took the request but said nothing of this recipient
            outcomes.append(SendError("provider_error", "NHN Cloud가 이 수신자의 결과를 알려 주지 않았습니다",
                                      ambiguous=True))
            continue
        code = answer.get("resultCode", 0)
        if code in (0, "0", None):
            seq = answer.get("recipientSeq")
            outcomes.append(SendResult(f"{request_id}:{seq}" if seq is not None else request_id or message.idem_key))
        else:
            outcomes.append(adapter._error(code, answer.get("resultMessage")))
    return outcomes
