"""The notice of messages skipped as too late while the PC was off, and the dialog that lists them.

The rule stays (a message past its node's lateness limit is not sent on its own); the owner is told at the next
start, and may send the still-useful ones after all (engine/delivery/late.py: the other rules still apply, and
never twice) or dismiss the notice (the messages are then marked as seen).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine import channels
from engine.delivery.late import LateMessage, dismiss_late, late_messages, send_late, unseen_count
from ui.context import AppContext
from ui.widgets import local_time, muted_label


class LateBanner(QFrame):
    """One line at the top of the main window while late-skipped messages wait for the owner's look."""

    changed = Signal()  # the owner sent or dismissed some: the status and the message log may change
    dismissed = Signal(int)  # how many the owner chose to keep unsent

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("lateNotice")
        self.setStyleSheet("#lateNotice { background: #fff4e5; border-bottom: 1px solid #f0c27b; }"
                           "#lateNotice QLabel { color: #7a4b00; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.show_button = QPushButton(self.tr("See them and send…"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setToolTip(self.tr("Keep them unsent; this notice does not come back for them"))
        self.show_button.clicked.connect(lambda: self.open_dialog())
        self.dismiss_button.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.dismiss_button)
        self.count = 0
        self.dialog: LateDialog | None = None
        self.setVisible(False)

    def refresh(self) -> int:
        with self.ctx.db.session() as session:
            self.count = unseen_count(session)
        self.label.setText(self.tr("While the PC was off, %1 messages were too late and were not sent "
                                   "(their journeys skip a message more than its set hours late).")
                           .replace("%1", f"{self.count:,}"))
        self.setVisible(self.count > 0)
        return self.count

    def dismiss(self) -> None:
        with self.ctx.db.write_session() as session:
            count = dismiss_late(session)
        self.refresh()
        self.dismissed.emit(count)
        self.changed.emit()

    def open_dialog(self) -> LateDialog:
        dialog = LateDialog(self.ctx, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.refresh)
        dialog.changed.connect(self.changed.emit)
        self.dialog = dialog
        dialog.open()
        return dialog


class LateDialog(QDialog):
    """The late-skipped messages: customer, journey, message, when it was due; send the chosen ones now."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Messages not sent because they were too late"))
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        intro = muted_label(self.tr("The PC (or the runner) was off when these were due, and their journeys skip a "
                                    "message that is too late. Choose the ones still worth sending: they go at the "
                                    "next run, and consent, quiet hours and the daily limits still apply."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Customer"), self.tr("Journey"), self.tr("Message"),
                                              self.tr("Was due")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        row = QHBoxLayout()
        self.select_all = QPushButton(self.tr("Select all"))
        self.send_button = QPushButton(self.tr("Send the selected now"))
        self.dismiss_button = QPushButton(self.tr("Keep them unsent"))
        close = QPushButton(self.tr("Close"))
        self.select_all.clicked.connect(self.table.selectAll)
        self.send_button.clicked.connect(lambda: self.send_selected())
        self.dismiss_button.clicked.connect(self.dismiss_all)
        close.clicked.connect(self.accept)
        for button in (self.select_all, self.send_button, self.dismiss_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.table.itemSelectionChanged.connect(self._buttons)
        self.items: list[LateMessage] = []
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            self.items = late_messages(session, include_seen=True)
        labels = channels.labels(self.ctx.lang)
        self.table.setRowCount(len(self.items))
        for index, item in enumerate(self.items):
            cells = [item.customer, item.journey, f"{labels.get(item.channel, item.channel)} · {item.preview(80)}",
                     local_time(item.due_at)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                if column == 2:
                    cell.setToolTip((item.subject + "\n\n" if item.subject else "") + item.body)
                self.table.setItem(index, column, cell)
        self._buttons()

    def _buttons(self) -> None:
        self.send_button.setEnabled(bool(self.selected_ids()))
        self.dismiss_button.setEnabled(any(not item.seen for item in self.items))

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.items[row].id for row in rows if row < len(self.items)]

    def send_selected(self, ids: list[int] | None = None) -> int:
        chosen = self.selected_ids() if ids is None else ids
        if not chosen:
            return 0
        with self.ctx.db.write_session() as session:
            count = send_late(session, chosen, self.ctx.clock.now())
            dismiss_late(session)  # the owner has looked at the list: the rest stay unsent, seen
        self.result.setText(self.tr("%1 messages will be sent at the next run (consent, quiet hours and the daily "
                                    "limits still apply). The others stay unsent.").replace("%1", f"{count:,}"))
        self.refresh()
        self.changed.emit()
        return count

    def dismiss_all(self) -> None:
        with self.ctx.db.write_session() as session:
            count = dismiss_late(session)
        self.result.setText(self.tr("%1 messages stay unsent; the notice will not come back for them.")
                            .replace("%1", f"{count:,}"))
        self.refresh()
        self.changed.emit()
