"""The minimap: the whole journey small, with the visible part framed; click or drag to move there."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView

from ui.editor.view import JourneyView


class Minimap(QGraphicsView):
    def __init__(self, view: JourneyView) -> None:
        super().__init__(view.scene())
        self.main = view
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.setFixedHeight(150)
        view.horizontalScrollBar().valueChanged.connect(self._scrolled)
        view.verticalScrollBar().valueChanged.connect(self._scrolled)
        view.scene().changed.connect(self._changed)

    def _scrolled(self, _value: int) -> None:
        self.viewport().update()

    def _changed(self, _regions: object) -> None:
        self.refit()

    def sizeHint(self) -> QSize:  # the scene is huge; the map is a small overview
        return QSize(240, 150)

    def refit(self) -> None:
        rect = QRectF()
        for item in self.main.journey_scene.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        if not rect.isNull():
            self.fitInView(rect.adjusted(-80, -80, 80, 80), Qt.AspectRatioMode.KeepAspectRatio)

    def visible_rect(self) -> QRectF:
        return self.main.mapToScene(self.main.viewport().rect()).boundingRect()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        pen = QPen(QColor("#2f6fed"))
        pen.setWidthF(0)
        painter.setPen(pen)
        painter.setBrush(QColor(47, 111, 237, 30))
        painter.drawRect(self.visible_rect())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.main.centerOn(self.mapToScene(event.position().toPoint()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.main.centerOn(self.mapToScene(event.position().toPoint()))
