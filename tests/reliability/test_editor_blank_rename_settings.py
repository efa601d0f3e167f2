"""Issue 14, journeys and the editor: a blank journey from the journeys page and the gallery, renaming
inside the editor (saved with the journey, a Korean title), and the journey's own settings in a dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from engine import journey_store as store
from engine.clock import FixedClock
from engine.journey import Journey
from storage.db import Database, open_database
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp, demo_file  # noqa: F401  (the UI tests' setup)
from ui.context import AppContext, Bus
from ui.editor.journey_settings import JourneySettingsDialog
from ui.editor.window import EditorWindow
from ui.i18n import install_language
from ui.pages.gallery import GalleryPage
from ui.pages.journeys import JourneysPage


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:  # noqa: F811  (a private copy of the UI tests' demo shop)
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


@pytest.fixture
def korean() -> Iterator[None]:
    install_language(QApplication.instance(), "ko")
    yield


def _close(window: EditorWindow) -> None:
    if window.is_dirty():
        window.save()
    window.close()
    window.deleteLater()


def _stored(db: Database, journey_id: str) -> Journey:
    with db.session() as session:
        return store.load(session, journey_id)


def test_blank_journey_from_the_journeys_page(qtbot, demo_db: Database, korean: None) -> None:
    ctx = AppContext(demo_db, FixedClock(NOW), "ko", Bus())
    page = JourneysPage(ctx)
    qtbot.addWidget(page)
    assert page.blank_button.text() == "빈 여정 만들기"
    before = page.model.rowCount()
    page.blank_button.click()
    assert page.model.rowCount() == before + 1
    [window] = page.editors.values()
    try:
        assert window.isVisible()
        assert window.journey.name == "새 여정" and not window.journey.nodes
        stored = _stored(demo_db, window.journey.id)
        assert stored.name == "새 여정" and not stored.nodes
        assert "시작" in window.view.empty_hint()  # the empty canvas says how to begin
        window.view.add_node("trigger.signed_up", window.view.mapToScene(window.view.viewport().rect().center()))
        assert window.view.empty_hint() == ""
        window.save()
    finally:
        _close(window)
    page.blank_button.click()  # a second one gets a name of its own
    second = next(w for w in page.editors.values() if w is not window)
    try:
        assert second.journey.name == "새 여정 2"
    finally:
        _close(second)


def test_blank_journey_from_the_gallery(qtbot, demo_db: Database, korean: None) -> None:
    bus = Bus()
    opened: list[str] = []
    bus.open_journey.connect(opened.append)
    page = GalleryPage(AppContext(demo_db, FixedClock(NOW), "ko", bus))
    qtbot.addWidget(page)
    assert page.blank_button.text() == "빈 여정 만들기"
    page.blank_button.click()
    assert len(opened) == 1
    assert not _stored(demo_db, opened[0]).nodes


def _editor(qtbot, db: Database, lang: str = "ko") -> EditorWindow:
    from engine import gallery

    journey = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매 쿠폰")
    with db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    install_language(QApplication.instance(), lang)
    window = EditorWindow(AppContext(db, FixedClock(NOW), lang, Bus()), journey.id)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_rename_inside_the_editor_with_a_korean_title(qtbot, demo_db: Database, korean: None) -> None:
    window = _editor(qtbot, demo_db)
    try:
        assert window.windowTitle() == "첫 구매 쿠폰 — 여정 편집기"  # no English left in Korean mode
        assert window.name_edit.text() == "첫 구매 쿠폰"
        window.name_edit.setFocus()
        window.name_edit.setText("재구매 감사 여정")  # typed (QTest cannot type Hangul)
        qtbot.keyClick(window.name_edit, Qt.Key.Key_Return)
        assert window.journey.name == "재구매 감사 여정"
        assert window.windowTitle() == "재구매 감사 여정* — 여정 편집기"
        window.doc.undo.undo()  # a rename is one undo step; the field follows
        assert window.journey.name == "첫 구매 쿠폰" and window.name_edit.text() == "첫 구매 쿠폰"
        window.doc.undo.redo()
        assert window.name_edit.text() == "재구매 감사 여정"
        window.name_edit.setText("   ")  # an empty name is refused in words and the field put back
        assert not window.rename()
        assert window.name_edit.text() == "재구매 감사 여정" and window.statusBar().currentMessage()
        window.save()
        assert _stored(demo_db, window.journey.id).name == "재구매 감사 여정"
        with demo_db.session() as session:
            assert store.find_row(session, window.journey.id).name == "재구매 감사 여정"  # the list shows it
    finally:
        _close(window)


def test_journey_settings_dialog(qtbot, demo_db: Database, korean: None) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    window = _editor(qtbot, demo_db)
    try:
        window.actions_by_name["journey_settings"].trigger()
        dialog = window.findChild(JourneySettingsDialog)
        assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "여정 설정"
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.reentry.setCurrentIndex(dialog.reentry.findData("after_days"))
        assert dialog.reentry_days.isEnabled()
        dialog.reentry_days.setValue(0)  # validate's rule: "after_days" needs at least one day
        assert not ok.isEnabled() and dialog.problem.isVisible() and "1일" in dialog.problem.text()
        dialog.reentry_days.setValue(30)
        assert ok.isEnabled() and not dialog.problem.isVisible()
        dialog.priority.setValue(5)
        dialog.group.setCurrentText("쿠폰")
        ok.click()
        settings = window.journey.settings
        assert (settings["reentry"], settings["reentry_days"], settings["priority"], settings["exclusion_group"]) \
            == ("after_days", 30, 5, "쿠폰")
        assert window.is_dirty()
        window.save()
        stored = _stored(demo_db, window.journey.id).settings
        assert (stored["reentry"], stored["reentry_days"], stored["priority"], stored["exclusion_group"]) \
            == ("after_days", 30, 5, "쿠폰")
        window.doc.undo.undo()  # the whole dialog is one undo step
        assert window.journey.settings["reentry"] == "never" and window.journey.settings["priority"] == 0
    finally:
        _close(window)


def test_journey_settings_explained_in_korean(qtbot, demo_db: Database, korean: None) -> None:
    window = _editor(qtbot, demo_db)
    try:
        dialog = window.open_journey_settings()
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        for words in ("다시 들어", "우선순위", "제외 묶음", "하루", "전환"):
            assert words in texts, words
        assert dialog.reentry.itemText(0) == "한 번만 (다시 들어오지 않음)"
        dialog.reject()
    finally:
        _close(window)
