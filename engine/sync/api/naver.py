"""Naver Commerce API (SmartStore), with the application ID and secret of the owner's own "내 스토어
애플리케이션" in the Commerce API Center (apicenter.commerce.naver.com), which needs the order API group.

- **Token.** A client-credentials token (`POST /external/v1/oauth2/token`, `type=SELF`), signed:
  `client_secret_sign` = base64(bcrypt(`{client_id}_{timestamp ms}`, salt = the application secret)). It
  lives three hours; it is kept in the keyring with its expiry and asked for again shortly before that or
  on a 401 (`GW.AUTHN`). The signature carries the secret's salt, so requests only ever go to `base_url`.
- **What changed.** `GET …/product-orders/last-changed-statuses` lists product orders by their last change,
  `lastChangedFrom`/`lastChangedTo` at most 24 h apart, at most 300 an answer; when there are more, the
  answer's `more.moreFrom` and `more.moreSequence` are the next call's `lastChangedFrom` and `moreSequence`.
  Each answer is one page: its orders and the cursor to resume after it.
- **Orders.** A SmartStore order (주문번호) holds product orders (상품주문번호), each with its own status. The
  file import names orders by 주문번호 and items by 상품주문번호, and so does this connector: for every
  order with a change it asks for all the order's product orders (`…/orders/{orderId}/product-order-ids`,
  as a change may touch one item only), their details (`POST …/product-orders/query`, 300 a call), and
  makes one order of them the way the file import does (engine/sync/parse: the order's status from its
  items', its amount the counted items' payments). Buyer ids come masked (`abcd****`): no id, so the buyer
  is matched by phone, as in the file.
- **Limits.** Naver answers only the IP addresses registered for the application (403 `GW.IP_NOT_ALLOWED`,
  told to the owner as such); per-second token buckets per API (429 `GW.RATE_LIMIT`, waited out by Http;
  `GNCP-GW-RateLimit-Remaining` at 0 waits one token's time before the next call).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import bcrypt
import httpx

from engine.shopdata import OrderIn
from engine.sync import values as v
from engine.sync.api.base import Batch, Connector, Field
from engine.sync.api.http import SyncError, now_utc
from engine.sync.parse import COUNTED, _order_status
from engine.sync.records import ParsedItem
from engine.sync.sources import SMARTSTORE

log = logging.getLogger("dangol.sync")

TOKEN_PATH = "/external/v1/oauth2/token"
CHANGED_PATH = "/external/v1/pay-order/seller/product-orders/last-changed-statuses"
DETAILS_PATH = "/external/v1/pay-order/seller/product-orders/query"
ORDER_ITEMS_PATH = "/external/v1/pay-order/seller/orders/{order_id}/product-order-ids"

WINDOW = timedelta(hours=24)         # the longest lastChangedFrom … lastChangedTo Naver answers
DETAILS_PER_CALL = 300               # product order ids one details query takes
OVERLAP = timedelta(minutes=10)      # the next sync looks back this far before this one's start
TOKEN_MARGIN = timedelta(minutes=10)  # a token this close to its expiry is asked for again
DEFAULT_DAYS = 30
MAX_DAYS = 90
IP_REFUSED = "GW.IP_NOT_ALLOWED"

_SALT = re.compile(r"^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{22}$")
_BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _secret(text: str) -> str:
    value = text.strip()
    if not _SALT.match(value):
        raise SyncError("bad_setting", "the application secret looks like $2a$04$ and 22 more characters; copy it "
                        "again from the Commerce API Center",
                        "애플리케이션 시크릿은 $2a$04$처럼 시작하는 29자입니다. 커머스API센터에서 다시 복사해 붙여 넣으세요")
    return value


def _days(text: str) -> str:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise SyncError("bad_setting", f"days of history: a whole number from 1 to {MAX_DAYS} (default {DEFAULT_DAYS})",
                        f"처음 가져올 기간은 1에서 {MAX_DAYS} 사이의 일수입니다(기본 {DEFAULT_DAYS}일)")
    return str(int(value))


def _salt(secret: str) -> bytes:
    """The secret as a bcrypt salt. Its 22nd character holds only 2 bits; Naver's own (Java) library ignores
    the other 4 and Python's bcrypt refuses them, so they are cleared here as jBCrypt does."""
    head, last = secret[:-1], secret[-1]
    index = _BCRYPT64.find(last)
    return (head + (_BCRYPT64[index & 0x30] if index >= 0 else last)).encode("ascii")


def client_secret_sign(client_id: str, client_secret: str, timestamp: str) -> str:
    """Naver's token signature: base64 of bcrypt(`{client_id}_{timestamp}`) salted with the secret."""
    hashed = bcrypt.hashpw(f"{client_id}_{timestamp}".encode(), _salt(client_secret))
    return base64.b64encode(hashed).decode("ascii")


