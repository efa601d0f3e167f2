"""템플릿 갤러리: ready-made journeys; one click makes a draft copy."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine import gallery
from engine import journey_store as store
from ui.context import AppContext
from ui.widgets import muted_label, title_label


def flow_picture(graph: dict, lang: str, width: int = 460, height: int = 140, ratio: float | None = None) -> QPixmap:
    """A small picture of a template's flow, drawn by the canvas itself at the screen's pixel ratio
    (sharp on a 2× screen)."""
    from engine.journey import Journey, apply_layout
    from ui.editor.document import JourneyDocument
    from ui.editor.scene import JourneyScene

    journey = Journey.from_dict(graph)
    apply_layout(journey)
    scene = JourneyScene(JourneyDocument(journey), lang)
    rect = scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
    if ratio is None:
        app = QGuiApplication.instance()
        ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    pixmap = QPixmap(QSize(round(width * ratio), round(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, width, height), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    return pixmap


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
        self.grid.setSpacing(12)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        self.refresh()

    def refresh(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
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
        picture = QLabel()
        picture.setPixmap(flow_picture(template.graph, self.ctx.lang, ratio=self.devicePixelRatioF()))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        row = QHBoxLayout()
        row.addWidget(muted_label(self.tr("%n step(s)", "", len(template.graph.get("nodes", [])))))
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
