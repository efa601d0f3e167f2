"""Cafe24 Admin API (`https://{mall_id}.cafe24api.com/api/v2/admin/…`, header `X-Cafe24-Api-Version`), with the
owner's own developer app (Cafe24 Developers › 앱 관리: its client id and secret, and a Redirect URI).

**Connecting** is OAuth 2 authorization code through the system browser: `authorize` listens once on this PC
at the redirect address (`http://127.0.0.1:8724/callback` unless the owner gives another; Cafe24 only sends
the code to a Redirect URI registered in the app, so the port is fixed, not a free one), opens Cafe24's
consent page, waits for `?code=…&state=…`, refuses an answer whose `state` is not this attempt's, and
exchanges the code at `/api/v2/oauth/token` (HTTP basic auth with the client id and secret). The access token
(2 hours), the refresh token (2 weeks, replaced by every refresh), their expiry times and the scopes granted
are kept in the OS keyring (`token_keys`). A call refreshes the token first when it is about to expire, and
refreshes it and tries once more on a 401; a refresh Cafe24 refuses means the owner must connect again.

**Orders** have no "changed since" filter, so a sync scans order-date windows (`start_date`/`end_date`, at
most 3 months a call; 30 days here): the first one `history_days` back (365), later ones the last
`rescan_days` (14) again, which is how status changes are seen. A window with more orders than `offset`
can reach (15,000) is halved first (`/orders/count`). Pages of 500 in order-date order, `embed=items,buyer`.
Order and item ids (`order_id`, `order_item_code`) are the ones the Cafe24 order export shows (주문번호,
품목별 주문번호), so a file import and the API name the same order once; item status codes (N00…, C…, R…,
E…) map through the file import's Cafe24 status table (`engine.sync.sources.CAFE24`).

**Members** (`/customersprivacy`, scope `mall.read_privacy`): all of them on the first sync and once a week
(by sign-up time, `search_type=created_date`), new sign-ups in between, and the members who logged in since
the last sync (`date_type=login`), whose `sms` / `news_mail` consent may have changed. Cafe24 does not date a
consent; it is taken as of the member's last login (else sign-up), so an opt-out recorded here later than
that stays in force. **Carts** (`/carts?member_id=…`, scope `mall.read_personal`) are read for those recently
logged-in members (only a logged-in member has a cart Cafe24 can tell us about), product names from
`/products`. A scope the owner's app was not granted skips its part.

Each call reads `X-Api-Call-Limit` (`used/bucket`, a leaky bucket emptied at about 2 calls a second) and
pauses when the bucket is nearly full; a 429 waits as `Retry-After` says (engine.sync.api.http).
"""

from __future__ import annotations

import html
import http.server
import re
import secrets as token_source
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from engine.shopdata import CartIn, ConsentIn, CustomerIn, OrderIn, OrderItemIn
from engine.sync.api.base import Batch, Connector, Field
from engine.sync.api.http import SyncError
from engine.sync.sources import CAFE24
from engine.sync.values import SEOUL, parse_birthday, parse_email, parse_id, parse_money, parse_phone

API_VERSION = "2025-12-01"
DEFAULT_REDIRECT = "http://127.0.0.1:8724/callback"
SCOPES = ("mall.read_order", "mall.read_customer", "mall.read_privacy", "mall.read_personal", "mall.read_product",
          # what journeys write: points (적립금, POST /api/v2/admin/points) and the shop's own coupons issued to a
          # member (POST /api/v2/admin/coupons/{no}/issues; 고객혜택·쿠폰 is the promotion scope)
          "mall.write_mileage", "mall.write_promotion")
