"""The shop connections window against a local server answering as WooCommerce does (tests/sync/api/woo.py),
on a real database and the test's own keyring: connect through the form, sync now, errors in Korean, Cancel,
disconnect, and the ways in (File menu, the status bar's last sync, the first-run welcome)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Response

from engine import config
from engine.clock import FixedClock
from engine.sync.api.base import Connector, Field
from engine.sync.api.http import Http
from engine.sync.api.run import SourceStatus, connect, statuses
from storage.db import Database, open_database
from storage.models import Customer, Order, SyncState
from tests.sync.api.woo import KEY, SECRET, FakeWoo
from tests.ui.conftest import NOW
from ui.app import Controller, make_application
from ui.connections import ConnectForm, ConnectionsDialog
from ui.context import AppContext, Bus
from ui.i18n import install_language
from ui.pages.customers import CustomersPage

RED = "c0392b"


def fast(what: str, stop: threading.Event) -> Http:
    """The app's Http with short back-off, so a 5xx answered four times does not take seven seconds."""
    return Http(what, stop=stop, backoff=0.01, timeout=5)


@pytest.fixture
def woo(httpserver: HTTPServer) -> FakeWoo:
    return FakeWoo(httpserver)


@pytest.fixture
def shop_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "shop.db")
    yield database
    database.close()


def window_for(qtbot, db: Database, lang: str = "ko", clock: FixedClock | None = None):
    install_language(make_application(), lang)
    bus = Bus()
    changed: list[int] = []
    bus.data_changed.connect(lambda: changed.append(1))
    dialog = ConnectionsDialog(AppContext(db, clock or FixedClock(NOW), lang, bus), make_http=fast)
    dialog.resize(760, 600)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, changed


def connected(db: Database, woo: FakeWoo) -> None:
    connect(db, "woocommerce", {"url": woo.url, "consumer_key": KEY, "consumer_secret": SECRET}, NOW,
            http=fast("WooCommerce", threading.Event()))


def woo_status(db: Database) -> SourceStatus:
    [found] = [status for status in statuses(db) if status.name == "woocommerce"]
    return found


def main_window(db: Database, clock: FixedClock | None = None):
    controller = Controller(make_application(), db, clock or FixedClock(NOW), is_demo=False, open_demo=lambda: db)
    window = controller.build()
    window.resize(1366, 768)
    return controller, window


def orders(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


def sync_and_wait(qtbot, dialog: ConnectionsDialog, name: str = "woocommerce") -> None:
    dialog.cards[name].sync_button.click()
    assert dialog.runner.busy and dialog.cards[name].cancel_button.isVisible()
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=20_000)


