"""Canvas items: a node card with named ports, and the curved edges between ports.

Items only draw and report gestures; the scene turns gestures into undo commands.
"""

from __future__ import annotations

import html
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
    QStaticText,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from engine.journey import node_type, summarize
from engine.journey.layout import (
    CARD_BODY,
    CARD_HEADER,
    CARD_WIDTH,
    PORT_GAP,
    Lane,
    wire_route,
    wire_segments,
)
from ui.editor.icons import paint_icon

if TYPE_CHECKING:
    from engine.journey import Node

WIDTH, HEADER, BODY = CARD_WIDTH, CARD_HEADER, CARD_BODY  # one card geometry for the layout and the canvas
PORT_R = 6.0
STATS_LINE = 12.0  # one line of the live numbers (8 pt)
COLORS = {
    "trigger": "#2f9e62", "wait": "#8a6fdf", "condition": "#e0882b", "split": "#d9577a", "message": "#2f6fed",
    "action": "#178a94", "goal": "#b8912b", "exit": "#6b7280",
}
# Below this scale (a card under ~84 px wide) a card is drawn as a block of its colour and a wire as a
# plain line: its text would be unreadable anyway, and a zoomed-out frame of 1,000 cards stays fast.
LOD_SIMPLE = 0.4
ANTIALIAS = QPainter.RenderHint.Antialiasing
SELECTED = QStyle.StateFlag.State_Selected


class _Look:
    """The pens and brushes of one category, made once (never in paint())."""

    def __init__(self, category: str) -> None:
        self.accent = QColor(COLORS.get(category, "#6b7280"))
        self.border = QPen(self.accent.darker(115), 1.2)
        self.port = QPen(self.accent.darker(120), 1.2)
        self.fill = QBrush(self.accent)


_LOOKS: dict[str, _Look] = {}
WHITE = QColor("#ffffff")
SELECTED_PEN = QPen(QColor("#f5b400"), 2.5)
BLOCK_SELECTED_PEN = QPen(QColor("#f5b400"), 2.5)
BLOCK_SELECTED_PEN.setCosmetic(True)  # 2.5 pixels at any zoom: seen on a card a fifth of its size
NO_PEN = QPen(Qt.PenStyle.NoPen)
BADGE_BRUSHES = {"error": QBrush(QColor("#d32f2f")), "warning": QBrush(QColor("#f59e0b"))}
ALERT_PEN = QPen(QColor("#d32f2f"))
WHITE_PEN = QPen(WHITE)
EDGE_PEN = QPen(QColor("#8b95a5"), 1.8)
EDGE_SELECTED_PEN = QPen(QColor("#f5b400"), 2.4)
EDGE_LINE_PEN = QPen(QColor("#8b95a5"), 0)  # cosmetic: one pixel at any scale
EDGE_LINE_SELECTED_PEN = QPen(QColor("#f5b400"), 0)
NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


def _look(category: str) -> _Look:
    look = _LOOKS.get(category)
    if look is None:
        look = _LOOKS[category] = _Look(category)
    return look


def _header_path() -> QPainterPath:
    header = QPainterPath()
    header.setFillRule(Qt.FillRule.WindingFill)  # the two shapes overlap: fill their union, not the xor
    header.addRoundedRect(QRectF(0, 0, WIDTH, HEADER), 8, 8)
    header.addRect(QRectF(0, HEADER / 2, WIDTH, HEADER / 2))
    return header


HEADER_PATH = _header_path()


class _Fonts:
    """The card's three fonts and their metrics, derived from the application font once per font."""

    _cache: dict[str, _Fonts] = {}

    def __init__(self, base: QFont) -> None:
        self.title = QFont(base)
        self.title.setPointSizeF(9.5)
        self.title.setBold(True)
        self.body = QFont(base)
        self.body.setPointSizeF(9)
        self.small = QFont(self.body)
        self.small.setPointSizeF(8)
        self.body_metrics = QFontMetricsF(self.body)

    @classmethod
    def current(cls) -> _Fonts:
        base = QApplication.font()
        key = base.key()
        fonts = cls._cache.get(key)
        if fonts is None:
            fonts = cls._cache[key] = cls(base)
        return fonts


