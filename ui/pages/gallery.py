"""템플릿 갤러리: ready-made journeys; one click makes a draft copy."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPen, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine import gallery
from engine import journey_store as store
from ui.context import AppContext
from ui.widgets import muted_label, title_label

THUMB_COLUMN, THUMB_ROW = 235.0, 110.0  # tighter than the canvas's layout: more of the flow at a readable size
READABLE_SCALE = 0.72  # a card's title at 9.5 pt stays about 9 px high
MAX_SCALE = 0.9
MINIMAP_HEIGHT = 46
THUMB_WIDTH, THUMB_HEIGHT = 510, 210


@dataclass
class Thumbnail:
    """A template's picture: its first steps at a readable scale and, when the flow is longer, a small map of
    the whole of it below (the part shown large framed in it)."""

    pixmap: QPixmap
    scale: float  # scene units to picture pixels in the large part
    shown_columns: int  # steps from the start shown large (layout columns)
    columns: int  # steps from the start to the end of the longest path
    minimap: QRectF | None  # where the whole-flow map is, in the picture (None: everything is shown large)


def flow_thumbnail(graph: dict, lang: str, width: int = THUMB_WIDTH, height: int = THUMB_HEIGHT,
                   ratio: float | None = None) -> Thumbnail:
    """Draw a template's flow by the canvas itself, at the screen's pixel ratio (sharp on a 2× screen): as many
    first steps as fit at a readable scale, and a map of the whole flow below when it is longer than that."""
    from engine.journey import Journey
    from engine.journey.layout import layout_positions
    from ui.editor.document import JourneyDocument
    from ui.editor.items import WIDTH
    from ui.editor.scene import JourneyScene

    journey = Journey.from_dict(graph)
    for node_id, position in layout_positions(journey, THUMB_COLUMN, THUMB_ROW).items():
        journey.move_node(node_id, position)
    scene = JourneyScene(JourneyDocument(journey), lang)
    whole = scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
    columns = len({node.position[0] for node in journey.nodes.values()})
    if ratio is None:
        app = QGuiApplication.instance()
        ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    pixmap = QPixmap(QSize(round(width * ratio), round(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fit = min(width / whole.width(), height / whole.height())
    if fit >= READABLE_SCALE:  # all of it is readable: no map needed
        scale = min(fit, MAX_SCALE)
        size = QSizeF(whole.width() * scale, whole.height() * scale)
        target = QRectF(QPointF((width - size.width()) / 2, (height - size.height()) / 2), size)
        scene.render(painter, target, whole, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        return Thumbnail(pixmap, scale, columns, columns, None)
    top = height - MINIMAP_HEIGHT - 8
    # the first columns that fit across at the readable scale (at least one), the rows around the entry
    shown = max(1, min(columns, int((width / READABLE_SCALE - WIDTH - 10) // THUMB_COLUMN) + 1))
    span_w = (shown - 1) * THUMB_COLUMN + WIDTH + 10
    scale = min(width / span_w, MAX_SCALE)
    span_h = top / scale
    # from the top of the entry (the first trigger's card) down, as far as fits
    entry = [node.position[1] for node in journey.nodes.values()
             if node.position[0] == 0 and node.category == "trigger"] or [whole.top() + 20]
    upper = max(whole.top(), min(min(entry) - 20, whole.bottom() - span_h))
    if whole.height() <= span_h:  # a flow in one or two rows: in the middle
        upper = whole.center().y() - span_h / 2
    source = QRectF(whole.left(), upper, width / scale, span_h)
    scene.render(painter, QRectF(0, 0, width, top), source, Qt.AspectRatioMode.KeepAspectRatio)
    # the map of the whole flow, the part shown above framed in it
    area = QRectF(0, top + 8, width, MINIMAP_HEIGHT)
    painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
    painter.setBrush(QColor(127, 127, 127, 28))
    painter.drawRoundedRect(area, 6, 6)
    inner = area.adjusted(6, 4, -6, -4)
    small = min(inner.width() / whole.width(), inner.height() / whole.height())
    drawn = QRectF(inner.left(), inner.top() + (inner.height() - whole.height() * small) / 2,
                   whole.width() * small, whole.height() * small)
    scene.render(painter, drawn, whole, Qt.AspectRatioMode.KeepAspectRatio)
    frame = QRectF(drawn.left() + (source.left() - whole.left()) * small,
                   drawn.top() + (source.top() - whole.top()) * small,
                   source.width() * small, source.height() * small).intersected(area)
    painter.setPen(QPen(QColor("#2d6cdf"), 1.5))
    painter.setBrush(QColor(45, 108, 223, 30))
    painter.drawRect(frame)
    painter.end()
    return Thumbnail(pixmap, scale, shown, columns, area)


def flow_picture(graph: dict, lang: str, width: int = THUMB_WIDTH, height: int = THUMB_HEIGHT,
                 ratio: float | None = None) -> QPixmap:
    """The thumbnail's picture alone."""
    return flow_thumbnail(graph, lang, width, height, ratio).pixmap


class GalleryPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Template gallery")))
        top = QHBoxLayout()
        top.addWidget(muted_label(self.tr("Journeys that work for most shops. Use one as it is or change it.")), 1)
        self.blank_button = QPushButton(self.tr("New blank journey"))
        self.blank_button.setToolTip(self.tr("An empty canvas: you pick how customers enter and build the steps."))
        self.blank_button.clicked.connect(lambda: self.new_blank())
        top.addWidget(self.blank_button)
        layout.addLayout(top)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        self.grid = QGridLayout(holder)
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # scrolls rather than squeezing the cards
        self.grid.setSpacing(12)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        # the cards (a flow picture each) are drawn when the page is first shown, not while the app starts
        self.thumbnails: dict[str, Thumbnail] = {}
        self.drawn = False
        self.drawn_key: tuple[object, ...] = ()

    def showEvent(self, event: QShowEvent) -> None:
        if not self.drawn:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """The cards, drawn again only when the template files or the language changed: the window refreshes
        the page it shows after every sync and each time it is opened, and the thumbnails cost ≈ 150 ms."""
        key = (self.ctx.lang, tuple((path.name, path.stat().st_mtime_ns)
                                    for path in sorted(gallery.TEMPLATES_DIR.glob("*.json"))))
        if self.drawn and key == self.drawn_key:
            return
        self.drawn, self.drawn_key = True, key
        self.thumbnails = {}
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone now, not when the event loop gets to deleting it
                item.widget().deleteLater()
        try:
            items = gallery.templates()
        except store.StoreError as exc:
            self.grid.addWidget(QLabel(str(exc)), 0, 0)
            return
        for index, template in enumerate(items):
            self.grid.addWidget(self._card(template), index // 2, index % 2)
        self.grid.setRowStretch(len(items) // 2 + 1, 1)

    def _card(self, template: gallery.Template) -> QFrame:
        card = QFrame()
        card.setObjectName("card")
        layout = QVBoxLayout(card)
        title = QLabel(self.ctx.label(template.title_ko, template.title_en))
        title.setStyleSheet("font-weight: 600; font-size: 12pt;")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(muted_label(self.ctx.label(template.description_ko, template.description_en)))
        thumbnail = flow_thumbnail(template.graph, self.ctx.lang, ratio=self.devicePixelRatioF())
        picture = QLabel()
        picture.setPixmap(thumbnail.pixmap)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setMinimumSize(thumbnail.pixmap.deviceIndependentSize().toSize())  # never squeezed or cut
        self.thumbnails[template.id] = thumbnail
        layout.addWidget(picture)
        row = QHBoxLayout()
        steps = self.tr("%n step(s)", "", len(template.graph.get("nodes", [])))
        if thumbnail.minimap is not None:
            steps += " · " + self.tr("below: the whole flow")
            picture.setToolTip(self.tr("The first steps are shown large; the strip below is the whole flow, "
                                       "the part shown large framed in blue."))
        row.addWidget(muted_label(steps))
        row.addStretch(1)
        use = QPushButton(self.tr("Use this template"))
        use.clicked.connect(lambda _=False, t=template: self.choose(t))
        row.addWidget(use)
        layout.addLayout(row)
        return card

    def new_blank(self) -> str:
        from ui.pages.journeys import create_blank

        journey_id = create_blank(self.ctx, self.tr("New journey"))
        self.ctx.bus.data_changed.emit()
        self.ctx.bus.navigate.emit("journeys")
        self.ctx.bus.open_journey.emit(journey_id)
        return journey_id

    def choose(self, template: gallery.Template) -> QWidget:
        """'Use this template': a short form with its settings first (ui/template_form.py), then the draft opens."""
        from ui.template_form import open_form

        return open_form(self, template)

    def use(self, template: gallery.Template, values: dict | None = None, name: str | None = None) -> None:
        journey = gallery.instantiate(template, values=values,
                                      name=name or self.ctx.label(template.graph.get("name", ""), template.title_en))
        with self.ctx.db.write_session() as session:
            store.save_draft(session, journey, self.ctx.clock, template_id=template.id)
        self.ctx.bus.data_changed.emit()
        self.ctx.bus.navigate.emit("journeys")
        self.ctx.bus.open_journey.emit(journey.id)  # straight into the editor, as a new draft
