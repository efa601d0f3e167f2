"""Issue #15 §3, points (적립금) stay the shop's: action.give_points records a grant inside the advancer's
batch and the runner gives it afterwards, against a Cafe24 fake (pytest-httpserver): success, a refused token
whose refresh fails (401 → the owner's list), 429/5xx tried again, a grant left mid-call never sent twice.
Customers of other platforms go on the owner's list "적립금 수동 지급 목록" (`points list|done`)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from engine import config
from engine import journey_store as store
from engine.clock import FixedClock
from engine.customers.points import STUCK, give_due
from engine.demo.catalogue import SHOP_SETTINGS
from engine.journey import Journey
from engine.runtime.publish import publish
from engine.sync.api import cafe24
from engine.sync.api.cafe24 import Cafe24
from engine.sync.api.http import Http
from engine.sync.api.run import connect
from storage.db import Database, open_database
from storage.models import Customer, PointGrant, ShopEvent
from tests.conftest import ROOT
from tests.runtime.shop import Shop, at
from tests.sync.api.cafe24 import CLIENT_ID, CLIENT_SECRET, MALL, FakeCafe24, _error

NOW = at("2026-03-02 10:00")


class PointsFake(FakeCafe24):
    """The Cafe24 fake with `POST /api/v2/admin/points` (bearer token checked; body {shop_no, request})."""

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server, NOW)
        self.given: list[dict] = []
        self.posts = 0
        server.expect_request("/api/v2/admin/points", method="POST").respond_with_handler(self.points)

    def points(self, request: Request) -> Response:
        self.posts += 1
        expiry = self.access.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if expiry is None or expiry <= self.now:
            return _error(401, "Invalid access_token (invalid_token)")
        if self.failures:
            return self.failures.popleft()
        body = json.loads(request.data)
        self.given.append(body["request"])
        return Response(json.dumps({"point": {"shop_no": 1, **body["request"]}}), 200, content_type="application/json")


@pytest.fixture
def fake(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> PointsFake:
    shop = PointsFake(httpserver)
    monkeypatch.setattr(Cafe24, "api_base", shop.url)
    monkeypatch.setattr(cafe24, "open_browser", shop.browser)
    return shop


def fast(attempts: int = 4) -> Http:
    return Http("카페24", backoff=0.01, timeout=5, attempts=attempts)


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    db = open_database(tmp_path / "points.db")
    with db.write_session() as session:
        for key, value in SHOP_SETTINGS.items():
            config.set_value(session, key, value)
    shop = Shop(db, tmp_path)
    journey = Journey(name="가입 적립금")
    journey.add_node("trigger.signed_up", node_id="trigger")
    journey.add_node("action.give_points", {"amount": 3000, "reason": "가입 축하"}, node_id="points")
    journey.add_node("message.sms", {"is_ad": False, "body": "{{ points.amount }}원 지급 완료"}, node_id="sms")
    journey.add_node("exit", node_id="end")
    journey.connect("trigger", "out", "points")
    journey.connect("points", "out", "sms")
    journey.connect("sms", "out", "end")
    with db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock)
    return shop


def connected(db: Database, fake: PointsFake) -> None:
    connect(db, "cafe24", {"mall_id": MALL, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                           "redirect_uri": f"http://127.0.0.1:{_free()}/callback"}, NOW, http=fast())


def _free() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def member(shop: Shop, source: str = "cafe24", member_id: str = "hong01") -> int:
    with shop.db.session() as session:
        customer = Customer(source=source, external_id=member_id, name="홍길동", phone="+821012345678",
                            signed_up_at=NOW, attributes={})
        session.add(customer)
        session.flush()
        session.add(ShopEvent(kind="signed_up", customer_id=customer.id, occurred_at=NOW, ref=member_id, payload={}))
        return customer.id


def enter(shop: Shop) -> None:
    """One pass that steps the journey (the grant is recorded, not given: no delivery, no points)."""
    shop.run("2026-03-02 10:01", deliver=False)


def grants(shop: Shop) -> list[tuple[str, int, str | None]]:
    with shop.db.session() as session:
        return [(g.status, g.attempts, g.error) for g in session.scalars(select(PointGrant).order_by(PointGrant.id))]


def test_a_cafe24_member_gets_the_points_once_and_the_message_says_the_amount(shop: Shop, fake: PointsFake) -> None:
    connected(shop.db, fake)
    member(shop)
    enter(shop)
    assert grants(shop) == [("pending", 0, None)] and fake.posts == 0  # recorded in the batch, not yet given
    counts = give_due(shop.db, FixedClock(at("2026-03-02 10:02")), http=fast())
    assert counts.given == 1
    assert fake.given == [{"member_id": "hong01", "amount": "3000.00", "type": "increase", "reason": "가입 축하"}]
    assert grants(shop)[0][0] == "done"
    give_due(shop.db, FixedClock(at("2026-03-02 11:00")), http=fast())
    shop.run("2026-03-02 11:00")
    assert len(fake.given) == 1 and fake.posts == 1  # never twice
    assert shop.messages()[0].body.startswith("3,000원 지급 완료")


def test_429_and_5xx_are_tried_again_and_a_failing_shop_later(shop: Shop, fake: PointsFake) -> None:
    connected(shop.db, fake)
    member(shop)
    enter(shop)
    fake.failures.extend([Response("{}", 429, headers={"Retry-After": "0"}), _error(503, "busy")])
    assert give_due(shop.db, FixedClock(at("2026-03-02 10:02")), http=fast()).given == 1
    assert len(fake.given) == 1 and fake.posts == 3
    member(shop, member_id="kim02")
    shop.run("2026-03-02 10:03", deliver=False)
    fake.failures.extend([_error(500, "down"), _error(500, "down")])
    counts = give_due(shop.db, FixedClock(at("2026-03-02 10:04")), http=fast(attempts=2))
    assert counts.retried == 1 and grants(shop)[1][:2] == ("pending", 1)
    give_due(shop.db, FixedClock(at("2026-03-02 10:05")), http=fast())  # not due yet: nothing is called
    assert fake.posts == 5
    give_due(shop.db, FixedClock(at("2026-03-02 10:20")), http=fast())
    assert grants(shop)[1][0] == "done" and [g["member_id"] for g in fake.given] == ["hong01", "kim02"]


def test_a_refused_connection_puts_the_grant_on_the_owners_list(shop: Shop, fake: PointsFake) -> None:
    connected(shop.db, fake)
    member(shop)
    enter(shop)
    fake.access.clear()   # Cafe24 no longer takes the access token (401) ...
    fake.refresh.clear()  # ... nor the refresh token: the owner must connect again
    counts = give_due(shop.db, FixedClock(at("2026-03-02 10:02")), http=fast())
    assert counts.manual == 1 and fake.given == []
    status, _, error = grants(shop)[0]
    assert status == "manual" and "다시 연결" in (error or "")


def test_a_connection_agreed_without_the_points_scope_lists_the_grant_without_a_call(
        shop: Shop, fake: PointsFake) -> None:
    """Connected when the owner (or an older version) did not agree to mall.write_mileage: no call is made,
    and the owner's list says what to do."""
    fake.scopes_granted = ["mall.read_order", "mall.read_customer", "mall.write_promotion"]
    connected(shop.db, fake)
    member(shop)
    enter(shop)
    counts = give_due(shop.db, FixedClock(at("2026-03-02 10:02")), http=fast())
    assert counts.manual == 1 and fake.posts == 0
    status, _, error = grants(shop)[0]
    assert status == "manual" and "mall.write_mileage" in (error or "") and "다시 연결" in (error or "")