def _static(text: str, font: QFont, width: float | None = None) -> QStaticText:
    if "\n" in text:  # plain QStaticText joins lines: several lines go as rich text with breaks (drawn in the pen)
        static = QStaticText("<br>".join(html.escape(line) for line in text.split("\n")))
        static.setTextFormat(Qt.TextFormat.RichText)
    else:
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    if width is not None:
        static.setTextWidth(width)
    static.prepare(font=font)
    return static


def _line(text: str, font: QFont) -> tuple[float, float]:
    """(width, height) of one line of `text` as drawText lays it out: with the fallback fonts the line
    needs (Hangul comes from a CJK font with a taller line than the application font's metrics say)."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1_000_000)
    layout.endLayout()
    return line.naturalTextWidth(), line.height()


class _CardText:
    """A card's text laid out once: (static text, top-left point) per line, rebuilt only when the title,
    summary, port labels, numbers, alert or the application font change."""

    def __init__(self, item: NodeItem, fonts: _Fonts) -> None:
        body = fonts.body_metrics
        self.title = _static(item.title, fonts.title)
        width, height = _line(item.title, fonts.title)
        self.title_at = QPointF(30, (HEADER - height) / 2)
        self.title_clipped = width > WIDTH - 40
        summary = body.elidedText(item.summary, Qt.TextElideMode.ElideRight, WIDTH - 20)
        self.summary = _static(summary, fonts.body)
        self.summary_at = QPointF(10, HEADER + (BODY - _line(summary, fonts.body)[1]) / 2)
        self.ports: list[tuple[QStaticText, QPointF]] = []
        if len(item.outputs) > 1:
            for name, label in item.outputs:
                point = item.output_pos(name)
                width, height = _line(label, fonts.small)
                self.ports.append((_static(label, fonts.small),
                                   QPointF(point.x() - 10 - width, point.y() - 8 + (16 - height) / 2)))
        self.bang = _static("!", fonts.small)
        width, height = _line("!", fonts.small)
        self.bang_at = QPointF(WIDTH - 10 - width / 2, -10 + (16 - height) / 2)
        self.stats = _static(item.stats, fonts.small, WIDTH) if item.stats else None
        self.stats_at = QPointF(0, item.height + 2)
        self.stats_clipped = self.stats is not None and self.stats.size().height() > item.stats_height()
        alert = body.elidedText(item.alert, Qt.TextElideMode.ElideRight, WIDTH) if item.alert else ""
        self.alert = _static(alert, fonts.small) if alert else None
        self.alert_at = QPointF(0, item.height + 2 + item.stats_height())


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
        self._text: _CardText | None = None
        self._text_key: tuple[Any, ...] = ()
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
        bounds = self.__dict__.get("_bounds")
        room = self.stats_height()
        if bounds is None or bounds[0] != (self.height, room):  # asked several times a frame: made once
            bounds = self._bounds = ((self.height, room),
                                     QRectF(-PORT_R - 2, -12, WIDTH + 2 * PORT_R + 4, self.height + 34 + room))
        return bounds[1]

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

    def card_rect(self) -> QRectF:
        """The card in scene coordinates (without the numbers under it)."""
        return QRectF(self.pos().x(), self.pos().y(), WIDTH, self.height)

    def port_at(self, scene_pos: QPointF) -> tuple[str, str] | None:
        """("in"|"out", port name) when `scene_pos` is on one of this node's ports."""
        local = self.mapFromScene(scene_pos)
        for name, _ in self.outputs:
            if (local - self.output_pos(name)).manhattanLength() <= PORT_R * 2.2:
                return ("out", name)
        if self.inputs and (local - self.input_pos()).manhattanLength() <= PORT_R * 2.2:
            return ("in", self.inputs[0])
        return None

    def card_text(self) -> _CardText:
        """The laid-out text, made again only when something it shows has changed."""
        fonts = _Fonts.current()
        key = (fonts, self.title, self.summary, self.stats, self.alert, self.height, tuple(self.outputs))
        if self._text is None or key != self._text_key:
            self._text, self._text_key = _CardText(self, fonts), key
        return self._text

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        look = _look(self.kind.split(".", 1)[0])
        selected = self.isSelected()  # the picture is cached: paint() runs when it changes, not every frame
        painter.setRenderHint(ANTIALIAS)
        card = QRectF(0, 0, WIDTH, self.height)
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SIMPLE:
            # zoomed far out: a block of the category's colour, the highlight and the problem dot
            painter.setPen(BLOCK_SELECTED_PEN if selected else NO_PEN)
            painter.setBrush(look.fill)
            painter.drawRoundedRect(card, 8, 8)
            if self.problem:
                painter.setPen(NO_PEN)
                painter.setBrush(BADGE_BRUSHES["error" if self.problem == "error" else "warning"])
                painter.drawEllipse(QPointF(WIDTH - 10, -2), 12, 12)
            return
        palette = item_palette(self)  # not the widget's: a cached item is painted with no widget
        base = palette.base()
        text = palette.text().color()
        fonts = _Fonts.current()
        laid = self.card_text()
        painter.setPen(SELECTED_PEN if selected else look.border)
        painter.setBrush(base)
        painter.drawRoundedRect(card, 8, 8)
        painter.fillPath(HEADER_PATH, look.accent)
        paint_icon(painter, self.kind.split(".", 1)[0], QRectF(9, (HEADER - 14) / 2, 14, 14), WHITE)
        painter.setFont(fonts.title)
        painter.setPen(WHITE)
        if laid.title_clipped:  # a long label is cut at the header's end, as before
            painter.save()
            painter.setClipRect(QRectF(30, 0, WIDTH - 40, HEADER))
            painter.drawStaticText(laid.title_at, laid.title)
            painter.restore()
        else:
            painter.drawStaticText(laid.title_at, laid.title)
        painter.setFont(fonts.body)
        painter.setPen(text)
        painter.drawStaticText(laid.summary_at, laid.summary)
        # ports
        painter.setPen(look.port)
        painter.setBrush(base)
        if self.inputs:
            painter.drawEllipse(self.input_pos(), PORT_R, PORT_R)
        painter.setBrush(look.fill)
        for name, _label in self.outputs:
            painter.drawEllipse(self.output_pos(name), PORT_R, PORT_R)
        painter.setFont(fonts.small)
        if laid.ports:
            painter.setPen(text)
            for static, point in laid.ports:
                painter.drawStaticText(point, static)
        if self.problem:
            painter.setPen(NO_PEN)
            painter.setBrush(BADGE_BRUSHES["error" if self.problem == "error" else "warning"])
            painter.drawEllipse(QPointF(WIDTH - 10, -2), 8, 8)
            painter.setPen(WHITE)
            painter.drawStaticText(laid.bang_at, laid.bang)
        if laid.stats is not None:
            painter.setPen(text)
            if laid.stats_clipped:
                painter.save()
                painter.setClipRect(QRectF(0, self.height + 2, WIDTH, self.stats_height()))
                painter.drawStaticText(laid.stats_at, laid.stats)
                painter.restore()
            else:
                painter.drawStaticText(laid.stats_at, laid.stats)
        if laid.alert is not None:
            painter.setPen(ALERT_PEN)
            painter.drawStaticText(laid.alert_at, laid.alert)

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
        self._label = ""
        self.lanes: tuple[Lane, ...] = ()  # the detour past cards in the way (none: one curve)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        # a wire's picture is kept like a card's: a frame of 1,000 wires blits pictures instead of calling
        # paint() 1,000 times (see docs/performance.md); it is made again when the path changes
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._stroke: tuple[QPainterPath, str, QPainterPath] | None = None
        self.update_path()

    def update_path(self) -> None:
        """One curve between the ports, or a detour through free rows when a card lies in the way."""
        start = self.source.mapToScene(self.source.output_pos(self.source_port))
        end = self.target.mapToScene(self.target.input_pos())
        scene = self.scene()
        ends = (self.source, self.target)
        cards = [] if scene is None else scene.cards_between(start, end, ends)  # type: ignore[attr-defined]
        self.lanes = wire_route((start.x(), start.y()), (end.x(), end.y()), cards)
        if self.lanes:  # blocked: look for free rows among every card in the columns it crosses
            cards = scene.cards_between(start, end, ends, any_row=True)  # type: ignore[union-attr]
            self.lanes = wire_route((start.x(), start.y()), (end.x(), end.y()), cards)
        self.setPath(wire_path(start, end, self.lanes))

    @property
    def label(self) -> str:  # the share of customers taking this wire, written above its middle
        return self._label

    @label.setter
    def label(self, text: str) -> None:
        if text != self._label:
            self._label = text
            path = self.path()  # set again, so the bounding rect (taken from shape()) takes the label in or out
            self.setPath(QPainterPath())
            self.setPath(path)
            # and the cached picture made again: a steep wire's bounding rect already held the label's box, so
            # nothing above told the cache it changed and the share was never drawn (A and holdout, not B)
            self.redraw()

    def shape(self) -> QPainterPath:
        """The 10-unit band a click picks the wire in, and the label's box: the cached picture is the
        size of this (QGraphicsPathItem's bounding rect), so a label outside it would be cut. Made once per
        path and label."""
        path = self.path()
        if self._stroke is None or self._stroke[0] != path or self._stroke[1] != self._label:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            band = stroker.createStroke(path)
            if self._label:
                band.setFillRule(Qt.FillRule.WindingFill)
                middle = path.pointAtPercent(0.5)
                band.addRect(QRectF(middle.x() - 30, middle.y() - 18, 60, 16))
            self._stroke = (path, self._label, band)
        return self._stroke[2]

    def redraw(self) -> None:
        """Paint again from scratch, after a theme change (selecting redraws a wire by itself)."""
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        selected = self.isSelected()
        path = self.path()
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SIMPLE:
            # zoomed far out: a plain one-pixel line from port to port, no label
            painter.setRenderHint(ANTIALIAS, False)
            painter.setPen(EDGE_LINE_SELECTED_PEN if selected else EDGE_LINE_PEN)
            start = path.elementAt(0)
            painter.drawLine(QPointF(start.x, start.y), path.currentPosition())
            return
        painter.setRenderHint(ANTIALIAS)
        painter.setPen(EDGE_SELECTED_PEN if selected else EDGE_PEN)
        painter.setBrush(NO_BRUSH)
        painter.drawPath(path)
        if self.label:
            middle = path.pointAtPercent(0.5)
            box = QRectF(middle.x() - 30, middle.y() - 18, 60, 16)
            palette = item_palette(self)
            width = painter.fontMetrics().horizontalAdvance(self.label) + 6
            backing = palette.base().color()
            backing.setAlpha(220)  # the wire shows faintly through, the figure stays legible where a steep wire
            painter.setPen(Qt.PenStyle.NoPen)  # runs straight through the label
            painter.setBrush(backing)
            painter.drawRoundedRect(QRectF(middle.x() - width / 2, box.top(), width, box.height()), 3, 3)
            painter.setPen(palette.text().color())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.label)


def item_palette(item: QGraphicsItem) -> QPalette:
    """The colours of the theme in force (the scene follows the application's palette)."""
    scene = item.scene()
    return scene.palette() if scene is not None else QApplication.palette()


def wire_path(start: QPointF, end: QPointF, lanes: tuple[Lane, ...] = ()) -> QPainterPath:
    path = QPainterPath(start)
    for piece in wire_segments((start.x(), start.y()), (end.x(), end.y()), lanes):
        if len(piece) == 2:
            path.lineTo(QPointF(*piece[1]))
        else:
            path.cubicTo(QPointF(*piece[1]), QPointF(*piece[2]), QPointF(*piece[3]))
    return path


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    return wire_path(start, end)
