"""Coupons issued by the shop itself, against local fakes of the platforms' APIs (pytest-httpserver, as the
sync tests do): WooCommerce (a coupon only the customer's e-mail may use), Cafe24 (a coupon issued to the
member), Shopify (`discountCodeBasicCreate`). Success, a refusal, 429/5xx retried, and never two shop coupons
for one step, even when an answer is lost and the call is made again."""

from __future__ import annotations

import base64
import json
from collections import deque
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from engine.coupons import ShopRefused, issue_at_shop
from engine.sync.api.cafe24 import Cafe24
from engine.sync.api.http import Http
from engine.sync.api.run import connect
from engine.sync.api.shopify import API_VERSION as SHOPIFY_VERSION
from engine.sync.api.shopify import Shopify
from storage.models import Coupon, Customer
from tests.runtime.conftest import demo_template, shop
from tests.runtime.shop import Shop
from tests.runtime.test_rules import build

__all__ = ["demo_template", "shop"]

KEY, SECRET = "ck_test", "cs_test"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BODY = {"is_ad": True, "body": "{{ customer.first_name }}님, 쿠폰 {{ coupon.code }} 를 드려요.", "lateness": "send_late"}


def _json(status: int, body: Any, **headers: str) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", headers=headers)


class FakeShop:
    """The coupon endpoints of the three platforms. `fail` answers first (429, 500); `lose_next` makes the
    next coupon and then answers 500, as a connection cut after the shop did the work."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.fail: deque[Response] = deque()
        self.lose_next = False
        self.woo: dict[str, dict[str, Any]] = {}
        self.cafe24: dict[str, list[str]] = {"7001": []}
        self.shopify: dict[str, dict[str, Any]] = {}
        self.calls = 0
        server.expect_request("/wp-json/wc/v3/orders").respond_with_json([])
        server.expect_request("/wp-json/wc/v3/coupons", method="POST").respond_with_handler(self.woo_coupon)
        server.expect_request(f"/admin/api/{SHOPIFY_VERSION}/graphql.json", method="POST").respond_with_handler(
            self.shopify_graphql)
        server.expect_request("/api/v2/admin/coupons/7001/issues", method="POST").respond_with_handler(
            lambda request: self.cafe24_issue(request, "7001"))
        server.expect_request("/api/v2/admin/coupons/9999/issues", method="POST").respond_with_handler(
            lambda request: _json(404, {"error": {"code": 404, "message": "No API found or coupon not found."}}))

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def _first(self) -> Response | None:
        self.calls += 1
        return self.fail.popleft() if self.fail else None

    def _lost(self) -> bool:
        lost, self.lose_next = self.lose_next, False
        return lost

    def woo_coupon(self, request: Request) -> Response:
        failure = self._first()
        if failure is not None:
            return failure
        expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return _json(401, {"code": "woocommerce_rest_cannot_create", "message": "Sorry, you cannot create"})
        body = request.get_json()
        if body["code"] in self.woo:
            return _json(400, {"code": "woocommerce_rest_coupon_code_already_exists",
                               "message": "The coupon code already exists", "data": {"status": 400}})
        self.woo[body["code"]] = {"id": len(self.woo) + 1, **body}
        if self._lost():
            return _json(500, {"message": "gateway"})
        return _json(201, self.woo[body["code"]])

    def cafe24_issue(self, request: Request, number: str) -> Response:
        failure = self._first()
        if failure is not None:
            return failure
        if request.headers.get("Authorization") != "Bearer ACCESS":
            return _json(401, {"error": {"code": 401, "message": "Invalid access_token (invalid_token)"}})
        wanted = request.get_json()["request"]
        member = wanted["member_id"]
        if member not in self.cafe24[number] or wanted.get("allow_duplication") != "F":
            self.cafe24[number].append(member)  # "F": a member who has it already gets no second one
        if self._lost():
            return _json(500, {"error": {"code": 500, "message": "server"}})
        return _json(201, {"issues": {"coupon_no": number, "issued_member_scope": "M", "count": 1}})

    def shopify_graphql(self, request: Request) -> Response:
        failure = self._first()
        if failure is not None:
            return failure
        if request.headers.get("X-Shopify-Access-Token") != "shpat_test":
            return _json(401, {"errors": "[API] Invalid API key or access token"})
        discount = request.get_json()["variables"]["discount"]
        if discount["code"] in self.shopify:
            return _json(200, {"data": {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [
                {"field": ["basicCodeDiscount", "code"], "message": "Code must be unique.", "code": "TAKEN"}]}}})
        node = f"gid://shopify/DiscountCodeNode/{len(self.shopify) + 1}"
        self.shopify[discount["code"]] = {"id": node, **discount}
        if self._lost():
            return _json(502, {"errors": "bad gateway"})
        return _json(200, {"data": {"discountCodeBasicCreate": {"codeDiscountNode": {"id": node}, "userErrors": []}}})


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeShop:
    return FakeShop(httpserver)


def fast(attempts: int = 4) -> Http:
    return Http("shop", backoff=0.01, timeout=5, attempts=attempts)


def _coupon(**values: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"id": 41, "discount_type": "won", "amount": 3000, "issued_at": NOW,
                              "expires_at": NOW + timedelta(days=14), "attempts": 0, **values})


def _customer(**values: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"source": "test", "external_id": "m1", "email": "sky@example.com", **values})


def woo_shop(shop: Shop, fake: FakeShop, *, attempts: int = 4) -> None:
    connect(shop.db, "woocommerce", {"url": fake.url, "consumer_key": KEY, "consumer_secret": SECRET}, NOW,
            http=fast())
    shop.engine.coupon_http = fast(attempts)
    build(shop, [("action.coupon", {"discount_type": "won", "amount": 3000, "code_source": "shop"}),
                 ("message.sms", BODY)])


# --- WooCommerce, end to end through the runner ----------------------------------------------------------------

def test_woocommerce_coupon_for_the_customers_email_then_the_message_goes(shop: Shop, fake: FakeShop) -> None:
    woo_shop(shop, fake)
    customer = shop.signup("2026-03-02 10:00")
    fake.fail.extend([_json(429, {"message": "slow down"}, **{"Retry-After": "0"}), _json(503, {"message": "busy"})])
    summary = shop.run("2026-03-02 10:01")
    assert summary["coupons_issued"] == 1
    [(code, made)] = fake.woo.items()
    with shop.db.session() as session:
        email = session.get(Customer, customer).email
        coupon = session.scalar(select(Coupon))
    assert made["email_restrictions"] == [email] and made["usage_limit"] == 1 and made["amount"] == "3000"
    assert coupon.code == code and coupon.status == "issued" and coupon.source == "shop"
    [message] = shop.messages(customer)
    assert message.status == "sent" and code in message.body


def test_a_lost_answer_makes_no_second_woocommerce_coupon(shop: Shop, fake: FakeShop) -> None:
    woo_shop(shop, fake)
    customer = shop.signup("2026-03-02 10:00")
    fake.lose_next = True  # made, then 500: the client asks again, the shop says it exists: that one is ours
    shop.run("2026-03-02 10:01")
    assert len(fake.woo) == 1
    [message] = shop.messages(customer)
    assert message.status == "sent" and next(iter(fake.woo)) in message.body


def test_a_shop_down_past_the_retries_is_tried_at_the_next_pass(shop: Shop, fake: FakeShop) -> None:
    woo_shop(shop, fake, attempts=2)
    customer = shop.signup("2026-03-02 10:00")
    fake.fail.extend([_json(500, {}), _json(500, {})])
    shop.run("2026-03-02 10:01")
    [message] = shop.messages(customer)
    assert message.status == "held" and message.reason == "coupon_wanted" and fake.woo == {}
    with shop.db.session() as session:
        assert session.scalar(select(Coupon.attempts)) == 1
    shop.run("2026-03-02 10:05")
    [message] = shop.messages(customer)
    assert message.status == "sent" and len(fake.woo) == 1


def test_a_refusal_holds_the_message_with_its_reason(shop: Shop, fake: FakeShop) -> None:
    woo_shop(shop, fake)
    customer = shop.signup("2026-03-02 10:00")
    with shop.db.session() as session:
        session.get(Customer, customer).email = None  # WooCommerce restricts the coupon to an e-mail: none here
    shop.run("2026-03-02 10:01")
    [message] = shop.messages(customer)
    assert message.status == "held" and message.reason == "coupon_shop_refused" and fake.woo == {}
    with shop.db.session() as session:
        assert session.scalar(select(Coupon.status)) == "failed"


# --- Cafe24 and Shopify, the calls themselves -----------------------------------------------------------------

def cafe24(fake: FakeShop, monkeypatch: pytest.MonkeyPatch) -> Cafe24:
    monkeypatch.setattr(Cafe24, "api_base", fake.url)
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    return Cafe24(fast(), {"mall_id": "myshop", "client_id": "cid"},
                  {"access_token": "ACCESS", "expires_at": later, "client_secret": "s"}, lambda key, value: None)


def test_cafe24_issues_the_coupon_to_the_member_once(fake: FakeShop, monkeypatch: pytest.MonkeyPatch) -> None:
    connector = cafe24(fake, monkeypatch)
    member = _customer(source="cafe24", external_id="sky01")
    fake.fail.append(_json(429, {"error": {"code": 429, "message": "Too Many Requests"}}, **{"Retry-After": "0"}))
    code, ref = issue_at_shop("cafe24", connector, _coupon(), member, {"shop_coupon": "7001"})
    assert (code, ref) == ("7001", "7001") and fake.cafe24["7001"] == ["sky01"]
    fake.lose_next = True
    issue_at_shop("cafe24", connector, _coupon(), member, {"shop_coupon": "7001"})  # 500 after issuing, retried
    assert fake.cafe24["7001"] == ["sky01"]  # allow_duplication F: never a second coupon for the member
    with pytest.raises(ShopRefused):  # a coupon number Cafe24 does not have
        issue_at_shop("cafe24", connector, _coupon(), member, {"shop_coupon": "9999"})
    with pytest.raises(ShopRefused):  # not a Cafe24 member: nothing to issue to
        issue_at_shop("cafe24", connector, _coupon(), _customer(), {"shop_coupon": "7001"})


def test_a_cafe24_connection_agreed_without_the_coupon_scope_is_refused_with_what_to_do(
        fake: FakeShop, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shop connected before coupons were asked for (its stored scopes lack mall.write_promotion): no call
    is made, and the owner reads what to do."""
    connector = cafe24(fake, monkeypatch)
    connector.secrets["scopes"] = "mall.read_order,mall.read_customer,mall.write_mileage"
    with pytest.raises(ShopRefused) as refused:
        issue_at_shop("cafe24", connector, _coupon(), _customer(source="cafe24", external_id="sky01"),
                      {"shop_coupon": "7001"})
    assert "mall.write_promotion" in str(refused.value) and fake.cafe24 == {"7001": []}  # issued to nobody
    connector.secrets["scopes"] += ",mall.write_promotion"  # connected again, agreed
    assert issue_at_shop("cafe24", connector, _coupon(), _customer(source="cafe24", external_id="sky01"),
                         {"shop_coupon": "7001"})[0] == "7001"