def _kst(moment: datetime) -> str:
    """A time as Naver takes it: `2026-03-02T10:00:00.000+09:00`."""
    return moment.astimezone(v.SEOUL).isoformat(timespec="milliseconds")


def _instant(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    return moment.replace(tzinfo=v.SEOUL).astimezone(UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _won(value: Any) -> int | None:
    return v.parse_money(value) if value is not None else None


_WHAT = {"token": "인증 토큰", "changed orders": "변경 주문 목록", "order details": "주문 상세"}


def _bad_answer(what: str) -> SyncError:
    return SyncError("bad_response", f"Naver answered {what} in an unknown form; the next sync tries again",
                     f"네이버의 {_WHAT[what]} 응답 형식을 알 수 없습니다. 다음 동기화 때 다시 시도합니다")


class Naver(Connector):
    name = "smartstore"  # the file import's source: an order from the Excel export and from the API is one
    label = "네이버 스마트스토어"
    label_en = "Naver SmartStore"
    fields = (
        Field("client_id", "애플리케이션 ID", "Application ID", example="7dMvteboKNHwyRremLXXXX"),
        Field("client_secret", "애플리케이션 시크릿", "Application secret", secret=True, example="$2a$04$…",
              parse=_secret),
        Field("history_days", "처음 가져올 기간(일)", "Days of history on the first sync", required=False,
              example=str(DEFAULT_DAYS), parse=_days),
    )
    token_keys: ClassVar[tuple[str, ...]] = ("access_token", "expires_at")
    note_ko = ("커머스API센터(apicenter.commerce.naver.com)에서 '내 스토어 애플리케이션'을 등록하고 '주문' API 그룹을 "
               "추가한 뒤, 애플리케이션 ID와 시크릿을 붙여 넣으세요. 네이버는 등록된 IP 주소에서 온 호출에만 답합니다: "
               "애플리케이션의 API 호출 IP에 이 PC의 공인 IP 주소를 등록하세요(인터넷 회선이나 장소가 바뀌면 다시 등록). "
               "그럴 수 없다면 스마트스토어 주문 엑셀을 파일로 가져오세요.")
    note_en = ("Register a 'my store' application in the Commerce API Center (apicenter.commerce.naver.com) with the "
               "order API group, and paste its application ID and secret. Naver answers only registered IP addresses: "
               "add this PC's public IP address to the application's API call IPs (again when the internet line or "
               "place changes). If you cannot, import the SmartStore order Excel file instead.")

    base_url: ClassVar[str] = "https://api.commerce.naver.com"  # tests point it at a local server

    def wall(self) -> datetime:
        """Real time (not the shop clock): Naver's tokens and signature timestamps live in it."""
        return now_utc()

    # --- calls -------------------------------------------------------------------------------------------

    def _token(self, *, renew: bool = False) -> str:
        token = self.secrets.get("access_token")
        try:
            expires = _instant(self.secrets.get("expires_at"))
        except ValueError:
            expires = None
        wall = self.wall()
        if token and expires is not None and not renew and expires - TOKEN_MARGIN > wall:
            return token
        client_id, secret = self.value("client_id"), self.value("client_secret")
        stamp = str(int(wall.timestamp() * 1000))
        form = {"client_id": client_id, "timestamp": stamp, "grant_type": "client_credentials",
                "client_secret_sign": client_secret_sign(client_id, secret, stamp), "type": "SELF"}
        try:
            response = self.http.request("POST", self.base_url + TOKEN_PATH, data=form,
                                         headers={"Accept": "application/json"})
        except SyncError as exc:
            raise self._refused(exc, token_call=True) from None
        body = self.http.json(response)
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str) or not body["access_token"]:
            raise _bad_answer("token")
        try:
            seconds = int(body.get("expires_in") or 10800)
        except (TypeError, ValueError):
            seconds = 10800
        self.save_secret("access_token", body["access_token"])
        self.save_secret("expires_at", (wall + timedelta(seconds=seconds)).isoformat())
        return str(body["access_token"])

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One authenticated call's JSON body; a token Naver no longer takes (401) is replaced once."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._token(renew=attempt == 2)}", "Accept": "application/json"}
            try:
                response = self.http.request(method, self.base_url + path, headers=headers, **kwargs)
            except SyncError as exc:
                if exc.status == 401 and attempt == 1:
                    log.info("smartstore: the token was refused (%s); asking for a new one", exc.platform_code)
                    continue
                raise self._refused(exc) from None
            self._pace(response)
            return self.http.json(response)
        raise AssertionError("unreachable")

    def _pace(self, response: httpx.Response) -> None:
        """Naver's token bucket says it is empty: wait one token's time rather than be refused (429)."""
        remaining = response.headers.get("GNCP-GW-RateLimit-Remaining", "").strip()
        if not remaining.lstrip("-").isdigit() or int(remaining) > 0:
            return
        try:
            rate = float(response.headers.get("GNCP-GW-RateLimit-Replenish-Rate", "") or 0)
        except ValueError:
            rate = 0.0
        self.http.pause(1.0 / rate if rate > 0 else 1.0)

    def _refused(self, exc: SyncError, *, token_call: bool = False) -> SyncError:
        if exc.platform_code == IP_REFUSED:
            return SyncError(
                "ip_not_allowed", "Naver does not take calls from this PC's IP address (GW.IP_NOT_ALLOWED): add this "
                "PC's public IP address to the application's API call IPs in the Commerce API Center "
                "(apicenter.commerce.naver.com), or import the SmartStore order Excel file instead",
                "네이버가 이 PC의 IP 주소에서 온 호출을 받지 않습니다(GW.IP_NOT_ALLOWED). 커머스API센터"
                "(apicenter.commerce.naver.com)에서 애플리케이션의 API 호출 IP에 이 PC의 공인 IP 주소를 등록하세요"
                "(네이버에서 '내 IP 확인'을 검색하면 보입니다). 그럴 수 없다면 스마트스토어 주문 엑셀을 파일로 가져오세요",
                status=exc.status, platform_code=exc.platform_code)
        if token_call and exc.status in (400, 401, 403):
            return SyncError(
                "unauthorized", f"Naver refused the application ID or secret ({exc.status}, {exc.platform_code or 'no code'});"
                " check them in the Commerce API Center and connect again",
                f"네이버가 애플리케이션 ID나 시크릿을 받지 않았습니다({exc.status}). 커머스API센터에서 확인하고 다시 연결하세요",
                status=exc.status, platform_code=exc.platform_code)
        if exc.status == 403:
            return SyncError(
                "forbidden", f"Naver refused the call ({exc.platform_code or 403}); the application needs the order "
                "API group (Commerce API Center › application › API groups)",
                "네이버가 호출을 거절했습니다. 커머스API센터에서 애플리케이션에 '주문' API 그룹을 추가했는지 확인하세요",
                status=exc.status, platform_code=exc.platform_code)
        return exc

    # --- the connector -----------------------------------------------------------------------------------

    def check(self, now: datetime) -> str:
        self._changes(now - timedelta(hours=1), now, None, limit=1)  # the token, the IP and the order API group
        return f"Naver SmartStore application {self.value('client_id')[:6]}…"

    def _changes(self, start: str | datetime, end: datetime, more: str | None,
                 limit: int | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        params: dict[str, Any] = {"lastChangedFrom": start if isinstance(start, str) else _kst(start),
                                  "lastChangedTo": _kst(end)}
        if more:
            params["moreSequence"] = more
        if limit:
            params["limitCount"] = limit
        body = self._call("GET", CHANGED_PATH, params=params)
        data = body.get("data") if isinstance(body, dict) else None
        if data is None and isinstance(body, dict) and "timestamp" in body:
            return [], None  # nothing changed: Naver may leave `data` out
        if not isinstance(data, dict):
            raise _bad_answer("changed orders")
        changed = data.get("lastChangeStatuses") or []
        following = data.get("more")
        if not isinstance(changed, list) or not all(isinstance(item, dict) for item in changed):
            raise _bad_answer("changed orders")
        if following is not None and not (isinstance(following, dict) and following.get("moreFrom")):
            following = None
        return changed, following

    def pull(self, cursor: Mapping[str, Any], now: datetime) -> Iterator[Batch]:
        until = now
        if "from" in cursor:  # an interrupted sync: the window it was in, from the page after the last one written
            start: str = str(cursor["from"])
            end = _instant(cursor["to"]) or until
            more: str | None = cursor.get("more") or None
        else:
            days = int(self.config.get("history_days") or DEFAULT_DAYS)
            since = _instant(cursor.get("since")) or until - timedelta(days=days)
            if since >= until:  # the clock went back: nothing to ask for yet
                yield Batch([], {"since": since.isoformat()}, {"windows": 0})
                return
            start, end, more = _kst(since), min(since + WINDOW, until), None
        siblings: dict[str, list[str]] = {}  # order id → its product order ids, asked once a sync
        while True:
            changed, following = self._changes(start, end, more)
            records = self._orders(changed, siblings)
            note = {"from": start, "to": _kst(end), "changed": len(changed), "orders": len(records)}
            if following is not None:
                after = str(following["moreFrom"]), str(following.get("moreSequence") or "") or None
                if after == (start, more):  # the same page again: going on would never end
                    raise _bad_answer("changed orders")
                start, more = after
            elif end >= until:
                yield Batch(records, {"since": (until - OVERLAP).isoformat()}, note)
                return
            else:
                start, end, more = _kst(end), min(end + WINDOW, until), None
            yield Batch(records, {"from": start, "to": _kst(end), "more": more}, note)

    # --- orders --------------------------------------------------------------------------------------------

    def _orders(self, changed: Sequence[Mapping[str, Any]], siblings: dict[str, list[str]]) -> list[OrderIn]:
        """The orders the changed product orders belong to, each whole (all its product orders)."""
        last_change: dict[str, datetime] = {}
        wanted: dict[str, list[str]] = {}  # order id → product order ids, in the order Naver listed the changes
        for item in changed:
            order_id, product_order_id = item.get("orderId"), item.get("productOrderId")
            if not product_order_id:
                continue
            if order_id:
                wanted.setdefault(str(order_id), []).append(str(product_order_id))
            else:  # an order id Naver left out: the details name it
                wanted.setdefault("", []).append(str(product_order_id))
            when = _instant(item.get("lastChangedDate"))
            if when is not None:
                last_change[str(product_order_id)] = max(when, last_change.get(str(product_order_id), when))
        ids: list[str] = []
        for order_id, known in wanted.items():
            found = self._order_items(order_id, siblings) if order_id else []
            for product_order_id in [*found, *known]:
                if product_order_id not in ids:
                    ids.append(product_order_id)
        details: list[dict[str, Any]] = []
        for first in range(0, len(ids), DETAILS_PER_CALL):
            body = self._call("POST", DETAILS_PATH, json={"productOrderIds": ids[first : first + DETAILS_PER_CALL]})
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise _bad_answer("order details")
            details.extend(entry for entry in data if isinstance(entry, dict))
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entry in details:
            order = entry.get("order") or {}
            if isinstance(order, dict) and order.get("orderId") and isinstance(entry.get("productOrder"), dict):
                grouped.setdefault(str(order["orderId"]), []).append(entry)
        out = []
        for order_id, entries in grouped.items():
            made = self._order(order_id, entries, last_change)
            if made is not None:
                out.append(made)
        return out

    def _order_items(self, order_id: str, siblings: dict[str, list[str]]) -> list[str]:
        if order_id not in siblings:
            try:
                body = self._call("GET", ORDER_ITEMS_PATH.format(order_id=quote(order_id, safe="")))
            except SyncError as exc:
                if exc.code != "rejected":
                    raise
                log.warning("smartstore: the product orders of an order could not be listed (%s)", exc.status)
                body = None
            data = body.get("data") if isinstance(body, dict) else None
            if isinstance(data, dict):
                data = data.get("productOrderIds")
            siblings[order_id] = [str(item) for item in data] if isinstance(data, list) else []
        return siblings[order_id]

    def _order(self, order_id: str, entries: list[dict[str, Any]],
               last_change: Mapping[str, datetime]) -> OrderIn | None:
        order = entries[0]["order"]
        items: list[ParsedItem] = []
        seen: set[str] = set()
        for entry in sorted(entries, key=lambda e: str(e["productOrder"].get("productOrderId") or "")):
            product = entry["productOrder"]
            product_order_id = str(product.get("productOrderId") or "") or None
            if product_order_id in seen:
                continue
            seen.add(product_order_id or "")
            status = SMARTSTORE.status(str(product.get("productOrderStatus") or ""))
            if status is None:  # a status Naver added after this was written: the order is left for now
                log.warning("smartstore: an order with an unknown product order status was skipped")
                return None
            quantity = int(product.get("quantity") or 1)
            unit_price = _won(product.get("unitPrice")) or 0
            amount = _won(product.get("totalPaymentAmount"))
            if amount is None:
                before = _won(product.get("totalProductAmount"))
                amount = (before if before is not None else unit_price * quantity) - (
                    _won(product.get("productDiscountAmount")) or 0)
            items.append(ParsedItem(0, product_order_id, str(product.get("productName") or ""),
                                    v.text(product.get("productId")), v.text(product.get("productOption")), None,
                                    quantity, unit_price, amount, status))
        ordered = _instant(order.get("orderDate")) or _instant(order.get("paymentDate"))
        if not items or ordered is None:
            return None
        status = items[0].status if len(items) == 1 else _order_status(items)
        if status in COUNTED:  # cancelled or returned items of a counted order are not revenue (as in the file)
            amount = sum(item.amount for item in items if item.status in COUNTED)
        else:
            amount = sum(item.amount for item in items)
        changes = [last_change[item.external_id] for item in items
                   if item.external_id is not None and item.external_id in last_change]
        return OrderIn(
            source=self.name, external_id=order_id, ordered_at=ordered, amount=amount, status=status,
            customer_external_id=v.parse_id(order.get("ordererId")), buyer_name=v.text(order.get("ordererName")),
            buyer_phone=v.parse_phone(order.get("ordererTel")), paid_at=_instant(order.get("paymentDate")),
            status_changed_at=max(changes) if changes else None, items=tuple(items))
