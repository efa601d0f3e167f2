"""A Shopify store as its Admin GraphQL API answers (`POST /admin/api/<version>/graphql.json`), on a
pytest-httpserver.

It reads the query the connector sends (a small GraphQL reader: fields, arguments, variables, selections) and
answers only the fields asked for, in the documented shapes: connections with `nodes` and `pageInfo
{hasNextPage endCursor}` sized by `first` and continued by `after`, the `updated_at:>'…'` search filter,
`sortKey: UPDATED_AT` / `ID`, money as `MoneyBag {shopMoney {amount}}`, ids as `gid://shopify/…`.
It prices each query as Shopify documents (object 1, scalar 0, connection 2 + `first` × its node) and keeps a
leaky bucket: a query over 1,000 points is refused (`MAX_COST_EXCEEDED`), one over what the bucket holds is
`THROTTLED`; every answer carries `extensions.cost.throttleStatus`. It checks `X-Shopify-Access-Token`
(401 otherwise) and trades a client ID and secret for tokens (`/admin/oauth/access_token`).
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from engine.sync.api.shopify import API_VERSION

TOKEN = "shpat_test"
CLIENT_ID, CLIENT_SECRET = "client-test", "shpss_test"
T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
MAX_QUERY_COST = 1000


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount: int | str) -> dict[str, Any]:
    return {"shopMoney": {"amount": f"{float(str(amount).replace(',', '')):.1f}", "currencyCode": "KRW"}}


# --- a small GraphQL reader: enough for the connector's queries ---------------------------------------------

_TOKEN = re.compile(r'\s*(?:(\.\.\.)|([A-Za-z_][A-Za-z0-9_]*)|(\$)|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([{}():!,\[\]=]))')


class Sel:
    """A field: its name, arguments (variables resolved) and selection (None for a scalar)."""

    def __init__(self, name: str, args: dict[str, Any], children: list[Sel] | None) -> None:
        self.name, self.args, self.children = name, args, children


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos:].strip():
                raise ValueError(f"cannot read the query at {text[pos:pos + 20]!r}")
            break
        out.append(match.group(0).strip())
        pos = match.end()
    return [token for token in out if token and token != ","]


def parse(query: str, variables: dict[str, Any]) -> list[Sel]:
    tokens = deque(_tokens(query))
    if tokens and tokens[0] in ("query", "mutation"):
        tokens.popleft()
        if tokens[0] not in ("{", "("):
            tokens.popleft()  # the operation's name
        if tokens[0] == "(":  # variable definitions: skipped
            depth = 0
            while True:
                token = tokens.popleft()
                depth += token == "("
                depth -= token == ")"
                if depth == 0:
                    break

    def value() -> Any:
        token = tokens.popleft()
        if token == "$":
            return variables.get(tokens.popleft())
        if token.startswith('"'):
            return json.loads(token)
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        return token  # an enum value

    def selection() -> list[Sel]:
        assert tokens.popleft() == "{"
        fields = []
        while tokens[0] != "}":
            name = tokens.popleft()
            args: dict[str, Any] = {}
            if tokens and tokens[0] == "(":
                tokens.popleft()
                while tokens[0] != ")":
                    key = tokens.popleft()
                    assert tokens.popleft() == ":"
                    args[key] = value()
                tokens.popleft()
            children = selection() if tokens and tokens[0] == "{" else None
            fields.append(Sel(name, args, children))
        tokens.popleft()
        return fields

    return selection()


def cost(fields: list[Sel]) -> int:
    """Shopify's documented query cost: scalar 0, object 1, connection 2 + first × (its node's cost)."""
    total = 0
    for field in fields:
        if field.children is None or field.name == "pageInfo":
            continue
        if "first" in field.args:
            node = next((c for c in field.children if c.name == "nodes"), None)
            total += 2 + int(field.args["first"] or 0) * (1 + cost(node.children or []) if node else 0)
        else:
            total += 1 + cost(field.children)
    return total


def _cursor(key: Any) -> str:
    return base64.b64encode(json.dumps(key).encode()).decode()


def _uncursor(text: str) -> Any:
    return json.loads(base64.b64decode(text))


def project(value: Any, fields: list[Sel] | None) -> Any:
    """The stored value with only the fields asked for; a list asked with `first` becomes a connection."""
    if fields is None or value is None:
        return value
    out: dict[str, Any] = {}
    for field in fields:
        stored = value.get(field.name)
        if isinstance(stored, list) and "first" in field.args:
            out[field.name] = connection(list(enumerate(stored)), field, lambda pair: pair[0], lambda pair: pair[1])
        elif isinstance(stored, list):
            out[field.name] = [project(item, field.children) for item in stored]
        else:
            out[field.name] = project(stored, field.children)
    return out


def connection(rows: list[Any], field: Sel, key: Any, node: Any) -> dict[str, Any]:
    """Rows in order (keyset pages: `after` is the last row's key, so rows changing meanwhile shift nothing)."""
    after = field.args.get("after")
    if after:
        last = _uncursor(after)
        rows = [row for row in rows if json.loads(json.dumps(key(row))) > last]
    first = int(field.args.get("first") or 0)
    page = rows[:first]
    out: dict[str, Any] = {}
    for part in field.children or []:
        if part.name == "nodes":
            out["nodes"] = [project(node(row), part.children) for row in page]
        elif part.name == "pageInfo":
            out["pageInfo"] = project({"hasNextPage": len(rows) > first,
                                       "endCursor": _cursor(key(page[-1])) if page else None}, part.children)
    return out


class FakeShopify:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.customers: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.checkouts: dict[int, dict[str, Any]] = {}
        self.shop = {"name": "단골 테스트 상점", "myshopifyDomain": "dangol-test.myshopify.com", "currencyCode": "KRW"}
        self.requests: list[dict[str, Any]] = []   # {"root", "args", "cost"} of each query answered
        self.failures: deque[Response] = deque()   # answers to give before the next queries, in order
        self.fail_on: dict[tuple[str, int], Response] = {}  # (root field, its nth query) → the answer instead
        self.throttled = 0
        self.tokens_issued: list[str] = []
        self.valid_tokens = {TOKEN}
        # the leaky bucket (points); a fast restore by default so tests that do not look at it never wait
        self.maximum, self.restore, self.available = 1000.0, 1_000_000.0, 1000.0
        self._last = time.monotonic()
        server.expect_request(f"/admin/api/{API_VERSION}/graphql.json", method="POST").respond_with_handler(self.handle)
        server.expect_request("/admin/oauth/access_token", method="POST").respond_with_handler(self.token)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def bucket(self, *, available: float, restore: float, maximum: float = 1000.0) -> None:
        self.available, self.restore, self.maximum = available, restore, maximum
        self._last = time.monotonic()

    # --- the store's data ------------------------------------------------------------------------------

    def add_customer(self, cid: int, *, first: str = "길동", last: str = "홍", email: str | None = "hong@example.com",
                     phone: str | None = "+821012345678", email_state: str = "NOT_SUBSCRIBED",
                     sms_state: str = "NOT_SUBSCRIBED", consent_at: datetime | None = None,
                     created: datetime = T0, updated: datetime | None = None) -> dict[str, Any]:
        at = iso(consent_at) if consent_at else None
        customer = {
            "id": f"gid://shopify/Customer/{cid}", "legacyResourceId": str(cid), "firstName": first, "lastName": last,
            "createdAt": iso(created), "updatedAt": iso(updated or created),
            "defaultEmailAddress": {"emailAddress": email, "marketingState": email_state,
                                    "marketingUpdatedAt": at} if email else None,
            "defaultPhoneNumber": {"phoneNumber": phone, "marketingState": sms_state,
                                   "marketingUpdatedAt": at} if phone else None,
        }
        self.customers[cid] = customer
        return customer

    def set_consent(self, cid: int, channel: str, state: str, at: datetime) -> None:
        key = "defaultEmailAddress" if channel == "email" else "defaultPhoneNumber"
        self.customers[cid][key].update(marketingState=state, marketingUpdatedAt=iso(at))
        self.customers[cid]["updatedAt"] = iso(at)

    def add_order(self, number: int, *, customer: int | None = None, total: int = 30000, discount: int = 0,
                  financial: str = "PAID", fulfillment: str = "UNFULFILLED", created: datetime = T0,
                  email: str | None = "buyer@example.com", phone: str | None = None, billing_name: str = "홍길동",
                  billing_phone: str | None = "010-1234-5678", items: list[tuple[str, int, int]] | None = None,
                  codes: tuple[str, ...] = ()) -> dict[str, Any]:
        oid = 5_000_000 + number
        lines = items if items is not None else [("상품", 1, total)]
        buyer = self.customers.get(customer) if customer is not None else None
        order = {
            "id": f"gid://shopify/Order/{oid}", "legacyResourceId": str(oid), "name": f"#{number}",
            "createdAt": iso(created), "updatedAt": iso(created), "processedAt": iso(created), "cancelledAt": None,
            "displayFinancialStatus": financial, "displayFulfillmentStatus": fulfillment, "email": email,
            "phone": phone, "discountCodes": list(codes), "totalPriceSet": money(total),
            "totalDiscountsSet": money(discount), "currencyCode": "KRW",
            "customer": {key: buyer[key] for key in ("id", "legacyResourceId", "firstName", "lastName")}
            if buyer else None,
            "billingAddress": {"name": billing_name, "phone": billing_phone},
            "lineItems": [{"id": f"gid://shopify/LineItem/{oid * 100 + n}", "name": name, "quantity": qty,
                           "originalUnitPriceSet": money(price), "discountedTotalSet": money(price * qty)}
                          for n, (name, qty, price) in enumerate(lines)],
        }
        self.orders[oid] = order
        return order

    def touch_order(self, number: int, when: datetime, **changes: Any) -> None:
        self.orders[5_000_000 + number].update(changes, updatedAt=iso(when))

    def add_checkout(self, cid: int, *, customer: int | None, created: datetime = T0, updated: datetime | None = None,
                     completed: datetime | None = None, total: int = 25000,
                     lines: list[tuple[str, int, int]] | None = None) -> dict[str, Any]:
        checkout = {
            "id": f"gid://shopify/AbandonedCheckout/{cid}", "name": f"#{cid}", "createdAt": iso(created),
            "updatedAt": iso(updated or created), "completedAt": iso(completed) if completed else None,
            "customer": {"id": f"gid://shopify/Customer/{customer}", "legacyResourceId": str(customer)}
            if customer is not None else None,
            "totalPriceSet": money(total),
            "lineItems": [{"title": name, "variantTitle": None, "quantity": qty, "originalUnitPriceSet": money(price)}
                          for name, qty, price in (lines or [("머그컵", 1, total)])],
        }
        self.checkouts[cid] = checkout
        return checkout

    # --- answering -------------------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        form = request.form
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
                "client_credentials", CLIENT_ID, CLIENT_SECRET):
            return Response(json.dumps({"error": "invalid_client",
                                        "error_description": "Client credentials are invalid"}), 401,
                            content_type="application/json")
        token = f"shpat_cc_{len(self.tokens_issued) + 1}"
        self.tokens_issued.append(token)
        self.valid_tokens.add(token)
        return Response(json.dumps({"access_token": token, "scope": "read_orders,read_customers",
                                    "expires_in": 86399}), 200, content_type="application/json")

    def revoke(self, token: str) -> None:
        self.valid_tokens.discard(token)

    def _status(self) -> dict[str, float]:
        return {"maximumAvailable": self.maximum, "currentlyAvailable": round(self.available, 1),
                "restoreRate": self.restore}

    def handle(self, request: Request) -> Response:
        if request.headers.get("X-Shopify-Access-Token") not in self.valid_tokens:
            return Response(json.dumps({"errors": "[API] Invalid API key or access token (unrecognized login or "
                                                  "wrong password)"}), 401, content_type="application/json")
        if self.failures:
            return self.failures.popleft()
        body = json.loads(request.get_data())
        fields = parse(body["query"], body.get("variables") or {})
        nth = (fields[0].name, sum(1 for seen in self.requests if seen["root"] == fields[0].name) + 1)
        if nth in self.fail_on:
            return self.fail_on.pop(nth)
        requested = cost(fields)
        now = time.monotonic()
        self.available = min(self.maximum, self.available + (now - self._last) * self.restore)
        self._last = now
        extensions: dict[str, Any] = {"cost": {"requestedQueryCost": requested, "actualQueryCost": None}}
        if requested > MAX_QUERY_COST:
            extensions["cost"]["throttleStatus"] = self._status()
            return self._json({"errors": [{"message": f"Query cost is {requested}, which exceeds the single query "
                                                      f"max cost limit ({MAX_QUERY_COST}).",
                                           "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                                          "maxCost": MAX_QUERY_COST}}], "extensions": extensions})
        if requested > self.available:
            self.throttled += 1
            extensions["cost"]["throttleStatus"] = self._status()
            return self._json({"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": extensions})
        self.available -= requested
        data = {}
        for field in fields:
            self.requests.append({"root": field.name, "args": dict(field.args), "cost": requested})
            data[field.name] = self._root(field)
        extensions["cost"].update(actualQueryCost=requested, throttleStatus=self._status())
        return self._json({"data": data, "extensions": extensions})

    @staticmethod
    def _json(body: dict[str, Any]) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), 200, content_type="application/json")

    def _root(self, field: Sel) -> Any:
        if field.name == "shop":
            return project(self.shop, field.children)
        if field.name == "order":
            found = next((o for o in self.orders.values() if o["id"] == field.args.get("id")), None)
            return project(found, field.children)
        rows = {"customers": self.customers, "orders": self.orders, "abandonedCheckouts": self.checkouts}[field.name]
        found = list(rows.values())
        search = field.args.get("query")
        if search:
            match = re.fullmatch(r"updated_at:>'([0-9T:\-]+Z)'", search)
            assert match, f"the fake reads only updated_at:>'…' filters, got {search!r}"
            found = [row for row in found if row["updatedAt"] > match.group(1)]
        if field.args.get("sortKey") == "UPDATED_AT":
            def key(row: dict[str, Any]) -> Any:
                return [row["updatedAt"], int(row["id"].rsplit("/", 1)[-1])]
        else:
            def key(row: dict[str, Any]) -> Any:
                return int(row["id"].rsplit("/", 1)[-1])
        found.sort(key=key)
        return connection(found, field, key, lambda row: row)


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)