def test_connect_through_the_form_a_wrong_key_keeps_nothing(qtbot, shop_db: Database, woo: FakeWoo,
                                                            artifacts: Path) -> None:
    dialog, changed = window_for(qtbot, shop_db)
    assert dialog.windowTitle() == "쇼핑몰 연결"
    card = dialog.cards["woocommerce"]  # every registered platform has a card, in the registry's order
    assert list(dialog.cards) == [status.name for status in statuses(shop_db)]
    assert card.title.text() == "우커머스" and card.state.text() == "연결 안 됨"
    assert card.connect_button.text() == "연결…" and not card.sync_button.isEnabled()
    assert not card.disconnect_button.isVisible()

    card.connect_button.click()
    form = dialog.form
    assert isinstance(form, ConnectForm) and form.isVisible() and form.windowTitle() == "우커머스 연결"
    assert "REST API" in form.note.text() and form.note.isVisible()  # the connector's own note
    assert list(form.edits) == ["url", "consumer_key", "consumer_secret"]
    assert form.edits["url"].placeholderText() == "예: https://myshop.com"
    assert form.edits["url"].echoMode() == QLineEdit.EchoMode.Normal
    assert form.edits["consumer_secret"].echoMode() == QLineEdit.EchoMode.Password

    form.edits["url"].setText(woo.url)
    form.edits["consumer_key"].setText("ck_wrong")
    form.edits["consumer_secret"].setText(SECRET)
    form.connect_button.click()
    qtbot.waitUntil(lambda: not form.runner.busy, timeout=10_000)
    assert form.isVisible()
    assert form.message.text().startswith("연결하지 못했습니다: 우커머스이(가) 인증 정보를 거절했습니다(401")
    assert RED in form.message.styleSheet()
    assert not config.read_secret("api.woocommerce.consumer_key")  # nothing kept
    assert not config.read_secret("api.woocommerce.consumer_secret")
    with shop_db.session() as session:
        assert session.get(SyncState, "api:woocommerce") is None
    assert form.grab().save(str(artifacts / "connect-form-refused.png"))

    form.edits["consumer_key"].setText(KEY)
    form.connect_button.click()
    qtbot.waitUntil(lambda: dialog.form is None, timeout=10_000)  # accepted and closed
    assert config.read_secret("api.woocommerce.consumer_key") == KEY
    assert config.read_secret("api.woocommerce.consumer_secret") == SECRET
    assert card.state.text() == "● 연결됨" and card.sync_button.isEnabled() and card.disconnect_button.isVisible()
    assert card.connect_button.text() == "다시 연결…"
    assert card.result.text().startswith("연결했습니다(WooCommerce ") and f"쇼핑몰 주소: {woo.url}" == card.details.text()
    assert card.last_sync.text() == "아직 동기화 안 함"
    assert changed
    assert orders(shop_db) == 0  # connecting brings nothing in by itself


def test_cancel_while_connecting_keeps_nothing(qtbot, shop_db: Database, woo: FakeWoo) -> None:
    woo.failures.append(Response("{}", 429, headers={"Retry-After": "60"}, content_type="application/json"))
    dialog, _changed = window_for(qtbot, shop_db)
    form = dialog.open_form("woocommerce")
    assert form is not None
    for key, value in (("url", woo.url), ("consumer_key", KEY), ("consumer_secret", SECRET)):
        form.edits[key].setText(value)
    form.connect_button.click()
    qtbot.waitUntil(lambda: len(woo.requests) == 1, timeout=10_000)  # the shop asked to wait a minute
    assert form.runner.busy and form.progress.isVisible() and not form.connect_button.isEnabled()
    form.cancel_button.click()  # stops the wait; the form stays to say so
    qtbot.waitUntil(lambda: not form.runner.busy, timeout=5_000)
    assert form.isVisible() and form.message.text() == "멈췄습니다. 아무것도 저장하지 않았습니다."
    assert not config.read_secret("api.woocommerce.consumer_key")
    assert not woo_status(shop_db).connected
    form.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.form is None, timeout=5_000)


class NaverLike(Connector):
    """A connector of the test's own, registered the way every platform is (one line in the registry)."""

    name = "naverlike"
    label = "네이버 같은 곳"
    label_en = "Naver-like"
    fields = (Field("client_id", "애플리케이션 ID", "Application ID", example="abc123"),
              Field("client_secret", "애플리케이션 시크릿", "Application secret", secret=True),
              Field("account", "판매자 계정", "Seller account", required=False))
    note_ko = "등록한 IP 주소에서만 답합니다. 이 PC의 공인 IP를 등록하세요."
    note_en = "It only answers registered IP addresses; register this PC's public IP."

    def check(self, now: datetime) -> str:
        return "ok"

    def pull(self, cursor, now):
        return iter(())


