"""Quick add (Tab or a double-click on empty canvas): type any part of a node's name, or a word for it
(대기, 카톡, 메일, if …), in Korean or English; Enter adds the highlighted one. Says so when nothing matches."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from engine.journey import REGISTRY
from engine.journey.search import find_kinds


class QuickAddDialog(QDialog):
    chosen = Signal(str)  # a kind

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setWindowTitle(self.tr("Add a node"))
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Type a name: wait, text, Kakao, coupon, condition …"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.nothing = QLabel(self.tr("No node matches that."))
        self.nothing.setObjectName("muted")
        self.nothing.setWordWrap(True)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.nothing)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self.pick)
        self.results.itemActivated.connect(lambda _: self.pick())
        self.search.installEventFilter(self)
        self.resize(320, 360)
        self.filter("")

    def filter(self, text: str) -> None:
        self.results.clear()
        for kind in find_kinds(text):
            spec = REGISTRY[kind]
            item = QListWidgetItem(spec.label(self.lang))
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(spec.description_ko if self.lang == "ko" else spec.description_en)
            self.results.addItem(item)
        self.nothing.setVisible(self.results.count() == 0)
        if self.results.count():
            self.results.setCurrentRow(0)

    def kinds(self) -> list[str]:
        return [self.results.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.results.count())]

    def pick(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return  # nothing matches: the dialog stays, saying so
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def eventFilter(self, watched: object, event: object) -> bool:  # ↑/↓ in the search box move the choice
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.results.count():
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]
