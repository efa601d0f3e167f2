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
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, or_, select

from engine.customers.phone import format_phone, normalize_phone
from engine.customers.segments import (
    SEGMENT_LABELS,
    SEGMENTS,
    Thresholds,
    lifecycle,
    lifecycle_rank,
    segment_query,
    thresholds,
)
from storage.models import Customer, CustomerStats, CustomerTier
from ui.context import AppContext
from ui.widgets import local_time, muted_label, title_label, won

PAGE = 200
Index = QModelIndex | QPersistentModelIndex


TIER_COLUMN = 7  # the membership tier, shown once the shop has a tier ladder (Settings)


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
        self.search_text, self.segment_name = "", ""
        self.sort_column, self.sort_order = -1, Qt.SortOrder.AscendingOrder

    def load(self, search: str = "", segment: str = "") -> None:
        self.search_text, self.segment_name = search, segment
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column in SQL (the rows are fetched by page, so the database orders the ids)."""
        self.sort_column, self.sort_order = column, order
        self.reload()

    def _sort_keys(self) -> list[Any]:
        key: Any = None
        column = self.sort_column
        if column == 0:
            key = Customer.name
        elif column == 1:
            key = Customer.phone
        elif column == 2:
            key = Customer.email
        elif column == 3:
            key = lifecycle_rank(self.now, self.limits)
        elif column == 4:
            key = func.coalesce(CustomerStats.order_count, 0)
        elif column == 5:
            key = func.coalesce(CustomerStats.total_spent, 0)
        elif column == 6:
            key = CustomerStats.last_order_at
        if key is None:
            return [Customer.id.desc()]
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        # empty values (no email, never ordered) go last either way
        blanks = [key.is_(None)] if column in (1, 2, 6) else []
        return [*blanks, key.desc() if descending else key.asc(), Customer.id.desc()]

    def reload(self) -> None:
        self.beginResetModel()
        self.now = self.ctx.clock.now()
        with self.ctx.db.session() as session:
            self.limits = thresholds(session)
            segment = self.segment_name
            query = (segment_query(segment, self.now, self.limits, session) if segment else
                     select(Customer.id).outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id))
            text = self.search_text.strip()
            if text:
                phone = normalize_phone(text)
                like = f"%{text}%"
                conditions = [Customer.name.like(like), Customer.email.like(like), Customer.external_id == text]
                if phone:
                    conditions.append(Customer.phone == phone)
                digits = "".join(ch for ch in text if ch.isdigit())
                if len(digits) >= 4:  # any part of the number: "5678", "1234-5678", "010-1234"
                    conditions.append(Customer.phone.like(f"%{digits}%"))
                    if digits.startswith("0"):  # stored as +82 without the leading 0
                        conditions.append(Customer.phone.like(f"+82{digits[1:]}%"))
                query = query.where(or_(*conditions))
            self.ids = list(session.scalars(query.order_by(*self._sort_keys())))
        self.pages = {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.InitialSortOrderRole:
            # names A→Z first; orders, money and dates biggest / latest first
            return Qt.SortOrder.AscendingOrder if section < 4 else Qt.SortOrder.DescendingOrder
        return None

    def _row(self, row: int) -> tuple[Any, ...] | None:
        page = row // PAGE
        if page not in self.pages:
            chunk = self.ids[page * PAGE : (page + 1) * PAGE]
            with self.ctx.db.session() as session:
                found = session.execute(
                    select(Customer.id, Customer.name, Customer.phone, Customer.email, CustomerStats.order_count,
                           CustomerStats.total_spent, CustomerStats.last_order_at, Customer.is_guest, CustomerTier.tier)
                    .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
                    .outerjoin(CustomerTier, CustomerTier.customer_id == Customer.id)
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
        _, name, phone, email, count, spent, last, _guest, tier = row
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
            return won(spent, self.ctx.lang)
        if column == 6:
            return local_time(last, with_time=False)
        if column == 7:
            return tier or ""
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
        self._builtin_count = self.segment.count()
        self._fill_segments()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.segment, 1)
        layout.addLayout(bar)
        counts = QHBoxLayout()
        self.count = muted_label("")
        counts.addWidget(self.count)
        self.filter_note = QLabel()
        self.filter_note.setObjectName("muted")
        self.clear_filter = QPushButton(self.tr("Show all customers"))
        self.clear_filter.clicked.connect(lambda: self.show_segment(""))
        counts.addWidget(self.filter_note)
        counts.addWidget(self.clear_filter)
        counts.addStretch(1)
        self.enrol_button = QPushButton(self.tr("Add to a journey…"))
        self.enrol_button.setToolTip(self.tr("The selected customers (or, with none selected, everyone listed) "
                                             "into a live journey that starts 'added by hand'"))
        self.enrol_button.clicked.connect(lambda: self.add_to_journey())
        counts.addWidget(self.enrol_button)
        self.tag_button = QPushButton(self.tr("Tag…"))
        self.tag_button.setToolTip(self.tr("Give the selected customers (or, with none selected, everyone listed) "
                                           "a tag, such as a persona"))
        self.tag_button.clicked.connect(lambda: self.tag_chosen())
        counts.addWidget(self.tag_button)
        self.tag_import_button = QPushButton(self.tr("Import tags…"))
        self.tag_import_button.setToolTip(self.tr("A CSV file of (phone, email or id; tag) rows"))
        self.tag_import_button.clicked.connect(lambda: self.import_tags())
        counts.addWidget(self.tag_import_button)
        self.enrol_note = muted_label("")
        self.enrol_note.hide()  # shown with the outcome of "Add to a journey…"
        layout.addLayout(counts)
        layout.addWidget(self.enrol_note)
        self.model = CustomerTableModel(ctx, [self.tr("Name"), self.tr("Phone"), self.tr("Email"), self.tr("Stage"),
                                              self.tr("Orders"), self.tr("Total spent"), self.tr("Last order"),
                                              self.tr("Membership tier")])
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
        # the stage column fits its longest label ("New (not bought yet)") without reading every row
        metrics = self.table.fontMetrics()
        stage_width = max(metrics.horizontalAdvance(ctx.label(*SEGMENT_LABELS[name])) for name in SEGMENTS)
        self.table.setColumnWidth(3, max(110, stage_width + 24))
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # newest customers first until a click
        header.setToolTip(self.tr("Click a column title to sort; click again to reverse"))
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self.timer.start())
        self.table.doubleClicked.connect(lambda index: self.open_customer(index.row()))
        self.segment.currentIndexChanged.connect(lambda _: self.refresh())
        ctx.bus.show_customers.connect(self.open_segment)
        self.refresh()

    def _fill_segments(self) -> None:
        """The owner's custom segments and the RFM groups after the built-in ones, read again each time."""
        from engine.customers.custom_segments import key_of, list_segments
        from engine.customers.segments import RFM_GROUPS

        current = self.segment.currentData()
        self.segment.blockSignals(True)
        while self.segment.count() > self._builtin_count:
            self.segment.removeItem(self._builtin_count)
        with self.ctx.db.session() as session:
            for row in list_segments(session):
                self.segment.addItem(row.name, key_of(row))
        for key, ko, en, _, _ in RFM_GROUPS:
            self.segment.addItem("RFM · " + self.ctx.label(ko, en), f"rfm:{key}")
        self.segment.setCurrentIndex(max(0, self.segment.findData(current)))
        self.segment.blockSignals(False)

    def show_segment(self, segment: str) -> None:
        """Filter the list to one segment ("" = everyone)."""
        if segment and self.segment.findData(segment) < 0:
            self._fill_segments()  # one saved since this page was made
        self.segment.setCurrentIndex(max(0, self.segment.findData(segment)))

    def open_segment(self, segment: str) -> None:
        """Asked from elsewhere (the segments page): this page, filtered to that segment."""
        self.show_segment(segment)
        self.ctx.bus.navigate.emit("customers")

    def open_customer(self, row: int) -> object:
        from ui.pages.customer_detail import CustomerDialog

        dialog = CustomerDialog(self.ctx, self.model.ids[row], self)
        dialog.show()
        return dialog

    def chosen_ids(self) -> list[int]:
        """The selected customers, or everyone the list shows when none is selected."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.model.ids[row] for row in sorted(rows)] if rows else list(self.model.ids)

    def hand_fed_journeys(self) -> list[tuple[str, str]]:
        """(id, name) of the live journeys that start 'added by hand'."""
        from engine.runtime.versions import VersionCache

        with self.ctx.db.session() as session:
            return [(journey.id, journey.name) for journey, compiled in VersionCache().live(session)
                    if compiled.trigger.kind == "trigger.manual"]

    def add_to_journey(self, journey_id: str | None = None) -> str:
        """Add `chosen_ids()` to a hand-fed journey (asked for when not given); the line it shows is returned."""
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        from engine.journey_store import StoreError
        from engine.runtime.triggers import enrol_by_hand

        ids = self.chosen_ids()
        journeys = self.hand_fed_journeys()
        if journey_id is None:
            if not journeys:
                text = self.tr("No live journey starts 'added by hand'. Make one (trigger: Added by hand) and "
                               "publish it first.")
                QMessageBox.information(self, self.tr("Add to a journey"), text)
                self.enrol_note.setText(text)
                self.enrol_note.show()
                return text
            names = [name for _, name in journeys]
            label = self.tr("Add %1 customers to which journey?").replace("%1", f"{len(ids):,}")
            name, ok = QInputDialog.getItem(self, self.tr("Add to a journey"), label, names, 0, False)
            if not ok:
                return ""
            journey_id = journeys[names.index(name)][0]
        name = next((n for j, n in journeys if j == journey_id), journey_id)
        try:
            counts = enrol_by_hand(self.ctx.db, self.ctx.clock, journey_id, ids)
        except StoreError as exc:
            text = str(exc)
        else:
            text = (self.tr("Added %1 of %2 customers to '%3'.").replace("%1", f"{counts.entered:,}")
                    .replace("%2", f"{len(ids):,}").replace("%3", name))
            if counts.blocked:
                text += " " + self.tr("%1 were not added (already in it, or its entry rules left them out).").replace(
                    "%1", f"{counts.blocked:,}")
            self.ctx.bus.data_changed.emit()
        self.enrol_note.setText(text)
        self.enrol_note.show()
        return text

    def tag_chosen(self, tag: str | None = None) -> str:
        """Tag `chosen_ids()` (asked for when not given); the line it shows is returned."""
        from PySide6.QtWidgets import QInputDialog

        from engine.customers.tags import add_tag

        ids = self.chosen_ids()
        if tag is None:
            label = self.tr("Tag for %1 customers:").replace("%1", f"{len(ids):,}")
            tag, ok = QInputDialog.getText(self, self.tr("Tag customers"), label)
            if not ok:
                return ""
        try:
            with self.ctx.db.write_session() as session:
                added = add_tag(session, ids, tag, self.ctx.clock.now())
        except ValueError:
            text = self.tr("A tag needs 1 to 80 characters.")
        else:
            text = (self.tr("Tagged %1 customers '%2' (%3 had it already).").replace("%1", f"{added:,}")
                    .replace("%2", " ".join(tag.split())).replace("%3", f"{len(ids) - added:,}"))
            self.ctx.bus.data_changed.emit()
        self.enrol_note.setText(text)
        self.enrol_note.show()
        return text

    def import_tags(self, path: str | None = None) -> str:
        """Tag customers from a CSV of (phone|email|id, tag); the line it shows is returned."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from engine.customers.tags import TagFileError
        from engine.customers.tags import import_tags as read_tags

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import tags"), "", self.tr("CSV files (*.csv)"))
            if not path:
                return ""
        try:
            with self.ctx.db.write_session() as session:
                result = read_tags(session, Path(path), self.ctx.clock.now())
        except TagFileError as exc:
            text = self.tr("Tags not imported: %1").replace("%1", str(exc))
        else:
            text = (self.tr("Tags added: %1, already there: %2, customers not found: %3.")
                    .replace("%1", f"{result.tagged:,}").replace("%2", f"{result.already:,}")
                    .replace("%3", f"{len(result.unknown):,}"))
            self.ctx.bus.data_changed.emit()
        self.enrol_note.setText(text)
        self.enrol_note.show()
        return text

    def refresh(self) -> None:
        from engine.customers.tiers import load_tiers

        self.model.load(self.search.text(), self.segment.currentData() or "")
        with self.ctx.db.session() as session:  # no ladder in Settings: no column of blanks
            self.table.setColumnHidden(TIER_COLUMN, not load_tiers(session))
        self.count.setText(self.tr("%1 customers").replace("%1", f"{self.model.rowCount():,}"))
        segment = self.segment.currentData() or ""
        if segment:
            self.filter_note.setText(self.tr("· only the segment '%1'").replace("%1", self.segment.currentText()))
        self.filter_note.setVisible(bool(segment))
        self.clear_filter.setVisible(bool(segment))
