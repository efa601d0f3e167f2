"""The journey editor, offscreen with pytest-qt: drag, connect, refuse a cycle, edit, undo to the start,
redo, copy/paste, save and reload, publish blocked by an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QSpinBox

from engine import gallery
from engine import journey_store as store
from engine.clock import FixedClock
from engine.journey import Journey
from storage.db import Database
from tests.ui.conftest import NOW
from ui.context import AppContext, Bus
from ui.editor.view import KIND_MIME
from ui.editor.window import EditorWindow


@pytest.fixture
def editor(qtbot, demo_db: Database):
    from PySide6.QtWidgets import QApplication

    from ui.i18n import install_language

    install_language(QApplication.instance(), "ko")
    journey = gallery.instantiate(gallery.template("first_order_coupon"))
    clock = FixedClock(NOW)
    with demo_db.session() as session:
        store.save_draft(session, journey, clock)
    window = EditorWindow(AppContext(demo_db, clock, "ko", Bus()), journey.id)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.doc.undo.setClean()  # closing must not stop on the "save changes?" question
    window.close()
    window.deleteLater()


def drop_kind(window: EditorWindow, kind: str, at: QPoint) -> None:
    data = QMimeData()
    data.setData(KIND_MIME, kind.encode())
    event = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.view.dropEvent(event)


def test_edit_undo_to_the_start_and_redo(qtbot, editor: EditorWindow, artifacts: Path) -> None:
    original = editor.journey.to_dict()
    assert not editor.is_dirty() and "*" not in editor.windowTitle()
    before = set(editor.journey.nodes)
    drop_kind(editor, "wait.duration", editor.view.viewport().rect().center())
    [added] = set(editor.journey.nodes) - before
    assert added in editor.scene.nodes and "*" in editor.windowTitle()
    # connect: the thank-you exit 'done' has no output, so wire the new wait after 'coupon_sms' instead
    edge = editor.journey.edges_from("coupon_sms")[0]
    editor.scene.delete_selected()  # nothing selected: no-op
    editor.scene.edges[edge.id].setSelected(True)
    editor.scene.delete_selected()
    assert editor.scene.connect_ports("coupon_sms", "out", added)
    assert editor.scene.connect_ports(added, "out", "done")
    # refuse a cycle, with the reason in words
    refusals: list[str] = []
    editor.scene.refused.connect(refusals.append)
    assert not editor.scene.connect_ports(added, "out", "trigger")
    assert not editor.scene.connect_ports("done", "out", added)
    editor.scene.clearSelection()
    editor.scene.nodes["ordered_again"].setSelected(True)
    assert len(editor.journey.edges_from(added)) == 1
    assert not editor.scene.connect_ports("coupon", "out", "ordered_again")  # port taken / loop
    assert refusals and all(text for text in refusals)
    # edit a parameter through the inspector
    editor.scene.clearSelection()
    editor.scene.nodes[added].setSelected(True)
    duration = editor.inspector.widgets["duration"]
    duration.number.setValue(2)  # type: ignore[attr-defined]
    duration.unit.setCurrentIndex(duration.unit.findData(24 * 60))  # type: ignore[attr-defined]
    assert editor.journey.node(added).params["duration"] == 2 * 24 * 60
    assert "2일 대기" in editor.scene.nodes[added].summary
    editor.grab().save(str(artifacts / "editor.png"))
    edited = editor.journey.to_dict()
    # undo everything: the model equals the original
    while editor.doc.undo.canUndo():
        editor.doc.undo.undo()
    assert editor.journey.to_dict() == original
    assert set(editor.scene.nodes) == set(editor.journey.nodes)
    assert set(editor.scene.edges) == set(editor.journey.edges)
    while editor.doc.undo.canRedo():
        editor.doc.undo.redo()
    assert editor.journey.to_dict() == edited


def test_move_auto_layout_copy_paste(qtbot, editor: EditorWindow) -> None:
    editor.scene.clearSelection()
    for node_id in ("coupon", "coupon_sms"):
        editor.scene.nodes[node_id].setSelected(True)
    assert editor.scene.copy_selected()
    pasted = editor.scene.paste()
    assert len(pasted) == 2 and all(node_id in editor.scene.nodes for node_id in pasted)
    links = {(e.source, e.target) for e in editor.journey.edges.values()}
    assert (pasted[0], pasted[1]) in links or (pasted[1], pasted[0]) in links  # their edge came along
    editor.doc.undo.undo()
    assert not set(pasted) & set(editor.journey.nodes)
    editor.doc.undo.redo()
    assert set(pasted) <= set(editor.journey.nodes)
    # paste into another journey
    other = Journey(name="다른 여정")
    other.paste(editor.journey.fragment(pasted))
    assert len(other.nodes) == 2
    before = {n: editor.journey.node(n).position for n in editor.journey.nodes}
    editor.auto_layout()
    after = {n: editor.journey.node(n).position for n in editor.journey.nodes}
    assert before != after
    editor.doc.undo.undo()
    assert {n: editor.journey.node(n).position for n in editor.journey.nodes} == before
    assert all((item.pos().x(), item.pos().y()) == before[n] for n, item in editor.scene.nodes.items())


def test_save_and_reload_equal(qtbot, editor: EditorWindow, demo_db: Database) -> None:
    editor.scene.nodes["thanks"].setSelected(True)
    body = editor.inspector.widgets["body"]
    assert isinstance(body, QPlainTextEdit)
    body.setPlainText("{{ customer.first_name }}님, 고맙습니다!")
    qtbot.waitUntil(lambda: editor.journey.node("thanks").params["body"].endswith("고맙습니다!"), timeout=3000)
    assert "바이트" in editor.inspector.preview.text()
    assert editor.save() and not editor.is_dirty()
    with demo_db.session() as session:
        assert store.load(session, editor.journey.id) == editor.journey


def test_publish_blocked_by_an_error(qtbot, editor: EditorWindow, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    editor.scene.nodes["thanks"].setSelected(True)
    editor.doc.push(__import__("ui.editor.document", fromlist=["SetParam"]).SetParam(
        editor.doc, "thanks", "body", "{{ customer.nick }}님"))
    assert any(issue.code == "unknown_variable" for issue in editor.issues)
    assert editor.scene.nodes["thanks"].problem == "error"
    assert editor.problems.count() >= 1
    assert not editor.publish(confirm=False)
    assert shown and "nick" in shown[0]
    editor.doc.undo.undo()
    assert editor.publish(confirm=False)
    assert editor.status == "live"


def test_palette_search_and_inspector_won_field(qtbot, editor: EditorWindow) -> None:
    editor.palette.search.setText("쿠폰")
    assert editor.palette.visible_kinds() == ["trigger.coupon_expiring", "action.coupon"]
    editor.palette.search.setText("")
    editor.scene.nodes["trigger"].setSelected(True)
    box = editor.inspector.widgets["min_amount"]
    assert isinstance(box, QSpinBox) and box.suffix() == " 원"
    box.setValue(30000)
    assert editor.journey.node("trigger").params["min_amount"] == 30000
    assert "30,000원" in editor.scene.nodes["trigger"].summary


def test_live_numbers_and_simulate_on_the_canvas(qtbot, editor: EditorWindow, demo_db: Database, artifacts) -> None:
    from engine.runtime.run import Engine
    from tests.runtime.shop import Shop, at

    assert editor.publish(confirm=False)
    shop = Shop(demo_db, artifacts / "sent-by-editor-test")
    shop.clock = editor.ctx.clock
    buyer = shop.signup("2026-03-02 10:20")
    shop.order(buyer, "2026-03-02 10:30")
    Engine(demo_db, {"sms": shop.channel, "email": shop.channel, "kakao": shop.channel,
                     "owner": shop.channel}).run_once(type(shop.clock)(at("2026-03-02 10:31")))
    editor.show_numbers()
    assert editor.scene.nodes["trigger"].stats.startswith("들어옴 1 · 나감 1 (100%)")  # the card adds up
    assert "보냄 1" in editor.scene.nodes["thanks"].stats
    assert "대기 1" in editor.scene.nodes["ordered_again"].stats
    assert "7일 안 주문 0 (0%)" in editor.scene.nodes["thanks"].stats
    shop.order(buyer, "2026-03-04 15:00")  # a second order two days after the thanks message: a conversion
    editor.show_numbers()
    assert "7일 안 주문 1 (100%)" in editor.scene.nodes["thanks"].stats
    editor.view.resetTransform()
    editor.view.centerOn(editor.scene.nodes["thanks"])
    qtbot.wait(50)  # let the view repaint at the new scale before the picture
    editor.grab().save(str(artifacts / "editor-live-numbers.png"))
    result = editor.simulate(days=14)
    assert result is not None and result.entered > 0
    assert editor.scene.nodes["trigger"].stats == f"모의: {result.entered:,}명"
    assert "지난 14일 기준" in editor.statusBar().currentMessage()
    editor.grab().save(str(artifacts / "editor-simulated.png"))


def test_quitting_after_a_copy_does_not_crash(tmp_path) -> None:
    """PySide6 frees clipboard data twice at exit; the app takes its fragment off the clipboard on quit."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    probe = (
        "from PySide6.QtCore import QMimeData, QTimer\n"
        "from ui.app import make_application\n"
        "from ui.editor.scene import FRAGMENT_MIME\n"
        "app = make_application()\n"
        "data = QMimeData(); data.setData(FRAGMENT_MIME, b'{}'); data.setText('{}')\n"
        "app.clipboard().setMimeData(data)\n"
        "QTimer.singleShot(0, app.quit)\n"
        "app.exec()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr.decode()[-500:]