def test_a_registered_connector_appears_with_its_own_form(qtbot, shop_db: Database, monkeypatch) -> None:
    import engine.sync.api as registry

    monkeypatch.setitem(registry._REGISTRY, "naverlike", (__name__, "NaverLike"))
    dialog, _changed = window_for(qtbot, shop_db)
    assert "naverlike" in dialog.cards and dialog.cards["naverlike"].title.text() == "네이버 같은 곳"
    form = dialog.open_form("naverlike")
    assert form is not None and form.note.text().startswith("등록한 IP 주소에서만")
    assert list(form.edits) == ["client_id", "client_secret", "account"]
    assert form.edits["client_secret"].echoMode() == QLineEdit.EchoMode.Password
    labels = [form.form_layout.labelForField(edit).text() for edit in form.edits.values()]
    assert labels == ["애플리케이션 ID", "애플리케이션 시크릿", "판매자 계정 (선택)"]
    form.edits["client_id"].setText("abc")
    form.edits["client_secret"].setText("s3cret")
    form.connect_button.click()
    qtbot.waitUntil(lambda: dialog.form is None, timeout=10_000)
    assert dialog.cards["naverlike"].state.text() == "● 연결됨"
    assert config.read_secret("api.naverlike.client_secret") == "s3cret"


def test_the_connect_form_is_built_from_the_connector_fields(qtbot, shop_db: Database) -> None:
    """Generic over connectors: a reconnect shows the plain fields kept, never a secret; English labels in English."""
    shop_db_status = woo_status(shop_db)
    install_language(make_application(), "en")
    ctx = AppContext(shop_db, FixedClock(NOW), "en", Bus())
    from dataclasses import replace

    status = replace(shop_db_status, connected=True, config={"url": "https://myshop.com"})
    form = ConnectForm(ctx, status, fast)
    qtbot.addWidget(form)
    assert form.windowTitle() == "Connect WooCommerce"
    assert form.edits["url"].text() == "https://myshop.com" and form.edits["consumer_key"].text() == ""
    assert form.edits["consumer_key"].placeholderText() == "e.g. ck_…"
    assert "Read access" in form.note.text()


def test_sync_now_brings_orders_and_updates_the_labels(qtbot, shop_db: Database, woo: FakeWoo,
                                                       artifacts: Path) -> None:
    woo.add(1, customer_id=7, total="45,000.00", items=2)
    woo.add(2, customer_id=0, phone="01099998888", email="guest@example.com", total="12000.00")
    woo.add(3, customer_id=8, total="8000.00")
    connected(shop_db, woo)
    clock = FixedClock(NOW)
    _controller, window = main_window(shop_db, clock)
    qtbot.addWidget(window)
    window.show_page("customers")
    customers = window.pages["customers"]
    assert isinstance(customers, CustomersPage) and customers.model.rowCount() == 0
    assert window.sync_label.text() == "아직 동기화 안 함"

    dialog = window.open_connections()
    dialog.make_http = fast
    card = dialog.cards["woocommerce"]
    sync_and_wait(qtbot, dialog)
    assert card.result.text() == "주문 3건(새 주문 3건)과 고객 3명을 가져왔습니다."
    assert RED not in card.result.styleSheet() and not card.cancel_button.isVisible()
    assert orders(shop_db) == 3
    assert card.last_sync.text() == "마지막 동기화: 방금 (2026-03-02 10:00) · 주문 3건, 고객 3명을 가져옴"
    assert not card.error.isVisible()
    # the main window was told: its last sync, and the page on show reloaded
    assert window.sync_label.text() == "마지막 동기화: 2026-03-02 10:00" and RED not in window.sync_label.styleSheet()
    assert customers.model.rowCount() == 3
    qtbot.wait(50)  # the layout settles before the picture
    assert dialog.grab().save(str(artifacts / "connections-synced.png"))

    clock.advance(timedelta(hours=2))
    dialog.refresh()
    assert card.last_sync.text().startswith("마지막 동기화: 2시간 전 (2026-03-02 10:00)")
    sync_and_wait(qtbot, dialog)
    assert card.result.text() == "동기화했습니다. 지난번 이후 바뀐 것이 없습니다."
    assert card.last_sync.text() == "마지막 동기화: 방금 (2026-03-02 12:00) · 새로 바뀐 것 없음"
    window.close()


