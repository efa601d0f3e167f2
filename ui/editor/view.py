"""The canvas view: zoom, pan, grid, rubber-band selection, and dropping nodes from the palette."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmapCache,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView

from engine.journey import JourneyError
from engine.journey.limits import describe
from ui.editor.document import AddNode
from ui.editor.scene import JourneyScene

KIND_MIME = "application/x-dangol-node-kind"
MIN_ZOOM, MAX_ZOOM = 0.15, 2.5
READABLE_ZOOM = 0.7  # node titles stay legible at 1× from here up
GRID_PEN = QPen(QColor(128, 128, 128, 40), 0)  # cosmetic: one pixel at any zoom
PICTURE_CACHE_KB = 64 * 1024  # Qt's 10 MB default holds about half the pictures of a full screen of cards


class JourneyView(QGraphicsView):
    quick_add = Signal(QPointF)  # Tab or a double-click on empty canvas: open the search at this scene point

    def __init__(self, scene: JourneyScene) -> None:
        super().__init__(scene)
        self.journey_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # measured (docs/performance.md, issue 14): the grid cached, each item's own paint() left to set
        # the pen, brush and hints it uses, and room for every visible card's and wire's cached picture
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PICTURE_CACHE_KB))
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self._panning: QPointF | None = None
        # the opening view follows the view's size (the window settling, docks taking their width, a maximise)
        # until the owner first zooms, pans, scrolls, clicks or types on the canvas
        self.follows_size = False
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.actionTriggered.connect(self._owner_moved)
        scene.doc.node_added.connect(lambda _: self.viewport().update())  # the empty-canvas hint comes and goes
        scene.doc.node_removed.connect(lambda _: self.viewport().update())

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        self.scale(target / self.zoom(), target / self.zoom())

    def zoom_in(self) -> None:
        self.follows_size = False
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.follows_size = False
        self.zoom_by(0.8)

    def fit(self, rect: QRectF) -> None:
        if rect.isNull():
            return
        self.fitInView(rect.adjusted(-60, -60, 60, 60), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.2:
            self.zoom_by(1.2 / self.zoom())

    def fit_all(self) -> None:
        rect = QRectF()
        for item in self.journey_scene.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        self.fit(rect)

    def show_all(self) -> None:
        """'Fit all' asked for by the owner: it stays until they move the canvas, whatever the window does."""
        self.follows_size = False
        self.fit_all()

    def _owner_moved(self, *_: object) -> None:
        self.follows_size = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.follows_size:
            self.first_view()

    def first_view(self) -> None:
        """On opening: the whole journey when it fits readably, else its start at a readable scale; again at
        each change of the view's size until the owner moves the canvas."""
        self.follows_size = True
        self.fit_all()
        if self.zoom() >= READABLE_ZOOM:
            return
        rect = QRectF()
        for item in self.journey_scene.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        self.zoom_by(READABLE_ZOOM / self.zoom())
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        self.centerOn(QPointF(rect.left() - 40 + visible.width() / 2, rect.center().y()))

    def fit_selection(self) -> None:
        self.follows_size = False
        rect = QRectF()
        for item in self.journey_scene.selectedItems():
            rect = rect.united(item.sceneBoundingRect())
        self.fit(rect) if not rect.isNull() else self.fit_all()

    def center_on_node(self, node_id: str) -> None:
        item = self.journey_scene.nodes.get(node_id)
        if item is not None:
            self.follows_size = False
            self.journey_scene.clearSelection()
            item.setSelected(True)
            self.centerOn(item)

    # --- input ------------------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.follows_size = False
        self.zoom_by(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.follows_size = False
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._panning is not None:
            delta = event.position() - self._panning
            self._panning = event.position()
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._panning is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._panning = None
            self.unsetCursor()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        scene_pos = self.mapToScene(event.position().toPoint())
        if self.journey_scene.node_at(scene_pos) is None:
            self.quick_add.emit(scene_pos)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.follows_size = False
        if event.key() == Qt.Key.Key_Tab:
            self.quick_add.emit(self.mapToScene(self.viewport().rect().center()))
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.journey_scene.delete_selected()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # keep Tab for quick-add
        return False

    def empty_hint(self) -> str:
        """What an empty canvas says (a blank journey): how to begin."""
        if self.journey_scene.nodes:
            return ""
        return self.tr("Start with how customers enter: drag a start node (Signed up, Order placed …) from the list on "
                       "the left, or press Tab and type its name.")

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        hint = self.empty_hint()
        if not hint:
            return
        painter.save()
        painter.resetTransform()
        area = QRectF(self.viewport().rect()).adjusted(40, 40, -40, -40)
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), hint)
        painter.restore()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """The 20-unit grid, as two batches of lines. The view caches what this draws (CacheBackground):
        a pan draws only the strip that comes into view, a repaint none of it."""
        super().drawBackground(painter, rect)
        if self.zoom() < 0.4:
            return
        grid = 20
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(GRID_PEN)
        left = int(rect.left()) - int(rect.left()) % grid
        top = int(rect.top()) - int(rect.top()) % grid
        x0, x1, y0, y1 = rect.left(), rect.right(), rect.top(), rect.bottom()
        painter.drawLines([QLineF(x, y0, x, y1) for x in range(left, int(x1) + 1, grid) if x < x1])
        painter.drawLines([QLineF(x0, y, x1, y) for y in range(top, int(y1) + 1, grid) if y < y1])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.resetCachedContent()  # the cached background was painted in the old theme's colours
        super().changeEvent(event)

    # --- dropping from the palette ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.follows_size = False
        if not event.mimeData().hasFormat(KIND_MIME):
            super().dropEvent(event)
            return
        kind = bytes(event.mimeData().data(KIND_MIME)).decode()
        point = self.mapToScene(event.position().toPoint())
        self.add_node(kind, point)
        event.acceptProposedAction()

    def free_spot(self, point: QPointF) -> QPointF:
        """The nearest place to `point` where a new card overlaps no other card (searched ring by ring)."""
        from ui.editor.items import WIDTH

        taken = [item.mapRectToScene(QRectF(0, 0, WIDTH, item.height)).adjusted(-30, -30, 30, 30)
                 for item in self.journey_scene.nodes.values()]
        card = QRectF(0, 0, WIDTH, 110)  # room for the tallest card (three outputs) and its numbers below

        def free(at: QPointF) -> bool:
            return not any(rect.intersects(card.translated(at)) for rect in taken)

        if free(point):
            return point
        step_x, step_y = WIDTH + 40, 80.0
        for ring in range(1, 40):
            spots = [QPointF(point.x() + dx * step_x, point.y() + dy * step_y)
                     for dx in range(-ring, ring + 1) for dy in range(-ring, ring + 1)
                     if max(abs(dx), abs(dy)) == ring]
            spots.sort(key=lambda p: (p - point).manhattanLength())
            for spot in spots:
                if free(spot):
                    return spot
        return point

    def add_node(self, kind: str, point: QPointF) -> str | None:
        grid = 20
        position = (round(point.x() / grid) * grid, round(point.y() / grid) * grid)
        journey = self.journey_scene.doc.journey
        if len(journey.nodes) >= journey.limits.nodes:  # refused here, in words, not by the model mid-command
            full = JourneyError("too_many_nodes", count=len(journey.nodes) + 1, limit=journey.limits.nodes)
            self.journey_scene.refused.emit(describe(full, self.journey_scene.lang))
            return None
        command = AddNode(self.journey_scene.doc, kind, (float(position[0]), float(position[1])))
        self.journey_scene.doc.push(command)
        return command.node_id
