"""메시지 기록: every message the journeys queued, sent, skipped or held, with the reason."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from engine.channels import CHANNELS
from engine.timeline import REASON_TEXT, REASON_TEXT_KO
from storage.models import Customer, Journey, OutboxMessage
from ui.context import AppContext
from ui.widgets import local_time, muted_label, title_label

LIMIT = 1000
NO_JOURNEY = "-"  # the journey filter's choice for messages whose journey was deleted since
JOURNEY_CHARS = 20  # a journey's name in the table, cut with "…" past this (whole in its tooltip)
TIME, CUSTOMER, JOURNEY, CHANNEL, STATUS, REASON, TEXT = range(7)  # the table's columns


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
        self.journey = QComboBox()  # which journey's messages; filled from the journeys at each refresh
        self.journey.setMinimumContentsLength(14)
        self.journey.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        bar.addWidget(self.journey)
        bar.addStretch(1)
        self.release_button = QPushButton(self.tr("Send anyway"))
        self.drop_button = QPushButton(self.tr("Do not send"))
        for button in (self.release_button, self.drop_button):
            button.setEnabled(False)
            bar.addWidget(button)
        self.release_button.clicked.connect(lambda: self.decide(True))
        self.drop_button.clicked.connect(lambda: self.decide(False))
        layout.addLayout(bar)
        self.model = QStandardItemModel(0, 7, self)
        self.model.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Customer"), self.tr("Journey"),
                                              self.tr("Channel"), self.tr("Status"), self.tr("Reason"),
                                              self.tr("Text")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.setSortingEnabled(True)  # a click on a header sorts; the newest first to begin with
        self.table.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr("Select a message to read it whole here."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.empty = muted_label(self.tr("No messages yet. They appear here once a published journey runs."))
        layout.addWidget(self.empty)
        self.shown = muted_label("")  # how many of how many, when the list is cut at LIMIT
        layout.addWidget(self.shown)
        self.status.currentIndexChanged.connect(lambda _: self.refresh())
        self.journey.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self.show_message(current))
        self.refresh()

    def show_message(self, index: QModelIndex) -> None:
        """The selected message whole: how and to whom, its subject, its body with the ad labels as sent."""
        if not index.isValid():
            self.detail.clear()
            return
        message_id = self.model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        with self.ctx.db.session() as session:
            message = session.get(OutboxMessage, int(message_id))
            if message is None:
                self.detail.clear()
                return
            name = session.scalar(select(Customer.name).where(Customer.id == message.customer_id)) or ""
            journey = session.scalar(select(Journey.name).where(Journey.id == message.journey_id)) or "" \
                if message.journey_id else ""
            channel, is_ad, subject, body = message.channel, message.is_ad, message.subject, message.body
            status, reason = message.status, message.reason
            at = message.sent_at or message.created_at
        kind = self.tr("Ad") if is_ad else self.tr("Information")
        head = " · ".join(part for part in (kind, self.channel_names().get(channel, channel), name, journey,
                                            self.status_names().get(status, status), local_time(at)) if part)
        lines = [head]
        if reason:
            texts = REASON_TEXT if self.ctx.lang == "en" else REASON_TEXT_KO
            lines.append(self.tr("Reason: %1").replace("%1", texts.get(reason, reason)))
        if subject:
            lines.append(self.tr("Subject: %1").replace("%1", subject))
        lines += ["", body or ""]
        self.detail.setPlainText("\n".join(lines))

    def channel_names(self) -> dict[str, str]:
        return {spec.name: self.ctx.label(spec.label_ko, spec.label_en) for spec in CHANNELS}

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

    def _fill_journeys(self) -> None:
        """The journey choices, the chosen one kept: every journey by name, and the messages of deleted ones."""
        chosen = self.journey.currentData()
        with self.ctx.db.session() as session:
            journeys = session.execute(select(Journey.id, Journey.name).order_by(Journey.name, Journey.id)).all()
        self.journey.blockSignals(True)
        self.journey.clear()
        self.journey.addItem(self.tr("All journeys"), "")
        for journey_id, name in journeys:
            self.journey.addItem(name, journey_id)
        self.journey.addItem(self.tr("Deleted journeys"), NO_JOURNEY)
        index = self.journey.findData(chosen) if chosen else 0
        self.journey.setCurrentIndex(max(index, 0))
        self.journey.blockSignals(False)

    def refresh(self) -> None:
        self._fill_journeys()
        where = []
        wanted = self.status.currentData()
        if wanted:
            where.append(OutboxMessage.status == wanted)
        journey = self.journey.currentData()
        if journey == NO_JOURNEY:
            where.append(OutboxMessage.journey_id.is_(None))
        elif journey:
            where.append(OutboxMessage.journey_id == journey)
        query = (select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.sent_at, Customer.name,
                        Journey.name, OutboxMessage.channel, OutboxMessage.status, OutboxMessage.reason,
                        OutboxMessage.subject, OutboxMessage.body, OutboxMessage.error)
                 .join(Customer, Customer.id == OutboxMessage.customer_id)
                 .outerjoin(Journey, Journey.id == OutboxMessage.journey_id)
                 .where(*where).order_by(OutboxMessage.id.desc()).limit(LIMIT))
        with self.ctx.db.session() as session:
            rows = session.execute(query).all()
            total = len(rows) if len(rows) < LIMIT else \
                int(session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0)
        names = self.status_names()
        channels = self.channel_names()
        texts = REASON_TEXT if self.ctx.lang == "en" else REASON_TEXT_KO
        self.table.setSortingEnabled(False)  # filled unsorted (a sort per added row would be slow), sorted once
        self.model.removeRows(0, self.model.rowCount())
        self.detail.clear()
        for message_id, created, sent, name, journey_name, channel, status, reason, subject, body, error in rows:
            reason_text = texts.get(reason or "", reason or "")
            items = [QStandardItem(local_time(sent or created)), QStandardItem(name),
                     QStandardItem(journey_name or self.tr("(deleted)")), QStandardItem(channels.get(channel, channel)),
                     QStandardItem(names.get(status, status)), QStandardItem(reason_text),
                     QStandardItem((body or "").replace("\n", " ")[:120])]
            if journey_name and len(journey_name) > JOURNEY_CHARS:  # a long name must not crowd out the text
                items[JOURNEY].setText(journey_name[:JOURNEY_CHARS - 1] + "…")
                items[JOURNEY].setToolTip(journey_name)
            if error and status in {"failed", "held", "queued"}:  # the provider's own words (addresses taken out)
                items[REASON].setToolTip(error)
            whole = "\n\n".join(part for part in (subject, body) if part)
            items[TEXT].setToolTip(whole[:2000])  # the whole text on hover; the pane below shows it on selection
            items[TIME].setData(message_id, Qt.ItemDataRole.UserRole)
            items[TIME].setData(status, Qt.ItemDataRole.UserRole + 1)
            self.model.appendRow(items)
        self.table.setSortingEnabled(True)  # sorts by the header's column and order, as the owner left them
        self.empty.setVisible(not rows)
        self.shown.setText(self.tr("Showing the latest %1 of %2 messages; choose a status or a journey to see "
                                   "others.").replace("%1", f"{len(rows):,}").replace("%2", f"{total:,}"))
        self.shown.setVisible(total > len(rows))