def test_message_editor_variables_and_customer_preview(qtbot, editor: EditorWindow, demo_db: Database) -> None:

    from engine.messaging.render import first_name
    from storage.models import Customer

    editor.scene.clearSelection()
    editor.scene.nodes["thanks"].setSelected(True)  # before the coupon node: no coupon variables here
    combo, insert = editor.inspector.variable_rows[0]
    names = [combo.itemData(i) for i in range(combo.count())]
    assert "order.first_product" in names and "coupon.code" not in names
    editor.scene.clearSelection()
    editor.scene.nodes["coupon_sms"].setSelected(True)
    combo, insert = editor.inspector.variable_rows[0]
    names = [combo.itemData(i) for i in range(combo.count())]
    assert "coupon.code" in names
    body = editor.inspector.widgets["body"]
    body.setPlainText("")
    combo.setCurrentIndex(names.index("customer.first_name"))
    insert.click()
    assert body.toPlainText() == "{{ customer.first_name }}"
    sample = editor.inspector.sample
    with demo_db.session() as session:
        name = session.get(Customer, sample.currentData()).name
    editor.inspector._update_preview()
    assert first_name(name) in editor.inspector.preview.text()
    assert "(광고)단골상회" in editor.inspector.preview.text()  # the coupon message is an ad


