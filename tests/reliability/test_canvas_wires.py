"""Issue #14 A: after auto-layout no wire runs under a card, and a branching node's children fan out
(one row each, in port order). Checked on the drawn wires (the scene's edge items) for every gallery
template and for generated graphs whose branches skip a column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from engine import gallery
from engine import journey_store as store
from engine.clock import FixedClock
from engine.journey import Journey, apply_layout, node_type
from engine.journey.layout import card_rect, input_point, output_point, wire_points, wire_route
from storage.db import Database, open_database
from tests.journey.test_model import apply, edit
from tests.ui.conftest import ARTIFACTS, NOW, _clipboard_released, _qsettings_in_tmp, demo_file  # noqa: F401
from ui.context import AppContext, Bus
from ui.editor.document import AutoLayout, JourneyDocument
from ui.editor.items import WIDTH
from ui.editor.scene import JourneyScene
from ui.editor.window import EditorWindow
from ui.i18n import install_language

SAMPLES = 400


def condition_skip() -> Journey:
    """yes → SMS → exit; no → the same exit: the 'no' wire skips the SMS's column."""
    j = Journey(name="조건 건너뛰기")
    j.add_node("trigger.order_placed", node_id="t")
    j.add_node("condition", node_id="c")
    j.add_node("message.sms", node_id="sms")
    j.add_node("exit", node_id="done")
    j.connect("t", "out", "c")
    j.connect("c", "yes", "sms")
    j.connect("sms", "out", "done")
    j.connect("c", "no", "done")
    return j


def condition_skip_long() -> Journey:
    """yes → wait → SMS; no → the SMS directly (skips the wait's column); a goal on the side."""
    j = Journey(name="조건 두 칸 건너뛰기")
    j.add_node("trigger.signed_up", node_id="t")
    j.add_node("goal", node_id="g")
    j.add_node("condition", node_id="c")
    j.add_node("wait.duration", node_id="w")
    j.add_node("action.tag", node_id="tag")
    j.add_node("message.sms", node_id="sms")
    j.add_node("exit", node_id="done")
    j.connect("t", "out", "c")
    j.connect("c", "yes", "w")
    j.connect("w", "out", "tag")
    j.connect("tag", "out", "sms")
    j.connect("c", "no", "sms")
    j.connect("sms", "out", "done")
    return j


def split_three() -> Journey:
    """A/B/holdout: a and b get a message each, the holdout goes straight to the shared exit."""
    j = Journey(name="세 갈래")
    j.add_node("trigger.segment_entered", node_id="t")
    j.add_node("split.random", node_id="s")
    for arm in ("a", "b"):
        j.add_node("message.sms", node_id=f"sms_{arm}")
        j.connect("s", arm, f"sms_{arm}")
    j.add_node("exit", node_id="done")
    j.connect("t", "out", "s")
    j.connect("sms_a", "out", "done")
    j.connect("sms_b", "out", "done")
    j.connect("s", "holdout", "done")
    return j


def wait_event() -> Journey:
    """wait.event: 'happened' exits at once, 'timed out' reminds first; both end in one exit."""
    j = Journey(name="행동 기다리기")
    j.add_node("trigger.order_placed", node_id="t")
    j.add_node("message.sms", node_id="thanks")
    j.add_node("wait.event", node_id="w")
    j.add_node("action.coupon", node_id="coupon")
    j.add_node("message.sms", node_id="remind")
    j.add_node("exit", node_id="done")
    j.connect("t", "out", "thanks")
    j.connect("thanks", "out", "w")
    j.connect("w", "event", "done")
    j.connect("w", "timeout", "coupon")
    j.connect("coupon", "out", "remind")
    j.connect("remind", "out", "done")
    return j


GENERATED = {"condition_skip": condition_skip, "condition_skip_long": condition_skip_long,
             "split_three": split_three, "wait_event": wait_event}
TEMPLATES = sorted(path.stem for path in Path(gallery.TEMPLATES_DIR).glob("*.json"))


def journey_named(name: str) -> Journey:
    if name in GENERATED:
        return GENERATED[name]()
    return gallery.instantiate(gallery.template(name))


def laid_out(qtbot, journey: Journey) -> JourneyScene:
    doc = JourneyDocument(journey)
    scene = JourneyScene(doc)
    doc.push(AutoLayout(doc))
    return scene


def card(scene: JourneyScene, node_id: str) -> QRectF:
    item = scene.nodes[node_id]
    return QRectF(item.pos().x(), item.pos().y(), WIDTH, item.height)


