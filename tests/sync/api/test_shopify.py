"""Shopify Admin GraphQL sync against a local server answering as Shopify documents: customers with their
marketing consent, orders and abandoned checkouts in, once; changes become events; cursor pages, query cost
(waiting before an expensive query, THROTTLED, 429), 5xx, a refused token, a broken body and GraphQL errors
told in Korean; a stopped sync resumes; a Shopify CSV import and the API name one order once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Response

from engine import config
from engine.clock import FixedClock
from engine.shopdata import OptOutIn, record_optout
from engine.sync.api import SyncError
from engine.sync.api.http import Http
from engine.sync.api.run import connect, statuses, sync_source
from engine.sync.load import import_file
from main import main
from storage.db import Database
from storage.models import Cart, Consent, Customer, Order, OrderItem, ShopEvent, SyncState
from tests.sync.api.shopify import CLIENT_ID, CLIENT_SECRET, TOKEN, FakeShopify, later
from tests.sync.files import write_csv

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def shop(httpserver: HTTPServer) -> FakeShopify:
    return FakeShopify(httpserver)


def fast() -> Http:
    return Http("Shopify", backoff=0.01, timeout=5)


def connected(db: Database, shop: FakeShopify) -> None:
    connect(db, "shopify", {"shop": shop.url, "access_token": TOKEN}, NOW, http=fast())


def sync(db: Database, when: datetime = NOW, http: Http | None = None):  # type: ignore[no-untyped-def]
    return sync_source(db, "shopify", FixedClock(when), http=http or fast())


def roots(shop: FakeShopify) -> list[str]:
    return [request["root"] for request in shop.requests]


def test_first_sync_brings_customers_consents_orders_and_carts_once(db: Database, shop: FakeShopify) -> None:
    shop.add_customer(7, email="hong@example.com", phone="+821012345678", email_state="SUBSCRIBED",
                      sms_state="UNSUBSCRIBED", consent_at=later(-60))
    shop.add_customer(8, first="Jane", last="Doe", email="jane@example.com", phone=None)
    shop.add_order(1001, customer=7, total=55000, discount=5000, codes=("WELCOME",), fulfillment="FULFILLED",
                   items=[("Tote bag", 1, 40000), ("Sticker", 2, 10000)])
    shop.add_order(1002, email="guest@example.com", billing_phone="010-9999-8888", total=12000)
    shop.add_order(1003, email=None, billing_phone="+82 10-9999-8888", total=8000, created=later(60))  # same guest
    shop.add_order(1004, customer=8, financial="VOIDED")
    shop.add_order(1005, customer=8, financial="REFUNDED")
    shop.add_checkout(301, customer=7, total=25000, lines=[("머그컵", 1, 25000)])
    shop.add_checkout(302, customer=None)  # a guest's checkout: not a member's cart
    connected(db, shop)
    assert config.read_secret("api.shopify.access_token") == TOKEN
    with db.session() as session:  # the token is only in the keyring
        assert TOKEN not in json.dumps(session.get(SyncState, "api:shopify").details)

    summary = sync(db)
    assert summary.status == "ok", summary.error
    assert summary.written.orders_created == 5 and summary.written.carts_created == 1
    assert roots(shop) == ["shop", "customers", "orders", "abandonedCheckouts"]
    with db.session() as session:
        rows = session.execute(select(Order.external_id, Order.amount, Order.status, Order.discount,
                                      Order.coupon_code, Order.customer_id).order_by(Order.external_id)).all()
        assert [tuple(r[:5]) for r in rows] == [
            ("#1001", 55000, "shipped", 5000, "WELCOME"), ("#1002", 12000, "paid", 0, None),
            ("#1003", 8000, "paid", 0, None), ("#1004", 30000, "cancelled", 0, None),
            ("#1005", 30000, "refunded", 0, None)]
        assert rows[1].customer_id == rows[2].customer_id  # the guest matched by phone
        member = session.get(Customer, rows[0].customer_id)
        assert (member.source, member.external_id, member.name, member.phone, member.email) == (
            "shopify", "7", "홍길동", "+821012345678", "hong@example.com")
        assert session.scalar(select(Customer.name).where(Customer.external_id == "8")) == "Jane Doe"
        items = session.execute(select(OrderItem.product_name, OrderItem.quantity, OrderItem.unit_price,
                                       OrderItem.amount).where(OrderItem.order_id == session.scalar(
                                           select(Order.id).where(Order.external_id == "#1001")))
                                .order_by(OrderItem.id)).all()
        assert [tuple(i) for i in items] == [("Tote bag", 1, 40000, 40000), ("Sticker", 2, 10000, 20000)]
        consents = dict(session.execute(select(Consent.channel, Consent.granted)
                                        .where(Consent.customer_id == member.id)).all())
        assert consents == {"email": True, "sms": False}
        cart = session.scalars(select(Cart)).one()
        assert (cart.external_id, cart.customer_id, cart.amount, cart.ordered_at) == ("301", member.id, 25000, None)
        assert cart.items == [{"name": "머그컵", "quantity": 1, "price": 25000, "category": None}]
        state = session.get(SyncState, "api:shopify")
        assert state.last_status == "ok" and json.loads(state.cursor) == {
            "since": (NOW - timedelta(minutes=10)).isoformat()}

    shop.requests.clear()
    again = sync(db, NOW + timedelta(hours=1))
    assert again.status == "ok" and again.records == 0  # nothing changed since the last sync
    assert [request["args"]["query"] for request in shop.requests] == ["updated_at:>'2026-03-02T02:50:00Z'"] * 3

    with db.write_session() as session:  # everything again from the start (the owner connected anew)
        session.get(SyncState, "api:shopify").cursor = None
    repeat = sync(db, NOW + timedelta(hours=2))
    assert repeat.records == 10  # 2 customers, 2 consents, 5 orders, 1 cart: none of them changes anything
    assert {key: value for key, value in repeat.written.to_json().items() if value} == {"unchanged": 8}


def test_a_refund_becomes_a_status_change_event_and_nothing_else_changes(db: Database, shop: FakeShopify) -> None:
    shop.add_customer(7)
    shop.add_order(1001, customer=7)
    shop.add_order(1002, customer=7, created=later(5))
    connected(db, shop)
    sync(db)
    shop.touch_order(1001, NOW + timedelta(minutes=30), displayFinancialStatus="REFUNDED")
    summary = sync(db, NOW + timedelta(hours=1))
    assert summary.records == 1 and summary.written.status_changes == 1 and summary.written.orders_created == 0
    with db.session() as session:
        assert session.scalar(select(Order.status).where(Order.external_id == "#1001")) == "refunded"
        changes = session.execute(select(ShopEvent.ref, ShopEvent.payload)
                                  .where(ShopEvent.kind == "order_status_changed")).all()
    assert [(ref, payload) for ref, payload in changes] == [("#1001", {"status": "refunded"})]
    assert sync(db, NOW + timedelta(hours=2)).written.status_changes == 0  # a re-sync changes nothing


def test_pages_follow_page_info_and_long_orders_fetch_their_other_items(db: Database, shop: FakeShopify) -> None:
    for n in range(1, 131):
        shop.add_customer(n, email=f"c{n}@example.com", phone=f"+8210200{n:05d}", updated=later(n))
    for n in range(1, 61):
        shop.add_order(1000 + n, customer=n, created=later(n))
    shop.add_order(2000, customer=1, items=[(f"상품 {k}", 1, 1000) for k in range(12)], total=12000)
    connected(db, shop)
    summary = sync(db)
    assert summary.status == "ok", summary.error
    assert summary.pages == 2 + 3 + 1  # customers 100 + 30, orders 25 + 25 + 11, no checkouts
    pages = [(r["root"], r["args"].get("after") is not None) for r in shop.requests]
    assert pages == [("shop", False), ("customers", False), ("customers", True), ("orders", False),
                     ("order", False), ("orders", True), ("orders", True), ("abandonedCheckouts", False)]
    assert max(r["cost"] for r in shop.requests) <= 1000  # every query within Shopify's single-query limit
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 61
        assert session.scalar(select(func.count()).select_from(Customer)) == 130
        long_order = session.scalar(select(Order.id).where(Order.external_id == "#2000"))
        assert session.scalar(select(func.count()).select_from(OrderItem)
                              .where(OrderItem.order_id == long_order)) == 12


def test_a_stopped_sync_keeps_its_pages_and_resumes_after_them(db: Database, shop: FakeShopify) -> None:
    for n in range(1, 61):
        shop.add_order(1000 + n, email=f"g{n}@example.com", billing_phone=f"010-3000-{n:04d}", created=later(n))
    connected(db, shop)

    shop.fail_on[("orders", 3)] = Response("", 500)
    summary = sync(db, http=Http("Shopify", backoff=0.01, attempts=1))
    assert summary.status == "error" and summary.error_code == "server_error" and summary.pages == 3
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 50
        state = session.get(SyncState, "api:shopify")
        assert state.last_synced_at is None and "서버 오류(500)" in state.details["error_ko"]
        assert json.loads(state.cursor)["stage"] == "orders"
    shop.requests.clear()
    resumed = sync(db, NOW + timedelta(minutes=5))
    assert resumed.status == "ok" and resumed.records == 10
    assert roots(shop) == ["orders", "abandonedCheckouts"]  # not from the start: after the last page written
    assert shop.requests[0]["args"]["after"] is not None
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 60
        state = session.get(SyncState, "api:shopify")
        assert json.loads(state.cursor) == {"since": (NOW - timedelta(minutes=10)).isoformat()}  # the first run's


def test_a_throttled_query_waits_and_is_asked_again(db: Database, shop: FakeShopify) -> None:
    shop.add_customer(7)
    connected(db, shop)
    shop.bucket(available=100, restore=1000)  # the next query (302 points) does not fit
    summary = sync(db)
    assert summary.status == "ok" and summary.records == 1
    assert shop.throttled == 1
    assert summary.waited_s >= 0.2  # (302 − 100) points at 1,000 a second


def test_it_waits_for_points_before_a_query_the_bucket_cannot_pay(db: Database, shop: FakeShopify) -> None:
    for n in range(1, 31):
        shop.add_order(1000 + n, email=f"g{n}@example.com", created=later(n))
    connected(db, shop)
    shop.bucket(available=1000, restore=1000)
    summary = sync(db)
    assert summary.status == "ok" and summary.records == 30
    assert shop.throttled == 0  # it never asked for more than the bucket held
    assert summary.waited_s > 0.5  # two orders pages of 852 points and the checkouts after the customers


def test_429_with_retry_after_and_5xx_are_tried_again(db: Database, shop: FakeShopify) -> None:
    shop.add_order(1001)
    connected(db, shop)
    shop.failures.extend([Response("slow down", 429, headers={"Retry-After": "1"}),
                          Response("<html>Bad gateway</html>", 502), Response("", 503)])
    summary = sync(db)
    assert summary.status == "ok" and summary.records == 1
    assert summary.waited_s >= 1.0


def test_a_refused_token_a_broken_body_and_graphql_errors_are_told_in_korean(db: Database,
                                                                             shop: FakeShopify) -> None:
    with pytest.raises(SyncError) as refused:
        connect(db, "shopify", {"shop": shop.url, "access_token": "shpat_wrong"}, NOW, http=fast())
    assert refused.value.code == "unauthorized" and "인증 정보를 거절" in refused.value.ko
    assert "Invalid API key or access token" in str(refused.value) and "shpat_wrong" not in str(refused.value)
    assert config.read_secret("api.shopify.access_token") is None  # nothing kept from a failed connect

    shop.add_order(1001)
    connected(db, shop)
    shop.failures.append(Response("<html>maintenance</html>", 200, content_type="text/html"))
    broken = sync(db)
    assert broken.error_code == "bad_response" and "JSON" in broken.error_ko

    shop.failures.append(Response(json.dumps({"errors": [{"message": "Field 'foo' doesn't exist on type 'Order'",
                                                          "extensions": {"code": "undefinedField"}}]}), 200,
                                  content_type="application/json"))
    rejected = sync(db)
    assert rejected.error_code == "rejected"
    assert rejected.error_ko == "Shopify가 요청을 거절했습니다(Field 'foo' doesn't exist on type 'Order')"

    shop.failures.append(Response(json.dumps({"errors": [{
        "message": "Access denied for customers field. Required access: `read_customers` access scope.",
        "extensions": {"code": "ACCESS_DENIED"}}]}), 200, content_type="application/json"))
    denied = sync(db)
    assert denied.error_code == "unauthorized" and "read_customers 권한" in denied.error_ko
    status = next(s for s in statuses(db) if s.name == "shopify")
    assert status.connected and status.last_status == "error" and status.error("ko") == denied.error_ko
    assert sync(db).status == "ok"  # the next sync goes on


def test_consents_arrive_and_a_later_unsubscribe_or_opt_out_stands(db: Database, shop: FakeShopify) -> None:
    shop.add_customer(7, email_state="SUBSCRIBED", sms_state="SUBSCRIBED", consent_at=later(-600))
    connected(db, shop)
    sync(db)
    shop.set_consent(7, "email", "UNSUBSCRIBED", NOW + timedelta(minutes=20))
    assert sync(db, NOW + timedelta(hours=1)).written.consents_changed == 1
    with db.write_session() as session:  # the 080 opt-out list: this number withdrew from SMS after that
        record_optout(session, OptOutIn(at=NOW + timedelta(hours=2), phone="010-1234-5678"), NOW)
    # Shopify still says SMS SUBSCRIBED (dated before the opt-out) when the customer changes their name
    shop.customers[7].update(firstName="길순", updatedAt="2026-03-02T06:00:00Z")
    summary = sync(db, NOW + timedelta(hours=4))
    assert summary.records == 3 and summary.written.customers_updated == 1
    with db.session() as session:
        customer = session.scalar(select(Customer.id).where(Customer.external_id == "7"))
        consents = dict(session.execute(select(Consent.channel, Consent.granted)
                                        .where(Consent.customer_id == customer)).all())
    assert consents["email"] is False and consents["sms"] is False


def test_an_abandoned_checkout_becomes_a_cart_and_later_its_order(db: Database, shop: FakeShopify) -> None:
    shop.add_customer(7)
    shop.add_checkout(301, customer=7, created=later(0), updated=later(10))
    connected(db, shop)
    sync(db)
    shop.add_checkout(301, customer=7, created=later(0), updated=NOW + timedelta(minutes=30),
                      completed=NOW + timedelta(minutes=30))
    assert sync(db, NOW + timedelta(hours=1)).written.carts_updated == 1
    with db.session() as session:
        cart = session.scalars(select(Cart)).one()
        assert cart.ordered_at is not None
        assert cart.ordered_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=30)


def test_a_shopify_csv_import_and_the_api_name_one_order_once(db: Database, shop: FakeShopify,
                                                              tmp_path: Path) -> None:
    header = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Total",
              "Discount Code", "Discount Amount", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
              "Billing Name", "Cancelled at", "Phone"]
    rows = [["#1001", "kim@example.com", "paid", "2026-03-01 09:05:00 +0900", "fulfilled", "KRW", "55000.00",
             "WELCOME", "5000.00", "2026-03-01 09:00:00 +0900", "1", "Tote bag", "40000.00", "Kim Minsu", "",
             "+82 10-4444-5555"],
            ["#1001", "", "", "", "", "", "", "", "", "", "2", "Sticker", "10000.00", "", "", ""]]
    path = write_csv(tmp_path / "orders_export.csv", header, rows, "utf-8")
    imported = import_file(db, path, NOW)
    assert imported.source == "shopify" and imported.written is not None and imported.written.orders_created == 1
    shop.add_customer(77, first="Minsu", last="Kim", email="kim@example.com", phone="+821044445555")
    shop.add_order(1001, customer=77, total=55000, discount=5000, codes=("WELCOME",), fulfillment="FULFILLED",
                   created=datetime(2026, 3, 1, 0, 0, tzinfo=UTC), email="kim@example.com", phone="+82 10-4444-5555",
                   billing_name="Kim Minsu", items=[("Tote bag", 1, 40000), ("Sticker", 2, 10000)])
    connected(db, shop)
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 0 and summary.written.status_changes == 0
    with db.session() as session:
        orders = session.execute(select(Order.source, Order.external_id, Order.status, Order.amount)).all()
        assert [tuple(o) for o in orders] == [("shopify", "#1001", "shipped", 55000)]
        order_id = session.scalar(select(Order.id))
        assert session.scalar(select(func.count()).select_from(OrderItem).where(OrderItem.order_id == order_id)) == 2
        placed = session.scalar(select(func.count()).select_from(ShopEvent).where(ShopEvent.kind == "order_placed"))
    assert placed == 1  # one order, placed once


def test_client_id_and_secret_are_traded_for_a_token_and_again_when_it_is_refused(db: Database,
                                                                                   shop: FakeShopify) -> None:
    shop.add_order(1001)
    line = connect(db, "shopify", {"shop": shop.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, NOW,
                   http=fast())
    assert "단골 테스트 상점" in line and shop.tokens_issued == ["shpat_cc_1"]
    assert config.read_secret("api.shopify.token") == "shpat_cc_1"
    assert config.read_secret("api.shopify.client_secret") == CLIENT_SECRET
    assert sync(db).status == "ok" and shop.tokens_issued == ["shpat_cc_1"]  # kept, not traded for each sync
    shop.revoke("shpat_cc_1")
    summary = sync(db, NOW + timedelta(hours=1))
    assert summary.status == "ok" and shop.tokens_issued == ["shpat_cc_1", "shpat_cc_2"]
    assert config.read_secret("api.shopify.token") == "shpat_cc_2"
    with pytest.raises(SyncError) as wrong:
        connect(db, "shopify", {"shop": shop.url, "client_id": CLIENT_ID, "client_secret": "nope"}, NOW, http=fast())
    assert wrong.value.code == "unauthorized" and "Client credentials are invalid" in str(wrong.value)


def test_the_store_address_token_and_currency_are_checked_in_one_line(
        db: Database, shop: FakeShopify, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(db.url)
    assert main(["--db", url, "source", "connect", "shopify", "shop=myshop.com", f"access_token={TOKEN}"]) == 2
    assert "is not a Shopify store address" in capsys.readouterr().err
    assert main(["--db", url, "source", "connect", "shopify", f"shop={shop.url}"]) == 2
    assert "Admin API access token" in capsys.readouterr().err
    shop.shop["currencyCode"] = "USD"
    assert main(["--db", url, "source", "connect", "shopify", f"shop={shop.url}", f"access_token={TOKEN}"]) == 2
    err = capsys.readouterr().err
    assert "sells in USD" in err and err.count("\n") == 1
    shop.shop["currencyCode"] = "KRW"
    assert main(["--db", url, "source", "connect", "shopify", f"shop={shop.url}", f"access_token={TOKEN}"]) == 0
    assert "shopify connected (Shopify 단골 테스트 상점" in capsys.readouterr().out
    assert main(["--db", url, "sync", "shopify"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "ok"

