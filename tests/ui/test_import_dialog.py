"""The import dialog on a real file and a real database: preview off the UI thread, password, import, rejects, Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import func, select

from engine.clock import FixedClock
from storage.db import Database, open_database
from storage.models import Order, OrderItem
from tests.sync.files import CAFE24_HEADER, cafe24_row, encrypt, write_csv, write_xlsx
from tests.sync.test_files import _smartstore_rows
from tests.ui.conftest import NOW
from ui.app import Controller, make_application
from ui.context import AppContext, Bus
from ui.i18n import install_language
from ui.import_dialog import ImportDialog


def cafe24_file(path: Path) -> Path:
    rows = [
        cafe24_row("20260302-0000001", "20260302-0000001-01", total="45,000", paid="45000.00"),
        cafe24_row("20260302-0000001", "20260302-0000001-02", product="유기농 꿀", code="P0002", price="15,000원",
                   total="45,000", paid="45000.00"),
        cafe24_row("20260302-0000002", "20260302-0000002-01", member="", name="손님", email="guest@example.com",
                   phone="01099998888", product="쿠키 세트", price="12000", total="12,000", paid="12000",
                   status="입금전"),
        cafe24_row("20260302-0000003", "20260302-0000003-01", when="어제쯤"),  # a date nobody can read
    ]
    return write_csv(path, CAFE24_HEADER, rows, "cp949")


def order_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


def dialog_for(qtbot, db: Database, path: Path | None) -> tuple[ImportDialog, list[int]]:
    install_language(make_application(), "ko")
    bus = Bus()
    changed: list[int] = []
    bus.data_changed.connect(lambda: changed.append(1))
    dialog = ImportDialog(AppContext(db, FixedClock(NOW), "ko", bus), path)
    dialog.resize(1366, 740)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, changed


def test_preview_import_and_rejects_of_a_cafe24_csv(qtbot, tmp_path: Path, artifacts: Path, monkeypatch) -> None:
    db = open_database(tmp_path / "shop.db")
    dialog, changed = dialog_for(qtbot, db, cafe24_file(tmp_path / "orders.csv"))
    assert dialog.windowTitle() == "쇼핑몰 파일 가져오기"
    qtbot.waitUntil(lambda: dialog.parsed is not None, timeout=10_000)
    assert "Cafe24 주문 엑셀/CSV" in dialog.source_label.text() and "cp949" in dialog.source_label.text()
    assert "주문 2건" in dialog.counts_label.text() and "4줄" in dialog.counts_label.text()
    assert dialog.preview.rowCount() == 2
    first = [dialog.preview.item(0, column).text() for column in range(5)]
    assert first == ["20260302-0000001", "2026-03-02 10:00", "홍길동", "45,000원", "배송 완료"]
    assert dialog.preview.item(1, 4).text() == "입금 전"
    assert dialog.rejects.rowCount() == 1 and dialog.rejects.item(0, 0).text() == "5"
    assert dialog.rejects.item(0, 1).text() == "날짜를 읽을 수 없음 (주문일시: '어제쯤')"  # Korean, with the cell
    assert order_count(db) == 0 and not changed  # the preview writes nothing
    assert dialog.grab().save(str(artifacts / "import-preview.png"))

    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert dialog.message.text().startswith("주문 2건을 새로 넣고 0건을 고쳤습니다.")
    assert "거부된 줄 1개" in dialog.message.text()
    assert changed == [1] and not dialog.import_button.isEnabled() and dialog.cancel_button.text() == "닫기"
    with db.session() as session:
        assert session.scalar(select(func.sum(Order.amount))) == 57000
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 3
    assert dialog.grab().save(str(artifacts / "import-summary.png"))

    target = tmp_path / "rejects.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    assert dialog.save_rejects_button.isEnabled()
    dialog.save_rejects_button.click()
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "줄,사유,설명" and lines[1].startswith("5,bad_date,")
    db.close()


def test_a_locked_xlsx_asks_for_its_password(qtbot, tmp_path: Path, artifacts: Path, monkeypatch) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", _smartstore_rows())
    locked = encrypt(plain, tmp_path / "locked.xlsx", "1234")
    asked: list[str] = []

    def get_text(parent, title, label, echo, *args, **kwargs):
        asked.append(label)
        assert echo == dialog_echo
        return ("0000", True) if len(asked) == 1 else ("1234", True)

    from PySide6.QtWidgets import QLineEdit

    dialog_echo = QLineEdit.EchoMode.Password
    monkeypatch.setattr(QInputDialog, "getText", get_text)
    db = open_database(tmp_path / "shop.db")
    dialog, _changed = dialog_for(qtbot, db, locked)
    qtbot.waitUntil(lambda: dialog.parsed is not None, timeout=10_000)
    assert len(asked) == 2 and "비밀번호가 틀렸습니다" in asked[1]  # a wrong one first, then asked again
    assert "네이버 스마트스토어 주문 엑셀" in dialog.source_label.text()
    assert dialog.preview.rowCount() == 1 and dialog.preview.item(0, 3).text() == "45,000원"
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert order_count(db) == 1
    db.close()


def test_cancel_before_import_writes_nothing(qtbot, tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    dialog, changed = dialog_for(qtbot, db, cafe24_file(tmp_path / "orders.csv"))
    qtbot.waitUntil(lambda: dialog.parsed is not None, timeout=10_000)
    dialog.cancel_button.click()
    assert not dialog.isVisible() and dialog.result() == ImportDialog.DialogCode.Rejected.value
    assert order_count(db) == 0 and not changed
    db.close()


def test_an_unreadable_file_is_one_clear_line(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary\x00" * 20)  # a file of unknown columns gets the mapping step instead
    db = open_database(tmp_path / "shop.db")
    dialog, _changed = dialog_for(qtbot, db, bad)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.message.text().startswith("CSV나 엑셀 파일이 아닙니다")
    assert not dialog.import_button.isEnabled() and not dialog.mapping_box.isVisible()
    db.close()


def test_menu_and_first_run_open_the_dialog(qtbot, tmp_path: Path) -> None:
    empty = open_database(tmp_path / "shop.db")
    app = make_application()
    controller = Controller(app, empty, FixedClock(NOW), is_demo=False, open_demo=lambda: empty)
    window = controller.build()
    qtbot.addWidget(window)
    assert window.import_action.text() == "쇼핑몰 파일 가져오기…"
    window.import_action.trigger()
    assert isinstance(window.import_dialog, ImportDialog) and window.import_dialog.isVisible()
    window.import_dialog.close()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def own_shop() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        [later] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole]
        later.click()

    window.import_dialog = None
    QTimer.singleShot(200, own_shop)
    controller.welcome()
    assert isinstance(window.import_dialog, ImportDialog) and window.import_dialog.isVisible()
    window.import_dialog.close()
    empty.close()


def test_a_file_dropped_on_the_main_window_opens_the_dialog_with_it(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    db = open_database(tmp_path / "shop.db")
    controller = Controller(make_application(), db, FixedClock(NOW), is_demo=False)
    window = controller.build()
    qtbot.addWidget(window)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(cafe24_file(tmp_path / "orders.csv")))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    dialog = window.import_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.parsed is not None, timeout=10_000)
    assert dialog.preview.rowCount() == 2 and order_count(db) == 0
    dialog.reject()
    db.close()
