"""Issue 14: quick add and the palette find a node by any part of its name, by the words owners use (대기,
카톡, 메일, if …) in Korean or English, and say "찾는 노드가 없습니다" when nothing matches; a node added by
quick add or from the palette lands in free space, never on top of another card."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from engine import gallery
from engine import journey_store as store
from engine.clock import FixedClock
from storage.db import Database, open_database
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp, demo_file  # noqa: F401
from ui.context import AppContext, Bus
from ui.editor.items import WIDTH
from ui.editor.quick_add import QuickAddDialog
from ui.editor.window import EditorWindow
from ui.i18n import install_language


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:  # noqa: F811  (a private copy of the demo shop)
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


@pytest.fixture
def editor(qtbot, demo_db: Database) -> Iterator[EditorWindow]:
    install_language(QApplication.instance(), "ko")
    journey = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매")
    with demo_db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    window = EditorWindow(AppContext(demo_db, FixedClock(NOW), "ko", Bus()), journey.id)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.doc.undo.setClean()
    window.close()
    window.deleteLater()


def _open_quick_add(qtbot, editor: EditorWindow) -> QuickAddDialog:
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_Tab)  # Tab on the canvas, as the owner does
    dialogs = [d for d in editor.findChildren(QuickAddDialog) if d.isVisible()]
    assert dialogs, "Tab opened no quick add"
    return dialogs[-1]


SEARCHES = {
    "대기": "wait.duration", "기다리기": "wait.duration", "wait": "wait.duration", "기다": "wait.duration",
    "문자": "message.sms", "SMS": "message.sms", "lms": "message.sms",
    "카톡": "message.kakao", "알림톡": "message.kakao", "kakao": "message.kakao",
    "이메일": "message.email", "메일": "message.email", "email": "message.email",
    "조건": "condition", "분기": "condition", "if": "condition",
    "쿠폰": "action.coupon", "coupon": "action.coupon", "발급": "action.coupon",
}


def test_quick_add_finds_parts_synonyms_and_english(qtbot, editor: EditorWindow) -> None:
    dialog = _open_quick_add(qtbot, editor)
    for typed, kind in SEARCHES.items():
        dialog.search.setText(typed)
        assert dialog.kinds() and dialog.kinds()[0] == kind, (typed, dialog.kinds())
        assert not dialog.nothing.isVisible()
    dialog.search.setText("없는노드이름")
    assert dialog.kinds() == [] and dialog.nothing.isVisible()
    assert dialog.nothing.text() == "찾는 노드가 없습니다"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # nothing to add: the dialog stays, nothing changes
    assert dialog.isVisible()
    before = set(editor.journey.nodes)
    dialog.search.setText("대기")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    [added] = set(editor.journey.nodes) - before
    assert editor.journey.node(added).kind == "wait.duration"
    assert not dialog.isVisible()


def test_palette_search_uses_the_same_words(qtbot, editor: EditorWindow) -> None:
    editor.palette.search.setText("카톡")
    assert editor.palette.visible_kinds() == ["message.kakao"]
    editor.palette.search.setText("대기")
    assert "wait.duration" in editor.palette.visible_kinds()
    editor.palette.search.setText("없는노드이름")
    assert editor.palette.visible_kinds() == [] and editor.palette.nothing.isVisible()


def _cards(editor: EditorWindow) -> dict[str, QRectF]:
    return {node_id: item.mapRectToScene(QRectF(0, 0, WIDTH, item.height)) for node_id, item in editor.scene.nodes.items()}


def test_new_nodes_land_in_free_space(qtbot, editor: EditorWindow) -> None:
    trigger = editor.scene.nodes["trigger"]
    on_top = trigger.scenePos()  # right on the trigger card
    for _ in range(4):  # quick add at the same spot, four times
        dialog = editor.quick_add(on_top)
        dialog.search.setText("문자")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    for _ in range(2):  # and from the palette (the view's centre)
        editor.palette.chosen.emit("exit")
    cards = _cards(editor)
    assert len(cards) == len(editor.journey.nodes)
    overlapping = [(a, b) for a in cards for b in cards if a < b and cards[a].intersects(cards[b])]
    assert not overlapping, overlapping
