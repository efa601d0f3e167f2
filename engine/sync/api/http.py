"""HTTP for the shop API connectors: one client, timeouts, and the waits every platform asks for.

- 429 (too many calls): wait what `Retry-After` says (seconds or an HTTP date; a second when it says
  nothing), and try again; a wait longer than `max_wait` ends the sync with `rate_limited`.
- 5xx, a timeout or a dropped connection: try again after 1, 2, 4 … seconds, `attempts` times in all.
- 401/403: `unauthorized` (a connector refreshes its token and asks once more); other 4xx: `rejected`.
- A body that is not the JSON the platform documents: `bad_response`.
Every failure is a `SyncError` with a short code, an English line and a Korean line for the owner; no
credential, token or customer data is ever put in them (only the platform, the status and its message).
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

log = logging.getLogger("dangol.sync")

USER_AGENT = "Dangol/1 (+desktop shop journeys)"


class SyncError(Exception):
    """A sync that could not go on; `code` for programs, `str()` in English, `ko` for the owner. A refusal
    (4xx) also carries the HTTP `status` and the platform's own error code from the body (`platform_code`,
    e.g. Naver's `GW.IP_NOT_ALLOWED`), so a connector can tell the owner what exactly to fix."""

    def __init__(self, code: str, message: str, ko: str, *, status: int | None = None,
                 platform_code: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.ko = ko
        self.status = status
        self.platform_code = platform_code

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else str(self)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def platform_message(response: httpx.Response) -> str:
    """The platform's own one-line reason from an error body (`message`, `error_description`, `errors`…)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    found: Any = None
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "errors", "msg"):
            if body.get(key):
                found = body[key]
                break
    if isinstance(found, dict):
        found = found.get("message") or found.get("code") or ""
    if isinstance(found, list) and found:
        first = found[0]
        found = first.get("message", "") if isinstance(first, dict) else first
    return _short(str(found)) if found else ""


def platform_code(response: httpx.Response) -> str | None:
    """The platform's error code from an error body (`{"code": "GW.AUTHN", …}`), when it gives one as text."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return _short(code, 60) if isinstance(code, str) and code else None


def retry_after(response: httpx.Response, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


class Http:
    """One connector's HTTP client (keep-alive across its calls). `stop` (an Event) ends a wait early with
    `cancelled`; `sleep` is replaced in tests that must not wait for real."""

    def __init__(self, what: str, *, timeout: float = 30.0, attempts: int = 4, backoff: float = 1.0,
                 max_wait: float = 120.0, rate_limit_waits: int = 20, stop: threading.Event | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.what = what
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.rate_limit_waits = rate_limit_waits
        self.stop = stop or threading.Event()
        self.calls = 0
        self.waited = 0.0
        self.client = httpx.Client(timeout=timeout, transport=transport, headers={"User-Agent": USER_AGENT},
                                   follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def pause(self, seconds: float) -> None:
        """Wait (a platform's leaky bucket is nearly full, or a 429); a stop request ends the sync."""
        if seconds <= 0:
            return
        self.waited += seconds
        if self.stop.wait(seconds):
            raise SyncError("cancelled", "the sync was stopped", "동기화를 멈췄습니다")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """The response of a 2xx answer; otherwise waits and tries again as the module says, or raises."""
        failures = 0
        limited = 0
        while True:
            if self.stop.is_set():
                raise SyncError("cancelled", "the sync was stopped", "동기화를 멈췄습니다")
            self.calls += 1
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TimeoutException:
                failures += 1
                if failures >= self.attempts:
                    raise SyncError("timeout", f"{self.what} did not answer in time ({failures} tries)",
                                    f"{self.what}이(가) 제때 답하지 않습니다 ({failures}번 시도). 잠시 뒤 다시 동기화합니다") from None
                self.pause(self.backoff * 2 ** (failures - 1))
                continue
            except httpx.TransportError as exc:
                failures += 1
                if failures >= self.attempts:
                    raise SyncError("unreachable", f"cannot reach {self.what} ({type(exc).__name__}); check the "
                                    "shop address and this PC's internet connection",
                                    f"{self.what}에 연결할 수 없습니다. 쇼핑몰 주소와 이 PC의 인터넷 연결을 확인하세요") from None
                self.pause(self.backoff * 2 ** (failures - 1))
                continue
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status == 429:
                limited += 1
                wait = retry_after(response)
                wait = self.backoff if wait is None else wait
                if wait > self.max_wait or limited > self.rate_limit_waits:
                    raise SyncError("rate_limited", f"{self.what} asks to wait {int(wait)} s before more calls; the "
                                    "next sync goes on from here",
                                    f"{self.what} 호출 한도에 걸렸습니다({int(wait)}초 대기 요청). 다음 동기화가 여기서 이어 갑니다")
                log.info("%s: 429, waiting %.1f s", self.what, wait)
                self.pause(wait)
                continue
            if status >= 500:
                failures += 1
                if failures >= self.attempts:
                    raise SyncError("server_error", f"{self.what} answered {status} ({failures} tries); the next "
                                    "sync tries again",
                                    f"{self.what} 서버 오류({status})입니다({failures}번 시도). 다음 동기화 때 다시 시도합니다")
                self.pause(retry_after(response) or self.backoff * 2 ** (failures - 1))
                continue
            reason = platform_message(response)
            code = platform_code(response)
            if status in (401, 403):
                raise SyncError("unauthorized", f"{self.what} refused the credentials ({status}"
                                + (f": {reason}" if reason else "") + "); connect the shop again",
                                f"{self.what}이(가) 인증 정보를 거절했습니다({status}"
                                + (f": {reason}" if reason else "") + "). 쇼핑몰을 다시 연결하세요",
                                status=status, platform_code=code)
            raise SyncError("rejected", f"{self.what} refused the request ({status}" + (f": {reason}" if reason else "")
                            + ")", f"{self.what}이(가) 요청을 거절했습니다({status}" + (f": {reason}" if reason else "") + ")",
                            status=status, platform_code=code)

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; anything else is `bad_response` (a proxy's HTML page, a cut-off body)."""
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            raise SyncError("bad_response", f"{self.what} answered something that is not JSON "
                            f"({response.headers.get('content-type', 'no content type')}); the next sync tries again",
                            f"{self.what}의 응답을 읽을 수 없습니다(JSON이 아님). 다음 동기화 때 다시 시도합니다") from None

    def get_json(self, url: str, **kwargs: Any) -> Any:
        return self.json(self.request("GET", url, **kwargs))


def now_utc() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)
