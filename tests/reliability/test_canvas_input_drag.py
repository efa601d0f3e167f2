"""Issue #14 B: pressing on an input dot starts a link backwards, or picks up the wire already there
(detach: drop on another card to re-link, on empty canvas to remove). The card never moves, and each
gesture is one undo step. Driven with real mouse events on the view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from engine.journey import Journey
from ui.editor.document import JourneyDocument
from ui.editor.scene import JourneyScene, refusal_text
from ui.editor.view import JourneyView


@pytest.fixture
def canvas(qtbot):
    journey = Journey(name="입력 끌기")
    journey.add_node("trigger.order_placed", position=(0.0, 0.0), node_id="t")
    journey.add_node("message.sms", position=(280.0, 0.0), node_id="a")
    journey.add_node("exit", position=(560.0, 0.0), node_id="done")
    journey.add_node("message.sms", position=(280.0, 200.0), node_id="b")
    journey.add_node("exit", position=(560.0, 200.0), node_id="other")
    journey.connect("t", "out", "a")
    journey.connect("a", "out", "done")
    doc = JourneyDocument(journey)
    scene = JourneyScene(doc)
    view = JourneyView(scene)
    view.resize(1100, 600)
    view.show()
    qtbot.waitExposed(view)
    view.centerOn(QPointF(400, 150))
    refusals: list[str] = []
    scene.refused.connect(refusals.append)
    yield journey, doc, scene, view, refusals
    view.close()


def on_view(view: JourneyView, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def input_dot(scene: JourneyScene, node_id: str) -> QPointF:
    item = scene.nodes[node_id]
    return item.mapToScene(item.input_pos())


def output_dot(scene: JourneyScene, node_id: str, port: str = "out") -> QPointF:
    item = scene.nodes[node_id]
    return item.mapToScene(item.output_pos(port))


def drag(view: JourneyView, start: QPointF, end: QPointF) -> None:
    viewport = view.viewport()
    a, b = on_view(view, start), on_view(view, end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for step in range(1, 6):
        QTest.mouseMove(viewport, a + (b - a) * step / 5)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def links(journey: Journey) -> set[tuple[str, str, str]]:
    return {(e.source, e.source_port, e.target) for e in journey.edges.values()}


def positions(journey: Journey) -> dict[str, tuple[float, float]]:
    return {node_id: node.position for node_id, node in journey.nodes.items()}


def test_dragging_from_a_free_input_links_backwards_to_an_output(canvas) -> None:
    journey, doc, scene, view, refusals = canvas
    before, where = links(journey), positions(journey)
    drag(view, input_dot(scene, "other"), output_dot(scene, "b"))
    assert links(journey) == before | {("b", "out", "other")}
    assert positions(journey) == where and scene.nodes["other"].pos() == QPointF(560, 200)  # the card stayed
    assert set(scene.edges) == set(journey.edges)
    doc.undo.undo()
    assert links(journey) == before and doc.undo.index() == 0
    # onto an output that is taken: refused in the forward drag's words, nothing changes
    drag(view, input_dot(scene, "other"), output_dot(scene, "a"))
    assert links(journey) == before
    assert refusals == [refusal_text("port_taken", "ko")]
    # onto a card with no output (an exit): refused too
    drag(view, input_dot(scene, "other"), output_dot(scene, "done") + QPointF(-100, 0))
    assert links(journey) == before and len(refusals) == 2
    assert positions(journey) == where and not doc.undo.canUndo()


def test_picking_up_a_wire_end_relinks_it_in_one_undo_step(canvas) -> None:
    journey, doc, scene, view, refusals = canvas
    old_id = journey.edges_from("a")[0].id
    before, where = links(journey), positions(journey)
    drag(view, input_dot(scene, "done"), input_dot(scene, "other") + QPointF(60, 0))  # dropped on the card
    assert links(journey) == before - {("a", "out", "done")} | {("a", "out", "other")}
    assert positions(journey) == where and scene.nodes["done"].pos() == QPointF(560, 0)
    assert set(scene.edges) == set(journey.edges) and all(item.isVisible() for item in scene.edges.values())
    assert doc.undo.count() == 1
    doc.undo.undo()
    assert links(journey) == before and old_id in journey.edges and old_id in scene.edges
    doc.undo.redo()
    assert ("a", "out", "other") in links(journey)
    # picked up and dropped back on its own card: nothing happens
    doc.undo.undo()
    drag(view, input_dot(scene, "done"), input_dot(scene, "done") + QPointF(80, 10))
    assert links(journey) == before and doc.undo.index() == 0 and scene.edges[old_id].isVisible()
    # a re-link that would make a loop is refused and the wire goes back
    drag(view, input_dot(scene, "done"), input_dot(scene, "t") + QPointF(60, 0))  # a trigger has no input
    assert links(journey) == before and refusals and scene.edges[old_id].isVisible()


def test_a_wire_end_dropped_on_empty_canvas_removes_the_link(canvas) -> None:
    journey, doc, scene, view, _ = canvas
    before, where = links(journey), positions(journey)
    drag(view, input_dot(scene, "done"), QPointF(900, 120))
    assert links(journey) == before - {("a", "out", "done")}
    assert positions(journey) == where and set(scene.edges) == set(journey.edges)
    doc.undo.undo()
    assert links(journey) == before and set(scene.edges) == set(journey.edges)


def test_pressing_a_card_body_still_moves_it(canvas) -> None:
    journey, doc, scene, view, _ = canvas
    body = scene.nodes["b"].mapToScene(QPointF(100, 10))
    drag(view, body, body + QPointF(0, 100))
    assert journey.node("b").position == (280.0, 300.0) and links(journey) == {("t", "out", "a"), ("a", "out", "done")}
    doc.undo.undo()
    assert journey.node("b").position == (280.0, 200.0)