def test_a_server_error_is_shown_in_korean_and_the_last_good_sync_stays(qtbot, shop_db: Database, woo: FakeWoo,
                                                                         artifacts: Path) -> None:
    woo.add(1, customer_id=7)
    connected(shop_db, woo)
    clock = FixedClock(NOW)
    _controller, window = main_window(shop_db, clock)
    qtbot.addWidget(window)
    dialog = window.open_connections()
    dialog.make_http = fast
    card = dialog.cards["woocommerce"]
    sync_and_wait(qtbot, dialog)
    assert orders(shop_db) == 1

    clock.advance(timedelta(days=3))  # three days later the shop's server fails: the data is now stale
    woo.failures.extend(Response("<html>down</html>", 500) for _ in range(4))
    sync_and_wait(qtbot, dialog)
    assert card.result.text() == "우커머스 서버 오류(500)입니다(4번 시도). 다음 동기화 때 다시 시도합니다"
    assert RED in card.result.styleSheet()
    assert card.last_sync.text().startswith("마지막 동기화: 3일 전 (2026-03-02 10:00)")  # the last good one stays
    assert window.sync_label.text().startswith("마지막 동기화: 2026-03-02 10:00 · ")
    assert "오래됨" in window.sync_label.text() and RED in window.sync_label.styleSheet()
    qtbot.wait(50)  # the layout settles before the picture
    assert dialog.grab().save(str(artifacts / "connections-server-error.png"))

    # opened again later, the last error is there (red, with when it happened)
    window.connections_dialog.close()
    dialog = window.open_connections()
    card.show_result("")
    dialog.refresh()
    assert card.error.isVisible() and RED in card.error.styleSheet()
    assert card.error.text().startswith("마지막 동기화 실패 (") and "서버 오류(500)" in card.error.text()
    window.close()


def test_cancel_stops_a_sync_that_waits(qtbot, shop_db: Database, woo: FakeWoo) -> None:
    woo.add(1)
    connected(shop_db, woo)
    woo.failures.append(Response("{}", 429, headers={"Retry-After": "60"}, content_type="application/json"))
    dialog, _changed = window_for(qtbot, shop_db)
    card = dialog.cards["woocommerce"]
    card.sync_button.click()
    qtbot.waitUntil(lambda: len(woo.requests) >= 1, timeout=10_000)  # asked once, now waiting a minute
    assert dialog.runner.busy and card.cancel_button.isVisible() and card.progress.isVisible()
    assert not card.sync_button.isEnabled() and not card.connect_button.isEnabled()
    card.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=5_000)
    assert card.result.text() == "동기화를 멈췄습니다. 다음 동기화가 여기서 이어 갑니다."
    assert RED not in card.result.styleSheet() and not card.error.isVisible()  # stopped, not failed
    assert orders(shop_db) == 0 and card.sync_button.isEnabled()


def test_a_sync_the_runner_is_running_is_a_calm_message(qtbot, shop_db: Database, woo: FakeWoo) -> None:
    connected(shop_db, woo)
    with shop_db.write_session() as session:  # another process (the runner) is syncing it right now
        state = session.get(SyncState, "api:woocommerce")
        state.last_status = "running"
        state.details = {**state.details, "progress_at": datetime.now(UTC).isoformat()}
    dialog, _changed = window_for(qtbot, shop_db)
    card = dialog.cards["woocommerce"]
    assert card.state.text() == "동기화 중(자동 실행기)…"
    asked = len(woo.requests)
    sync_and_wait(qtbot, dialog)
    assert card.result.text().startswith("우커머스은(는) 이미 동기화하고 있습니다")
    assert RED not in card.result.styleSheet() and len(woo.requests) == asked  # the shop was not asked


