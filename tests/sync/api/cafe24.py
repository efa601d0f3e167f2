"""A Cafe24 mall as its Admin API answers, on a pytest-httpserver.

OAuth as Cafe24 documents it: `/api/v2/oauth/authorize` (the consent page, answered with the redirect to the
app's Redirect URI carrying `code` and `state`), `/api/v2/oauth/token` (HTTP basic auth with the client id and
secret; `authorization_code` and `refresh_token` grants; every refresh replaces the refresh token; `expires_at`
in Seoul time without an offset). The admin resources check the bearer token and `X-Cafe24-Api-Version`, and
answer in Cafe24's shapes: `/orders` and `/orders/count` (start_date/end_date of at most 3 months, limit ≤ 1000,
offset ≤ 15000, `embed=items,buyer`), `/customersprivacy` (by sign-up time or by last login), `/customergroups`,
`/carts?member_id=…`, `/products?product_no=…`. Errors are `{"error": {"code", "message"}}`; every answer has
`X-Api-Call-Limit`. The fake keeps its own clock (`now`) for token expiry; tests change data and make it fail.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from engine.sync.values import SEOUL

CLIENT_ID, CLIENT_SECRET = "cafe24-client", "cafe24-secret"
MALL = "myshop"
T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 10:00 in Seoul


def _kst(moment: datetime) -> str:
    return moment.astimezone(SEOUL).isoformat(timespec="seconds")


def _error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": {"code": status, "message": message, "more_info": {}}}), status,
                    content_type="application/json")


class FakeCafe24:
    def __init__(self, server: HTTPServer, now: datetime) -> None:
        self.server = server
        self.now = now
        self.orders: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.carts: list[dict[str, Any]] = []
        self.products: dict[int, str] = {11: "수제 딸기잼", 12: "블루베리잼"}
        self.groups = {1: "일반회원", 2: "VIP"}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.failures: deque[Response] = deque()
        self.fail_on: dict[tuple[str, str], Response] = {}  # (path, offset) → one answer
        self.call_limit: deque[str] = deque()               # X-Api-Call-Limit values to answer with, in turn
        self.codes: dict[str, str] = {}                     # code → redirect_uri
        self.access: dict[str, datetime] = {}               # token → expiry
        self.refresh: dict[str, datetime] = {}
        self.issued = 0
        self.refreshes = 0
        self.refused = 0  # calls answered 401
        self.tamper_state = False
        self.scopes_granted: list[str] | None = None
        self.authorize_args: dict[str, str] = {}
        self.count_bias = 0  # added to /orders/count of windows longer than 7 days (to see them split)
        server.expect_request("/api/v2/oauth/authorize").respond_with_handler(self.authorize)
        server.expect_request("/api/v2/oauth/token", method="POST").respond_with_handler(self.token)
        for path, handler in (("/api/v2/admin/orders/count", self.order_count), ("/api/v2/admin/orders", self.list_orders),
                              ("/api/v2/admin/customersprivacy", self.list_members),
                              ("/api/v2/admin/customergroups", self.list_groups),
                              ("/api/v2/admin/carts", self.list_carts), ("/api/v2/admin/products", self.list_products)):
            server.expect_request(path).respond_with_handler(self._admin(path, handler))

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    # --- data -------------------------------------------------------------------------------------------

    def add_order(self, order_id: str, *, member: str = "hong01", status: str = "N20", when: datetime = T0,
                  amount: str = "30000.00", name: str = "홍길동", phone: str = "010-1234-5678",
                  email: str = "hong@example.com", items: int = 1) -> dict[str, Any]:
        order = {
            "shop_no": 1, "order_id": order_id, "member_id": member, "member_email": email if member else "",
            "billing_name": name, "order_date": _kst(when), "payment_date": _kst(when), "paid": "T",
            "canceled": "F", "payment_amount": amount,
            "actual_order_amount": {"order_price_amount": amount, "shipping_fee": "0.00",
                                    "total_discount_amount": "0.00", "payment_amount": amount},
            "items": [{"item_no": n + 1, "order_item_code": f"{order_id}-{n + 1:02d}", "product_no": 11,
                       "product_code": "P0001", "product_name": "수제 딸기잼", "option_value": "용량=500g",
                       "quantity": 1, "product_price": f"{float(amount) / items:.2f}", "order_status": status}
                      for n in range(items)],
            "buyer": {"member_id": member, "name": name, "email": email, "phone": "", "cellphone": phone},
        }
        self.orders[order_id] = order
        return order

    def set_status(self, order_id: str, status: str) -> None:
        for item in self.orders[order_id]["items"]:
            item["order_status"] = status

    def add_member(self, member: str, *, name: str = "홍길동", cellphone: str = "010-1234-5678",
                   email: str = "hong@example.com", sms: str = "T", news_mail: str = "F", group: int = 1,
                   created: datetime = T0 - timedelta(days=200), login: datetime | None = None) -> dict[str, Any]:
        raw = {"shop_no": 1, "member_id": member, "name": name, "phone": "", "cellphone": cellphone, "email": email,
               "sms": sms, "news_mail": news_mail, "birthday": "1990-05-01", "solar_calendar": "T", "group_no": group,
               "created_date": _kst(created), "last_login_date": _kst(login) if login else None, "gender": "F"}
        self.members[member] = raw
        return raw

    def add_cart(self, member: str, product_no: int, *, quantity: int = 1, price: str = "30000.00",
                 added: datetime = T0) -> None:
        self.carts.append({"shop_no": 1, "basket_product_no": len(self.carts) + 1, "member_id": member,
                           "created_date": _kst(added), "product_no": product_no, "variant_code": f"P{product_no}A",
                           "quantity": str(quantity), "product_price": price, "option_price": "0.00",
                           "product_bundle": "F"})

    def expire_access(self) -> None:
        self.access = {token: self.now - timedelta(seconds=1) for token in self.access}

    def expire_refresh(self) -> None:
        self.refresh = {token: self.now - timedelta(seconds=1) for token in self.refresh}

    def calls(self, path: str) -> list[dict[str, str]]:
        return [args for seen, args in self.requests if seen == path]

    # --- the browser --------------------------------------------------------------------------------------

    def browser(self, url: str) -> bool:
        """The owner's browser: the consent page (the owner agrees), then Cafe24's redirect to this PC."""
        consent = httpx.get(url)
        assert consent.status_code == 302, consent.text
        answer = httpx.get(consent.headers["Location"], timeout=5)
        assert answer.status_code == 200 and "단골여정" in answer.text
        return True

    def authorize(self, request: Request) -> Response:
        args = dict(request.args)
        self.authorize_args = args
        if args.get("response_type") != "code" or args.get("client_id") != CLIENT_ID:
            return _error(400, "invalid_request")
        self.issued += 1
        code = f"code-{self.issued}"
        self.codes[code] = args["redirect_uri"]
        state = "forged" if self.tamper_state else args.get("state", "")
        return Response("", 302, headers={"Location": args["redirect_uri"] + "?" + urlencode({"code": code,
                                                                                              "state": state})})

    def _tokens(self) -> Response:
        self.issued += 1
        access, refresh = f"at-{self.issued}", f"rt-{self.issued}"
        self.access[access] = self.now + timedelta(hours=2)
        self.refresh[refresh] = self.now + timedelta(days=14)
        fmt = "%Y-%m-%dT%H:%M:%S.000"
        body = {"access_token": access, "expires_at": self.access[access].astimezone(SEOUL).strftime(fmt),
                "refresh_token": refresh,
                "refresh_token_expires_at": self.refresh[refresh].astimezone(SEOUL).strftime(fmt),
                "client_id": CLIENT_ID, "mall_id": MALL, "user_id": MALL,
                "scopes": self.scopes_granted if self.scopes_granted is not None else
                self.authorize_args.get("scope", "").split(","),
                "issued_at": self.now.astimezone(SEOUL).strftime(fmt)}
        return Response(json.dumps(body), 200, content_type="application/json")

    def token(self, request: Request) -> Response:
        self.requests.append(("/api/v2/oauth/token", dict(request.form)))
        basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != basic:
            return Response(json.dumps({"error": "invalid_client", "error_description": "invalid client"}), 401,
                            content_type="application/json")
        form = request.form
        if form.get("grant_type") == "authorization_code":
            if self.codes.pop(form.get("code", ""), None) != form.get("redirect_uri"):
                return Response(json.dumps({"error": "invalid_grant", "error_description": "invalid code"}), 400,
                                content_type="application/json")
            return self._tokens()
        if form.get("grant_type") == "refresh_token":
            until = self.refresh.pop(form.get("refresh_token", ""), None)
            if until is None or until <= self.now:
                return Response(json.dumps({"error": "invalid_grant",
                                            "error_description": "Validation error: refresh_token time expired"}),
                                400, content_type="application/json")
            self.refreshes += 1
            return self._tokens()
        return Response(json.dumps({"error": "unsupported_grant_type"}), 400, content_type="application/json")

    # --- the admin API ------------------------------------------------------------------------------------

    def _admin(self, path: str, handler: Any) -> Any:
        def handle(request: Request) -> Response:
            args = dict(request.args)
            self.requests.append((path, args))
            auth = request.headers.get("Authorization", "")
            expiry = self.access.get(auth.removeprefix("Bearer "))
            if expiry is None or expiry <= self.now:
                self.refused += 1
                return _error(401, "access_token time expired. (invalid_token)" if expiry else
                              "Invalid access_token (invalid_token)")
            if not request.headers.get("X-Cafe24-Api-Version"):
                return _error(400, "X-Cafe24-Api-Version is required")
            if self.failures:
                return self.failures.popleft()
            if (path, args.get("offset", "0")) in self.fail_on:
                return self.fail_on.pop((path, args.get("offset", "0")))
            answer: Response = handler(args)
            answer.headers["X-Api-Call-Limit"] = self.call_limit.popleft() if self.call_limit else "1/40"
            return answer

        return handle

    @staticmethod
    def _json(body: Any) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), 200, content_type="application/json")

    def _window(self, args: dict[str, str]) -> tuple[list[dict[str, Any]], Response | None]:
        try:
            start, end = date.fromisoformat(args["start_date"]), date.fromisoformat(args["end_date"])
        except (KeyError, ValueError):
            return [], _error(422, "start_date and end_date are required (YYYY-MM-DD)")
        if end < start or (end - start).days > 92:
            return [], _error(422, "the search period can be at most 3 months")
        found = [order for order in self.orders.values()
                 if start <= datetime.fromisoformat(order["order_date"]).date() <= end]
        return sorted(found, key=lambda order: (order["order_date"], order["order_id"])), None

    def order_count(self, args: dict[str, str]) -> Response:
        found, bad = self._window(args)
        if bad is not None:
            return bad
        long = (date.fromisoformat(args["end_date"]) - date.fromisoformat(args["start_date"])).days > 7
        return self._json({"count": len(found) + (self.count_bias if long else 0)})

    def list_orders(self, args: dict[str, str]) -> Response:
        found, bad = self._window(args)
        if bad is not None:
            return bad
        limit, offset = int(args.get("limit", 10)), int(args.get("offset", 0))
        if limit > 1000 or offset > 15000:
            return _error(422, "limit is at most 1000 and offset at most 15000")
        embed = set((args.get("embed") or "").split(","))
        page = []
        for order in found[offset : offset + limit]:
            shown = {key: value for key, value in order.items() if key not in ("items", "buyer") or key in embed}
            page.append(json.loads(json.dumps(shown)))
        return self._json({"orders": page})

    def list_members(self, args: dict[str, str]) -> Response:
        limit, offset = int(args.get("limit", 30)), int(args.get("offset", 0))
        if limit > 1000 or offset > 8000:
            return _error(422, "limit is at most 1000 and offset at most 8000")
        members = list(self.members.values())
        if args.get("search_type") == "created_date":
            since = datetime.fromisoformat(args["created_start_date"]).replace(tzinfo=SEOUL)
            found = sorted((raw for raw in members if datetime.fromisoformat(raw["created_date"]) >= since),
                           key=lambda raw: (raw["created_date"], raw["member_id"]))[:limit]
        elif args.get("date_type") == "login":
            start, end = date.fromisoformat(args["start_date"]), date.fromisoformat(args["end_date"])
            found = sorted((raw for raw in members if raw["last_login_date"]
                            and start <= datetime.fromisoformat(raw["last_login_date"]).date() <= end),
                           key=lambda raw: raw["member_id"])[offset : offset + limit]
        else:
            found = members[offset : offset + limit]
        return self._json({"customersprivacy": found})

    def list_groups(self, args: dict[str, str]) -> Response:
        return self._json({"customergroups": [{"shop_no": 1, "group_no": no, "group_name": name}
                                              for no, name in self.groups.items()]})

    def list_carts(self, args: dict[str, str]) -> Response:
        wanted = set(args.get("member_id", "").split(","))
        if not wanted - {""}:
            return _error(422, "member_id is required")
        limit, offset = int(args.get("limit", 10)), int(args.get("offset", 0))
        found = [row for row in self.carts if row["member_id"] in wanted]
        return self._json({"carts": found[offset : offset + limit]})

    def list_products(self, args: dict[str, str]) -> Response:
        wanted = {int(no) for no in args.get("product_no", "").split(",") if no}
        return self._json({"products": [{"shop_no": 1, "product_no": no, "product_name": name}
                                        for no, name in self.products.items() if no in wanted]})


def redirect_query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
