"""A SmartStore seller as the Naver Commerce API answers, on a pytest-httpserver.

As the Commerce API documents: a token only for a request signed with the application secret
(`client_secret_sign` checked with bcrypt, as Naver does, against this application's secret, with a
timestamp within 5 minutes), tokens that expire (401 `GW.AUTHN`), 403 `GW.IP_NOT_ALLOWED` for an IP that is
not registered, `last-changed-statuses` by last change time (at most 24 h a call, sorted by time then product
order id, at most `page_size` an answer with `more.moreFrom`/`more.moreSequence`), the product orders of an
order, and their details (at most 300 a call) under `{"timestamp", "traceId", "data"}`.
Tests change product orders (`change`) and make it fail on purpose (`failures`, `fail_more`).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import bcrypt
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "7dMvteboKNHwyRremLTest"
SECRET = "$2a$04$KbX1j4qO0vC6pW2yZr8Tue"  # cost 4: Naver's secrets look like this (and it keeps tests fast)
SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
ORDER_ITEMS = re.compile(r"^/external/v1/pay-order/seller/orders/([^/]+)/product-order-ids$")


def kst(moment: datetime) -> str:
    return moment.astimezone(SEOUL).isoformat(timespec="milliseconds")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json", headers=headers)


def _error(status: int, code: str, message: str) -> Response:
    return _json({"code": code, "message": message, "timestamp": kst(datetime.now(UTC)), "traceId": "fake^1"}, status)


@dataclass
class Item:
    """One product order of an order (what the test says; the rest is filled in)."""

    name: str = "수제 딸기잼"
    price: int = 30000
    quantity: int = 1
    status: str = "PAYED"
    discount: int = 0
    option: str | None = None
    id: str | None = None  # the product order id (default: the order id and a two-digit number)


class FakeNaver:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.details: dict[str, dict[str, Any]] = {}     # product order id → {"order", "productOrder"}
        self.changed: dict[str, tuple[datetime, str]] = {}  # product order id → (last change, change type)
        self.tokens: dict[str, datetime] = {}            # token → when it expires (real time)
        self.counter = itertools.count(1)
        self.serial = itertools.count(1)                 # tokens: token-1, token-2, …
        self.page_size = 300
        self.ip_allowed = True
        self.rate_headers: dict[str, str] = {}
        self.failures: deque[Response] = deque()         # answers to the next data calls, in turn
        self.fail_more: Response | None = None           # the answer to the first call that pages on (moreSequence)
        self.token_calls = 0
        self.refused_tokens = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []  # data calls: (path, query or body)
        server.expect_request(re.compile(r"^/external/")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    # --- the shop -----------------------------------------------------------------------------------------

    def add(self, order_id: str, *items: Item, ordered: datetime = T0, changed: datetime | None = None,
            name: str = "홍길동", tel: str = "010-1234-5678", orderer_id: str = "hong****") -> list[str]:
        """An order with its product orders (`{order_id}01`, `02`, …), paid a minute after it was placed."""
        paid = ordered + timedelta(minutes=1)
        order = {"orderId": order_id, "orderDate": kst(ordered), "paymentDate": kst(paid), "ordererId": orderer_id,
                 "ordererNo": "100" + order_id[-6:], "ordererName": name, "ordererTel": tel,
                 "paymentMeans": "신용카드", "orderDiscountAmount": 0, "payLocationType": "MOBILE"}
        made = []
        for n, item in enumerate(items or (Item(),), start=1):
            product_order_id = item.id or f"{order_id}{n:02d}"
            self.details[product_order_id] = {"order": order, "productOrder": {
                "productOrderId": product_order_id, "productId": str(5000 + n), "productName": item.name,
                "productOption": item.option, "quantity": item.quantity, "unitPrice": item.price,
                "productDiscountAmount": item.discount, "totalProductAmount": item.price * item.quantity,
                "totalPaymentAmount": item.price * item.quantity - item.discount,
                "productOrderStatus": item.status, "placeOrderStatus": "NOT_YET"}}
            self.changed[product_order_id] = (changed or paid, "PAYED")
            made.append(product_order_id)
        return made

    def change(self, product_order_id: str, status: str, when: datetime, kind: str = "CLAIM_COMPLETED") -> None:
        self.details[product_order_id]["productOrder"]["productOrderStatus"] = status
        self.changed[product_order_id] = (when, kind)

    def expire_tokens(self) -> None:
        for token in self.tokens:
            self.tokens[token] = datetime.now(UTC) - timedelta(seconds=1)

    def windows(self) -> list[tuple[datetime, datetime]]:
        """(lastChangedFrom, lastChangedTo) of every first call of a window (not the calls paging on)."""
        return [(datetime.fromisoformat(args["lastChangedFrom"]), datetime.fromisoformat(args["lastChangedTo"]))
                for path, args in self.calls if path.endswith("last-changed-statuses") and "moreSequence" not in args]

    # --- the API ------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if not self.ip_allowed:
            return _error(403, "GW.IP_NOT_ALLOWED", "호출이 허용되지 않은 IP입니다.")
        if request.path == "/external/v1/oauth2/token":
            return self._token(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token, datetime.min.replace(tzinfo=UTC)) <= datetime.now(UTC):
            self.refused_tokens += 1
            return _error(401, "GW.AUTHN", "요청을 보낼 권한이 없습니다.")
        body = request.get_json(silent=True) if request.method == "POST" else None
        self.calls.append((request.path, dict(request.args) if body is None else body))
        if self.failures:
            return self.failures.popleft()
        if request.path.endswith("/last-changed-statuses"):
            if self.fail_more is not None and request.args.get("moreSequence"):
                failure, self.fail_more = self.fail_more, None
                return failure
            return self._changes(request)
        if request.path.endswith("/product-orders/query") and request.method == "POST":
            return self._details(body)
        found = ORDER_ITEMS.match(request.path)
        if found:
            ids = sorted(pid for pid, entry in self.details.items() if entry["order"]["orderId"] == found.group(1))
            if not ids:
                return _error(404, "NOT_FOUND", "주문 정보가 없습니다.")
            return self._data(ids)
        return _error(404, "GW.NOT_FOUND", "no such API")

    def _data(self, data: Any) -> Response:
        return _json({"timestamp": kst(datetime.now(UTC)), "traceId": f"fake^{next(self.counter)}", "data": data},
                     headers=self.rate_headers)

    def _token(self, request: Request) -> Response:
        self.token_calls += 1
        form = request.form
        stamp = form.get("timestamp", "")
        if (form.get("grant_type") != "client_credentials" or form.get("type") != "SELF"
                or form.get("client_id") != CLIENT_ID or not stamp.isdigit()):
            return _error(400, "BAD_REQUEST", "client_id 또는 요청 값이 올바르지 않습니다.")
        if abs(datetime.now(UTC).timestamp() * 1000 - int(stamp)) > 5 * 60 * 1000:
            return _error(403, "GW.AUTHN", "timestamp가 유효하지 않습니다.")
        try:
            signed = base64.b64decode(form.get("client_secret_sign", ""), validate=True)
            good = signed[:29] == SECRET.encode() and bcrypt.checkpw(f"{CLIENT_ID}_{stamp}".encode(), signed)
        except ValueError:
            good = False
        if not good:
            return _error(403, "GW.AUTHN", "client_secret_sign이 올바르지 않습니다.")
        token = f"token-{next(self.serial)}"
        self.tokens[token] = datetime.now(UTC) + timedelta(hours=3)
        return _json({"access_token": token, "expires_in": 10800, "token_type": "Bearer"})

    def _changes(self, request: Request) -> Response:
        start = datetime.fromisoformat(request.args["lastChangedFrom"])
        raw_end = request.args.get("lastChangedTo")
        end = datetime.fromisoformat(raw_end) if raw_end else start + timedelta(hours=24)
        if end - start > timedelta(hours=24) or end < start:
            return _error(400, "104139", "조회 가능한 날짜 범위를 초과하였습니다.")
        sequence = request.args.get("moreSequence") or ""
        rows = sorted((when, pid, kind) for pid, (when, kind) in self.changed.items()
                      if start <= when <= end and (when > start or pid >= sequence))
        limit = min(int(request.args.get("limitCount") or 300), 300, self.page_size)
        page, rest = rows[:limit], rows[limit:]
        data: dict[str, Any] = {"count": len(page), "lastChangeStatuses": [
            {"orderId": self.details[pid]["order"]["orderId"], "productOrderId": pid, "lastChangedType": kind,
             "paymentDate": self.details[pid]["order"]["paymentDate"], "lastChangedDate": kst(when),
             "productOrderStatus": self.details[pid]["productOrder"]["productOrderStatus"],
             "receiverAddressChanged": False}
            for when, pid, kind in page]}
        if rest:
            data["more"] = {"moreFrom": kst(rest[0][0]), "moreSequence": rest[0][1]}
        return self._data(data)

    def _details(self, body: Any) -> Response:
        ids = body.get("productOrderIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids or len(ids) > 300:
            return _error(400, "BAD_REQUEST", "productOrderIds는 1~300개입니다.")
        return self._data([self.details[pid] for pid in ids if pid in self.details])