def test_a_grant_left_mid_call_is_never_sent_again(shop: Shop, fake: PointsFake) -> None:
    connected(shop.db, fake)
    member(shop)
    enter(shop)
    with shop.db.write_session() as session:  # as if the PC went off between the claim and Cafe24's answer
        grant = session.scalar(select(PointGrant))
        grant.status, grant.attempts, grant.next_try_at = "sending", 1, at("2026-03-02 10:02")
    give_due(shop.db, FixedClock(at("2026-03-02 10:02") + STUCK - timedelta(minutes=1)), http=fast())
    assert grants(shop)[0][0] == "sending"
    give_due(shop.db, FixedClock(at("2026-03-02 10:02") + STUCK), http=fast())
    assert grants(shop)[0][0] == "manual" and fake.posts == 0


def test_other_platforms_go_on_the_manual_list_and_the_cli_marks_them_given(shop: Shop, fake: PointsFake) -> None:
    connected(shop.db, fake)
    customer = member(shop, source="file", member_id="F-1")  # a member from a file import: no API to give by
    enter(shop)
    assert give_due(shop.db, FixedClock(at("2026-03-02 10:02")), http=fast()).manual == 1
    assert fake.posts == 0

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(shop.db.url.split("///")[-1]),
                               "points", *args], capture_output=True, text=True, encoding="utf-8", timeout=120,
                              cwd=ROOT)

    listed = json.loads(cli("list", "--json").stdout)
    assert [(g["customer_id"], g["amount"], g["reason"]) for g in listed] == [(customer, 3000, "가입 축하")]
    bad = cli("done", "999")
    assert bad.returncode == 2 and bad.stderr.startswith("error: not on the manual points list: 999")
    assert cli("done", str(listed[0]["id"])).returncode == 0
    assert json.loads(cli("list", "--json").stdout) == [] and grants(shop)[0][0] == "done"


def test_a_simulation_never_gives_points(shop: Shop, fake: PointsFake) -> None:
    from engine.runtime.simulate import simulate

    connected(shop.db, fake)
    member(shop)
    with shop.db.session() as session:
        journey_id = store.list_journeys(session)[0].id
    simulate(shop.db, journey_id, at("2026-03-01 00:00"), at("2026-03-03 00:00"))
    assert fake.posts == 0 and grants(shop) == []
