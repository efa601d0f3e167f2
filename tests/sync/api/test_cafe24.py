"""Cafe24 Admin API sync against a local server answering as Cafe24 documents: the OAuth consent through a
real loopback listener, orders by date windows and pages, members with their consents, carts, token refresh,
429/5xx/broken bodies, the call-limit header, a stopped sync resuming, and a file import naming the same order."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Response

from engine import config
from engine.clock import FixedClock
from engine.shopdata import OptOutIn, record_optout
from engine.sync.api import SyncError, cafe24
from engine.sync.api.cafe24 import Cafe24
from engine.sync.api.http import Http
from engine.sync.api.run import connect, statuses, sync_source
from engine.sync.load import import_file
from storage.db import Database
from storage.models import Cart, Consent, ConsentEvent, Customer, Order, OrderItem, ShopEvent, SyncState
from tests.sync.api.cafe24 import CLIENT_ID, CLIENT_SECRET, MALL, T0, FakeCafe24
from tests.sync.files import CAFE24_HEADER, cafe24_row, write_csv

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 12:00 in Seoul


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def fake(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeCafe24:
    shop = FakeCafe24(httpserver, NOW)
    monkeypatch.setattr(Cafe24, "api_base", shop.url)          # instead of https://{mall_id}.cafe24api.com
    monkeypatch.setattr(cafe24, "open_browser", shop.browser)  # the owner's browser: a real request to the listener
    monkeypatch.setattr(Cafe24, "leak_per_second", 40.0)      # the call-limit pauses, shorter
    return shop


def fast(attempts: int = 4) -> Http:
    return Http("카페24", backoff=0.01, timeout=5, attempts=attempts)


def values(**extra: str) -> dict[str, str]:
    return {"mall_id": MALL, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uri": f"http://127.0.0.1:{free_port()}/callback", **extra}


def connected(db: Database, fake: FakeCafe24, **extra: str) -> str:
    return connect(db, "cafe24", values(**extra), NOW, http=fast())


def sync(db: Database, at: datetime = NOW, http: Http | None = None) -> object:
    return sync_source(db, "cafe24", FixedClock(at), http=http or fast())


def test_connecting_goes_through_the_browser_and_keeps_the_tokens_in_the_keyring(db: Database,
                                                                               fake: FakeCafe24) -> None:
    line = connected(db, fake)
    assert line == "Cafe24 myshop"
    asked = fake.authorize_args
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"].startswith("http://127.0.0.1:") and asked["redirect_uri"].endswith("/callback")
    assert set(asked["scope"].split(",")) >= {"mall.read_order", "mall.read_privacy", "mall.read_personal",
                                              "mall.write_mileage", "mall.write_promotion"}  # what journeys write
    assert len(asked["state"]) >= 20
    access = config.read_secret("api.cafe24.access_token")
    assert access and access.startswith("at-") and config.read_secret("api.cafe24.refresh_token")
    assert config.read_secret("api.cafe24.client_secret") == CLIENT_SECRET
    expires = datetime.fromisoformat(config.read_secret("api.cafe24.expires_at") or "")
    assert expires == NOW + timedelta(hours=2)  # Cafe24's "…T14:00:00.000" is Seoul time
    with db.session() as session:  # neither the secret nor a token is in the database
        details = json.dumps(session.get(SyncState, "api:cafe24").details)
    assert CLIENT_SECRET not in details and access not in details and "rt-" not in details


def test_an_answer_for_another_attempt_is_refused_and_nothing_is_kept(db: Database, fake: FakeCafe24) -> None:
    fake.tamper_state = True
    with pytest.raises(SyncError) as refused:
        connected(db, fake)
    assert refused.value.code == "bad_state" and "다시 연결하세요" in refused.value.ko
    assert fake.calls("/api/v2/oauth/token") == []  # the code was never exchanged
    assert config.read_secret("api.cafe24.access_token") is None
    assert not next(s for s in statuses(db) if s.name == "cafe24").connected


def test_a_wrong_mall_id_or_redirect_is_told_before_anything_happens(db: Database, fake: FakeCafe24) -> None:
    with pytest.raises(SyncError) as wrong:
        connect(db, "cafe24", values(mall_id="my shop!"), NOW, http=fast())
    assert wrong.value.code == "bad_setting"
    with pytest.raises(SyncError) as away:
        connect(db, "cafe24", values(redirect_uri="https://example.com/callback"), NOW, http=fast())
    assert away.value.code == "bad_setting" and "이 PC의 주소" in away.value.ko
    assert fake.authorize_args == {}


def test_first_sync_brings_a_year_of_orders_members_consents_and_carts_once(db: Database, fake: FakeCafe24) -> None:
    fake.add_member("hong01", sms="T", news_mail="F", group=2, login=NOW - timedelta(days=1))
    fake.add_member("kim02", name="김철수", cellphone="010-2222-3333", email="kim@example.com", sms="F",
                    news_mail="T", created=T0 - timedelta(days=30))
    fake.add_order("20260301-0000001", items=2, amount="45000.00", status="N40")
    fake.add_order("20250601-0000007", member="kim02", name="김철수", phone="010-2222-3333",
                   email="kim@example.com", when=datetime(2025, 6, 1, 3, 0, tzinfo=UTC), status="N50")
    fake.add_order("20260301-0000002", member="", name="손님", phone="01099998888", email="guest@example.com",
                   amount="12000.00", status="N00")
    fake.add_order("20240101-0000001", when=datetime(2024, 1, 1, tzinfo=UTC))  # older than a year: not asked for
    fake.add_cart("hong01", 11, quantity=2, added=NOW - timedelta(hours=5))
    fake.add_cart("hong01", 12, price="9000.00", added=NOW - timedelta(hours=4))
    fake.add_cart("kim02", 11)  # kim02 has not logged in lately: not read
    connected(db, fake)

    summary = sync(db)
    assert summary.status == "ok", summary.error
    assert summary.written.orders_created == 3 and summary.written.customers_created == 3  # two members, a guest
    windows = [(args["start_date"], args["end_date"]) for args in fake.calls("/api/v2/admin/orders")]
    assert windows[0][0] == "2025-03-03" and windows[-1][1] == "2026-03-02" and len(windows) == 13
    assert all(args["embed"] == "items,buyer" and args["limit"] == "500" for args in fake.calls("/api/v2/admin/orders"))
    with db.session() as session:
        orders = {row.external_id: row for row in session.scalars(select(Order))}
        assert set(orders) == {"20260301-0000001", "20250601-0000007", "20260301-0000002"}
        first = orders["20260301-0000001"]
        assert (first.amount, first.status) == (45000, "delivered")
        assert (orders["20250601-0000007"].status, orders["20260301-0000002"].status) == ("confirmed", "pending")
        items = session.scalars(select(OrderItem.external_id).where(OrderItem.order_id == first.id)
                                .order_by(OrderItem.external_id)).all()
        assert items == ["20260301-0000001-01", "20260301-0000001-02"]
        hong = session.scalar(select(Customer).where(Customer.external_id == "hong01"))
        assert (hong.source, hong.phone, hong.grade, hong.gender) == ("cafe24", "+821012345678", "VIP", "F")
        assert first.customer_id == hong.id
        guest = session.get(Customer, orders["20260301-0000002"].customer_id)
        assert guest.is_guest and guest.phone == "+821099998888"
        consents = {(c.customer_id, c.channel): c.granted for c in session.scalars(select(Consent))}
        kim = session.scalar(select(Customer.id).where(Customer.external_id == "kim02"))
        assert consents == {(hong.id, "sms"): True, (hong.id, "email"): False,
                            (kim, "sms"): False, (kim, "email"): True}
        carts = session.scalars(select(Cart)).all()
        assert len(carts) == 1 and carts[0].customer_id == hong.id and carts[0].amount == 2 * 30000 + 9000
        assert [item["name"] for item in carts[0].items] == ["수제 딸기잼", "블루베리잼"]
        state = session.get(SyncState, "api:cafe24")
        assert state.last_status == "ok" and state.last_synced_at.replace(tzinfo=UTC) == NOW
        assert json.loads(state.cursor)["last_run"] == NOW.isoformat()
    assert fake.calls("/api/v2/admin/carts")[0]["member_id"] == "hong01"

    events = _counts(db)
    fake.requests.clear()
    again = sync(db, NOW + timedelta(hours=1))
    assert again.status == "ok"
    written = again.written.to_json()
    assert {key: value for key, value in written.items() if value and key != "unchanged"} == {}
    assert _counts(db) == events  # nothing changed: no event, no consent record
    rescanned = [(args["start_date"], args["end_date"]) for args in fake.calls("/api/v2/admin/orders")]
    assert rescanned == [("2026-02-17", "2026-03-02")]  # the last 14 days again, not the year
    joined = fake.calls("/api/v2/admin/customersprivacy")[0]
    assert joined["search_type"] == "created_date" and joined["created_start_date"] == "2026-01-30 10:00:00"  # the newest sign-up so far


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(ShopEvent)) or 0,
                session.scalar(select(func.count()).select_from(ConsentEvent)) or 0)


def test_a_changed_status_in_the_rescanned_days_becomes_one_status_event(db: Database, fake: FakeCafe24) -> None:
    fake.add_order("20260301-0000001", status="N20")
    fake.add_order("20260228-0000003", member="kim02", when=T0 - timedelta(days=1), status="N30")
    connected(db, fake)
    assert sync(db).written.orders_created == 2
    with db.session() as session:
        seen = session.scalar(select(func.max(ShopEvent.id)))
    fake.set_status("20260301-0000001", "R40")  # returned and refunded
    later = sync(db, NOW + timedelta(hours=2))
    assert later.status == "ok" and later.written.status_changes == 1
    with db.session() as session:
        assert session.scalar(select(Order.status).where(Order.external_id == "20260301-0000001")) == "refunded"
        changes = session.execute(select(ShopEvent.ref, ShopEvent.payload)
                                  .where(ShopEvent.kind == "order_status_changed", ShopEvent.id > seen)).all()
    assert changes == [("20260301-0000001", {"status": "refunded"})]


def test_pages_of_a_window_and_a_window_too_big_for_paging_is_halved(db: Database, fake: FakeCafe24) -> None:
    for n in range(1, 1102):
        fake.add_order(f"20260301-{n:07d}", member=f"m{n}", phone=f"010-3{n:03d}-{n:04d}", email=f"m{n}@example.com",
                       when=T0 + timedelta(seconds=n))
    fake.count_bias = 20000  # Cafe24 says each window longer than a week holds more than offset can reach
    connected(db, fake, history_days="60")
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 1101
    pages = [(args["start_date"], args["end_date"], args["offset"]) for args in fake.calls("/api/v2/admin/orders")]
    assert all((datetime.fromisoformat(end) - datetime.fromisoformat(start)).days <= 7 for start, end, _ in pages)
    busy = [offset for start, end, offset in pages if start <= "2026-03-01" <= end]
    assert busy == ["0", "500", "1000"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1101


def test_429_waits_as_asked_5xx_is_tried_again_and_the_call_limit_slows_down(db: Database, fake: FakeCafe24) -> None:
    fake.add_order("20260301-0000001")
    connected(db, fake)
    fake.failures.extend([_error429(), Response("<html>Bad gateway</html>", 502), Response("", 503)])
    fake.call_limit.extend(["39/40"])  # the bucket is nearly full after the next call
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 1
    assert summary.waited_s >= 1.0 + (39 - 30) / 40.0 - 0.01  # Retry-After, then the bucket's pause


def _error429() -> Response:
    return Response(json.dumps({"error": {"code": 429, "message": "Too Many Requests"}}), 429,
                    headers={"Retry-After": "1"}, content_type="application/json")


def test_an_expired_access_token_is_refreshed_and_the_call_made_again(db: Database, fake: FakeCafe24) -> None:
    fake.add_order("20260301-0000001")
    connected(db, fake)
    first_refresh = config.read_secret("api.cafe24.refresh_token")
    fake.expire_access()  # Cafe24 says "access_token time expired. (invalid_token)" before our clock does
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 1 and fake.refreshes == 1
    assert config.read_secret("api.cafe24.refresh_token") not in (None, first_refresh)  # the new one is kept

    assert fake.refused == 1
    fake.now = NOW + timedelta(hours=3)  # three hours on: our clock says the token is out, refresh first
    before = fake.refreshes
    assert sync(db, NOW + timedelta(hours=3)).status == "ok"
    assert fake.refreshes == before + 1 and fake.refused == 1  # no call was refused this time


def test_an_expired_refresh_token_asks_the_owner_to_connect_again(db: Database, fake: FakeCafe24) -> None:
    fake.add_order("20260301-0000001")
    connected(db, fake)
    fake.expire_access()
    fake.expire_refresh()
    summary = sync(db)
    assert summary.status == "error" and summary.error_code == "unauthorized"
    assert "다시 연결하세요" in summary.error_ko and "connect Cafe24 again" in summary.error
    status = next(s for s in statuses(db) if s.name == "cafe24")
    assert status.connected and status.last_status == "error" and "다시 연결하세요" in status.error("ko")
    with db.session() as session:
        assert session.get(SyncState, "api:cafe24").last_synced_at is None  # the stale-data hold keeps working


def test_a_broken_body_is_told_and_the_next_sync_resumes_after_the_last_page(db: Database, fake: FakeCafe24) -> None:
    for n in range(1, 1002):
        fake.add_order(f"20260301-{n:07d}", member=f"m{n}", phone=f"010-4{n:03d}-{n:04d}", when=T0)
    connected(db, fake, history_days="20")
    fake.fail_on[("/api/v2/admin/orders", "1000")] = Response("<html>maintenance</html>", 200,
                                                              content_type="text/html")
    summary = sync(db)
    assert summary.status == "error" and summary.error_code == "bad_response" and "JSON" in summary.error_ko
    assert summary.written.orders_created == 1000
    with db.session() as session:
        cursor = json.loads(session.get(SyncState, "api:cafe24").cursor)
    assert cursor["run"]["offset"] == 1000 and cursor["run"]["windows"][0] == ["2026-02-11", "2026-03-02"]
    fake.requests.clear()
    resumed = sync(db, NOW + timedelta(minutes=5))
    assert resumed.status == "ok" and resumed.written.orders_created == 1
    assert fake.calls("/api/v2/admin/orders")[0]["offset"] == "1000"  # not from the start
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1001
        state = session.get(SyncState, "api:cafe24")
        assert state.last_synced_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=5)
        assert json.loads(state.cursor)["last_run"] == NOW.isoformat()  # the run that began at NOW finished


def test_a_later_opt_out_stays_although_cafe24_still_says_yes(db: Database, fake: FakeCafe24) -> None:
    fake.add_member("hong01", sms="T", login=NOW - timedelta(days=2))
    connected(db, fake)
    assert sync(db).status == "ok"
    with db.write_session() as session:  # the customer opted out through the 080 line an hour later
        record_optout(session, OptOutIn(at=NOW + timedelta(hours=1), phone="010-1234-5678"), NOW + timedelta(hours=1))
    assert sync(db, NOW + timedelta(days=8)).status == "ok"  # a week on: every member read again
    with db.session() as session:
        assert session.scalar(select(Consent.granted).where(Consent.channel == "sms")) is False
    fake.add_member("hong01", sms="T", login=NOW + timedelta(days=9))  # they logged in and agreed again
    assert sync(db, NOW + timedelta(days=10)).status == "ok"
    with db.session() as session:
        assert session.scalar(select(Consent.granted).where(Consent.channel == "sms")) is True


def test_without_the_privacy_scope_orders_still_sync(db: Database, fake: FakeCafe24) -> None:
    fake.scopes_granted = ["mall.read_order", "mall.read_customer"]
    fake.add_order("20260301-0000001")
    fake.add_member("hong01")
    assert connected(db, fake) == "Cafe24 myshop (not granted: mall.read_privacy, mall.read_personal)"
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 1
    assert fake.calls("/api/v2/admin/customersprivacy") == [] and fake.calls("/api/v2/admin/carts") == []


def test_a_file_import_and_the_api_name_the_same_order_once(db: Database, fake: FakeCafe24, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orders.csv", CAFE24_HEADER,
                     [cafe24_row("20260301-0000001", "20260301-0000001-01", when="2026-03-01 10:00:00",
                                 status="배송준비중")], "cp949")
    assert import_file(db, path, NOW).written.orders_created == 1
    fake.add_order("20260301-0000001", status="N40")  # delivered since the export
    connected(db, fake)
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 0 and summary.written.status_changes == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.scalar(select(func.count()).select_from(Customer).where(Customer.external_id == "hong01")) == 1
        assert session.scalar(select(Order.status)) == "delivered"


def test_the_cli_connects_through_the_browser_and_syncs(db: Database, fake: FakeCafe24,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    url, now = str(db.url), "2026-03-02T12:00"
    fake.add_order("20260301-0000001")
    fields = [f"{key}={value}" for key, value in values().items()]
    fake.tamper_state = True
    assert main(["--db", url, "--now", now, "source", "connect", "cafe24", *fields]) == 2
    ours = [line for line in capsys.readouterr().err.splitlines() if "werkzeug" not in line and "HTTP/1.1" not in line]
    assert len(ours) == 1 and ours[0].startswith("error: ") and "connect again" in ours[0]  # (the rest: the fake's log)
    fake.tamper_state = False
    assert main(["--db", url, "--now", now, "source", "connect", "cafe24", *fields]) == 0
    assert "cafe24 connected (Cafe24 myshop)" in capsys.readouterr().out
    assert main(["--db", url, "--now", now, "sync", "cafe24"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["status"] == "ok" and out[0]["written"]["orders_created"] == 1
