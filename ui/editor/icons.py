"""Node-category icons drawn as vector shapes, so they never depend on a font having the glyph and stay
sharp at any screen scale (a ⏱ or ⑂ character shows as an empty box where the font lacks it)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF


def paint_icon(painter: QPainter, category: str, rect: QRectF, color: QColor) -> None:
    """Draw the icon of `category` inside `rect` (a square works best) in `color`."""
    size = min(rect.width(), rect.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.center().x() - size / 2, rect.center().y() - size / 2)
    painter.scale(size / 16, size / 16)  # draw on a 16 × 16 grid
    pen = QPen(color, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    fill = color
    if category == "trigger":  # play
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF([QPointF(4, 2.5), QPointF(13.5, 8), QPointF(4, 13.5)]))
    elif category == "wait":  # clock
        painter.drawEllipse(QPointF(8, 8), 6.2, 6.2)
        painter.drawPolyline(QPolygonF([QPointF(8, 4.2), QPointF(8, 8), QPointF(10.8, 9.6)]))
    elif category == "condition":  # diamond
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF([QPointF(8, 1.5), QPointF(14.5, 8), QPointF(8, 14.5), QPointF(1.5, 8)]))
    elif category == "split":  # a path forking in two
        path = QPainterPath(QPointF(2, 8))
        path.lineTo(6, 8)
        path.cubicTo(9, 8, 9, 3.5, 13, 3.5)
        path.moveTo(6, 8)
        path.cubicTo(9, 8, 9, 12.5, 13, 12.5)
        painter.drawPath(path)
        painter.setBrush(fill)
        painter.drawEllipse(QPointF(13, 3.5), 1.6, 1.6)
        painter.drawEllipse(QPointF(13, 12.5), 1.6, 1.6)
    elif category == "message":  # envelope
        painter.drawRoundedRect(QRectF(1.5, 3.5, 13, 9), 1.2, 1.2)
        painter.drawPolyline(QPolygonF([QPointF(2, 4.2), QPointF(8, 9), QPointF(14, 4.2)]))
    elif category == "action":  # gear
        teeth = QPainterPath()
        for index in range(8):
            angle = index * math.pi / 4
            teeth.moveTo(8 + 4.6 * math.cos(angle), 8 + 4.6 * math.sin(angle))
            teeth.lineTo(8 + 7.0 * math.cos(angle), 8 + 7.0 * math.sin(angle))
        painter.setPen(QPen(color, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawPath(teeth)
        painter.setPen(pen)
        painter.drawEllipse(QPointF(8, 8), 4.4, 4.4)
        painter.drawEllipse(QPointF(8, 8), 1.5, 1.5)
    elif category == "goal":  # star
        points = [QPointF(8 + (7 if i % 2 == 0 else 3) * math.sin(i * math.pi / 5),
                          8.6 - (7 if i % 2 == 0 else 3) * math.cos(i * math.pi / 5)) for i in range(10)]
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF(points))
    elif category == "exit":  # stop square
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(3, 3, 10, 10), 1.5, 1.5)
    painter.restore()


def category_icon(category: str, color: QColor, size: int = 16, scale: float = 2.0) -> QIcon:
    """A QIcon for lists: drawn at `scale` times `size` pixels, so it stays sharp on a 2× screen."""
    pixmap = QPixmap(round(size * scale), round(size * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_icon(painter, category, QRectF(1, 1, size - 2, size - 2), color)
    painter.end()
    return QIcon(pixmap)


STATUS_COLORS = {"error": "#d32f2f", "warning": "#f59e0b", "ok": "#2f9e62"}


def status_icon(kind: str, size: int = 16, scale: float = 2.0) -> QIcon:
    """An error (red disc with !), warning (amber triangle with !) or ok (green tick) mark, drawn."""
    pixmap = QPixmap(round(size * scale), round(size * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 16, size / 16)
    color = QColor(STATUS_COLORS.get(kind, "#6b7280"))
    white = QPen(QColor("#ffffff"), 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    if kind == "ok":
        painter.setPen(QPen(color, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.drawPolyline(QPolygonF([QPointF(3, 8.5), QPointF(6.5, 12), QPointF(13, 4.5)]))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        if kind == "error":
            painter.drawEllipse(QPointF(8, 8), 7, 7)
            top, bottom, dot = 4.2, 8.8, 11.6
        else:
            painter.drawPolygon(QPolygonF([QPointF(8, 1), QPointF(15.2, 14.5), QPointF(0.8, 14.5)]))
            top, bottom, dot = 5.6, 9.6, 12.2
        painter.setPen(white)
        painter.drawLine(QPointF(8, top), QPointF(8, bottom))
        painter.setBrush(QColor("#ffffff"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(8, dot), 1.1, 1.1)
    painter.end()
    return QIcon(pixmap)
