"""Issue 14: the canvas's fast paint path still draws what it must. Zoomed out (20 %) a card is a block of
its category's colour and a wire a line; at 100 % the card's title, summary and live numbers are drawn, and
a changed number is drawn anew (the text is laid out once, not forever); a wire's share label is not cut off
by its cached picture; the cached grid follows a theme change. Pictures go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QTransform
from PySide6.QtWidgets import QApplication

from engine.journey import Journey
from tests.ui.conftest import ARTIFACTS
from ui.editor.document import JourneyDocument
from ui.editor.items import COLORS, WIDTH, NodeItem
from ui.editor.scene import JourneyScene
from ui.editor.view import JourneyView


@pytest.fixture
def canvas(qtbot) -> Iterator[JourneyView]:
    journey = Journey(name="그림")
    ids = [journey.add_node(kind, position=(x, 0.0), node_id=name).id
           for name, kind, x in (("start", "trigger.signed_up", 0.0), ("sms", "message.sms", 320.0),
                                 ("branch", "condition", 640.0), ("tag", "action.tag", 960.0))]
    for source, port, target in (("start", "out", "sms"), ("sms", "out", "branch"), ("branch", "yes", "tag")):
        journey.connect(source, port, target)
    assert ids
    view = JourneyView(JourneyScene(JourneyDocument(journey)))
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()
    view.deleteLater()


def _at(view: JourneyView, scale: float, center: QPointF) -> None:
    view.setTransform(QTransform.fromScale(scale, scale))
    view.centerOn(center)
    QApplication.processEvents()


def _card_image(view: JourneyView, item: NodeItem, rect: QRectF | None = None) -> QImage:
    area = view.mapFromScene(item.mapToScene(rect or QRectF(0, 0, WIDTH, item.height))).boundingRect()
    return view.viewport().grab(area).toImage()


def _share(image: QImage, test) -> float:
    pixels = [(x, y) for x in range(image.width()) for y in range(image.height())]
    return sum(1 for x, y in pixels if test(image.pixelColor(x, y))) / max(1, len(pixels))


def _near(color: QColor, target: QColor, tolerance: int = 40) -> bool:
    return (abs(color.red() - target.red()) < tolerance and abs(color.green() - target.green()) < tolerance
            and abs(color.blue() - target.blue()) < tolerance)


def test_zoomed_out_cards_are_blocks_of_their_colour_and_wires_are_drawn(canvas: JourneyView) -> None:
    scene = canvas.journey_scene
    _at(canvas, 0.2, QPointF(560, 40))
    canvas.grab().save(str(ARTIFACTS / "canvas-lod-20.png")) if ARTIFACTS.is_dir() else None
    background = canvas.viewport().grab().toImage().pixelColor(5, 5)
    for node_id, item in scene.nodes.items():
        accent = QColor(COLORS[item.kind.split(".", 1)[0]])
        inside = _card_image(canvas, item, QRectF(12, 12, WIDTH - 24, item.height - 24))
        # the whole card in its colour: no white body, no text (at 100 % most of a card is its white body)
        assert _share(inside, lambda color, accent=accent: _near(color, accent)) > 0.9, node_id
    # each wire: something other than the background halfway between the cards it joins
    for edge in scene.edges.values():
        middle = canvas.mapFromScene(edge.path().pointAtPercent(0.5))
        image = canvas.viewport().grab().toImage()
        drawn = [image.pixelColor(middle.x() + dx, middle.y() + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        assert any(not _near(color, background, 12) for color in drawn), edge.edge_id
    # the selection shows zoomed out too
    item = scene.nodes["sms"]
    gold = QColor("#f5b400")
    before = _share(_card_image(canvas, item, QRectF(-6, -6, WIDTH + 12, item.height + 12)),
                    lambda color: _near(color, gold))
    item.setSelected(True)
    QApplication.processEvents()
    after = _share(_card_image(canvas, item, QRectF(-6, -6, WIDTH + 12, item.height + 12)),
                   lambda color: _near(color, gold))
    assert before < 0.01 < after


def test_at_full_size_the_text_is_drawn_and_a_changed_number_drawn_anew(canvas: JourneyView) -> None:
    scene = canvas.journey_scene
    item = scene.nodes["sms"]
    _at(canvas, 1.0, item.mapToScene(QPointF(WIDTH / 2, 40)))
    text = item.scene().palette().text().color()
    body = QRectF(10, 26, WIDTH - 20, 34)
    summary_ink = _share(_card_image(canvas, item, body), lambda color: _near(color, text, 90))
    assert summary_ink > 0.02  # the summary's letters, dark on the white body
    accent = QColor(COLORS["message"])
    header = _card_image(canvas, item, QRectF(30, 4, 120, 18))
    assert _share(header, lambda color: color.lightness() > 200 and not _near(color, accent)) > 0.03  # white title
    numbers = QRectF(0, item.height + 2, WIDTH, 30)
    assert _share(_card_image(canvas, item, numbers), lambda color: _near(color, text, 90)) < 0.002
    item.stats = "지남 1,234 · 대기 56"
    item.redraw()
    QApplication.processEvents()
    first = _share(_card_image(canvas, item, numbers), lambda color: _near(color, text, 90))
    assert first > 0.01
    item.stats = "지남 1,234,567 · 대기 56,789 · 보냄 12,345"
    item.redraw()
    QApplication.processEvents()
    assert _share(_card_image(canvas, item, numbers), lambda color: _near(color, text, 90)) > first * 1.3
    canvas.grab().save(str(ARTIFACTS / "canvas-text-100.png")) if ARTIFACTS.is_dir() else None


def test_a_wire_label_is_drawn_whole(canvas: JourneyView) -> None:
    scene = canvas.journey_scene
    edge = next(edge for edge in scene.edges.values() if edge.source.node_id == "start")
    middle = edge.path().pointAtPercent(0.5)
    _at(canvas, 1.0, middle)
    label = canvas.mapFromScene(QRectF(middle.x() - 30, middle.y() - 18, 60, 16)).boundingRect()
    text = scene.palette().text().color()
    assert _share(canvas.viewport().grab(label).toImage(), lambda color: _near(color, text, 90)) < 0.002
    edge.label = "42%"
    edge.update()
    QApplication.processEvents()
    assert _share(canvas.viewport().grab(label).toImage(), lambda color: _near(color, text, 90)) > 0.03


def test_the_cached_grid_follows_the_theme(canvas: JourneyView) -> None:
    from ui.theme import DARK, apply_theme

    _at(canvas, 1.0, QPointF(-2000, -2000))  # empty canvas: only the background and its grid
    light = canvas.viewport().grab().toImage().pixelColor(7, 7)
    app = QApplication.instance()
    try:
        apply_theme(app, "dark")
        QApplication.processEvents()
        canvas.viewport().repaint()
        dark = canvas.viewport().grab().toImage().pixelColor(7, 7)
    finally:
        apply_theme(app, "light")
    assert light.lightness() > 150, light.name()
    assert dark.lightness() < 90, (dark.name(), DARK["base"])
