"""메시지 기록: every message the journeys queued, sent, skipped or held, with the reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from engine.channels import CHANNELS
from engine.timeline import REASON_TEXT, REASON_TEXT_KO
from storage.models import Customer, OutboxMessage
from ui.context import AppContext
from ui.widgets import local_time, muted_label, title_label

LIMIT = 1000


class MessagesPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Message log")))
        bar = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem(self.tr("All messages"), "")
        for status, text in self.status_names().items():
            self.status.addItem(text, status)
        bar.addWidget(self.status)
        bar.addStretch(1)
        self.release_button = QPushButton(self.tr("Send anyway"))
        self.drop_button = QPushButton(self.tr("Do not send"))
        for button in (self.release_button, self.drop_button):
            button.setEnabled(False)
            bar.addWidget(button)
        self.release_button.clicked.connect(lambda: self.decide(True))
        self.drop_button.clicked.connect(lambda: self.decide(False))
        layout.addLayout(bar)
        self.model = QStandardItemModel(0, 6, self)
        self.model.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Customer"), self.tr("Channel"),
                                              self.tr("Status"), self.tr("Reason"), self.tr("Text")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty = muted_label(self.tr("No messages yet. They appear here once a published journey runs."))
        layout.addWidget(self.empty)
        self.status.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def selected_held(self) -> list[int]:
        ids = []
        for index in self.table.selectionModel().selectedRows():
            if index.data(Qt.ItemDataRole.UserRole + 1) == "held":
                ids.append(int(index.data(Qt.ItemDataRole.UserRole)))
        return ids

    def _update_buttons(self) -> None:
        held = bool(self.selected_held())
        self.release_button.setEnabled(held)
        self.drop_button.setEnabled(held)

    def decide(self, send: bool) -> int:
        """The owner's call on held messages: send them after all, or never."""
        from engine.delivery.review import drop_held, release_held

        ids = self.selected_held()
        if not ids:
            return 0
        with self.ctx.db.write_session() as session:
            done = (release_held if send else drop_held)(session, ids, self.ctx.clock.now())
        self.ctx.bus.data_changed.emit()
        self.refresh()
        return done

    def status_names(self) -> dict[str, str]:
        return {"queued": self.tr("waiting"), "sent": self.tr("sent"), "skipped": self.tr("skipped"),
                "held": self.tr("held for review"), "failed": self.tr("failed"), "cancelled": self.tr("cancelled")}

    def refresh(self) -> None:
        query = (select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.sent_at, Customer.name, OutboxMessage.channel,
                        OutboxMessage.status, OutboxMessage.reason, OutboxMessage.body, OutboxMessage.error)
                 .join(Customer, Customer.id == OutboxMessage.customer_id)
                 .order_by(OutboxMessage.id.desc()).limit(LIMIT))
        wanted = self.status.currentData()
        if wanted:
            query = query.where(OutboxMessage.status == wanted)
        with self.ctx.db.session() as session:
            rows = session.execute(query).all()
        names = self.status_names()
        channels = {spec.name: self.ctx.label(spec.label_ko, spec.label_en) for spec in CHANNELS}
        self.model.removeRows(0, self.model.rowCount())
        for message_id, created, sent, name, channel, status, reason, body, error in rows:
            texts = REASON_TEXT if self.ctx.lang == "en" else REASON_TEXT_KO
            reason_text = texts.get(reason or "", reason or "")
            items = [QStandardItem(local_time(sent or created)), QStandardItem(name),
                     QStandardItem(channels.get(channel, channel)), QStandardItem(names.get(status, status)),
                     QStandardItem(reason_text), QStandardItem((body or "").replace("\n", " ")[:120])]
            if error and status in {"failed", "held", "queued"}:  # the provider's own words (addresses taken out)
                items[4].setToolTip(error)
            items[0].setData(message_id, Qt.ItemDataRole.UserRole)
            items[0].setData(status, Qt.ItemDataRole.UserRole + 1)
            self.model.appendRow(items)
        self.empty.setVisible(not rows)
