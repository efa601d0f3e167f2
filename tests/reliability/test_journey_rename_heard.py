"""A journey's name and status are announced by the store, so every view hears every edit (issue 14, finding 2):
a rename on the journeys list reaches an open editor, whose next save keeps it; an editor's rename reaches the
list's row; a pause elsewhere reaches the editor's pause button."""

from __future__ import annotations

from PySide6.QtCore import Qt

from engine import gallery
from engine import journey_store as store
from engine.runtime.publish import publish, set_paused
from storage.db import Database
from storage.models import Journey as JourneyRow
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import ARTIFACTS, NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse)
from tests.ui.test_main_window import open_window
from ui.pages.journeys import JourneysPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop


def row_of(page: JourneysPage, journey_id: str) -> int:
    for row in range(page.model.rowCount()):
        if page.model.item(row, 0).data(Qt.ItemDataRole.UserRole) == journey_id:
            return row
    raise AssertionError(journey_id)


def stored_names(db: Database, journey_id: str) -> tuple[str, str]:
    with db.session() as session:
        row = session.get(JourneyRow, journey_id)
        return row.name, row.draft["name"]


def test_a_rename_on_the_list_survives_the_open_editors_save(qtbot, demo_db: Database) -> None:
    from engine.clock import FixedClock

    journey = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매 감사")
    with demo_db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("journeys")
    page = window.pages["journeys"]
    assert isinstance(page, JourneysPage)
    page.table.selectRow(row_of(page, journey.id))
    editor = page.open_editor()
    assert editor is not None and "첫 구매 감사" in editor.windowTitle()
    editor.resize(1366, 768)

    page.table.selectRow(row_of(page, journey.id))
    assert page.rename("첫 구매 고마워요")
    assert editor.journey.name == "첫 구매 고마워요" and editor.name_edit.text() == "첫 구매 고마워요"
    assert "첫 구매 고마워요" in editor.windowTitle() and not editor.is_dirty()
    assert "첫 구매 고마워요" in editor.statusBar().currentMessage()
    assert editor.grab().save(str(ARTIFACTS / "rename-heard-by-editor-ko.png"))

    editor.add_node("wait.duration")  # an edit in the editor, then its save
    assert editor.is_dirty()
    assert editor.save()
    assert stored_names(demo_db, journey.id) == ("첫 구매 고마워요", "첫 구매 고마워요")

    # renamed in the editor: the list's row says so, although the list is not the page on show
    window.show_page("gallery")
    editor.name_edit.setText("첫 구매 고객 인사")
    assert editor.rename()
    assert page.model.item(row_of(page, journey.id), 0).text() == "첫 구매 고마워요"  # not saved yet
    assert editor.save()
    assert page.model.item(row_of(page, journey.id), 0).text() == "첫 구매 고객 인사"
    assert stored_names(demo_db, journey.id) == ("첫 구매 고객 인사", "첫 구매 고객 인사")

    editor.doc.undo.setClean()
    editor.close()

    # published and paused from elsewhere (the CLI's functions, in this process): the editor and the row hear it
    other = gallery.instantiate(gallery.template("welcome_coupon"), name="가입 환영")
    with demo_db.write_session() as session:
        store.save_draft(session, other, FixedClock(NOW))
    window.show_page("journeys")
    page.table.selectRow(row_of(page, other.id))
    second = page.open_editor()
    assert second is not None and second.status == "draft"
    with demo_db.write_session() as session:
        publish(session, other.id, FixedClock(NOW), accept_warnings=True)
    assert second.status == "live" and page.model.item(row_of(page, other.id), 1).text() == "운영 중"
    with demo_db.write_session() as session:
        set_paused(session, other.id, FixedClock(NOW), True)
    assert second.status == "paused" and second.actions_by_name["pause"].text() == "다시 시작"
    assert page.model.item(row_of(page, other.id), 1).text() == "일시 중지"
    second.close()


def test_a_rolled_back_rename_is_not_announced(demo_db: Database) -> None:
    db = demo_db
    from engine.clock import FixedClock

    heard: list[store.JourneyChange] = []
    stop = store.subscribe(heard.append)
    try:
        journey = gallery.instantiate(gallery.template("first_order_coupon"), name="하나")
        with db.session() as session:
            store.save_draft(session, journey, FixedClock(NOW))
        try:
            with db.write_session() as session:
                store.rename(session, journey.id, "둘", FixedClock(NOW))
                raise RuntimeError("stop before the commit")
        except RuntimeError:
            pass
        assert heard == [] and stored_names(db, journey.id) == ("하나", "하나")
        with db.write_session() as session:
            store.rename(session, journey.id, "셋", FixedClock(NOW))
            publish(session, journey.id, FixedClock(NOW))
        assert heard == [store.JourneyChange(journey.id, "name", "셋"), store.JourneyChange(journey.id, "status", "live")]
    finally:
        stop()
