"""Issue 14: at 1366×768, in Korean and in English, the editor's inspector shows every button, spin box
and combo box whole (at least its minimum size, inside the panel) for every kind of node, and the problems
panel is one line under the canvas while it says "no problems". Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QWidget

from engine import journey_store as store
from engine.clock import FixedClock
from engine.journey import REGISTRY, Journey
from storage.db import Database, open_database
from tests.ui.conftest import ARTIFACTS, NOW, _clipboard_released, _qsettings_in_tmp, demo_file  # noqa: F401
from ui.context import AppContext, Bus
from ui.editor.window import EditorWindow
from ui.i18n import install_language


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:  # noqa: F811  (a private copy of the demo shop)
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


def _every_kind(db: Database) -> str:
    journey = Journey(name="모든 노드")
    for index, kind in enumerate(REGISTRY):
        journey.add_node(kind, position=(float(index % 6) * 260, float(index // 6) * 160), node_id=f"n{index}")
    with db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    return journey.id


def _clipped(window: EditorWindow) -> list[str]:
    """The inspector's controls drawn smaller than their minimum or reaching past the panel's visible edge."""
    viewport = window.inspector.parentWidget()  # the scroll area's viewport
    found = []
    for widget in window.inspector.findChildren(QWidget):
        if not isinstance(widget, QAbstractButton | QAbstractSpinBox | QComboBox) or not widget.isVisibleTo(window):
            continue
        name = (widget.text() if isinstance(widget, QAbstractButton) else "") or (
            widget.currentText() if isinstance(widget, QComboBox) else type(widget).__name__)
        if widget.width() < widget.minimumSizeHint().width():
            found.append(f"{name}: {widget.width()} < {widget.minimumSizeHint().width()}")
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        if right > viewport.width():
            found.append(f"{name}: right edge {right} > {viewport.width()}")
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_inspector_whole_at_1366x768(qtbot, demo_db: Database, lang: str) -> None:
    QSettings().remove("editor/geometry")  # the first opening: the default panel sizes
    QSettings().remove("editor/state")
    install_language(QApplication.instance(), lang)
    journey_id = _every_kind(demo_db)
    window = EditorWindow(AppContext(demo_db, FixedClock(NOW), lang, Bus()), journey_id)
    try:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)
        problems: dict[str, list[str]] = {}
        for node_id, node in window.journey.nodes.items():
            window.scene.clearSelection()
            window.scene.nodes[node_id].setSelected(True)
            qtbot.wait(10)
            clipped = _clipped(window)
            if clipped:
                problems[node.kind] = clipped
            if node.kind in {"message.sms", "condition", "wait.duration"}:
                for folder in (ARTIFACTS, Path("/tmp")):
                    folder.mkdir(parents=True, exist_ok=True)
                    window.grab().save(str(folder / f"editor-1366-{lang}-{node.kind}.png"))
        assert not problems, problems
        window.scene.clearSelection()  # money in the owner's language: 30,000 원, ₩30,000
        window.scene.nodes[next(node_id for node_id, node in window.journey.nodes.items()
                                if node.kind == "trigger.order_placed")].setSelected(True)
        money = window.inspector.widgets["min_amount"]
        assert (money.suffix(), money.prefix()) == ((" 원", "") if lang == "ko" else ("", "₩"))
        # with problems the list has room; with none it is one line, under the canvas only
        dock = window.problems_dock
        assert window.issues and dock.height() > 60
    finally:
        window.doc.undo.setClean()
        window.close()
        window.deleteLater()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_problems_panel_is_one_line_when_there_are_none(qtbot, demo_db: Database, lang: str) -> None:
    from engine import gallery

    QSettings().remove("editor/geometry")
    QSettings().remove("editor/state")
    install_language(QApplication.instance(), lang)
    journey = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매")
    with demo_db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    window = EditorWindow(AppContext(demo_db, FixedClock(NOW), lang, Bus()), journey.id)
    try:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)
        assert not [issue for issue in window.issues if issue.is_error]
        if window.issues:  # a warning or two: clear them so the panel says "no problems"
            pytest.skip("the template has warnings in this shop")
        dock = window.problems_dock
        line = window.problems.fontMetrics().height()
        assert dock.height() <= line * 2 + 40, (dock.height(), line)  # the title bar and one line
        assert dock.width() < window.width() - 300  # under the canvas, not under the side panels
        assert window.inspector_dock.height() > window.height() - 120  # the inspector gets the full height
        window.grab().save(str(ARTIFACTS / f"editor-1366-{lang}-no-problems.png"))
    finally:
        window.doc.undo.setClean()
        window.close()
        window.deleteLater()


def test_the_opening_view_follows_the_window_until_the_owner_moves_the_canvas(qtbot, demo_db: Database) -> None:
    """A journey wider than the window opens with its start at the left edge, also when the window is resized
    or its docks settle after the first view; once the owner zooms, the view stays where they put it."""
    journey_id = _every_kind(demo_db)  # six columns: wider than the canvas at a readable zoom
    window = EditorWindow(AppContext(demo_db, FixedClock(NOW), "ko", Bus()), journey_id)
    view = window.view
    try:
        window.resize(900, 700)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)

        def left_margin() -> float:
            leftmost = min(item.sceneBoundingRect().left() for item in window.scene.nodes.values())
            return view.mapFromScene(leftmost, 0).x()

        assert view.follows_size and 0 <= left_margin() <= 80, left_margin()
        for size in ((1366, 768), (1100, 740), (1366, 768)):
            window.resize(*size)
            qtbot.wait(30)
            assert 0 <= left_margin() <= 80, (size, left_margin())
        view.zoom_in()  # the owner's own view from here on
        zoom = view.zoom()
        window.resize(1000, 700)
        qtbot.wait(30)
        assert not view.follows_size and view.zoom() == zoom
    finally:
        window.doc.undo.setClean()
        window.close()
        window.deleteLater()
