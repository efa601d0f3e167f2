"""The main window on the demo shop: every screen opens, in Korean by default and in English."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from engine import config
from engine.clock import FixedClock
from storage.db import Database, open_database
from storage.models import Customer
from storage.models import Journey as JourneyRow
from tests.ui.conftest import NOW
from ui.app import Controller, make_application
from ui.main_window import PAGE_IDS
from ui.pages.customers import CustomersPage
from ui.pages.gallery import GalleryPage
from ui.pages.messages import REASON
from ui.pages.settings import SettingsPage


def open_window(db: Database, is_demo: bool = True, open_demo=None):
    app = make_application()
    controller = Controller(app, db, FixedClock(NOW), is_demo=is_demo, open_demo=open_demo)
    window = controller.build()
    window.resize(1366, 768)
    return controller, window


def open_page(qtbot, db: Database, page_id: str):
    """The main window on the demo shop, shown, at one page: (window, page)."""
    _controller, window = open_window(db)
    qtbot.addWidget(window)
    window.show()
    window.show_page(page_id)
    return window, window.pages[page_id]


def test_every_screen_opens_in_korean_and_is_saved_as_a_picture(qtbot, demo_db: Database, artifacts: Path) -> None:
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    assert window.nav.item(0).text() == "여정"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "여정", "템플릿 갤러리", "고객", "세그먼트", "메시지 기록", "대시보드", "설정"]
    assert "데모" in window.windowTitle()
    for page_id in PAGE_IDS:
        window.show_page(page_id)
        qtbot.wait(10)
        assert window.current_page_id() == page_id
        assert window.grab().save(str(artifacts / f"main-{page_id}.png"))
    dashboard = window.pages["dashboard"]
    qtbot.waitUntil(lambda: not dashboard.is_busy(), timeout=60_000)  # its figures are worked out off the UI thread
    assert dashboard.cards["buyers"].value.text() == f"{dashboard.data.report.current.buyers:,}"
    assert dashboard.cards["revenue"].value.text().endswith("원")
    assert "자동 실행기" in window.runner_label.text()


def test_english_switch_rebuilds_the_window(qtbot, demo_db: Database, artifacts: Path) -> None:
    controller, window = open_window(demo_db)
    window.show_page("settings")
    settings = window.pages["settings"]
    assert isinstance(settings, SettingsPage)
    settings.language.setCurrentIndex(settings.language.findData("en"))
    qtbot.waitUntil(lambda: controller.window is not window)
    english = controller.window
    qtbot.addWidget(english)
    assert english.nav.item(0).text() == "Journeys"
    assert english.current_page_id() == "settings"
    with demo_db.session() as session:
        assert config.get(session, "ui.language") == "en"
    english.show_page("customers")
    english.grab().save(str(artifacts / "main-customers-en.png"))
    controller.set_language("ko")
    qtbot.waitUntil(lambda: controller.window is not english)
    assert controller.window.nav.item(0).text() == "여정"
    qtbot.addWidget(controller.window)


def test_customer_search_and_segment_filter(qtbot, demo_db: Database) -> None:
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("customers")
    page = window.pages["customers"]
    assert isinstance(page, CustomersPage)
    assert page.model.rowCount() == 2000
    with demo_db.session() as session:
        name, phone = session.execute(select(Customer.name, Customer.phone).limit(1)).one()
    local = "0" + phone[3:]
    page.search.setText(local[:3] + "-" + local[3:7] + "-" + local[7:])
    page.refresh()
    assert page.model.rowCount() == 1
    assert page.model.index(0, 0).data() == name
    page.search.setText("")
    page.segment.setCurrentIndex(page.segment.findData("vip"))
    assert 0 < page.model.rowCount() < 2000


def test_gallery_makes_a_draft(qtbot, demo_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("gallery")
    page = window.pages["gallery"]
    assert isinstance(page, GalleryPage)
    from engine import gallery

    template = gallery.template("welcome_coupon")
    page.use(template)
    assert window.current_page_id() == "journeys"
    with demo_db.session() as session:
        rows = list(session.scalars(select(JourneyRow)))
    assert [(r.status, r.template_id) for r in rows] == [("draft", "welcome_coupon")]
    assert window.pages["journeys"].model.rowCount() == 1


def test_gallery_cards_are_drawn_once_and_again_only_when_the_templates_change(
        qtbot, demo_db: Database, monkeypatch, tmp_path: Path) -> None:
    """Opening the gallery again (or a sync while it is shown) keeps its cards: drawing them costs ≈ 150 ms and
    the old ones showed through the new until the event loop deleted them."""
    import shutil

    from PySide6.QtWidgets import QFrame

    from engine import gallery

    folder = tmp_path / "journeys"
    shutil.copytree(gallery.TEMPLATES_DIR, folder)
    monkeypatch.setattr(gallery, "TEMPLATES_DIR", folder)
    window, page = open_page(qtbot, demo_db, "gallery")

    def cards() -> list[QFrame]:
        return [page.grid.itemAt(index).widget() for index in range(page.grid.count())]

    qtbot.wait(10)  # a widget added to a shown page shows at the next turn of the event loop
    first = cards()
    assert len(first) >= 14 and all(card.isVisible() for card in first)
    window.show_page("journeys")
    window.show_page("gallery")
    window.ctx.bus.data_changed.emit()
    assert cards() == first  # the same cards, not drawn again
    path = sorted(folder.glob("*.json"))[0]
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")  # a template file changed (a new mtime)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    page.refresh()
    again = cards()
    assert again and not set(again) & set(first)
    assert not any(card.isVisible() for card in first)  # hidden at once, before their deletion
    qtbot.wait(10)
    assert all(card.isVisible() for card in again)


def test_settings_bad_value_saves_nothing(qtbot, demo_db: Database) -> None:
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("settings")  # filled when shown (see SettingsPage.showEvent)
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    page.fields["shop.name"].setText("새 이름")
    page.set_field("segments.at_risk_days", "60")
    page.fields["shop.email"].setText("아흔")
    assert page.save() is False
    assert page.message.text().startswith("저장하지 못했습니다")
    assert "expected" not in page.message.text()  # said in Korean
    with demo_db.session() as session:
        assert config.get(session, "shop.name") == "단골상회"
    page.fields["shop.email"].setText("")
    assert page.save() is True
    with demo_db.session() as session:
        assert config.get(session, "shop.name") == "새 이름"
        assert config.get(session, "segments.at_risk_days") == 60


def test_a_pc_without_a_keyring_still_opens_and_says_secrets_cannot_be_saved(
        qtbot, demo_db: Database, monkeypatch) -> None:
    class NoKeyring:
        def get_password(self, service: str, key: str) -> None:
            raise RuntimeError("No recommended backend was available")

    monkeypatch.setattr(config, "_secret_store", NoKeyring)  # called, it gives a keyring that cannot read
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("settings")  # filled when shown (see SettingsPage.showEvent)
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    assert not page.fields["smtp.password"].isEnabled() and page.fields["shop.name"].isEnabled()
    assert "키체인" in page.keyring_note.text() and page.keyring_note.isVisibleTo(page)


def test_first_launch_offers_the_demo_shop(qtbot, tmp_path: Path) -> None:
    empty = open_database(tmp_path / "shop.db")
    made: list[Database] = []

    def open_demo() -> Database:
        from engine.demo import create_demo_shop

        demo = open_database(tmp_path / "demo.db")
        create_demo_shop(demo, customers=50, clock=FixedClock(NOW))
        made.append(demo)
        return demo

    controller, window = open_window(empty, is_demo=False, open_demo=open_demo)
    assert "데모" not in window.windowTitle()

    def accept() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        assert "데모" in box.text()
        box.buttons()[0].click() if box.buttonRole(box.buttons()[0]) == QMessageBox.ButtonRole.AcceptRole \
            else box.buttons()[1].click()

    QTimer.singleShot(200, accept)
    controller.welcome()
    assert made, "the demo shop was not opened"
    assert controller.is_demo and "데모" in controller.window.windowTitle()
    qtbot.addWidget(controller.window)
    with made[0].session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 50
    with empty.session() as session:
        assert config.get(session, "ui.welcome_shown") is True
        assert session.scalar(select(func.count()).select_from(Customer)) == 0  # the real shop stays empty
    controller.welcome()  # never asks twice (would block here if it did)


def test_start_and_stop_the_runner_from_the_status_bar(qtbot, demo_db: Database) -> None:
    from engine.runtime.lease import status

    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    assert window.runner_button.text() == "자동 실행 시작"
    window.toggle_runner()
    qtbot.waitUntil(lambda: status(demo_db).state == "running", timeout=30_000)
    window.refresh_status()
    assert window.runner_button.text() == "자동 실행 멈추기" and "실행 중" in window.runner_label.text()
    window.toggle_runner()
    qtbot.waitUntil(lambda: status(demo_db).state == "stopped", timeout=30_000)
    window.refresh_status()
    assert window.runner_button.text() == "자동 실행 시작"


def test_autostart_setting_writes_the_startup_entry(qtbot, demo_db: Database) -> None:
    from engine.runtime import autostart

    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("settings")  # filled when shown (see SettingsPage.showEvent)
    page = window.pages["settings"]
    page.fields["runner.autostart"].setChecked(True)
    assert page.save() and autostart.is_enabled()
    assert demo_db.url in autostart.entry_path().read_text(encoding="utf-8")
    page.fields["runner.autostart"].setChecked(False)
    assert page.save() and not autostart.is_enabled()


def test_journey_list_duplicate_rename_and_editor(qtbot, demo_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    from engine import gallery

    window.pages["gallery"].use(gallery.template("cart_abandoned"))
    page = window.pages["journeys"]
    page.table.selectRow(0)
    copy_id = page.duplicate()
    assert copy_id and page.model.rowCount() == 2
    with demo_db.session() as session:
        names = sorted(r.name for r in session.scalars(select(JourneyRow)))
    assert names == ["장바구니 이탈 알림", "장바구니 이탈 알림 (사본)"]
    for row in range(page.model.rowCount()):
        if page.model.index(row, 0).data() == "장바구니 이탈 알림 (사본)":
            page.table.selectRow(row)
    assert page.rename("장바구니 두 번째")
    with demo_db.session() as session:
        assert session.get(JourneyRow, copy_id).name == "장바구니 두 번째"
    editor = page.open_editor(copy_id)
    assert editor is not None and editor.journey.name == "장바구니 두 번째"
    editor.close()


def test_held_messages_can_be_sent_or_dropped(qtbot, demo_db: Database) -> None:
    from engine.journey_store import new_id
    from storage.models import OutboxMessage

    with demo_db.session() as session:
        customer = session.scalar(select(Customer.id).limit(1))
        for index in range(2):
            session.add(OutboxMessage(idem_key=new_id(), customer_id=customer, channel="sms", recipient="+821012345678",
                                      body=f"보류 {index}", status="held", reason="ambiguous_send", not_before=NOW,
                                      due_at=NOW, created_at=NOW))
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    assert "확인 기다리는 메시지 2건" in window.held_label.text()
    window.show_page("messages")
    page = window.pages["messages"]
    assert page.model.rowCount() == 2 and "확인 필요" in page.model.index(0, REASON).data()
    page.table.selectRow(0)
    assert page.release_button.isEnabled()
    assert page.decide(True) == 1
    page.table.selectRow(1)
    assert page.decide(False) == 1
    with demo_db.session() as session:
        states = sorted(session.scalars(select(OutboxMessage.status)))
    assert states == ["cancelled", "queued"]


def test_customer_page_shows_and_edits_consent(qtbot, demo_db: Database, artifacts: Path) -> None:
    from storage.models import Consent, ConsentEvent

    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("customers")
    page = window.pages["customers"]
    dialog = page.open_customer(0)
    qtbot.addWidget(dialog)
    customer_id = page.model.ids[0]
    check, _note = dialog.consent_boxes["sms"]
    before = check.isChecked()
    check.setChecked(not before)
    with demo_db.session() as session:
        assert session.get(Consent, (customer_id, "sms")).granted is (not before)
        assert session.scalars(select(ConsentEvent).where(ConsentEvent.customer_id == customer_id,
                                                          ConsentEvent.source == "owner")).first() is not None
    assert "직접 변경" in dialog.consent_boxes["sms"][1].text()  # "owner", in words
    assert dialog.form.rowCount() >= 10
    qtbot.wait(50)
    dialog.grab().save(str(artifacts / "customer-detail.png"))


def test_the_last_open_journey_reopens(qtbot, demo_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    controller, window = open_window(demo_db)
    from engine import gallery

    window.pages["gallery"].use(gallery.template("welcome_coupon"))
    journey_id = window.pages["journeys"].model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    editor = window.pages["journeys"].open_editor(journey_id)
    window.close()  # quitting with the editor open
    assert not editor.isVisible()
    second_controller, second = open_window(demo_db)
    qtbot.waitUntil(lambda: journey_id in second.pages["journeys"].editors, timeout=3000)
    reopened = second.pages["journeys"].editors[journey_id]
    assert reopened.isVisible()
    reopened.close()  # closed by hand: not reopened next time
    from PySide6.QtCore import QSettings

    assert QSettings().value("editor/last_journey") is None
    second.close()
    del controller, second_controller


def test_the_status_bar_says_when_the_shop_data_is_stale(qtbot, demo_db: Database, artifacts: Path) -> None:
    from datetime import timedelta

    from storage.models import SyncState

    with demo_db.session() as session:
        session.add(SyncState(source="file:cafe24", last_synced_at=NOW - timedelta(days=3), last_status="ok"))
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    text = window.sync_label.text()
    assert "마지막 동기화: 2026-02-27 10:00" in text and "오래됨" in text
    assert "c0392b" in window.sync_label.styleSheet()
    window.show_page("settings")
    page = window.pages["settings"]
    assert page.fields["sync.stale_after_hours"].value() == 48
    page.scroll.ensureWidgetVisible(page.fields["sync.stale_after_hours"])
    assert window.grab().save(str(artifacts / "main-stale-data.png"))

    with demo_db.session() as session:  # a new import: fresh again
        session.get(SyncState, "file:cafe24").last_synced_at = NOW - timedelta(hours=1)
    window.refresh_status()
    assert "오래됨" not in window.sync_label.text() and window.sync_label.styleSheet() == ""


def test_the_settings_page_asks_the_keyring_only_when_first_shown(qtbot, demo_db: Database, monkeypatch) -> None:
    """Asking the system keyring whether each secret is set costs most of a second on its first call: the
    window opens without it, and the settings page asks when the owner opens it."""
    asked: list[str] = []

    class CountingKeyring:
        def get_password(self, service: str, key: str) -> None:
            asked.append(key)

    monkeypatch.setattr(config, "_secret_store", CountingKeyring)
    QSettings().setValue("window/page", "journeys")  # where an earlier window was left decides the first page
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    assert asked == [] and window.pages["settings"].loaded is None
    window.show_page("settings")
    assert "smtp.password" in asked and window.pages["settings"].loaded is not None


def test_the_window_opens_without_the_charts_library_and_builds_the_dashboard_when_shown(qtbot) -> None:
    """The dashboard brings pyqtgraph and numpy (≈ 0.5 s of imports at start-up): it is built when first
    shown. Run in a process of its own, where nothing else has imported them."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    probe = """
