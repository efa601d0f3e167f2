"""고객: every customer in a table that stays fast at 200,000 rows (ids up front, rows fetched by page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import or_, select

from engine.customers.phone import format_phone, normalize_phone
from engine.customers.segments import (
    SEGMENT_LABELS,
    SEGMENTS,
    Thresholds,
    lifecycle,
    segment_query,
    thresholds,
)
from storage.models import Customer, CustomerStats
from ui.context import AppContext
from ui.widgets import local_time, muted_label, title_label, won

PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class CustomerTableModel(QAbstractTableModel):
    """Holds the matching ids; fetches 200 rows at a time as the view scrolls to them."""

    def __init__(self, ctx: AppContext, headers: list[str]) -> None:
        super().__init__()
        self.ctx = ctx
        self.headers = headers
        self.ids: list[int] = []
        self.pages: dict[int, dict[int, tuple[Any, ...]]] = {}
        self.limits = Thresholds()
        self.now = ctx.clock.now()

    def load(self, search: str = "", segment: str = "") -> None:
        self.beginResetModel()
        self.now = self.ctx.clock.now()
        with self.ctx.db.session() as session:
            self.limits = thresholds(session)
            query = segment_query(segment, self.now, self.limits) if segment else select(Customer.id)
            text = search.strip()
            if text:
                phone = normalize_phone(text)
                like = f"%{text}%"
                conditions = [Customer.name.like(like), Customer.email.like(like), Customer.external_id == text]
                if phone:
                    conditions.append(Customer.phone == phone)
                digits = "".join(ch for ch in text if ch.isdigit())
                if len(digits) >= 4:
                    conditions.append(Customer.phone.like(f"%{digits}"))
                query = query.where(or_(*conditions))
            self.ids = list(session.scalars(query.order_by(Customer.id.desc())))
        self.pages = {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def _row(self, row: int) -> tuple[Any, ...] | None:
        page = row // PAGE
        if page not in self.pages:
            chunk = self.ids[page * PAGE : (page + 1) * PAGE]
            with self.ctx.db.session() as session:
                found = session.execute(
                    select(Customer.id, Customer.name, Customer.phone, Customer.email, CustomerStats.order_count,
                           CustomerStats.total_spent, CustomerStats.last_order_at, Customer.is_guest)
                    .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
                    .where(Customer.id.in_(chunk))
                ).all()
            self.pages[page] = {r[0]: tuple(r) for r in found}
        return self.pages[page].get(self.ids[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._row(index.row())
        if row is None:
            return ""
        _, name, phone, email, count, spent, last, _guest = row
        column = index.column()
        if column == 0:
            return name
        if column == 1:
            return format_phone(phone)
        if column == 2:
            return email or ""
        if column == 3:
            stage = lifecycle(count or 0, last if isinstance(last, datetime) else None, self.now, self.limits)
            ko, en = SEGMENT_LABELS[stage]
            return self.ctx.label(ko, en)
        if column == 4:
            return f"{count or 0:,}"
        if column == 5:
            return won(spent)
        if column == 6:
            return local_time(last, with_time=False)
        return None


class CustomersPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Customers")))
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name, phone number or email"))
        self.search.setClearButtonEnabled(True)
        self.segment = QComboBox()
        self.segment.addItem(self.tr("All customers"), "")
        for name in SEGMENTS:
            ko, en = SEGMENT_LABELS[name]
            self.segment.addItem(ctx.label(ko, en), name)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.segment, 1)
        layout.addLayout(bar)
        self.count = muted_label("")
        layout.addWidget(self.count)
        self.model = CustomerTableModel(ctx, [self.tr("Name"), self.tr("Phone"), self.tr("Email"), self.tr("Stage"),
                                              self.tr("Orders"), self.tr("Total spent"), self.tr("Last order")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((110, 130, 220, 110, 70, 120)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self.timer.start())
        self.table.doubleClicked.connect(lambda index: self.open_customer(index.row()))
        self.segment.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh()

    def open_customer(self, row: int) -> object:
        from ui.pages.customer_detail import CustomerDialog

        dialog = CustomerDialog(self.ctx, self.model.ids[row], self)
        dialog.show()
        return dialog

    def refresh(self) -> None:
        self.model.load(self.search.text(), self.segment.currentData() or "")
        self.count.setText(self.tr("%1 customers").replace("%1", f"{self.model.rowCount():,}"))
