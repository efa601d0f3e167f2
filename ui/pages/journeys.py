"""여정: the journey list with import, export and delete (the canvas editor opens from here in a later step)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import delete

from engine import journey_store as store
from engine.journey import Journey, JourneyError
from engine.journey.limits import LIMITS, describe
from storage.models import Journey as JourneyRow
from ui.context import AppContext
from ui.editor.window import EditorWindow
from ui.widgets import local_time, muted_label, title_label

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # what a column sorts by: the number behind "1,234" or "56,000원"
CHANGED = 9  # the "Changed" column


def create_blank(ctx: AppContext, base_name: str) -> str:
    """Store an empty draft named `base_name` (or "`base_name` 2", 3 … when taken); returns its id."""
    with ctx.db.write_session() as session:
        taken = {row.name for row in store.list_journeys(session)}
        name, number = base_name, 2
        while name in taken:
            name, number = f"{base_name} {number}", number + 1
        journey = Journey(id=store.new_id(), name=name[:LIMITS.name_chars])
        store.save_draft(session, journey, ctx.clock)
    return journey.id


class JourneysPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Journeys")))
        layout.addWidget(muted_label(self.tr(
            "Each journey greets, thanks or wins back customers on its own. Start from the template gallery.")))
        buttons = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Open editor"))
        self.blank_button = QPushButton(self.tr("New blank journey"))
        self.blank_button.setToolTip(self.tr("An empty canvas: you pick how customers enter and build the steps."))
        self.new_button = QPushButton(self.tr("New from template…"))
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        for button in (self.edit_button, self.blank_button, self.new_button, self.duplicate_button, self.rename_button,
                       self.import_button, self.export_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.model = QStandardItemModel(0, 10, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Status"), self.tr("Version"), self.tr("Customers in it"),
             self.tr("Conversions"), self.tr("Sent (30 days)"), self.tr("Ordered (30 days)"),
             self.tr("Revenue (30 days)"), self.tr("ROI (30 days)"), self.tr("Changed")])
        for column, tip in ((5, self.tr("Messages sent in the last 30 days")),
                            (6, self.tr("Customers whose order in the last 30 days counts for this journey "
                                        "(last touch, or its coupon code)")),
                            (7, self.tr("What those orders were paid")),
                            (8, self.tr("(revenue − message cost − discount) ÷ (message cost + discount)"))):
            self.model.horizontalHeaderItem(column).setToolTip(tip)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.model.setSortRole(SORT_ROLE)  # numbers sort as numbers ("9" before "10"), won and % too
        self.table.setSortingEnabled(True)  # a click on a header sorts; the last changed first to begin with
        self.table.sortByColumn(CHANGED, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.table, 1)
        self.empty = muted_label(self.tr("No journeys yet. Pick one in the template gallery to begin."))
        layout.addWidget(self.empty)
        self.editors: dict[str, EditorWindow] = {}
        self.edit_button.clicked.connect(lambda: self.open_editor())
        ctx.bus.open_journey.connect(self.open_editor)
        ctx.bus.journey_changed.connect(self._heard)  # a rename or status change made anywhere (an editor)
        self.table.doubleClicked.connect(lambda _: self.open_editor())
        self.new_button.clicked.connect(lambda: ctx.bus.navigate.emit("gallery"))
        self.blank_button.clicked.connect(lambda: self.new_blank())
        self.import_button.clicked.connect(self.import_file)
        self.duplicate_button.clicked.connect(lambda: self.duplicate())
        self.rename_button.clicked.connect(lambda: self.rename())
        self.export_button.clicked.connect(self.export_file)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def status_text(self, status: str) -> str:
        return {"draft": self.tr("draft"), "live": self.tr("live"), "paused": self.tr("paused"),
                "archived": self.tr("archived")}.get(status, status)

    def refresh(self) -> None:
        from engine import config
        from engine.results.journeys import ListFigures, list_figures, roi_text, won
        from engine.runtime.stats import conversions

        with self.ctx.db.session() as session:
            rows = store.list_journeys(session)
            converted = conversions(session, int(config.get(session, "rules.conversion_days")))
            recent = list_figures(session, self.ctx.clock.now(), days=30)
        self.table.setSortingEnabled(False)  # filled unsorted, then sorted once as the owner left the header
        self.model.removeRows(0, self.model.rowCount())
        for row in rows:
            month = recent.get(row.id, ListFigures())
            items = [QStandardItem(row.name or self.tr("(no name)")), QStandardItem(self.status_text(row.status)),
                     QStandardItem(f"v{row.live_version}" if row.live_version else "–"),
                     QStandardItem(f"{row.active:,}"), QStandardItem(self._conversion_text(converted.get(row.id))),
                     QStandardItem(f"{month.sent:,}"), QStandardItem(f"{month.conversions:,}"),
                     QStandardItem(won(month.revenue, self.ctx.lang)), QStandardItem(roi_text(month.roi)),
                     QStandardItem(local_time(row.updated_at))]
            items[0].setData(row.id, Qt.ItemDataRole.UserRole)
            figures = converted.get(row.id)
            rate = figures[1] / figures[0] if figures and figures[0] else -1.0
            keys = (row.name or "", row.status, row.live_version or 0, row.active, rate, month.sent,
                    month.conversions, month.revenue, month.roi if month.roi is not None else float("-inf"),
                    row.updated_at.isoformat() if row.updated_at else "")
            for item, key in zip(items, keys, strict=True):
                item.setData(key, SORT_ROLE)
            for column in (3, 5, 6, 7, 8):
                items[column].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow(items)
        self.table.setSortingEnabled(True)
        self.empty.setVisible(not rows)
        self._update_buttons()

    def _heard(self, journey_id: str, field: str, value: str) -> None:
        """Show a journey's new name or status in its row at once (the row found by the journey's id)."""
        column = {"name": 0, "status": 1}.get(field)
        if column is None:
            return
        text = (value or self.tr("(no name)")) if field == "name" else self.status_text(value)
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(Qt.ItemDataRole.UserRole) == journey_id:
                self.model.item(row, column).setText(text)
                self.model.item(row, column).setData(value or "", SORT_ROLE)

    def _conversion_text(self, figures: tuple[int, int] | None) -> str:
        if not figures or not figures[0]:
            return "–"
        reached, converted = figures
        return f"{converted:,} / {reached:,} ({converted * 100 / reached:.0f}%)"

    def selected_id(self) -> str | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(Qt.ItemDataRole.UserRole) if indexes else None

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        self.export_button.setEnabled(chosen)
        self.edit_button.setEnabled(chosen)
        self.duplicate_button.setEnabled(chosen)
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def open_editor(self, journey_id: str | None = None) -> EditorWindow | None:
        journey_id = journey_id or self.selected_id()
        if journey_id is None:
            return None
        window = self.editors.get(journey_id)
        if window is None or not window.isVisible():
            try:
                window = EditorWindow(self.ctx, journey_id, on_saved=self.ctx.bus.data_changed.emit)
            except JourneyError as exc:  # a stored draft over the limits (imported before they existed)
                QMessageBox.warning(self, self.tr("Open editor"), describe(exc, self.ctx.lang))
                return None
            self.editors[journey_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        QSettings().setValue("editor/last_journey", journey_id)  # reopened at the next start
        return window

    def reopen_last(self) -> EditorWindow | None:
        """Open the editor that was open when the app last closed (if that journey still exists)."""
        journey_id = QSettings().value("editor/last_journey")
        if not journey_id:
            return None
        with self.ctx.db.session() as session:
            from storage.models import Journey as Row

            if session.get(Row, str(journey_id)) is None:
                return None
        return self.open_editor(str(journey_id))

    def new_blank(self) -> EditorWindow | None:
        """A new draft with nothing on it yet, opened in the editor (the canvas says how to begin)."""
        journey_id = create_blank(self.ctx, self.tr("New journey"))
        self.ctx.bus.data_changed.emit()
        self.refresh()
        return self.open_editor(journey_id)

    def duplicate(self) -> str | None:
        """A copy of the selected journey's draft, as a new draft with fresh ids."""
        journey_id = self.selected_id()
        if journey_id is None:
            return None
        with self.ctx.db.write_session() as session:
            original = store.load(session, journey_id)
            data = original.to_dict()
            data["id"] = store.new_id()
            data["name"] = self.tr("%1 (copy)").replace("%1", original.name)[:LIMITS.name_chars]
            copy = Journey.from_dict(data)
            store.save_draft(session, copy, self.ctx.clock)
        self.ctx.bus.data_changed.emit()
        return copy.id

    def rename(self, name: str | None = None) -> bool:
        journey_id = self.selected_id()
        if journey_id is None:
            return False
        with self.ctx.db.session() as session:
            journey = store.load(session, journey_id)
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("New name"), text=journey.name)
            if not ok:
                return False
        name = name.strip()
        if not name:
            QMessageBox.warning(self, self.tr("Rename"), self.tr("A journey needs a name."))
            return False
        if len(name) > LIMITS.name_chars:
            too_long = JourneyError("text_too_long", where=self.tr("Name"), length=len(name), limit=LIMITS.name_chars)
            QMessageBox.warning(self, self.tr("Rename"), describe(too_long, self.ctx.lang))
            return False
        with self.ctx.db.write_session() as session:  # announced: an open editor of it takes the new name
            store.rename(session, journey_id, name, self.ctx.clock)
        self.ctx.bus.data_changed.emit()
        return True

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a journey"), "", self.tr("Journey files (*.json)"))
        if not path:
            return
        try:
            with self.ctx.db.write_session() as session:
                store.import_journey(session, Path(path), self.ctx.clock)
        except store.StoreError as exc:
            QMessageBox.warning(self, self.tr("Import"), str(exc))
            return
        self.ctx.bus.data_changed.emit()

    def export_file(self) -> None:
        journey_id = self.selected_id()
        if journey_id is None:
            return
        with self.ctx.db.session() as session:
            journey = store.load(session, journey_id)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export a journey"), f"{journey.name or 'journey'}.json",
                                              self.tr("Journey files (*.json)"))
        if not path:
            return
        try:
            store.write_file(journey, Path(path))
        except store.StoreError as exc:
            QMessageBox.warning(self, self.tr("Export"), str(exc))

    def delete_selected(self) -> None:
        journey_id = self.selected_id()
        if journey_id is None:
            return
        with self.ctx.db.session() as session:
            row = store.find_row(session, journey_id)
            name = row.name
        answer = QMessageBox.question(
            self, self.tr("Delete journey"),
            self.tr("Delete '%1'? Its history and the customers in it are removed too. This cannot be undone.")
            .replace("%1", name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self.ctx.db.write_session() as session:
            session.execute(delete(JourneyRow).where(JourneyRow.id == journey_id))
        self.ctx.bus.data_changed.emit()
