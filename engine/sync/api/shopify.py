"""Shopify Admin GraphQL API (`/admin/api/<version>/graphql.json`), with the access token of an app the owner
made for the store: either an Admin API access token (`shpat_…`, an app made in the Shopify admin before 2026),
or the client ID and secret of an app made in the Dev Dashboard and installed on the store, which the
connector trades for a token (OAuth client credentials grant, about a day long) and trades again when it ends.

One sync walks three lists, each changed since the cursor (`updated_at:>'…'`), in pages with GraphQL cursors:
customers (with their email and SMS marketing consent), orders (with line items), abandoned checkouts (carts
of members). The cursor after each page is the stage, the list's `endCursor` and the sync's window, so an
interrupted sync resumes at the page after the last one written.

Orders are named by their `name` (`#1001`), which is the order id the Shopify orders CSV export shows, and
their statuses map as the CSV's do (engine/sync/sources.SHOPIFY), so a file import and the API name one
order once. Members are the Shopify customer id (`legacyResourceId`).

Shopify limits calls by query cost (a leaky bucket of points, `extensions.cost.throttleStatus`): before a query
whose cost would exceed what is available the connector waits for the bucket to refill, and a `THROTTLED`
answer waits and asks again. A page of orders with their line items is kept under the 1,000-point limit of
one query (25 orders, 5 items each; an order with more has the rest fetched by itself).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from engine.shopdata import CartIn, ConsentIn, CustomerIn, OrderIn, OrderItemIn
from engine.sync.api.base import Batch, Connector, Field
from engine.sync.api.http import SyncError, now_utc
from engine.sync.sources import SHOPIFY
from engine.sync.values import parse_money

log = logging.getLogger("dangol.sync")

API_VERSION = "2025-10"
OVERLAP = timedelta(minutes=10)  # the next sync looks back this far before this one's start (clock skew)
ORDERS_PER_PAGE = 25
ITEMS_PER_ORDER = 5
CUSTOMERS_PER_PAGE = 100
CHECKOUTS_PER_PAGE = 25
THROTTLED_TRIES = 20            # THROTTLED answers to one query before the sync ends (the next one goes on)
TOKEN_MARGIN = timedelta(minutes=5)
STAGES = ("customers", "orders", "checkouts")

SHOP_QUERY = "query DangolShop { shop { name myshopifyDomain currencyCode } }"

CUSTOMERS_QUERY = """query DangolCustomers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      legacyResourceId firstName lastName createdAt updatedAt
      defaultEmailAddress { emailAddress marketingState marketingUpdatedAt }
      defaultPhoneNumber { phoneNumber marketingState marketingUpdatedAt }
    }
  }
}"""

_ITEM_FIELDS = "name quantity originalUnitPriceSet { shopMoney { amount } } discountedTotalSet { shopMoney { amount } }"

ORDERS_QUERY = """query DangolOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
      email phone discountCodes
      totalPriceSet { shopMoney { amount currencyCode } }
      totalDiscountsSet { shopMoney { amount } }
      customer { legacyResourceId firstName lastName }
      billingAddress { name phone }
      lineItems(first: ITEMS) { pageInfo { hasNextPage endCursor } nodes { ITEM_FIELDS } }
    }
  }
}""".replace("ITEM_FIELDS", _ITEM_FIELDS).replace("ITEMS", str(ITEMS_PER_ORDER))

ORDER_ITEMS_QUERY = """query DangolOrderItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ITEM_FIELDS } }
  }
}""".replace("ITEM_FIELDS", _ITEM_FIELDS)

CHECKOUTS_QUERY = """query DangolCheckouts($first: Int!, $after: String, $query: String) {
  abandonedCheckouts(first: $first, after: $after, query: $query, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id createdAt updatedAt completedAt
      customer { legacyResourceId }
      totalPriceSet { shopMoney { amount } }
      lineItems(first: ITEMS) { nodes { title variantTitle quantity originalUnitPriceSet { shopMoney { amount } } } }
    }
  }
}""".replace("ITEMS", str(ITEMS_PER_ORDER))

# what a query costs by Shopify's documented rules (object 1, scalar 0, connection 2 + first × node) before
# Shopify has said (its `requestedQueryCost` replaces these after the first answer); each is under 1,000
_GUESSED_COST = {SHOP_QUERY: 1, CUSTOMERS_QUERY: 302, ORDERS_QUERY: 852, ORDER_ITEMS_QUERY: 503, CHECKOUTS_QUERY: 527}

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _shop(text: str) -> str:
    """The store's `name.myshopify.com` from what the owner pastes (`name`, the admin address, a URL); a local
    `http://127.0.0.1:port` stays as it is (a test server)."""
    value = text.strip().rstrip("/")
    lowered = value.lower()
    if "://" in lowered:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        if parts.scheme == "http" and host in _LOOPBACK:
            return f"http://{parts.netloc}"
        path = parts.path
    else:
        host, _, path = lowered.partition("/")
        path = "/" + path
    if host == "admin.shopify.com" and path.startswith("/store/"):
        host = path.split("/")[2].lower() + ".myshopify.com"
    elif host and "." not in host:
        host += ".myshopify.com"
    name = host.removesuffix(".myshopify.com")
    if not host.endswith(".myshopify.com") or not name or not all(c.isalnum() or c == "-" for c in name):
        raise SyncError("bad_setting", f"'{text}' is not a Shopify store address (example: myshop.myshopify.com; "
                        "the admin shows it under Settings › Domains)",
                        f"'{text}'은(는) Shopify 상점 주소가 아닙니다 (예: myshop.myshopify.com. 관리자 화면의 "
                        "설정 › 도메인에 있습니다)")
    return host


def _time(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _money(value: Any) -> int:
    """`shopMoney.amount` ("55000.0") as int won."""
    if isinstance(value, Mapping):
        value = (value.get("shopMoney") or {}).get("amount")
    return int(parse_money(value) or 0)


def _since_filter(since: str | None) -> str | None:
    moment = _time(since)
    if moment is None:
        return None
    return f"updated_at:>'{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}'"


def _name(first: Any, last: Any) -> str:
    first, last = (first or "").strip(), (last or "").strip()
    if first and last and any("\uac00" <= char <= "\ud7a3" for char in first + last):
        return last + first  # 홍 + 길동
    return " ".join(part for part in (first, last) if part)


def _tail(gid: Any) -> str:
    """`gid://shopify/AbandonedCheckout/123` → `123`."""
    return str(gid).rsplit("/", 1)[-1]


def order_status(financial: str | None, fulfillment: str | None, cancelled_at: Any) -> str | None:
    """Shopify's payment status, fulfilment status and cancel time as one status, exactly as the CSV import reads
    them (`Financial Status`, `Fulfillment Status`, `Cancelled at`); None for a status the app does not know."""
    status = SHOPIFY.status(financial or "")
    if status is None:
        return None
    if cancelled_at and status != "refunded":
        return "cancelled"
    if status == "paid" and (fulfillment or "").lower() == "fulfilled":
        return "shipped"
    return status


# a customer's marketing state → the consent it stands for (states not listed say nothing new: never asked,
# waiting for the customer's confirmation, an address Shopify found invalid)
_CONSENT = {"SUBSCRIBED": True, "UNSUBSCRIBED": False, "REDACTED": False}


def _throttled(errors: list[Any]) -> bool:
    for error in errors:
        if isinstance(error, Mapping):
            code = (error.get("extensions") or {}).get("code")
            if code == "THROTTLED" or str(error.get("message", "")).lower() == "throttled":
                return True
    return False


class Shopify(Connector):
    name = "shopify"
    label = "Shopify"
    label_en = "Shopify"
    fields = (
        Field("shop", "상점 주소", "Store address", example="myshop.myshopify.com", parse=_shop),
        Field("access_token", "Admin API 액세스 토큰", "Admin API access token", secret=True, required=False,
              example="shpat_…"),
        Field("client_id", "클라이언트 ID", "Client ID", required=False),
        Field("client_secret", "클라이언트 시크릿", "Client secret", secret=True, required=False, example="shpss_…"),
    )
    token_keys = ("token", "token_expires_at")  # a token traded for the client ID and secret, and its end
    note_ko = ("Shopify 앱의 Admin API 액세스 토큰(shpat_…)을 넣거나, Dev Dashboard에서 만든 앱이면 클라이언트 ID와 "
               "시크릿을 넣으세요. 권한은 read_orders, read_customers가 필요합니다.")
    note_en = ("Paste your Shopify app's Admin API access token (shpat_…), or for an app made in the Dev Dashboard "
               "its client ID and secret. It needs the read_orders and read_customers scopes.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._available: float | None = None   # points in the bucket after the last answer
        self._restore = 50.0                    # points a second it refills
        self._cost: dict[str, float] = {}       # each query's requestedQueryCost, as Shopify last said

    # --- the endpoint and the token ------------------------------------------------------------------

    def _base(self) -> str:
        shop = self.value("shop")
        return shop if shop.startswith("http://") else f"https://{shop}"

    def _endpoint(self) -> str:
        return f"{self._base()}/admin/api/{API_VERSION}/graphql.json"

    def _client_credentials(self) -> tuple[str, str] | None:
        client_id, secret = self.config.get("client_id"), self.secrets.get("client_secret")
        return (client_id, secret) if client_id and secret else None

    def _token(self) -> str:
        if self.secrets.get("access_token"):
            return self.secrets["access_token"]
        if self._client_credentials() is None:
            raise SyncError("bad_setting", "Shopify needs the app's Admin API access token, or its client ID and "
                            "client secret", "Shopify 앱의 Admin API 액세스 토큰, 또는 클라이언트 ID와 시크릿이 필요합니다")
        held, until = self.secrets.get("token"), _time(self.secrets.get("token_expires_at"))
        if held and (until is None or until - TOKEN_MARGIN > now_utc()):
            return held  # (one without an end is traded again when Shopify refuses it)
        return self._new_token()

    def _new_token(self) -> str:
        """Trade the client ID and secret for a token (the client credentials grant) and keep it."""
        credentials = self._client_credentials()
        assert credentials is not None
        response = self.http.request("POST", f"{self._base()}/admin/oauth/access_token", data={
            "grant_type": "client_credentials", "client_id": credentials[0], "client_secret": credentials[1]})
        body = self.http.json(response)
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if not token:
            raise SyncError("bad_response", "Shopify did not hand out an access token for the client ID and secret",
                            "Shopify가 클라이언트 ID와 시크릿으로 액세스 토큰을 주지 않았습니다")
        seconds = body.get("expires_in")
        until = now_utc() + timedelta(seconds=int(seconds)) if isinstance(seconds, int | float) else None
        self.save_secret("token", str(token))
        self.save_secret("token_expires_at", until.isoformat() if until else "")
        return str(token)

    # --- one query, within Shopify's cost limits ------------------------------------------------------------

    def _make_room(self, needed: float) -> None:
        """Wait until the bucket holds `needed` points (it refills at the restore rate)."""
        if self._available is None or needed <= self._available:
            return
        wait = (needed - self._available) / max(self._restore, 1.0)
        log.info("Shopify: %.0f points needed, %.0f available; waiting %.1f s", needed, self._available, wait)
        self.http.pause(wait)
        self._available = needed

    def _note_cost(self, query: str, cost: Mapping[str, Any]) -> None:
        status = cost.get("throttleStatus") or {}
        if isinstance(status.get("currentlyAvailable"), int | float):
            self._available = float(status["currentlyAvailable"])
        if isinstance(status.get("restoreRate"), int | float) and status["restoreRate"] > 0:
            self._restore = float(status["restoreRate"])
        if isinstance(cost.get("requestedQueryCost"), int | float):
            self._cost[query] = float(cost["requestedQueryCost"])

    def _post(self, query: str, variables: Mapping[str, Any]) -> Any:
        payload = {"query": query, "variables": dict(variables)}
        refreshed = False
        while True:
            headers = {"X-Shopify-Access-Token": self._token(), "Content-Type": "application/json",
                       "Accept": "application/json"}
            try:
                return self.http.json(self.http.request("POST", self._endpoint(), json=payload, headers=headers))
            except SyncError as exc:
                # a traded token that ended early (or was revoked): trade once more, then give up
                if exc.code != "unauthorized" or refreshed or self.secrets.get("access_token") \
                        or self._client_credentials() is None:
                    raise
                refreshed = True
                self._new_token()

    def query(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """`data` of one GraphQL query; waits for Shopify's cost bucket as its answers say."""
        throttled = 0
        while True:
            self._make_room(self._cost.get(query, _GUESSED_COST.get(query, 100.0)))
            body = self._post(query, variables or {})
            if not isinstance(body, Mapping):
                raise SyncError("bad_response", "Shopify answered in an unknown form", "Shopify 응답의 형식을 알 수 없습니다")
            cost = (body.get("extensions") or {}).get("cost") or {}
            if isinstance(cost, Mapping):
                self._note_cost(query, cost)
            errors = body.get("errors")
            if isinstance(errors, list) and _throttled(errors):
                throttled += 1
                if throttled > THROTTLED_TRIES:
                    raise SyncError("rate_limited", "Shopify keeps throttling the calls; the next sync goes on from here",
                                    "Shopify 호출 한도에 계속 걸립니다. 다음 동기화가 여기서 이어 갑니다")
                needed = self._cost.get(query, _GUESSED_COST.get(query, 100.0))
                available = self._available or 0.0
                self.http.pause(max(1.0, (needed - available) / max(self._restore, 1.0)))
                self._available = needed
                continue
            if errors:
                raise self._refusal(errors)
            data = body.get("data")
            if not isinstance(data, Mapping):
                raise SyncError("bad_response", "Shopify answered without data", "Shopify 응답에 데이터가 없습니다")
            return dict(data)

    @staticmethod
    def _refusal(errors: Any) -> SyncError:
        first = errors[0] if isinstance(errors, list) and errors else errors
        if isinstance(first, Mapping):
            message = str(first.get("message") or "")
            code = str((first.get("extensions") or {}).get("code") or "")
        else:
            message, code = str(first or ""), ""
        message = " ".join(message.split())[:200]
        if code == "ACCESS_DENIED":
            return SyncError("unauthorized", f"Shopify refused the app access ({message}); give the app the "
                             "read_orders and read_customers scopes and connect again",
                             f"Shopify가 앱의 접근을 거절했습니다({message}). 앱에 read_orders, read_customers 권한을 "
                             "주고 다시 연결하세요")
        return SyncError("rejected", f"Shopify refused the query ({message})",
                         f"Shopify가 요청을 거절했습니다({message})")

    # --- connecting ----------------------------------------------------------------------------------

    def check(self, now: datetime) -> str:
        if not self.secrets.get("access_token") and self._client_credentials() is None:
            raise SyncError("bad_setting", "Shopify needs the app's Admin API access token (access_token=shpat_…), or "
                            "its client ID and client secret (client_id=…, client_secret=…)",
                            "Shopify 앱의 Admin API 액세스 토큰(access_token=shpat_…), 또는 클라이언트 ID와 시크릿"
                            "(client_id=…, client_secret=…)이 필요합니다")
        shop = self.query(SHOP_QUERY).get("shop") or {}
        currency = shop.get("currencyCode")
        if currency and currency != "KRW":
            raise SyncError("bad_setting", f"this store sells in {currency}; Dangol counts money in won (KRW)",
                            f"이 상점의 통화는 {currency}입니다. 단골여정은 원화(KRW) 금액만 셉니다")
        return f"Shopify {shop.get('name') or ''} ({shop.get('myshopifyDomain') or self.value('shop')})"

    # --- syncing -------------------------------------------------------------------------------------

    def pull(self, cursor: Mapping[str, Any], now: datetime) -> Iterator[Batch]:
        if cursor.get("stage") in STAGES:  # an interrupted sync: its window, from the page after the last written
            since, started = cursor.get("run_since"), str(cursor["run_started"])
            stage, after = str(cursor["stage"]), cursor.get("after")
        else:
            since, started, stage, after = cursor.get("since"), now.isoformat(), STAGES[0], None
        pages = {"customers": self._customers, "orders": self._orders, "checkouts": self._checkouts}
        for index in range(STAGES.index(stage), len(STAGES)):
            name = STAGES[index]
            while True:
                records, after, more = pages[name](since, after)
                if more:
                    nxt: dict[str, Any] = {"run_since": since, "run_started": started, "stage": name, "after": after}
                elif index + 1 < len(STAGES):
                    nxt = {"run_since": since, "run_started": started, "stage": STAGES[index + 1], "after": None}
                else:
                    nxt = {"since": ((_time(started) or now) - OVERLAP).isoformat()}
                yield Batch(records, nxt, {"stage": name})
                if not more:
                    break
            after = None

    def _page(self, query: str, root: str, first: int, since: str | None,
              after: str | None) -> tuple[list[Mapping[str, Any]], str | None, bool]:
        data = self.query(query, {"first": first, "after": after, "query": _since_filter(since)})
        connection = data.get(root)
        if not isinstance(connection, Mapping) or not isinstance(connection.get("nodes"), list):
            raise SyncError("bad_response", f"Shopify answered {root} in an unknown form",
                            f"Shopify의 {root} 응답 형식을 알 수 없습니다")
        info = connection.get("pageInfo") or {}
        more = bool(info.get("hasNextPage")) and bool(info.get("endCursor"))
        return connection["nodes"], (info.get("endCursor") or after), more

    def _customers(self, since: str | None, after: str | None) -> tuple[list[Any], str | None, bool]:
        nodes, after, more = self._page(CUSTOMERS_QUERY, "customers", CUSTOMERS_PER_PAGE, since, after)
        records: list[Any] = []
        for raw in nodes:
            member = raw.get("legacyResourceId")
            if not member:
                continue
            member = str(member)
            email = raw.get("defaultEmailAddress") or {}
            phone = raw.get("defaultPhoneNumber") or {}
            updated = _time(raw.get("updatedAt"))
            records.append(CustomerIn(
                source=self.name, external_id=member, name=_name(raw.get("firstName"), raw.get("lastName")),
                email=email.get("emailAddress") or None, phone=phone.get("phoneNumber") or None,
                signed_up_at=_time(raw.get("createdAt"))))
            for channel, address in (("email", email), ("sms", phone)):
                granted = _CONSENT.get(str(address.get("marketingState") or ""))
                at = _time(address.get("marketingUpdatedAt")) or updated
                if granted is not None and at is not None:
                    records.append(ConsentIn(source=self.name, customer_external_id=member, channel=channel,
                                             granted=granted, at=at))
        return records, after, more

    def _orders(self, since: str | None, after: str | None) -> tuple[list[Any], str | None, bool]:
        nodes, after, more = self._page(ORDERS_QUERY, "orders", ORDERS_PER_PAGE, since, after)
        records = [order for order in (self._order(raw) for raw in nodes) if order is not None]
        return records, after, more

    def _items(self, raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """All the order's line items: the first ones came with the order, the rest are asked for by order."""
        lines = raw.get("lineItems") or {}
        items = list(lines.get("nodes") or ())
        info = lines.get("pageInfo") or {}
        while info.get("hasNextPage") and info.get("endCursor") and raw.get("id"):
            order = self.query(ORDER_ITEMS_QUERY, {"id": raw["id"], "after": info["endCursor"]}).get("order") or {}
            more = order.get("lineItems") or {}
            items += list(more.get("nodes") or ())
            info = more.get("pageInfo") or {}
        return items

    def _order(self, raw: Mapping[str, Any]) -> OrderIn | None:
        status = order_status(raw.get("displayFinancialStatus"), raw.get("displayFulfillmentStatus"),
                              raw.get("cancelledAt"))
        ordered = _time(raw.get("createdAt"))
        if status is None or ordered is None or not raw.get("name"):
            log.warning("Shopify: an order with status %r was skipped", raw.get("displayFinancialStatus"))
            return None
        customer = raw.get("customer") or {}
        billing = raw.get("billingAddress") or {}
        items = tuple(
            OrderItemIn(product_name=str(item.get("name") or ""), quantity=int(item.get("quantity") or 1),
                        unit_price=_money(item.get("originalUnitPriceSet")),
                        amount=_money(item.get("discountedTotalSet")))
            for item in self._items(raw))
        codes = [code for code in raw.get("discountCodes") or () if code]
        member = customer.get("legacyResourceId")
        return OrderIn(
            source=self.name, external_id=str(raw["name"]), ordered_at=ordered, amount=_money(raw.get("totalPriceSet")),
            status=status, customer_external_id=str(member) if member else None,
            buyer_name=billing.get("name") or _name(customer.get("firstName"), customer.get("lastName")) or None,
            buyer_phone=raw.get("phone") or billing.get("phone") or None, buyer_email=raw.get("email") or None,
            discount=_money(raw.get("totalDiscountsSet")), coupon_code=codes[0] if codes else None,
            status_changed_at=_time(raw.get("updatedAt")), items=items)

    def _checkouts(self, since: str | None, after: str | None) -> tuple[list[Any], str | None, bool]:
        nodes, after, more = self._page(CHECKOUTS_QUERY, "abandonedCheckouts", CHECKOUTS_PER_PAGE, since, after)
        records: list[Any] = []
        for raw in nodes:
            member = (raw.get("customer") or {}).get("legacyResourceId")
            updated = _time(raw.get("updatedAt"))
            if not member or updated is None or not raw.get("id"):
                continue  # a guest's checkout: the app reminds members only
            items = tuple(
                {"name": " - ".join(part for part in (line.get("title"), line.get("variantTitle")) if part),
                 "quantity": int(line.get("quantity") or 1), "price": _money(line.get("originalUnitPriceSet")),
                 "category": None}
                for line in (raw.get("lineItems") or {}).get("nodes") or ())
            records.append(CartIn(
                source=self.name, external_id=_tail(raw["id"]), customer_external_id=str(member),
                amount=_money(raw.get("totalPriceSet")), updated_at=updated, items=items,
                created_at=_time(raw.get("createdAt")), ordered_at=_time(raw.get("completedAt"))))
        return records, after, more