WRITE_SCOPES = {
    "mall.write_mileage": ("points", "적립금 지급"),
    "mall.write_promotion": ("coupons", "쿠폰 발급"),
}
AUTH_TIMEOUT = 300.0          # seconds the owner has to log in and agree in the browser
TOKEN_MARGIN = timedelta(minutes=5)  # refresh an access token this long before it expires
WINDOW_DAYS = 30              # order windows (Cafe24: at most 3 months a call)
ORDER_LIMIT = 500             # orders a page (Cafe24: at most 1000)
MAX_OFFSET = 15000            # Cafe24's largest `offset` for orders
MEMBER_LIMIT = 1000           # members a page when scanning by sign-up time
LOGIN_LIMIT = 100             # recently logged-in members a page (one carts call takes at most 100 ids)
MAX_MEMBER_OFFSET = 8000      # Cafe24's largest `offset` for customersprivacy
CART_LIMIT = 500
FULL_MEMBERS_EVERY = timedelta(days=7)
LOGIN_OVERLAP = timedelta(hours=1)
FIRST_LOGINS = timedelta(days=7)  # the first sync reads the carts of members who logged in this recently
EPOCH = "2000-01-01 00:00:00"     # before any Cafe24 member signed up
COUNTED = ("paid", "shipped", "delivered", "confirmed")
_MALL_ID = re.compile(r"[a-z0-9][a-z0-9_-]{1,39}")


def open_browser(url: str) -> bool:
    """Open `url` in the owner's browser (tests replace this with one that follows the redirect)."""
    return webbrowser.open(url)


def _mall_id(text: str) -> str:
    value = text.strip().lower()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.split(".")[0] if value.endswith((".cafe24.com", ".cafe24api.com")) else value
    if not _MALL_ID.fullmatch(value):
        raise SyncError("bad_setting", f"'{text}' is not a Cafe24 mall id (example: myshop, from myshop.cafe24.com)",
                        f"'{text}'은(는) 카페24 쇼핑몰 아이디가 아닙니다 (예: myshop.cafe24.com의 myshop)")
    return value


def _redirect(text: str) -> str:
    value = text.strip()
    parts = urlsplit(value)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or not parts.port:
        raise SyncError("bad_setting", f"'{text}' must be an address on this PC with a port, such as {DEFAULT_REDIRECT}",
                        f"'{text}'은(는) 이 PC의 주소여야 합니다(포트 포함, 예: {DEFAULT_REDIRECT})")
    return value