def shopify(fake: FakeShop) -> Shopify:
    return Shopify(fast(), {"shop": fake.url}, {"access_token": "shpat_test"}, lambda key, value: None)


def test_shopify_makes_one_discount_code_even_when_its_answer_is_lost(fake: FakeShop) -> None:
    connector = shopify(fake)
    member = _customer(source="shopify", external_id="555")
    fake.lose_next = True  # made, then 502: asked again, Shopify says the code is taken: it is ours
    code, _ = issue_at_shop("shopify", connector, _coupon(discount_type="percent", amount=15), member, {})
    assert list(fake.shopify) == [code]
    made = fake.shopify[code]
    assert made["customerGets"]["value"] == {"percentage": 0.15} and made["usageLimit"] == 1
    assert made["customerSelection"] == {"customers": {"add": ["gid://shopify/Customer/555"]}}
    again, _ = issue_at_shop("shopify", connector, _coupon(discount_type="percent", amount=15), member, {})
    assert again == code and len(fake.shopify) == 1  # the same coupon row: the same code, no second discount
    other, _ = issue_at_shop("shopify", connector, _coupon(id=42), member, {})
    assert other != code and len(fake.shopify) == 2


def test_shopify_refuses_a_wrong_token(fake: FakeShop) -> None:
    connector = Shopify(fast(), {"shop": fake.url}, {"access_token": "shpat_wrong"}, lambda key, value: None)
    with pytest.raises(ShopRefused):
        issue_at_shop("shopify", connector, _coupon(), _customer(), {})
    assert fake.shopify == {}


def test_a_simulation_never_asks_the_shop_for_a_coupon(shop: Shop, fake: FakeShop) -> None:
    """Simulate runs the engine on a copy that keeps the shop's connection: a shop coupon there gets a stand-in
    code, and the shop is never called (it would make real discount codes)."""
    from engine.runtime.simulate import simulate

    woo_shop(shop, fake)
    journey_id = build(shop, [("action.coupon", {"discount_type": "won", "amount": 3000, "code_source": "shop"}),
                              ("message.sms", BODY)], publish_it=False)
    shop.signup("2026-03-02 10:00")
    result = simulate(shop.db, journey_id, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))
    assert fake.woo == {}
    assert result is not None