@pytest.mark.parametrize("name", TEMPLATES + sorted(GENERATED))
def test_no_wire_runs_under_a_card_after_auto_layout(qtbot, name: str) -> None:
    scene = laid_out(qtbot, journey_named(name))
    journey = scene.journey
    cards = {node_id: card(scene, node_id) for node_id in journey.nodes}
    for a in journey.nodes:  # no two cards overlap, and the numbers under a card have room
        for b in journey.nodes:
            if a < b:
                assert not cards[a].adjusted(0, 0, 0, 50).intersects(cards[b].adjusted(0, 0, 0, 50)), (a, b)
    for edge_id, edge in journey.edges.items():
        path = scene.edges[edge_id].path()
        for step in range(SAMPLES + 1):
            point = path.pointAtPercent(step / SAMPLES)
            for node_id, rect in cards.items():
                if node_id in (edge.source, edge.target):
                    continue
                assert not rect.adjusted(2, 2, -2, -2).contains(point), \
                    f"{name}: the wire {edge.source}.{edge.source_port} → {edge.target} runs under {node_id}"


@pytest.mark.parametrize("name", TEMPLATES + sorted(GENERATED))
def test_branches_fan_out_in_port_order(qtbot, name: str) -> None:
    scene = laid_out(qtbot, journey_named(name))
    journey = scene.journey
    for node in journey.nodes.values():
        ports = node_type(node.kind).output_names()
        if len(ports) < 2:
            continue
        children = [journey.next_node(node.id, port) for port in ports]
        rows = [journey.node(child).position[1] for child in children if child is not None]
        assert rows == sorted(rows) and len(set(rows)) == len(rows), (name, node.id, children, rows)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, max_size=40))
def test_engine_routes_clear_every_card_on_random_graphs(steps) -> None:
    """Any graph the editor can make: after layout no cards overlap and every wire's route (the points the
    canvas draws through) stays out of every card but its own two."""
    journey = Journey()
    for step in steps:
        apply(journey, step)
    apply_layout(journey)
    rects = {node_id: card_rect(journey, node_id) for node_id in journey.nodes}
    for a, (left, top, right, bottom) in rects.items():
        for b, (left2, top2, right2, bottom2) in rects.items():
            if a < b:
                assert right <= left2 or right2 <= left or bottom + 50 <= top2 or bottom2 + 50 <= top, (a, b)
    for edge in journey.edges.values():
        start, end = output_point(journey, edge.source, edge.source_port), input_point(journey, edge.target)
        others = [rect for node_id, rect in rects.items() if node_id not in (edge.source, edge.target)]
        lanes = wire_route(start, end, others)
        for x, y in wire_points(start, end, lanes, per_piece=64):
            assert not any(x0 + 2 < x < x1 - 2 and y0 + 2 < y < y1 - 2 for x0, y0, x1, y1 in others), (edge, lanes)


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:  # noqa: F811  (a private copy of the demo shop)
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


def test_win_back_after_auto_layout_in_the_editor_at_1366x768(qtbot, demo_db: Database) -> None:
    """The editor itself: the win-back template with every card piled on one spot, Ctrl+L, a screenshot."""
    install_language(QApplication.instance(), "ko")
    journey = gallery.instantiate(gallery.template("winback_90d"), name="90일 윈백")
    for node_id in journey.nodes:
        journey.move_node(node_id, (0.0, 0.0))
    with demo_db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    window = EditorWindow(AppContext(demo_db, FixedClock(NOW), "ko", Bus()), journey.id)
    try:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)  # the first view (and the panels' sizes) settle first
        window.auto_layout()
        qtbot.wait(50)
        scene, laid = window.scene, window.journey
        cards = {node_id: card(scene, node_id) for node_id in laid.nodes}
        for edge_id, edge in laid.edges.items():
            path = scene.edges[edge_id].path()
            for step in range(SAMPLES + 1):
                point = path.pointAtPercent(step / SAMPLES)
                assert not any(rect.adjusted(2, 2, -2, -2).contains(point) for node_id, rect in cards.items()
                               if node_id not in (edge.source, edge.target)), edge
        window.grab().save(str(ARTIFACTS / "editor-1366-winback-auto-layout.png"))
        visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
        assert all(visible.contains(rect) for rect in cards.values()), (visible, cards)  # all in view
        window.view.zoom_by(1 / window.view.zoom())  # and at 1×, around the second fan-out
        window.view.centerOn(cards["ordered"].center())
        qtbot.wait(20)
        window.grab().save(str(ARTIFACTS / "editor-1366-winback-auto-layout-1x.png"))
    finally:
        window.doc.undo.setClean()
        window.close()
        window.deleteLater()