def test_disconnect_forgets_the_key_and_keeps_the_data(qtbot, shop_db: Database, woo: FakeWoo) -> None:
    woo.add(1, customer_id=7)
    connected(shop_db, woo)
    dialog, _changed = window_for(qtbot, shop_db)
    card = dialog.cards["woocommerce"]
    sync_and_wait(qtbot, dialog)
    asked: list[str] = []

    def answer(button_text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        asked.append(box.text())
        [button] = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(100, lambda: answer("취소"))
    card.disconnect_button.click()
    assert config.read_secret("api.woocommerce.consumer_key") == KEY  # cancelled: still connected

    QTimer.singleShot(100, lambda: answer("연결 끊기"))
    card.disconnect_button.click()
    assert "이미 가져온 주문과 고객은 그대로 남습니다" in asked[-1]
    assert not config.read_secret("api.woocommerce.consumer_key")
    assert not config.read_secret("api.woocommerce.consumer_secret")
    assert card.state.text() == "연결 안 됨" and not card.sync_button.isEnabled()
    assert card.result.text() == "연결을 끊었습니다. 이미 가져온 데이터는 그대로 있습니다."
    assert orders(shop_db) == 1
    with shop_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1


def test_the_interval_is_shown_and_written_through_the_settings(qtbot, shop_db: Database) -> None:
    dialog, changed = window_for(qtbot, shop_db)
    assert dialog.interval.value() == 60 and dialog.interval.text() == "60분"
    assert "자동 실행기가 꺼져 있어" in dialog.interval_note.text()
    dialog.interval.setValue(30)
    with shop_db.session() as session:
        assert config.get(session, "sync.interval_minutes") == 30
    assert dialog.message.text() == "저장했습니다." and changed
    dialog.interval.setValue(0)
    assert dialog.interval.text() == "끄기" and "지금 동기화" in dialog.interval_note.text()
    with shop_db.session() as session:
        assert config.get(session, "sync.interval_minutes") == 0


def test_the_menu_and_the_status_bar_open_the_window(qtbot, shop_db: Database) -> None:
    _controller, window = main_window(shop_db)
    qtbot.addWidget(window)
    assert window.connections_action.text() == "쇼핑몰 연결…"
    window.connections_action.trigger()
    dialog = window.connections_dialog
    assert isinstance(dialog, ConnectionsDialog) and dialog.isVisible()
    dialog.close()
    assert window.sync_label.toolTip() == "쇼핑몰 연결 창 열기"
    qtbot.mouseClick(window.sync_label, Qt.MouseButton.LeftButton)
    assert window.connections_dialog is dialog and dialog.isVisible()  # one window, opened again
    window.close()


def test_the_first_run_offers_to_connect_the_shop(qtbot, shop_db: Database) -> None:
    controller, window = main_window(shop_db)
    qtbot.addWidget(window)
    seen: list[list[str]] = []

    def connect_my_shop() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        seen.append([b.text() for b in box.buttons()])
        [button] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole]
        button.click()

    QTimer.singleShot(200, connect_my_shop)
    controller.welcome()
    assert sorted(seen[0]) == sorted(["데모 쇼핑몰 열기", "내 쇼핑몰 파일 가져오기", "내 쇼핑몰 연결하기"])
    assert isinstance(window.connections_dialog, ConnectionsDialog) and window.connections_dialog.isVisible()
    assert window.import_dialog is None  # the file import is the other button
    window.close()


def test_english_mode_shows_english(qtbot, shop_db: Database, woo: FakeWoo, artifacts: Path) -> None:
    woo.add(1, customer_id=7)
    connected(shop_db, woo)
    dialog, _changed = window_for(qtbot, shop_db, "en")
    card = dialog.cards["woocommerce"]
    assert dialog.windowTitle() == "Shop connections" and card.title.text() == "WooCommerce"
    woo.failures.extend(Response("down", 502) for _ in range(4))
    sync_and_wait(qtbot, dialog)
    assert card.result.text() == "WooCommerce answered 502 (4 tries); the next sync tries again"
    sync_and_wait(qtbot, dialog)
    assert card.result.text() == "Orders brought in: 1 (1 new); customers: 1."
    qtbot.wait(50)  # the layout settles before the picture
    assert dialog.grab().save(str(artifacts / "connections-en.png"))
    install_language(make_application(), "ko")
