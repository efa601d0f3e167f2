"""What the text-message providers' adapters (Solapi, Aligo) share: the HTTP call and how its failures
map onto SendError, phone numbers as the providers want them, and the AlimTalk routing line.

Failures, in the owner's words (the outbox keeps the Korean text, the timeline the code):
- the provider could not be reached (connection refused, connect timeout): temporary, tried again later;
- the request went out and no answer came back (read timeout, connection dropped): *ambiguous*, held for
  the owner's review, never sent again on a guess (neither provider de-duplicates by our key);
- 429 (rate limit) and 5xx: temporary;
- bad credentials and an empty balance: temporary, so the customer's message waits until the owner
  fixes the settings or tops up, rather than being thrown away;
- a refused message (a bad number, a text the provider will not take): permanent, with its reason.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from engine.delivery.adapters.base import SendError

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
ALIMTALK = "alimtalk:"  # the routing line a kakao message keeps in its subject (it has no subject of its own)
NO_FALLBACK = ":nofallback"



def phone_digits(number: str) -> str:
    """A phone number as the providers take it (digits only, 010…); SendError for one that cannot be a number."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("82"):  # +82 10-…: a Korean number in international form (none starts with 82 at home)
        digits = "0" + digits[2:].lstrip("0")
    if not 8 <= len(digits) <= 15:
        raise SendError("bad_phone", "휴대폰 번호 형식이 잘못되어 보낼 수 없습니다", permanent=True)
    return digits


def alimtalk_line(template_code: str, fallback: bool) -> str:
    """The routing line a kakao message carries in the outbox's subject: its approved template, and whether
    the provider sends it as SMS/LMS when AlimTalk fails."""
    code = template_code.strip()
    return f"{ALIMTALK}{code}{'' if fallback else NO_FALLBACK}" if code else ""


def parse_alimtalk(subject: str) -> tuple[str, bool]:
    """(template code, fall back to SMS) from a kakao message's routing line; ("", True) when it has none."""
    if not subject.startswith(ALIMTALK):
        return "", True
    rest = subject[len(ALIMTALK):]
    if rest.endswith(NO_FALLBACK):
        return rest[: -len(NO_FALLBACK)], False
    return rest, True


def login_failed(provider: str, detail: str = "") -> SendError:
    extra = f" ({scrubbed(detail)[:200]})" if detail else ""
    return SendError("provider_login", f"{provider}에서 API 키를 받아들이지 않았습니다{extra}. 설정에서 키를 확인하세요. "
                                       "메시지는 그동안 기다립니다")


def balance_empty(provider: str, detail: str = "") -> SendError:
    extra = f" ({scrubbed(detail)[:200]})" if detail else ""
    return SendError("provider_balance", f"{provider} 잔액(포인트)이 부족합니다{extra}. 충전하면 다시 보냅니다")


_NUMBER = re.compile(r"\+?\d[\d -]{6,}\d")


def scrubbed(text: str) -> str:
    """A provider's words without a phone number in them (they are stored and shown, never the number)."""
    return _NUMBER.sub("…", text)


def refused(provider: str, detail: str, code: str = "provider_refused") -> SendError:
    return SendError(code, f"{provider}에서 거절했습니다: {scrubbed(detail)[:300] or '이유 없음'}", permanent=True)


def post(client: httpx.Client, provider: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request; a network failure as a SendError (ambiguous when the request may have arrived)."""
    try:
        response = client.post(url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
        raise SendError("provider_unreachable", f"{provider}에 연결할 수 없습니다. 잠시 뒤 다시 보냅니다") from None
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        raise SendError("provider_unconfirmed", f"{provider}에 보냈지만 답을 받지 못했습니다. 갔을 수도 있어 다시 보내지 "
                                                "않고 확인을 기다립니다", ambiguous=True) from None
    except httpx.HTTPError as exc:
        raise SendError("provider_unreachable", f"{provider}에 연결할 수 없습니다 ({type(exc).__name__})") from None
    return answered(provider, response)


def get(client: httpx.Client, provider: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        response = client.get(url, **kwargs)
    except httpx.TimeoutException:
        raise SendError("timeout", f"{provider}가 제때 응답하지 않습니다") from None
    except httpx.HTTPError as exc:
        raise SendError("provider_unreachable", f"{provider}에 연결할 수 없습니다 ({type(exc).__name__})") from None
    return answered(provider, response)


def answered(provider: str, response: httpx.Response) -> httpx.Response:
    """The statuses every provider means the same way: 429 and 5xx are temporary."""
    if response.status_code == 429:
        raise SendError("provider_rate", f"{provider}가 요청이 너무 많다고 합니다. 잠시 뒤 다시 보냅니다")
    if response.status_code >= 500:
        raise SendError("provider_busy", f"{provider} 서버 오류({response.status_code})입니다. 잠시 뒤 다시 보냅니다")
    return response


def json_of(provider: str, response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        if response.is_success:  # it may have taken the message and only garbled the answer
            raise SendError("provider_unconfirmed", f"{provider}가 알 수 없는 답을 보냈습니다. 갔을 수도 있어 다시 보내지 "
                                                    "않고 확인을 기다립니다", ambiguous=True)
        raise SendError("provider_busy", f"{provider}가 알 수 없는 답을 보냈습니다 (HTTP {response.status_code})")
    return data
