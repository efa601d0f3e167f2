"""The dashboard's lower half for now: what needs the owner's attention, and each journey's numbers.

Kept in its own widget so the KPI charts can replace it; it only reads existing engine functions
(runtime.stats.failures and conversions, journey_store.list_journeys, delivery.late).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from engine import config
from engine import journey_store as store
from engine.delivery.late import unseen_count
from engine.runtime.stats import conversions, failures
from storage.models import OutboxMessage
from ui.context import AppContext
from ui.widgets import muted_label

JOURNEY_ROWS = 8


class DashboardLists(QWidget):
    """Two short lists: things to look at (each a link to where it is fixed) and the journeys' numbers."""

    open_journey = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        attention = QGroupBox(self.tr("Needs your attention"))
        column = QVBoxLayout(attention)
        self.attention = QLabel()
        self.attention.setWordWrap(True)
        self.attention.setTextFormat(Qt.TextFormat.RichText)
        self.attention.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.attention.linkActivated.connect(self._link)
        column.addWidget(self.attention, 1)
        journeys = QGroupBox(self.tr("Journeys"))
        column = QVBoxLayout(journeys)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Journey"), self.tr("Status"), self.tr("Customers in it"),
                                              self.tr("Conversions")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(
            lambda index: self.open_journey.emit(self.table.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)))
        self.empty = muted_label(self.tr("No journeys yet. Pick one in the template gallery to begin."))
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        layout.addWidget(attention, 2)
        layout.addWidget(journeys, 3)

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            found = failures(session)
            held = session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.status == "held")) or 0
            late = unseen_count(session)
            days = int(config.get(session, "rules.conversion_days"))
            rows = store.list_journeys(session)[:JOURNEY_ROWS]
            converted = conversions(session, days)
        lines = []
        for failure in found:
            lines.append(self.tr("'%1': a message could not be made for %2 customers. <a href=\"journey:%3\">Fix it</a>")
                         .replace("%1", failure.journey).replace("%2", f"{failure.customers:,}")
                         .replace("%3", failure.journey_id))
        if held:
            lines.append(self.tr("%1 messages wait for your review. <a href=\"page:messages\">Message log</a>")
                         .replace("%1", f"{held:,}"))
        if late:
            lines.append(self.tr("%1 messages were too late while the PC was off (see the notice at the top).")
                         .replace("%1", f"{late:,}"))
        self.attention.setText("<br><br>".join(f"• {line}" for line in lines) if lines
                               else self.tr("Nothing to look at: no failed messages, none waiting for review."))
        names = {"draft": self.tr("draft"), "live": self.tr("live"), "paused": self.tr("paused"),
                 "archived": self.tr("archived")}
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            reached, won = converted.get(row.id, (0, 0))
            cells = [row.name, names.get(row.status, row.status), f"{row.active:,}",
                     f"{won:,} / {reached:,}" if reached else "–"]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, row.id)
                if column >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, cell)
        self.table.setHorizontalHeaderItem(3, QTableWidgetItem(
            self.tr("Ordered within %1 days").replace("%1", str(days))))
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def _link(self, target: str) -> None:
        kind, _, value = target.partition(":")
        if kind == "journey":
            self.open_journey.emit(value)
        elif kind == "page":
            self.ctx.bus.navigate.emit(value)
