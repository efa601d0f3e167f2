"""Small shared widgets: page header, figure cards, formatting of dates (won: engine.money)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from engine.money import won

__all__ = ["SHOP_ZONE", "FigureCard", "first_size", "local_time", "muted_label", "title_label", "won"]

SHOP_ZONE = ZoneInfo("Asia/Seoul")


def local_time(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    local = value.astimezone(SHOP_ZONE)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def first_size(width: int, height: int) -> QSize:
    """A window's size on first opening: as asked, but never larger than the screen's free area (a
    1366×768 laptop has about 1366×728 below its task bar)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    free = screen.availableGeometry()
    return QSize(min(width, free.width()), min(height, free.height() - 32))  # 32: the title bar


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def muted_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


class FigureCard(QFrame):
    """A KPI tile: a caption above a big figure, with an optional note under it."""

    def __init__(self, caption: str, value: str = "", note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.caption = muted_label(caption)
        self.value = QLabel(value)
        self.value.setObjectName("figure")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = muted_label(note)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        layout.addStretch(1)  # caption and figure at the same height in every card of a row, note or not

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class ColumnScroll(QScrollArea):
    """Scrolls a column of boxes up and down: the column gets the viewport's width and the height it needs at that
    width (wrapped text included), whenever either changes. (A resizable QScrollArea gives a column whose boxes
    are rebuilt the height it had, squeezing the new boxes into it.)"""

    def __init__(self, column: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(column)
        column.installEventFilter(self)
        self._pending = False

    def fit(self) -> None:
        self._pending = False
        column = self.widget()
        if column is None:
            return
        width = self.viewport().width()
        layout = column.layout()
        height = column.sizeHint().height()
        if layout is not None:
            layout.activate()
            height = max(height, layout.minimumSize().height())
            if layout.hasHeightForWidth():
                height = max(height, layout.heightForWidth(width))
        column.resize(width, height)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest and not self._pending:
            self._pending = True  # once the layout has settled
            QTimer.singleShot(0, self.fit)
        return super().eventFilter(watched, event)
