"""The palette: node kinds grouped by category, searchable (Korean or English), dragged onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from engine.journey import CATEGORIES, REGISTRY
from engine.journey.search import find_kinds
from ui.editor.icons import category_icon
from ui.editor.items import COLORS
from ui.editor.view import KIND_MIME


class PaletteTree(QTreeWidget):
    def startDrag(self, supported: Qt.DropAction) -> None:
        item = self.currentItem()
        kind = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if not kind:
            return
        data = QMimeData()
        data.setData(KIND_MIME, kind.encode())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    chosen = Signal(str)  # a kind, double-clicked or picked with Enter

    def __init__(self, lang: str = "ko") -> None:
        super().__init__()
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search nodes"))
        self.search.setClearButtonEnabled(True)
        self.tree = PaletteTree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.nothing = QLabel(self.tr("No node matches that."))
        self.nothing.setObjectName("muted")
        self.nothing.setWordWrap(True)
        self.nothing.hide()
        layout.addWidget(self.nothing)
        self.groups: dict[str, QTreeWidgetItem] = {}
        for category, (ko, en) in CATEGORIES.items():
            group = QTreeWidgetItem([ko if lang == "ko" else en])
            group.setIcon(0, category_icon(category, QColor(COLORS.get(category, "#6b7280"))))
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            self.groups[category] = group
        for spec in REGISTRY.values():
            item = QTreeWidgetItem([spec.label(lang)])
            item.setData(0, Qt.ItemDataRole.UserRole, spec.kind)
            item.setToolTip(0, spec.description_ko if lang == "ko" else spec.description_en)
            item.setData(0, Qt.ItemDataRole.UserRole + 1,
                         " ".join((spec.label_ko, spec.label_en, spec.kind, spec.description_ko, spec.description_en)).lower())
            self.groups[spec.category].addChild(item)
        self.tree.expandAll()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._pick_first)
        self.tree.itemDoubleClicked.connect(self._picked)

    def sizeHint(self) -> QSize:
        return QSize(230, 400)

    def filter(self, text: str) -> None:
        found = set(find_kinds(text))  # any part of a name, Korean or English, or a word for it (대기, 카톡 …)
        for group in self.groups.values():
            shown = 0
            for index in range(group.childCount()):
                child = group.child(index)
                match = child.data(0, Qt.ItemDataRole.UserRole) in found
                child.setHidden(not match)
                shown += match
            group.setHidden(shown == 0)
        self.nothing.setVisible(not found)

    def visible_kinds(self) -> list[str]:
        kinds = []
        for group in self.groups.values():
            for index in range(group.childCount()):
                child = group.child(index)
                if not child.isHidden() and not group.isHidden():
                    kinds.append(child.data(0, Qt.ItemDataRole.UserRole))
        return kinds

    def _pick_first(self) -> None:
        kinds = self.visible_kinds()
        if kinds:
            self.chosen.emit(kinds[0])

    def _picked(self, item: QTreeWidgetItem) -> None:
        kind = item.data(0, Qt.ItemDataRole.UserRole)
        if kind:
            self.chosen.emit(kind)
