"""Canvas items: a node card with named ports, and the curved edges between ports.

Items only draw and report gestures; the scene turns gestures into undo commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from engine.journey import node_type, summarize
from ui.editor.icons import paint_icon

if TYPE_CHECKING:
    from engine.journey import Node

WIDTH = 210.0
HEADER = 26.0
BODY = 34.0
PORT_R = 6.0
PORT_GAP = 18.0
STATS_LINE = 12.0  # one line of the live numbers (8 pt)
COLORS = {
    "trigger": "#2f9e62", "wait": "#8a6fdf", "condition": "#e0882b", "split": "#d9577a", "message": "#2f6fed",
    "action": "#178a94", "goal": "#b8912b", "exit": "#6b7280",
}


class NodeItem(QGraphicsItem):
    def __init__(self, node: Node, lang: str) -> None:
        super().__init__()
        self.node_id = node.id
        self.lang = lang
        self.kind = node.kind
        spec = node_type(node.kind)
        self.inputs = [port.name for port in spec.inputs]
        self.outputs = [(port.name, port.label_ko if lang == "ko" else port.label_en) for port in spec.outputs]
        self.title = node.label or spec.label(lang)
        self.summary = summarize(node.kind, node.params, lang)
        self.problem: str | None = None  # "error" or "warning": a badge
        self.stats: str = ""  # live numbers painted under the card
        self.alert: str = ""  # in red under the numbers: customers who stopped here (message could not be made)
        self.height = HEADER + BODY + max(0, len(self.outputs) - 1) * PORT_GAP
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setPos(QPointF(*node.position))
        self.setZValue(1)
        self.setToolTip(spec.description_ko if lang == "ko" else spec.description_en)

    def refresh(self, node: Node) -> None:
        self.title = node.label or node_type(node.kind).label(self.lang)
        self.summary = summarize(node.kind, node.params, self.lang)
        self.redraw()

    def redraw(self) -> None:
        """Paint again from scratch. update() alone left the device-coordinate cache showing the old
        picture (no highlight after selecting, old numbers) until the zoom changed; dropping the cache
        and taking it up again makes the next paint a fresh one."""
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update()

    def boundingRect(self) -> QRectF:  # the problem badge above the top edge; numbers and an alert below
        return QRectF(-PORT_R - 2, -12, WIDTH + 2 * PORT_R + 4, self.height + 34 + self.stats_height())

    def stats_height(self) -> float:
        """Room for the live numbers: each of their lines may wrap once under the card."""
        return max(36.0, 2 * STATS_LINE * (self.stats.count("\n") + 1))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, WIDTH, self.height), 8, 8)
        return path

    # ports, in item coordinates
    def input_pos(self) -> QPointF:
        return QPointF(0, HEADER + BODY / 2)

    def output_pos(self, port: str) -> QPointF:
        names = [name for name, _ in self.outputs]
        index = names.index(port) if port in names else 0
        return QPointF(WIDTH, HEADER + BODY / 2 + index * PORT_GAP)

    def port_at(self, scene_pos: QPointF) -> tuple[str, str] | None:
        """("in"|"out", port name) when `scene_pos` is on one of this node's ports."""
        local = self.mapFromScene(scene_pos)
        for name, _ in self.outputs:
            if (local - self.output_pos(name)).manhattanLength() <= PORT_R * 2.2:
                return ("out", name)
        if self.inputs and (local - self.input_pos()).manhattanLength() <= PORT_R * 2.2:
            return ("in", self.inputs[0])
        return None

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        category = self.kind.split(".", 1)[0]
        accent = QColor(COLORS.get(category, "#6b7280"))
        palette = item_palette(self)  # not the widget's: a cached item is painted with no widget
        base = palette.base().color()
        text = palette.text().color()
        card = QRectF(0, 0, WIDTH, self.height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = self.isSelected()
        painter.setPen(QPen(QColor("#f5b400") if selected else accent.darker(115), 2.5 if selected else 1.2))
        painter.setBrush(QBrush(base))
        painter.drawRoundedRect(card, 8, 8)
        header = QPainterPath()
        header.setFillRule(Qt.FillRule.WindingFill)  # the two shapes overlap: fill their union, not the xor
        header.addRoundedRect(QRectF(0, 0, WIDTH, HEADER), 8, 8)
        header.addRect(QRectF(0, HEADER / 2, WIDTH, HEADER / 2))
        painter.fillPath(header, accent)
        font = QFont(painter.font())
        font.setPointSizeF(9.5)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        paint_icon(painter, category, QRectF(9, (HEADER - 14) / 2, 14, 14), QColor("#ffffff"))
        painter.drawText(QRectF(30, 0, WIDTH - 40, HEADER), Qt.AlignmentFlag.AlignVCenter, self.title)
        font.setBold(False)
        font.setPointSizeF(9)
        painter.setFont(font)
        painter.setPen(text)
        metrics = QFontMetricsF(font)
        summary = metrics.elidedText(self.summary, Qt.TextElideMode.ElideRight, WIDTH - 20)
        painter.drawText(QRectF(10, HEADER, WIDTH - 20, BODY), Qt.AlignmentFlag.AlignVCenter, summary)
        # ports
        painter.setPen(QPen(accent.darker(120), 1.2))
        painter.setBrush(QBrush(base))
        if self.inputs:
            painter.drawEllipse(self.input_pos(), PORT_R, PORT_R)
        small = QFont(font)
        small.setPointSizeF(8)
        painter.setFont(small)
        for name, label in self.outputs:
            point = self.output_pos(name)
            painter.setBrush(QBrush(accent))
            painter.drawEllipse(point, PORT_R, PORT_R)
            if len(self.outputs) > 1:
                painter.setPen(text)
                painter.drawText(QRectF(point.x() - 80, point.y() - 8, 70, 16),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
                painter.setPen(QPen(accent.darker(120), 1.2))
        if self.problem:
            color = QColor("#d32f2f" if self.problem == "error" else "#f59e0b")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(QPointF(WIDTH - 10, -2), 8, 8)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(QRectF(WIDTH - 18, -10, 16, 16), Qt.AlignmentFlag.AlignCenter, "!")
        if self.stats:
            painter.setPen(text)
            painter.drawText(QRectF(0, self.height + 2, WIDTH, self.stats_height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, self.stats)
        if self.alert:
            painter.setPen(QColor("#d32f2f"))
            painter.drawText(QRectF(0, self.height + 2 + self.stats_height(), WIDTH, 18), Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(self.alert, Qt.TextElideMode.ElideRight, WIDTH))

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            scene = self.scene()
            if scene is not None and getattr(scene, "snap", True):
                point = value
                grid = 20.0
                return QPointF(round(point.x() / grid) * grid, round(point.y() / grid) * grid)
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.redraw()  # the cached picture must be drawn again with (or without) the highlight
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None:
                scene.node_geometry_changed(self.node_id)  # type: ignore[attr-defined]
        return super().itemChange(change, value)


class EdgeItem(QGraphicsPathItem):
    def __init__(self, edge_id: str, source: NodeItem, source_port: str, target: NodeItem) -> None:
        super().__init__()
        self.edge_id = edge_id
        self.source, self.source_port, self.target = source, source_port, target
        self.label = ""
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.update_path()

    def update_path(self) -> None:
        start = self.source.mapToScene(self.source.output_pos(self.source_port))
        end = self.target.mapToScene(self.target.input_pos())
        self.setPath(curve(start, end))

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor("#f5b400") if self.isSelected() else QColor("#8b95a5")
        painter.setPen(QPen(color, 2.4 if self.isSelected() else 1.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        if self.label:
            middle = self.path().pointAtPercent(0.5)
            painter.setPen(item_palette(self).text().color())
            painter.drawText(QRectF(middle.x() - 30, middle.y() - 18, 60, 16), Qt.AlignmentFlag.AlignCenter, self.label)


def item_palette(item: QGraphicsItem) -> QPalette:
    """The colours of the theme in force (the scene follows the application's palette)."""
    scene = item.scene()
    return scene.palette() if scene is not None else QApplication.palette()


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    path = QPainterPath(start)
    bend = max(40.0, abs(end.x() - start.x()) / 2)
    path.cubicTo(QPointF(start.x() + bend, start.y()), QPointF(end.x() - bend, end.y()), end)
    return path
