"""One customer: profile, statistics, orders, consent (editable, with dates and sources), tags, and the
journey timeline — what was sent or skipped, and why."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from engine.channels import CONSENTS, CUSTOMER_CHANNELS
from engine.customers.phone import format_phone
from engine.customers.segments import SEGMENT_LABELS, lifecycle, thresholds
from engine.customers.tiers import customer_tier
from engine.journey.registry import ORDER_STATUS_LABELS
from engine.timeline import timeline
from storage.models import Consent, ConsentEvent, Customer, CustomerStats, CustomerTag, Order
from ui.context import AppContext
from ui.widgets import local_time, won

# a consent per customer channel (engine/channels/), and the separate one for ads at night
# (each consent once: AlimTalk and Brand Messages share `kakao`, shown by the first channel asking it)
CHANNELS = (*(next((spec.consent, spec.label_ko, spec.label_en) for spec in CUSTOMER_CHANNELS if spec.consent == consent)
              for consent in CONSENTS),
            ("night", "야간(21~08시) 광고", "Night-time ads"))


class CustomerDialog(QDialog):
    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.customer_id = ctx, customer_id
        self.resize(820, 620)
        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 14pt; font-weight: 600;")
        layout.addWidget(self.header)
        tabs = QTabWidget()
        layout.addWidget(tabs, 1)
        self.profile = QWidget()
        profile_layout = QVBoxLayout(self.profile)
        self.form = QFormLayout()
        profile_layout.addLayout(self.form)
        # tags and customer fields (personas such as 학부모, 패션 관심), set by hand
        edits = QGroupBox(self.tr("Tags and fields"))
        edit_form = QFormLayout(edits)
        tag_row = QHBoxLayout()
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText(self.tr("e.g. parent"))
        self.add_tag_button = QPushButton(self.tr("Add tag"))
        self.remove_tag_button = QPushButton(self.tr("Remove tag"))
        tag_row.addWidget(self.tag_edit, 1)
        tag_row.addWidget(self.add_tag_button)
        tag_row.addWidget(self.remove_tag_button)
        edit_form.addRow(self.tr("Tag"), tag_row)
        field_row = QHBoxLayout()
        self.field_name = QLineEdit()
        self.field_name.setPlaceholderText(self.tr("field, e.g. interest"))
        self.field_value = QLineEdit()
        self.field_value.setPlaceholderText(self.tr("value (empty removes it)"))
        self.set_field_button = QPushButton(self.tr("Set field"))
        field_row.addWidget(self.field_name, 1)
        field_row.addWidget(self.field_value, 1)
        field_row.addWidget(self.set_field_button)
        edit_form.addRow(self.tr("Field"), field_row)
        profile_layout.addWidget(edits)
        profile_layout.addStretch(1)
        self.add_tag_button.clicked.connect(lambda: self.change_tag(self.tag_edit.text(), add=True))
        self.remove_tag_button.clicked.connect(lambda: self.change_tag(self.tag_edit.text(), add=False))
        self.set_field_button.clicked.connect(lambda: self.set_field(self.field_name.text(), self.field_value.text()))
        tabs.addTab(self.profile, self.tr("Profile"))
        self.orders = QTableWidget(0, 4)
        self.orders.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Order"), self.tr("Amount"), self.tr("Status")])
        self.orders.horizontalHeader().setStretchLastSection(True)
        self.orders.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.orders.verticalHeader().hide()
        self.orders.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tabs.addTab(self.orders, self.tr("Orders"))
        consent_page = QWidget()
        consent_layout = QVBoxLayout(consent_page)
        self.consent_boxes: dict[str, tuple[QCheckBox, QLabel]] = {}
        box = QGroupBox(self.tr("Consent (changes are recorded with the date)"))
        grid = QFormLayout(box)
        for channel, ko, en in CHANNELS:
            check = QCheckBox(ctx.label(ko, en))
            note = QLabel()
            note.setObjectName("muted")
            row = QHBoxLayout()
            row.addWidget(check)
            row.addWidget(note, 1)
            holder = QWidget()
            holder.setLayout(row)
            grid.addRow(holder)
            check.toggled.connect(lambda value, c=channel: self.set_consent(c, value))
            self.consent_boxes[channel] = (check, note)
        consent_layout.addWidget(box)
        consent_layout.addStretch(1)
        tabs.addTab(consent_page, self.tr("Consent"))
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)  # a long line (a message's summary, two times) wraps, never cut
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setResizeMode(QListView.ResizeMode.Adjust)
        self.timeline.setAlternatingRowColors(True)
        tabs.addTab(self.timeline, self.tr("Journey timeline"))
        self.load()

    def load(self) -> None:
        zone = ZoneInfo("Asia/Seoul")
        with self.ctx.db.session() as session:
            customer = session.get(Customer, self.customer_id)
            assert customer is not None
            stats = session.get(CustomerStats, self.customer_id)
            limits = thresholds(session)
            tags = list(session.scalars(select(CustomerTag.tag).where(CustomerTag.customer_id == self.customer_id)))
            orders = session.execute(select(Order.ordered_at, Order.external_id, Order.amount, Order.status)
                                     .where(Order.customer_id == self.customer_id)
                                     .order_by(Order.ordered_at.desc())).all()
            consents = {c.channel: c for c in session.scalars(select(Consent).where(Consent.customer_id == self.customer_id))}
            entries = timeline(session, self.customer_id)
            count = stats.order_count if stats else 0
            self.setWindowTitle(customer.name)
            last = stats.last_order_at if stats else None
            stage = lifecycle(count, last, self.ctx.clock.now(), limits)
            self.header.setText(f"{customer.name}  ·  {self.ctx.label(*SEGMENT_LABELS[stage])}")
            while self.form.rowCount():
                self.form.removeRow(0)
            spent = stats.total_spent if stats else 0
            rows = [
                (self.tr("Phone"), format_phone(customer.phone)), (self.tr("Email"), customer.email or ""),
                (self.tr("Member id"), customer.external_id or self.tr("(guest)")),
                (self.tr("Shop member grade"), customer.grade or ""),  # the shop's own (Cafe24 회원등급 …)
                (self.tr("Membership tier"), customer_tier(session, self.customer_id)),
                (self.tr("Birthday"), customer.birthday.isoformat() if customer.birthday else ""),
                (self.tr("Signed up"), local_time(customer.signed_up_at, with_time=False)),
                (self.tr("Orders"), f"{count:,}"), (self.tr("Total spent"), won(spent, self.ctx.lang)),
                (self.tr("Average order"), won(spent // count if count else 0, self.ctx.lang)),
                (self.tr("First order"), local_time(stats.first_order_at if stats else None, with_time=False)),
                (self.tr("Last order"), local_time(last, with_time=False)),
                (self.tr("Tags"), ", ".join(f"#{t}" for t in tags)),
                (self.tr("Fields"), ", ".join(f"{k}: {v}" for k, v in sorted((customer.attributes or {}).items()))),
            ]
            for label, value in rows:
                self.form.addRow(label, QLabel(value or "—"))  # a dash, not a blank that looks like a fault
        self.orders.setRowCount(len(orders))
        for index, (at, number, amount, status) in enumerate(orders):
            shown = self.ctx.label(*ORDER_STATUS_LABELS.get(status, (status, status)))
            for column, value in enumerate((local_time(at), number, won(amount, self.ctx.lang), shown)):
                self.orders.setItem(index, column, QTableWidgetItem(value))
        for channel, (check, note) in self.consent_boxes.items():
            consent = consents.get(channel)
            check.blockSignals(True)
            check.setChecked(bool(consent and consent.granted))
            check.blockSignals(False)
            note.setText(f"{local_time(consent.changed_at)} · {self.source_label(consent.source)}" if consent
                         else self.tr("never asked"))
        self.timeline.clear()
        for entry in entries:
            self.timeline.addItem(entry.text(zone, self.ctx.lang))
        if not entries:
            self.timeline.addItem(self.tr("No journey has reached this customer yet."))

    def change_tag(self, tag: str, add: bool) -> None:
        from engine.customers.tags import add_tag, clean_tag, remove_tag

        try:
            tag = clean_tag(tag)
        except ValueError:
            return
        with self.ctx.db.write_session() as session:
            if add:
                add_tag(session, [self.customer_id], tag, self.ctx.clock.now())
            else:
                remove_tag(session, [self.customer_id], tag)
        self.tag_edit.clear()
        self.load()
        self.ctx.bus.data_changed.emit()

    def set_field(self, name: str, value: str) -> None:
        """Set (or, with no value, remove) one customer field, as the journey action `set_field` does."""
        name = " ".join(name.split())
        if not name:
            return
        with self.ctx.db.write_session() as session:
            customer = session.get(Customer, self.customer_id)
            assert customer is not None
            attributes = dict(customer.attributes or {})
            if value.strip():
                attributes[name] = value.strip()
            else:
                attributes.pop(name, None)
            customer.attributes = attributes
        self.field_name.clear()
        self.field_value.clear()
        self.load()
        self.ctx.bus.data_changed.emit()

    def source_label(self, source: str | None) -> str:
        """Where a consent came from, in words."""
        labels = {"signup": self.tr("at sign-up"), "optout": self.tr("opted out"), "owner": self.tr("changed by you"),
                  "import": self.tr("imported"), "sync": self.tr("from the shop")}
        return labels.get(source or "", source or "")

    def set_consent(self, channel: str, granted: bool) -> None:
        """Record the owner's change (e.g. a customer who phoned to opt out), with its date and source."""
        now = self.ctx.clock.now()
        with self.ctx.db.write_session() as session:
            consent = session.get(Consent, (self.customer_id, channel))
            if consent is None:
                consent = Consent(customer_id=self.customer_id, channel=channel, granted=granted, changed_at=now,
                                  source="owner")
                session.add(consent)
            else:
                consent.granted, consent.changed_at, consent.source = granted, now, "owner"
            if granted:
                consent.confirmed_at = now
            session.add(ConsentEvent(customer_id=self.customer_id, channel=channel, granted=granted, at=now,
                                     source="owner"))
        self.ctx.bus.data_changed.emit()
        self.load()