def _days(low: int, high: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            raise SyncError("bad_setting", f"'{text}' is not a number of days from {low} to {high}",
                            f"'{text}'은(는) {low}~{high} 사이의 일수가 아닙니다")
        return str(int(text))

    return parse


def _moment(text: Any) -> datetime | None:
    """A Cafe24 time (`2026-03-02T10:00:00+09:00`; a token's `2026-03-02T12:00:00.000` is Seoul time) → UTC."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SEOUL)
    return moment.astimezone(UTC)


def _won(value: Any) -> int:
    return int(parse_money(value) or 0)


def _shop_day(moment: datetime) -> date:
    return moment.astimezone(SEOUL).date()


def _shop_time(moment: datetime) -> str:
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S")


def _combined(statuses: list[str]) -> str:
    """One status for an order whose items each have one (as the file import does): the least advanced
    counted one, else pending, refunded, cancelled in that order."""
    if all(status == statuses[0] for status in statuses):
        return statuses[0]
    counted = [status for status in statuses if status in COUNTED]
    if counted:
        return min(counted, key=COUNTED.index)
    for status in ("pending", "refunded", "cancelled"):
        if status in statuses:
            return status
    return sorted(statuses)[0]


def _windows(first: date, last: date) -> list[list[str]]:
    out = []
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=WINDOW_DAYS - 1))
        out.append([start.isoformat(), end.isoformat()])
        start = end + timedelta(days=1)
    return out


class _Callback(http.server.BaseHTTPRequestHandler):
    """The one request Cafe24 sends the browser back with (`?code=…&state=…`, or `?error=…`)."""

    server: _Listener

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.path:
            self.send_error(404)
            return
        self.server.answer = {key: values[0] for key, values in parse_qs(parts.query).items()}
        page = ("<!doctype html><meta charset='utf-8'><title>단골여정</title><p>" + html.escape(self.server.page)
                + "</p>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
        self.server.done.set()

    def log_message(self, format: str, *args: Any) -> None:
        return  # the code is in the request line: never logged


class _Listener(http.server.HTTPServer):
    def __init__(self, port: int, path: str) -> None:
        super().__init__(("127.0.0.1", port), _Callback)
        self.path = path
        self.answer: dict[str, str] | None = None
        self.page = "카페24 연결 승인을 받았습니다. 이 창을 닫고 단골여정으로 돌아가세요. (Cafe24 answered: you may close this tab.)"
        self.done = threading.Event()
        self.timeout = 0.2


class Cafe24(Connector):
    name = "cafe24"
    label = "카페24"
    label_en = "Cafe24"
    fields = (
        Field("mall_id", "쇼핑몰 아이디", "Mall ID", example="myshop", parse=_mall_id),
        Field("client_id", "클라이언트 ID", "Client ID", example="BrIfqEKoPxeE…"),
        Field("client_secret", "클라이언트 시크릿", "Client secret", secret=True),
        Field("redirect_uri", "리디렉션 주소", "Redirect address", required=False, example=DEFAULT_REDIRECT,
              parse=_redirect),
        Field("history_days", "처음 가져올 주문 기간(일)", "Days of orders the first sync brings", required=False,
              example="365", parse=_days(1, 3650)),
        Field("rescan_days", "다시 확인할 최근 주문 기간(일)", "Days of recent orders each sync checks again",
              required=False, example="14", parse=_days(1, 90)),
    )
    token_keys: ClassVar[tuple[str, ...]] = ("access_token", "refresh_token", "expires_at", "refresh_expires_at",
                                             "scopes")
    note_ko = ("카페24 개발자센터(developers.cafe24.com)에서 앱을 만들고, 앱의 Redirect URI에 아래 리디렉션 주소"
               f"(비워 두면 {DEFAULT_REDIRECT})를 똑같이 등록하세요. 연결을 누르면 브라우저에서 카페24 로그인과 권한 동의"
               " 화면이 열립니다.")
    note_en = ("Make an app in Cafe24 Developers (developers.cafe24.com) and register the redirect address below "
               f"(empty: {DEFAULT_REDIRECT}) as its Redirect URI, exactly. Connecting opens Cafe24's login and "
               "consent page in your browser.")
    api_base: ClassVar[str] = "https://{mall_id}.cafe24api.com"  # tests point it at a local server
    leak_per_second: ClassVar[float] = 2.0  # how fast Cafe24's call bucket empties

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = datetime.now(UTC)
        self._refreshed = False
        self._groups: dict[str, str] | None = None

    # --- addresses and settings --------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.api_base.format(mall_id=self.value("mall_id")).rstrip("/") + path

    def _redirect_uri(self) -> str:
        return self.config.get("redirect_uri") or DEFAULT_REDIRECT

    def _setting(self, key: str, default: int) -> int:
        return int(self.config.get(key) or default)

    def _granted(self, scope: str) -> bool:
        held = self.secrets.get("scopes")
        return held is None or scope in held.split(",")  # unknown: try, and let Cafe24 say

    def require(self, scope: str) -> None:
        """Refuse at once (SyncError `rejected`, the owner told what to do) when the connection was agreed
        without a write scope a journey needs: a shop connected before the scope was asked for."""
        if self._granted(scope):
            return
        what, ko = WRITE_SCOPES[scope]
        raise SyncError("rejected", f"the Cafe24 connection does not allow {what} ({scope}); connect the shop "
                        "again in Settings › Shop connection and agree to it",
                        f"카페24 연결에 {ko} 권한({scope})이 없습니다. 설정 › 쇼핑몰 연결에서 다시 연결하고 동의하세요")

    # --- OAuth -------------------------------------------------------------------------------------------

    def authorize(self, now: datetime) -> None:
        """The owner agrees in the browser; the code that comes back to this PC becomes the tokens."""
        self._now = now
        redirect = self._redirect_uri()
        parts = urlsplit(redirect)
        assert parts.port is not None
        state = token_source.token_urlsafe(24)
        try:
            listener = _Listener(parts.port, parts.path or "/")
        except OSError:
            raise SyncError("port_busy", f"port {parts.port} on this PC is in use; put another port in the redirect "
                            "address and register the same address in the Cafe24 developer app",
                            f"이 PC의 {parts.port}번 포트를 다른 프로그램이 쓰고 있습니다. 리디렉션 주소의 포트를 바꾸고 "
                            "카페24 개발자센터 앱에도 똑같이 등록하세요") from None
        thread = threading.Thread(target=self._serve, args=(listener,), name="cafe24-oauth", daemon=True)
        thread.start()
        try:
            query = urlencode({"response_type": "code", "client_id": self.value("client_id"), "state": state,
                               "redirect_uri": redirect, "scope": ",".join(SCOPES)})
            if not open_browser(self._url("/api/v2/oauth/authorize") + "?" + query):
                raise SyncError("no_browser", "no web browser could be opened on this PC for Cafe24's consent page",
                                "카페24 동의 화면을 열 웹 브라우저를 찾지 못했습니다")
            deadline = time.monotonic() + AUTH_TIMEOUT
            while not listener.done.is_set():
                if self.http.stop.wait(0.1):
                    raise SyncError("cancelled", "connecting was stopped", "연결을 멈췄습니다")
                if time.monotonic() > deadline:
                    raise SyncError("timeout", "Cafe24's consent page was not answered in time; connect again",
                                    "카페24 동의 화면에서 답이 오지 않았습니다. 다시 연결하세요")
        finally:
            listener.done.set()
            thread.join(timeout=5)
            listener.server_close()
        answer = listener.answer or {}
        if answer.get("state") != state:
            raise SyncError("bad_state", "the answer that came back is not from this connection attempt; nothing was "
                            "kept, connect again", "돌아온 응답이 이번 연결 요청의 것이 아닙니다. 저장하지 않았으니 다시 연결하세요")
        if answer.get("error") or not answer.get("code"):
            reason = answer.get("error_description") or answer.get("error") or "no code"
            raise SyncError("denied", f"Cafe24 did not give access ({reason[:80]})",
                            f"카페24가 접근을 허락하지 않았습니다({reason[:80]}). 동의 화면에서 권한을 승인하세요")
        response = self.http.request("POST", self._url("/api/v2/oauth/token"),
                                     data={"grant_type": "authorization_code", "code": answer["code"],
                                           "redirect_uri": redirect},
                                     auth=(self.value("client_id"), self.value("client_secret")))
        self._keep(self.http.json(response))

    @staticmethod
    def _serve(listener: _Listener) -> None:
        while not listener.done.is_set():
            listener.handle_request()

    def _keep(self, body: Any) -> None:
        if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
            raise SyncError("bad_response", "Cafe24 answered the token request in an unknown form",
                            "카페24 토큰 응답의 형식을 알 수 없습니다")
        expires = _moment(body.get("expires_at")) or self._now + timedelta(hours=2)
        refresh_expires = _moment(body.get("refresh_token_expires_at"))
        self.save_secret("access_token", str(body["access_token"]))
        self.save_secret("refresh_token", str(body["refresh_token"]))
        self.save_secret("expires_at", expires.isoformat())
        self.save_secret("refresh_expires_at", refresh_expires.isoformat() if refresh_expires else "")
        scopes = body.get("scopes")
        if isinstance(scopes, list):
            self.save_secret("scopes", ",".join(str(scope) for scope in scopes))

    def _expired_connection(self) -> SyncError:
        return SyncError("unauthorized", "Cafe24 no longer accepts this connection (its refresh token expired or was "
                         "revoked); connect Cafe24 again", "카페24 연결이 만료되었습니다(갱신 토큰 만료). 카페24를 다시 연결하세요")

    def _refresh(self) -> None:
        token = self.secrets.get("refresh_token")
        until = _moment(self.secrets.get("refresh_expires_at"))
        if not token or (until is not None and self._now >= until):
            raise self._expired_connection()
        try:
            response = self.http.request("POST", self._url("/api/v2/oauth/token"),
                                         data={"grant_type": "refresh_token", "refresh_token": token},
                                         auth=(self.value("client_id"), self.value("client_secret")))
        except SyncError as exc:
            if exc.code in ("unauthorized", "rejected"):
                raise self._expired_connection() from None
            raise
        self._keep(self.http.json(response))
        self._refreshed = True

    def _access_token(self) -> str:
        expires = _moment(self.secrets.get("expires_at"))
        if not self._refreshed and (expires is None or self._now >= expires - TOKEN_MARGIN):
            self._refresh()
        token = self.secrets.get("access_token")
        if not token:
            raise self._expired_connection()
        return token

    # --- calls -------------------------------------------------------------------------------------------

    def _get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One authenticated GET; a refused token is refreshed and the call made once more."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._access_token()}", "X-Cafe24-Api-Version": API_VERSION,
                       "Content-Type": "application/json"}
            try:
                response = self.http.request("GET", self._url(path), params=dict(params), headers=headers)
            except SyncError as exc:
                if exc.code != "unauthorized" or attempt == 2:
                    raise
                self._refresh()
                continue
            self._mind_call_limit(response)
            body = self.http.json(response)
            if not isinstance(body, dict):
                raise SyncError("bad_response", "Cafe24 answered in an unknown form", "카페24 응답의 형식을 알 수 없습니다")
            return body
        raise AssertionError("unreachable")

    def give_points(self, member_id: str, amount: int, reason: str, now: datetime) -> dict[str, Any]:
        """Give `amount` points to the member (`POST /api/v2/admin/points`, type increase; scope
        mall.write_mileage). One call: a 429/5xx is tried again by Http as for a sync; a refused token is
        refreshed and the call made once more (a 401 means nothing was given); anything else raises."""
        self._now = now
        self.require("mall.write_mileage")
        body = {"shop_no": 1, "request": {"member_id": member_id, "amount": f"{int(amount)}.00",
                                          "type": "increase", "reason": reason[:255]}}
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._access_token()}", "X-Cafe24-Api-Version": API_VERSION,
                       "Content-Type": "application/json"}
            try:
                response = self.http.request("POST", self._url("/api/v2/admin/points"), json=body, headers=headers)
            except SyncError as exc:
                if exc.code != "unauthorized" or exc.status == 403 or attempt == 2:
                    raise
                self._refresh()
                continue
            answer = self.http.json(response)
            return answer if isinstance(answer, dict) else {}
        raise AssertionError("unreachable")

    def _mind_call_limit(self, response: httpx.Response) -> None:
        """`X-Api-Call-Limit: 38/40`: wait until the bucket is down to three quarters before going on."""
        used, _, size = (response.headers.get("X-Api-Call-Limit") or "").partition("/")
        if not (used.strip().isdigit() and size.strip().isdigit()):
            return
        full, bucket = int(used), int(size)
        if bucket and full >= bucket - max(2, bucket // 8):
            self.http.pause((full - bucket * 3 / 4) / self.leak_per_second)

    def _list(self, body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        found = body.get(key)
        if not isinstance(found, list):
            raise SyncError("bad_response", f"Cafe24 answered without '{key}'", f"카페24 응답에 '{key}' 목록이 없습니다")
        return [item for item in found if isinstance(item, dict)]

    def check(self, now: datetime) -> str:
        self._now = now
        today = _shop_day(now).isoformat()
        body = self._get("/api/v2/admin/orders/count", {"start_date": today, "end_date": today})
        if not isinstance(body.get("count"), int):
            raise SyncError("bad_response", "Cafe24 did not answer with an order count; check the mall id",
                            "카페24가 주문 수로 답하지 않았습니다. 쇼핑몰 아이디를 확인하세요")
        missing = [scope for scope in ("mall.read_privacy", "mall.read_personal") if not self._granted(scope)]
        return f"Cafe24 {self.value('mall_id')}" + (f" (not granted: {', '.join(missing)})" if missing else "")

    # --- the sync ----------------------------------------------------------------------------------------

    def _new_run(self, state: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        today = _shop_day(now)
        last = _moment(state.get("last_run"))
        if last is None:
            first = today - timedelta(days=self._setting("history_days", 365) - 1)
            logins_from = now - FIRST_LOGINS
        else:
            first = today - timedelta(days=self._setting("rescan_days", 14) - 1)
            logins_from = last - LOGIN_OVERLAP
        full_at = _moment(state.get("members_full_at"))
        full = full_at is None or now - full_at >= FULL_MEMBERS_EVERY
        return {"started": now.isoformat(), "phase": "orders", "windows": _windows(first, today), "offset": 0,
                "counted": False, "full": full, "joined_from": EPOCH if full else state.get("joined_from") or EPOCH,
                "logins_from": _shop_day(logins_from).isoformat(), "logins_to": today.isoformat(), "logins_offset": 0}

    def pull(self, cursor: Mapping[str, Any], now: datetime) -> Iterator[Batch]:
        self._now = now
        state: dict[str, Any] = deepcopy(dict(cursor))
        run = state.get("run") or self._new_run(state, now)
        state["run"] = run
        while True:
            phase = run["phase"]
            if phase == "orders":
                if not run["windows"]:
                    run.update(phase="joined")
                    continue
                if not run["counted"] and self._split(run):
                    continue
                records, note = self._orders_page(run)
            elif phase == "joined":
                if not self._granted("mall.read_privacy"):
                    run.update(phase="logins")
                    continue
                records, note = self._joined_page(run)
            else:
                if not self._granted("mall.read_privacy"):
                    run.update(phase="done")
                records, note = ([], {}) if run["phase"] == "done" else self._logins_page(run)
            if run["phase"] == "done":
                finished = {"last_run": run["started"], "joined_from": run["joined_from"],
                            "members_full_at": run["started"] if run["full"] else state.get("members_full_at")}
                yield Batch(records, finished, note)
                return
            yield Batch(records, deepcopy(state), note)

    # orders

    def _split(self, run: dict[str, Any]) -> bool:
        """Halve the first window while it holds more orders than paging can reach; True when it did."""
        start, end = run["windows"][0]
        body = self._get("/api/v2/admin/orders/count", {"start_date": start, "end_date": end,
                                                        "date_type": "order_date"})
        count = body.get("count")
        if not isinstance(count, int):
            raise SyncError("bad_response", "Cafe24 answered an order count in an unknown form",
                            "카페24 주문 수 응답의 형식을 알 수 없습니다")
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        if count > MAX_OFFSET + ORDER_LIMIT and first < last:
            middle = first + (last - first) // 2
            run["windows"][0:1] = [[start, middle.isoformat()], [(middle + timedelta(days=1)).isoformat(), end]]
            return True
        run["counted"] = True
        return False

    def _orders_page(self, run: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        start, end = run["windows"][0]
        offset = int(run["offset"])
        body = self._get("/api/v2/admin/orders", {
            "start_date": start, "end_date": end, "date_type": "order_date", "limit": ORDER_LIMIT, "offset": offset,
            "embed": "items,buyer", "sort": "order_date", "order": "asc"})
        orders = self._list(body, "orders")
        records = [order for order in (self._order(raw) for raw in orders) if order is not None]
        if len(orders) < ORDER_LIMIT or offset + ORDER_LIMIT > MAX_OFFSET:
            run["windows"].pop(0)
            run.update(offset=0, counted=False)
        else:
            run["offset"] = offset + ORDER_LIMIT
        return records, {"orders": f"{start}..{end}", "offset": offset}

    def _order(self, raw: Mapping[str, Any]) -> OrderIn | None:
        ordered = _moment(raw.get("order_date"))
        if not raw.get("order_id") or ordered is None:
            return None
        items = [item for item in raw.get("items") or () if isinstance(item, dict)]
        statuses = [status for status in (CAFE24.status(str(item.get("order_status") or "")) for item in items)
                    if status is not None]
        if statuses:
            status = _combined(statuses)
        elif raw.get("canceled") == "T":
            status = "cancelled"
        else:
            status = "paid" if raw.get("paid") == "T" else "pending"
        found = raw.get("buyer")
        buyer: Mapping[str, Any] = found if isinstance(found, dict) else {}
        found = raw.get("actual_order_amount")
        amounts: Mapping[str, Any] = found if isinstance(found, dict) else {}
        paid = raw.get("payment_amount")
        if paid in (None, ""):
            paid = amounts.get("payment_amount")
        lines = tuple(
            OrderItemIn(product_name=str(item.get("product_name") or item.get("product_name_default") or ""),
                        quantity=max(1, int(item.get("quantity") or 1)), unit_price=_won(item.get("product_price")),
                        option=str(item.get("option_value") or "") or None,
                        external_id=str(item["order_item_code"]) if item.get("order_item_code") else None)
            for item in items)
        amount = _won(paid) if paid not in (None, "") else sum(item.unit_price * item.quantity for item in lines)
        return OrderIn(
            source=self.name, external_id=str(raw["order_id"]), ordered_at=ordered, amount=amount, status=status,
            customer_external_id=parse_id(raw.get("member_id")),
            buyer_name=str(buyer.get("name") or raw.get("billing_name") or "") or None,
            buyer_phone=parse_phone(buyer.get("cellphone") or buyer.get("phone")),
            buyer_email=parse_email(buyer.get("email") or raw.get("member_email")),
            discount=_won(amounts.get("total_discount_amount")), paid_at=_moment(raw.get("payment_date")),
            items=lines)

    # members

    def _group_names(self) -> dict[str, str]:
        if self._groups is None:
            self._groups = {}
            if self._granted("mall.read_customer"):
                body = self._get("/api/v2/admin/customergroups", {})
                for group in self._list(body, "customergroups"):
                    self._groups[str(group.get("group_no"))] = str(group.get("group_name") or "")
        return self._groups

    def _member(self, raw: Mapping[str, Any]) -> list[Any]:
        member = parse_id(raw.get("member_id"))
        if member is None:
            return []
        birthday, lunar = parse_birthday(raw.get("birthday") or None)
        if raw.get("solar_calendar") == "F" and birthday is not None:
            lunar = True
        gender = str(raw.get("gender") or "").upper()
        signed_up = _moment(raw.get("created_date"))
        grade = self._group_names().get(str(raw.get("group_no"))) or None
        records: list[Any] = [CustomerIn(
            source=self.name, external_id=member, name=str(raw.get("name") or ""),
            email=parse_email(raw.get("email")), phone=parse_phone(raw.get("cellphone") or raw.get("phone")),
            birthday=birthday, gender=gender if gender in ("M", "F") else None, grade=grade, signed_up_at=signed_up,
            attributes={"birthday_lunar": True} if lunar else None)]
        # Cafe24 does not date a consent: it stands as of the member's last login (when they could change it)
        as_of = _moment(raw.get("last_login_date")) or signed_up
        if as_of is not None:
            for channel, key in (("sms", "sms"), ("email", "news_mail")):
                if raw.get(key) in ("T", "F"):
                    records.append(ConsentIn(self.name, member, channel, raw[key] == "T", min(as_of, self._now)))
        return records

    def _joined_page(self, run: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        since = run["joined_from"]
        body = self._get("/api/v2/admin/customersprivacy", {"search_type": "created_date",
                                                            "created_start_date": since, "limit": MEMBER_LIMIT})
        members = self._list(body, "customersprivacy")
        records = [record for raw in members for record in self._member(raw)]
        times = [moment for moment in (_moment(raw.get("created_date")) for raw in members) if moment is not None]
        if times:
            latest = _shop_time(max(times))
            if len(members) >= MEMBER_LIMIT and latest <= since:  # a full page of one second: step past it
                latest = _shop_time(max(times) + timedelta(seconds=1))
            run["joined_from"] = latest
        if len(members) < MEMBER_LIMIT:
            run.update(phase="logins")
        return records, {"members_since": since}

    def _logins_page(self, run: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        offset = int(run["logins_offset"])
        body = self._get("/api/v2/admin/customersprivacy", {
            "date_type": "login", "start_date": run["logins_from"], "end_date": run["logins_to"],
            "limit": LOGIN_LIMIT, "offset": offset})
        members = self._list(body, "customersprivacy")
        records = [record for raw in members for record in self._member(raw)]
        ids = [member for member in (parse_id(raw.get("member_id")) for raw in members) if member]
        if ids and self._granted("mall.read_personal"):
            records += self._carts(ids)
        if len(members) < LOGIN_LIMIT or offset + LOGIN_LIMIT > MAX_MEMBER_OFFSET:
            run.update(phase="done")
        else:
            run["logins_offset"] = offset + LOGIN_LIMIT
        return records, {"logins": run["logins_from"], "offset": offset}

    # carts

    def _carts(self, members: list[str]) -> list[CartIn]:
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            body = self._get("/api/v2/admin/carts", {"member_id": ",".join(members), "limit": CART_LIMIT,
                                                     "offset": offset})
            page = self._list(body, "carts")
            rows += page
            if len(page) < CART_LIMIT:
                break
            offset += CART_LIMIT
        names = self._product_names(sorted({str(row.get("product_no")) for row in rows if row.get("product_no")}))
        by_member: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row.get("member_id") and _moment(row.get("created_date")) is not None:
                by_member.setdefault(str(row["member_id"]), []).append(row)
        carts = []
        for member, lines in sorted(by_member.items()):
            lines.sort(key=lambda row: (str(row.get("created_date")), str(row.get("basket_product_no"))))
            items: list[dict[str, Any]] = []
            for row in lines:
                quantity = max(1, int(row.get("quantity") or 1))
                price = _won(row.get("product_price")) + _won(row.get("option_price"))
                items.append({"name": names.get(str(row.get("product_no"))) or f"상품 {row.get('product_no')}",
                              "quantity": quantity, "price": price})
            added = [moment for moment in (_moment(row.get("created_date")) for row in lines) if moment is not None]
            carts.append(CartIn(source=self.name, external_id=member, customer_external_id=member,
                                amount=sum(int(item["price"]) * int(item["quantity"]) for item in items),
                                updated_at=max(added), created_at=min(added), items=tuple(items)))
        return carts

    def _product_names(self, numbers: list[str]) -> dict[str, str]:
        names: dict[str, str] = {}
        if not self._granted("mall.read_product"):
            return names
        for start in range(0, len(numbers), 100):
            chunk = numbers[start : start + 100]
            body = self._get("/api/v2/admin/products", {"product_no": ",".join(chunk), "limit": 100,
                                                        "fields": "product_no,product_name"})
            for product in self._list(body, "products"):
                names[str(product.get("product_no"))] = str(product.get("product_name") or "")
        return names