import sys, tempfile
from pathlib import Path
from PySide6.QtWidgets import QApplication
from engine.clock import SystemClock
from storage.db import open_database
from ui.context import AppContext, Bus
from ui.main_window import PAGE_IDS, MainWindow
app = QApplication([])
db = open_database(Path(tempfile.mkdtemp()) / "shop.db")
window = MainWindow(AppContext(db, SystemClock(), "ko", Bus()))
window.show_page("journeys")
app.processEvents()
print("numpy" in sys.modules, "pyqtgraph" in sys.modules, "dashboard" in window.pages)
window.show_page("settings")
window.show_page("dashboard")
page = window.pages["dashboard"]
print(type(page).__name__, window.stack.currentWidget() is page, window.stack.count() == len(PAGE_IDS),
      [window.stack.indexOf(window.pages[name]) for name in PAGE_IDS] == list(range(len(PAGE_IDS))))
window.show_page("settings")
print(window.stack.currentWidget() is window.pages["settings"])
page.wait_idle()
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:3] == ["False False False", "DashboardPage True True True", "True"], out.stdout


def test_journey_list_sorts_numbers_as_numbers(qtbot, demo_db: Database) -> None:
    """A header click sorts; "Sent (30 days)" and the won columns by their numbers ("9" before "10")."""
    from engine import gallery
    from engine import journey_store as store
    from engine.clock import FixedClock
    from engine.journey_store import new_id
    from storage.models import OutboxMessage
    from ui.pages.journeys import SORT_ROLE

    sent = {"welcome_coupon": 9, "winback_90d": 10, "cart_abandoned": 100}
    with demo_db.write_session() as session:
        customer = session.scalar(select(Customer.id).limit(1))
        for template, count in sent.items():
            journey = gallery.instantiate(gallery.template(template))
            store.save_draft(session, journey, FixedClock(NOW))
            for _ in range(count):
                session.add(OutboxMessage(idem_key=new_id(), journey_id=journey.id, customer_id=customer,
                                          channel="sms", recipient="+821012345678", body="안녕하세요", status="sent",
                                          not_before=NOW, due_at=NOW, created_at=NOW, sent_at=NOW))
    _window, page = open_page(qtbot, demo_db, "journeys")
    column = 5  # Sent (30 days)

    def shown() -> list[str]:
        return [page.model.index(row, column).data() for row in range(page.model.rowCount())]

    page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert shown() == ["9", "10", "100"]
    page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert shown() == ["100", "10", "9"]
    page.refresh()  # after a sync or a run: the owner's sort stays
    assert shown() == ["100", "10", "9"]
    assert page.model.index(0, column).data(SORT_ROLE) == 100
