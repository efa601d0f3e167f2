"""The problems panel: validation issues, errors first; clicking one selects and centres its node."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from engine.journey import Issue, node_type
from ui.editor.icons import status_icon


class ProblemsPanel(QListWidget):
    node_clicked = Signal(str)

    def __init__(self, lang: str = "ko") -> None:
        super().__init__()
        self.lang = lang
        self.issues: list[Issue] = []
        self.setIconSize(QSize(16, 16))
        self.itemClicked.connect(self._clicked)

    def sizeHint(self) -> QSize:
        return QSize(600, 100 if self.issues else 28)

    def show_issues(self, issues: list[Issue], labels: dict[str, str]) -> None:
        self.issues = issues
        self.clear()
        for issue in issues:
            where = labels.get(issue.node_id or "", "") if issue.node_id else ""
            text = f"{where + ': ' if where else ''}{issue.message(self.lang)}"
            item = QListWidgetItem(status_icon("error" if issue.is_error else "warning"), text)
            item.setData(Qt.ItemDataRole.UserRole, issue.node_id or "")
            item.setForeground(QColor("#c62828") if issue.is_error else QColor("#a16207"))
            self.addItem(item)
        if not issues:
            self.addItem(QListWidgetItem(status_icon("ok"), self.tr("No problems")))
        self._fit()

    def _fit(self) -> None:
        """One line while there is nothing to fix; room for a few issues when there are some."""
        if self.issues:
            self.setMinimumHeight(0)
            self.setMaximumHeight(16777215)
            return
        line = max(self.sizeHintForRow(0), self.fontMetrics().height() + 4, 20)
        self.setFixedHeight(line + 2 * self.frameWidth() + 4)

    def _clicked(self, item: QListWidgetItem) -> None:
        node_id = item.data(Qt.ItemDataRole.UserRole)
        if node_id:
            self.node_clicked.emit(node_id)


def node_labels(journey: object, lang: str) -> dict[str, str]:
    nodes = getattr(journey, "nodes", {})
    return {node_id: node.label or node_type(node.kind).label(lang) for node_id, node in nodes.items()}
