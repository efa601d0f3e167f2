"""Naver Commerce API (SmartStore) sync against a local server answering as the Commerce API documents: the
bcrypt-signed token, changes in windows of at most 24 h paged by moreSequence, whole orders made like the
file import's, a changed status an event, 429/5xx/expired tokens/unregistered IPs/broken bodies handled."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import bcrypt
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Response

from engine import config
from engine.clock import FixedClock
from engine.sync.api import SyncError
from engine.sync.api.http import Http
from engine.sync.api.naver import Naver, client_secret_sign
from engine.sync.api.run import SyncSummary, connect, statuses, sync_source
from engine.sync.load import import_file
from main import main
from storage.db import Database
from storage.models import Customer, Order, OrderItem, ShopEvent, SyncState
from tests.sync.api.naver import CLIENT_ID, SECRET, T0, FakeNaver, Item, kst
from tests.sync.files import write_xlsx

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
LABEL = "네이버 스마트스토어"


@pytest.fixture
def naver(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeNaver:
    fake = FakeNaver(httpserver)
    monkeypatch.setattr(Naver, "base_url", fake.url)
    return fake


def fast(**options: object) -> Http:
    return Http(LABEL, **{"backoff": 0.01, "timeout": 5, **options})  # type: ignore[arg-type]


def connected(db: Database, **extra: str) -> str:
    return connect(db, "smartstore", {"client_id": CLIENT_ID, "client_secret": SECRET, **extra}, NOW, http=fast())


def sync(db: Database, when: datetime = NOW, **options: object) -> SyncSummary:
    return sync_source(db, "smartstore", FixedClock(when), http=fast(**options))


def stored(db: Database) -> list[tuple[str, int, str]]:
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(Order.external_id, Order.amount, Order.status).order_by(Order.external_id))]


def test_the_signature_is_bcrypt_of_id_and_timestamp_salted_with_the_secret() -> None:
    # the Commerce API Center's example application (its secret's last character carries 4 unused bits,
    # which Naver's Java library ignores: `…stuv` signs as `…stuu`)
    sign = client_secret_sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", "1643956077762")
    hashed = base64.b64decode(sign)
    assert hashed.startswith(b"$2a$10$abcdefghijklmnopqrstuu") and len(hashed) == 60
    assert bcrypt.checkpw(b"aaaabbbbcccc_1643956077762", hashed)
    assert sign == client_secret_sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuu", "1643956077762")
    assert not bcrypt.checkpw(b"aaaabbbbcccc_1643956077763", hashed)


def test_first_sync_brings_whole_orders_once_in_windows_of_a_day(db: Database, naver: FakeNaver) -> None:
    naver.add("2026030100001", Item("무선 이어폰", 50000, discount=5000, status="DELIVERED", option="색상: 흰색"),
              Item("충전 케이블", 10000, quantity=2, status="CANCELED"), ordered=T0 - timedelta(days=1))
    naver.add("2026030100002", Item("수제 딸기잼", 12000), tel="01099998888", orderer_id="guest***")
    naver.add("2026030100003", Item("수제 딸기잼", 8000), tel="010-9999-8888", ordered=T0 + timedelta(minutes=5))
    naver.add("2026013000004", ordered=NOW - timedelta(days=31))  # before the first sync's 30 days
    naver.add("2026030100005", Item(status="PAYMENT_WAITING"), tel="010-5555-0000")
    assert connected(db) == "Naver SmartStore application 7dMvte…"
    assert config.read_secret("api.smartstore.client_secret") == SECRET
    assert config.read_secret("api.smartstore.access_token") == "token-1"  # the token is kept for later syncs
    with db.session() as session:  # the secret only in the keyring
        assert SECRET not in json.dumps(session.get(SyncState, "api:smartstore").details)

    naver.calls.clear()
    summary = sync(db)
    assert summary.status == "ok" and summary.written.orders_created == 4, summary.error
    assert naver.token_calls == 1  # the connect's token served the sync
    assert stored(db) == [("2026030100001", 50000 - 5000, "delivered"), ("2026030100002", 12000, "paid"),
                          ("2026030100003", 8000, "paid"), ("2026030100005", 30000, "pending")]
    with db.session() as session:
        orders = {o.external_id: o for o in session.scalars(select(Order))}
        assert orders["2026030100002"].customer_id == orders["2026030100003"].customer_id  # masked id: by phone
        buyer = session.get(Customer, orders["2026030100001"].customer_id)
        assert (buyer.source, buyer.external_id, buyer.phone, buyer.name) == ("smartstore", None, "+821012345678",
                                                                              "홍길동")
        items = session.execute(select(OrderItem.external_id, OrderItem.product_name, OrderItem.option,
                                       OrderItem.quantity, OrderItem.unit_price, OrderItem.amount)
                                .where(OrderItem.order_id == orders["2026030100001"].id)
                                .order_by(OrderItem.external_id)).all()
        assert [tuple(i) for i in items] == [("202603010000101", "무선 이어폰", "색상: 흰색", 1, 50000, 45000),
                                             ("202603010000102", "충전 케이블", None, 2, 10000, 20000)]
        state = session.get(SyncState, "api:smartstore")
        assert json.loads(state.cursor) == {"since": (NOW - timedelta(minutes=10)).isoformat()}
    windows = naver.windows()
    assert windows[0][0] == NOW - timedelta(days=30) and windows[-1][1] == NOW and len(windows) == 30
    assert all(end - start <= timedelta(hours=24) for start, end in windows)
    assert all(a[1] == b[0] for a, b in pairwise(windows))  # no gap between windows
    asked = sorted(pid for path, body in naver.calls if path.endswith("/query") for pid in body["productOrderIds"])
    assert asked == ["202603010000101", "202603010000102", "202603010000201", "202603010000301", "202603010000501"]

    again = sync(db, NOW + timedelta(hours=1))  # the overlap sees the last changes again: nothing changes
    assert again.status == "ok"
    assert (again.written.orders_created, again.written.orders_updated, again.written.status_changes) == (0, 0, 0)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ShopEvent).where(ShopEvent.kind == "order_placed")) == 4


def test_a_cancelled_item_is_applied_to_its_whole_order_and_a_cancelled_order_is_an_event(db: Database,
                                                                                          naver: FakeNaver) -> None:
    naver.add("2026030100001", Item("무선 이어폰", 50000), Item("충전 케이블", 10000))
    naver.add("2026030100002", Item("수제 딸기잼", 12000), tel="010-2222-3333")
    connected(db)
    sync(db)
    assert stored(db) == [("2026030100001", 60000, "paid"), ("2026030100002", 12000, "paid")]
    naver.change("202603010000102", "CANCELED", NOW + timedelta(minutes=20))  # one item of two
    naver.change("202603010000201", "CANCELED", NOW + timedelta(minutes=30))  # the whole order
    naver.calls.clear()
    summary = sync(db, NOW + timedelta(hours=1))
    assert summary.status == "ok" and summary.written.status_changes == 1 and summary.written.orders_updated == 1
    # the change named one product order; its order came whole (the other item asked for), not cut to one item
    assert [path for path, _ in naver.calls if "/orders/2026030100001/" in path]
    assert stored(db) == [("2026030100001", 50000, "paid"), ("2026030100002", 12000, "cancelled")]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 3
        events = session.execute(select(ShopEvent.ref, ShopEvent.payload, ShopEvent.occurred_at)
                                 .where(ShopEvent.kind == "order_status_changed")).all()
    assert [(ref, payload) for ref, payload, _ in events] == [("2026030100002", {"status": "cancelled"})]
    assert events[0][2].replace(tzinfo=UTC) == NOW + timedelta(minutes=30)  # when Naver says it changed
    assert sync(db, NOW + timedelta(hours=2)).written.status_changes == 0


def test_pages_follow_more_sequence_and_a_stopped_sync_resumes_at_its_page(db: Database, naver: FakeNaver) -> None:
    same = T0 + timedelta(hours=1)
    for n in range(1, 6):  # five orders changed at the very same moment: only moreSequence tells them apart
        naver.add(f"20260301{n:05d}", changed=same, tel=f"010-2000-{n:04d}")
    naver.page_size = 2
    connected(db)
    naver.fail_more = Response("", 500)
    stopped = sync(db, attempts=1)
    assert stopped.status == "error" and stopped.error_code == "server_error" and stopped.pages >= 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 2  # the first page is kept
        cursor = json.loads(session.get(SyncState, "api:smartstore").cursor)
        assert cursor["more"] == "202603010000301" and cursor["from"] == kst(same)
    naver.calls.clear()
    resumed = sync(db, NOW + timedelta(minutes=5))
    assert resumed.status == "ok" and resumed.written.orders_created == 3
    first = next(args for path, args in naver.calls if path.endswith("last-changed-statuses"))
    assert first["moreSequence"] == "202603010000301" and first["lastChangedFrom"] == kst(same)
    pages = [args.get("moreSequence") for path, args in naver.calls if path.endswith("last-changed-statuses")]
    assert pages[:2] == ["202603010000301", "202603010000501"]
    assert [o[0] for o in stored(db)] == [f"20260301{n:05d}" for n in range(1, 6)]


def test_a_week_with_the_pc_off_is_caught_up_a_day_at_a_time(db: Database, naver: FakeNaver) -> None:
    connected(db)
    assert sync(db).status == "ok"
    naver.add("2026030500001", ordered=NOW + timedelta(days=3))
    naver.calls.clear()
    later = NOW + timedelta(days=7)
    summary = sync(db, later)
    assert summary.status == "ok" and summary.written.orders_created == 1
    windows = naver.windows()
    assert windows[0][0] == NOW - timedelta(minutes=10) and windows[-1][1] == later
    assert len(windows) == 8 and all(end - start <= timedelta(hours=24) for start, end in windows)
    assert summary.pages == 8  # each day its own page and cursor


def test_a_429_waits_as_asked_5xx_is_tried_again_and_an_empty_bucket_paces(db: Database, naver: FakeNaver) -> None:
    naver.add("2026030100001")
    connected(db)
    naver.failures.extend([_rate_limited(), Response("<html>Bad gateway</html>", 502), Response("", 503)])
    summary = sync(db)
    assert summary.status == "ok" and summary.records == 1
    assert summary.waited_s >= 1.0  # the Retry-After second, then short back-offs
    naver.rate_headers = {"GNCP-GW-RateLimit-Replenish-Rate": "4", "GNCP-GW-RateLimit-Burst-Capacity": "8",
                          "GNCP-GW-RateLimit-Remaining": "0"}
    paced = sync(db, NOW + timedelta(hours=1))
    assert paced.status == "ok" and paced.waited_s >= 0.25 * paced.calls - 0.01  # a token's time after each call


def _rate_limited() -> Response:
    return Response(json.dumps({"code": "GW.RATE_LIMIT", "message": "요청이 많습니다."}), 429,
                    content_type="application/json", headers={"Retry-After": "1"})


def test_an_expired_token_is_asked_for_again(db: Database, naver: FakeNaver) -> None:
    connected(db)
    naver.add("2026030100001")
    naver.expire_tokens()  # Naver no longer takes it (its 3 hours are over, or it was revoked)
    summary = sync(db)
    assert summary.status == "ok" and summary.records == 1
    assert naver.refused_tokens == 1 and naver.token_calls == 2
    assert config.read_secret("api.smartstore.access_token") == "token-2"  # the new one is kept
    expires = datetime.fromisoformat(config.read_secret("api.smartstore.expires_at"))
    assert timedelta(hours=2, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=3)
    # a token the keyring says is about to expire is replaced before it is used, without a refusal
    config.write_secret("api.smartstore.expires_at", (datetime.now(UTC) + timedelta(minutes=5)).isoformat())
    assert sync(db, NOW + timedelta(hours=1)).status == "ok"
    assert naver.refused_tokens == 1 and naver.token_calls == 3


def test_an_unregistered_ip_tells_the_owner_what_to_do(db: Database, naver: FakeNaver,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    naver.ip_allowed = False
    with pytest.raises(SyncError) as refused:
        connected(db)
    assert refused.value.code == "ip_not_allowed"
    assert "공인 IP" in refused.value.ko and "API 호출 IP" in refused.value.ko and "엑셀" in refused.value.ko
    assert config.read_secret("api.smartstore.client_secret") is None  # nothing kept from a failed connect

    naver.ip_allowed = True
    connected(db)
    naver.ip_allowed = False  # the shop's internet line got a new address
    summary = sync(db)
    assert summary.error_code == "ip_not_allowed" and "GW.IP_NOT_ALLOWED" in summary.error_ko
    status = next(s for s in statuses(db) if s.name == "smartstore")
    assert status.connected and status.error("ko") == summary.error_ko and "IP" in status.error("en")
    assert main(["--db", str(db.url), "--now", "2026-03-02T12:00", "sync", "smartstore"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: smartstore: ") and err.count("\n") == 1 and "public IP address" in err


def test_a_wrong_secret_and_a_broken_body_are_told_in_korean(db: Database, naver: FakeNaver) -> None:
    with pytest.raises(SyncError) as wrong:
        connect(db, "smartstore", {"client_id": CLIENT_ID, "client_secret": "$2a$04$AAAAAAAAAAAAAAAAAAAAAu"}, NOW,
                http=fast())
    assert wrong.value.code == "unauthorized" and "애플리케이션 ID나 시크릿" in wrong.value.ko
    with pytest.raises(SyncError) as malformed:
        connect(db, "smartstore", {"client_id": CLIENT_ID, "client_secret": "not-a-secret"}, NOW, http=fast())
    assert malformed.value.code == "bad_setting" and "$2a$04$" in malformed.value.ko
    assert naver.token_calls == 1  # a secret that cannot be one is never sent

    naver.add("2026030100001")
    connected(db)
    naver.failures.append(Response("<html>점검 중</html>", 200, content_type="text/html"))
    summary = sync(db)
    assert summary.error_code == "bad_response" and "JSON" in summary.error_ko
    naver.failures.append(Response(json.dumps({"timestamp": kst(NOW), "data": {"lastChangeStatuses": "?"}}), 200,
                                   content_type="application/json"))
    summary = sync(db)
    assert summary.error_code == "bad_response" and "형식" in summary.error_ko
    assert sync(db).status == "ok" and stored(db) == [("2026030100001", 30000, "paid")]


def test_a_smartstore_excel_and_the_api_name_one_order_once(db: Database, naver: FakeNaver, tmp_path: Path) -> None:
    from tests.sync.test_files import _smartstore_rows

    imported = import_file(db, write_xlsx(tmp_path / "스마트스토어.xlsx", _smartstore_rows()), NOW)
    assert imported.written.orders_created == 1
    naver.add("2026030211111", Item("무선 이어폰", 50000, discount=5000, status="DELIVERED", option="색상: 흰색",
                                    id="2026030211111101"),
              Item("충전 케이블", 10000, quantity=2, status="CANCELED", id="2026030211111102"), ordered=T0, name="박지민",
              tel="010-2222-3333", orderer_id="jimin****")
    connected(db)
    summary = sync(db)
    assert summary.status == "ok" and summary.records == 1
    w = summary.written
    assert (w.orders_created, w.orders_updated, w.status_changes, w.customers_created) == (0, 0, 0, 0)
    assert w.unchanged == 1
    assert stored(db) == [("2026030211111", 45000, "delivered")]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 2


def test_the_cli_connects_and_lists_smartstore(db: Database, naver: FakeNaver,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = str(db.url)
    assert main(["--db", url, "source", "connect", "smartstore", f"client_id={CLIENT_ID}",
                 f"client_secret={SECRET}", "history_days=7"]) == 0
    assert "smartstore connected" in capsys.readouterr().out
    assert main(["--db", url, "source", "connect", "smartstore", f"client_id={CLIENT_ID}",
                 f"client_secret={SECRET}", "history_days=400"]) == 2
    assert "1 to 90" in capsys.readouterr().err
    assert main(["--db", url, "source", "list"]) == 0
    assert "smartstore: connected" in capsys.readouterr().out
    naver.add("2026022000001", ordered=NOW - timedelta(days=10))  # older than the 7 days asked for
    naver.add("2026030100002")
    assert main(["--db", url, "--now", "2026-03-02T12:00", "sync"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(s["source"], s["status"], s["records"]) for s in out] == [("smartstore", "ok", 1)]