def test_autosave_is_offered_back_after_a_crash(qtbot, editor: EditorWindow, demo_db: Database, monkeypatch) -> None:
    from ui.editor.document import SetParam

    editor.doc.push(SetParam(editor.doc, "thanks", "body", "{{ customer.first_name }}님, 복구될 문장"))
    changed = editor.journey.to_dict()
    editor.write_autosave()  # the minute timer fired; then the PC crashed (nothing saved)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), QMessageBox.StandardButton.Yes)[1])
    again = EditorWindow(editor.ctx, editor.journey.id)
    try:
        assert asked and "복구" in asked[0]
        assert again.journey.to_dict() == changed and again.is_dirty()
        assert "복구될 문장" in again.scene.nodes["thanks"].summary
        again.doc.undo.undo()  # recovery is one undo step: back to the saved draft
        assert again.journey.node("thanks").params["body"] != changed["nodes"][1]["params"]["body"]
    finally:
        again.doc.undo.setClean()
        again.close()


def test_rule_values_pick_products_stages_and_messages(qtbot, editor: EditorWindow, demo_db: Database,
                                                       artifacts, monkeypatch) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit
    from sqlalchemy import select

    from storage.models import Product
    from ui.editor.document import SetParam
    from ui.editor.inspector import RulesEditor

    monkeypatch.setattr(SetParam, "MERGE_WINDOW_S", 0.0)  # each change its own undo step, however quick

    with demo_db.session() as session:
        products = sorted(session.scalars(select(Product.name)))
    before = set(editor.journey.nodes)
    drop_kind(editor, "condition", editor.view.viewport().rect().center())
    [added] = set(editor.journey.nodes) - before
    editor.scene.clearSelection()
    editor.scene.nodes[added].setSelected(True)
    rules = editor.inspector.widgets["rules"]
    assert isinstance(rules, RulesEditor)
    start = len(rules.rows)
    rules.layout_.itemAt(rules.layout_.count() - 1).widget().click()  # "+ rule"
    row = rules.rows[start]
    assert isinstance(row.value, QLineEdit)  # total spent: a number box
    row.field.setCurrentIndex(row.field.findData("bought_product"))
    assert row.op.currentData() == "contains"
    combo = row.value
    assert isinstance(combo, QComboBox) and combo.isEditable()
    assert [combo.itemText(i) for i in range(combo.count())] == products
    # typing part of a name narrows the list to the products holding it, anywhere in the name
    part = products[len(products) // 2].split()[-1]
    combo.completer().setCompletionPrefix(part)
    shown = {combo.completer().completionModel().index(i, 0).data()
             for i in range(combo.completer().completionModel().rowCount())}
    assert shown == {name for name in products if part.lower() in name.lower()}
    combo.setCurrentIndex(3)
    combo.activated.emit(3)
    rule = editor.journey.node(added).params["rules"][start]
    assert rule == {"field": "bought_product", "op": "contains", "value": products[3]}
    qtbot.waitUntil(row.value.isVisible)
    editor.grab().save(str(artifacts / "editor-rule-products.png"))
    # lifecycle: a fixed list of stages, stored by id
    row.field.setCurrentIndex(row.field.findData("lifecycle"))
    row.op.setCurrentIndex(row.op.findData("eq"))
    stages = row.value
    assert isinstance(stages, QComboBox) and not stages.isEditable()
    stages.setCurrentIndex(stages.findData("at_risk"))
    assert editor.journey.node(added).params["rules"][start]["value"] == "at_risk"
    assert "이탈 위험" in editor.scene.nodes[added].summary
    # messages of this journey, by node id
    row.field.setCurrentIndex(row.field.findData("got_message_in_journey"))
    messages = row.value
    assert isinstance(messages, QComboBox)
    ids = [messages.itemData(i) for i in range(messages.count())]
    assert ids and all(editor.journey.node(i).category == "message" for i in ids)
    # undo brings back the stage, and the inspector shows it
    editor.doc.undo.undo()
    row = editor.inspector.widgets["rules"].rows[start]
    assert row.field.currentData() == "lifecycle" and row.value.currentData() == "at_risk"


def test_every_node_category_has_a_drawn_icon(qtbot) -> None:
    """Icons are painted shapes (a font may lack ⏱ or ⑂): each category marks its square, sharp at 2×."""
    from PySide6.QtGui import QColor

    from engine.journey import CATEGORIES
    from ui.editor.icons import category_icon

    drawn = {}
    for category in CATEGORIES:
        pixmap = category_icon(category, QColor("#000000"), 16, 2.0).pixmap(32, 32)
        image = pixmap.toImage()
        assert image.width() == 32  # drawn for a 2× screen, not scaled up
        inked = sum(1 for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() > 128)
        drawn[category] = inked
    assert all(count > 40 for count in drawn.values()), drawn


def test_a_selected_node_is_highlighted_and_cards_follow_the_theme(qtbot, editor: EditorWindow) -> None:
    """Node pictures are cached: selecting must redraw the highlight, a theme change the card colours."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from ui.theme import DARK, LIGHT, apply_theme

    item = editor.scene.nodes["trigger"]
    editor.resize(1366, 768)
    editor.view.resetTransform()
    qtbot.wait(30)
    editor.view.centerOn(item)
    qtbot.wait(30)

    def picture():
        area = editor.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        return editor.view.viewport().grab(area).toImage()

    def highlight_pixels() -> int:
        image = picture()
        gold = QColor("#f5b400")
        return sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
                   if abs(image.pixelColor(x, y).red() - gold.red()) < 30
                   and abs(image.pixelColor(x, y).green() - gold.green()) < 30
                   and image.pixelColor(x, y).blue() < 80)

    assert highlight_pixels() == 0
    item.setSelected(True)
    qtbot.wait(30)
    assert highlight_pixels() > 20
    item.setSelected(False)
    app = QApplication.instance()
    try:
        apply_theme(app, "dark")
        qtbot.wait(30)
        image = picture()
        inside = editor.view.mapFromScene(item.mapToScene(item.boundingRect().center())) \
            - editor.view.mapFromScene(item.sceneBoundingRect()).boundingRect().topLeft()
        body = image.pixelColor(inside.x() + 60, inside.y() + 8)  # right of the summary text, in the card
        assert body.lightness() < 90, body.name()  # the dark theme's card, not a white one
        assert QColor(DARK["base"]).lightness() < 90 < QColor(LIGHT["base"]).lightness()
    finally:
        apply_theme(app, "light")
