"""Bring a shop's export file in from the app: choose or drop a file, see what it holds as it will be
stored (with its rejected lines), then write it. Reading and writing run off the UI thread.

A file whose columns fit no known export (the shop's own orders sheet) gets the mapping step: one combo box
per field of ours, pre-filled from the header names (engine/sync/generic `suggest`) or from the saved
mapping made for these headers, a live preview of its first lines, and a name to save the mapping under.

The engine does the work (engine/sync/parse `parse_file` for the preview, engine/sync/load `import_file`
for the write, in one transaction, the mapping saved with it); Cancel before "가져오기" writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine import config
from engine.customers.phone import format_phone
from engine.money import won
from engine.sync import UnreadableFile, generic
from engine.sync.load import ImportSummary, import_file, write_rejects
from engine.sync.mappings import list_mappings
from engine.sync.parse import parse_file
from engine.sync.records import ParsedOrder, ParseResult, Reject
from engine.sync.sources import BY_NAME, header_keys
from ui.context import AppContext
from ui.widgets import muted_label, title_label

PREVIEW_ROWS = 20
MAPPING_PREVIEW_LINES = 200  # lines read for the live preview of a mapping (the import reads them all)
MAPPING_COLUMNS = 4          # field rows of the mapping step side by side
FILE_FILTER = "*.csv *.xlsx *.xls *.txt"


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    """Run `work` on the thread pool; its result or exception comes back to the UI thread as a signal."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:  # handed to the UI thread, which shows it or re-raises it
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def _local(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else ""


class ImportDialog(QDialog):
    """쇼핑몰 파일 가져오기: one file, previewed, then imported."""

    imported = Signal(object)  # the ImportSummary, after a successful write

    def __init__(self, ctx: AppContext, path: str | Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.password: str | None = None
        self.parsed: ParseResult | None = None
        self.summary: ImportSummary | None = None
        self.busy = False
        self.mapping_mode = False  # the file is the shop's own: its columns are mapped in the mapping step
        self.file_header: list[str] = []
        self.found_mapping: str | None = None  # the saved mapping made for these headers, if any
        self.preview_again = False  # the mapping changed while its preview was being read
        self.preview_error: str | None = None
        self.preview_limited = False  # `parsed` holds only the first lines (the mapping step's preview)
        self.writing = False  # a write under way: it finishes (one transaction) before the window closes
        self.jobs: list[_Job] = []  # kept alive until their signal has arrived
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        with ctx.db.session() as session:
            self.zone = ZoneInfo(str(config.get(session, "shop.timezone")))
        self.setWindowTitle(self.tr("Import a shop file"))
        self.setAcceptDrops(True)
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Import a shop file")))
        layout.addWidget(muted_label(self.tr(
            "Choose an order or member export from Cafe24, Naver SmartStore, imweb, Shopify or WooCommerce, "
            "an opt-out list or your own orders sheet, or drop it on this window. Nothing is stored until you "
            "press Import.")))
        row = QHBoxLayout()
        self.file_label = QLabel(self.tr("No file chosen yet"))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(self.tr("Choose a file…"))
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(self.file_label, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: no end known
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.source_label = _Line()
        self.source_label.setWordWrap(True)
        self.counts_label = _Line()
        self.counts_label.setWordWrap(True)
        self.message = _Line()
        self.message.setWordWrap(True)
        self.message.setObjectName("importMessage")
        self.message.setStyleSheet("font-weight: bold;")
        for label in (self.source_label, self.counts_label, self.message):
            layout.addWidget(label)
        layout.addWidget(self._mapping_box())
        self.preview_title = _Line()
        layout.addWidget(self.preview_title)
        self.preview = self._table()
        layout.addWidget(self.preview, 3)
        self.rejects_title = _Line()
        layout.addWidget(self.rejects_title)
        self.rejects = self._table()
        self.rejects.setColumnCount(2)
        self.rejects.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Reason")])
        layout.addWidget(self.rejects, 1)
        buttons = QHBoxLayout()
        self.save_rejects_button = QPushButton(self.tr("Save rejected lines…"))
        self.save_rejects_button.clicked.connect(self.save_rejects)
        self.import_reason = QLabel()  # why Import cannot be pressed yet (the mapping step)
        self.import_reason.setObjectName("importReason")
        self.import_reason.setStyleSheet("color: #b3261e;")
        self.import_reason.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_rejects_button)
        buttons.addWidget(self.import_reason, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._show_result()
        if path is not None:
            self.load(path)

    def _mapping_box(self) -> QGroupBox:
        """The mapping step: one combo box of the file's headers per field of ours, and a name to save it as."""
        box = QGroupBox(self.tr("Which column holds what"))
        self.mapping_box = box
        outer = QVBoxLayout(box)
        outer.setContentsMargins(10, 6, 10, 8)
        outer.setSpacing(6)
        self.mapping_hint = muted_label(self.tr(
            "Not a layout Dangol knows: check the column chosen for each field. * needed: order number, order "
            "date, an amount (order, item or unit price) and the customer (member id, phone or email)."))
        self.mapping_hint.setToolTip(self.status_words_text())
        outer.addWidget(self.mapping_hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.field_combos: dict[str, QComboBox] = {}
        self.field_labels: dict[str, QLabel] = {}
        rows = (len(generic.FIELDS) + MAPPING_COLUMNS - 1) // MAPPING_COLUMNS
        for index, item in enumerate(generic.FIELDS):
            column, row = divmod(index, rows)
            label = QLabel(self.field_name(item.name) + (" *" if item.name in generic.REQUIRED_FIELDS else ""))
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self._mapping_changed)
            label.setBuddy(combo)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(combo, row, column * 2 + 1)
            grid.setColumnStretch(column * 2 + 1, 1)
            self.field_combos[item.name] = combo
            self.field_labels[item.name] = label
        self.field_combos["status"].setToolTip(self.status_words_text())
        self.field_labels["status"].setToolTip(self.status_words_text())
        outer.addLayout(grid)
        name_row = QHBoxLayout()
        name_label = QLabel(self.tr("Save this mapping as:"))
        self.mapping_name = QLineEdit()
        self.mapping_name.setMaxLength(generic.MAPPING_NAME_MAX)
        self.mapping_name.setPlaceholderText(self.tr("e.g. my orders sheet (empty: not saved)"))
        name_label.setBuddy(self.mapping_name)
        name_row.addWidget(name_label)
        name_row.addWidget(self.mapping_name, 1)
        name_row.addWidget(muted_label(self.tr("A file with the same columns is read with it next time.")), 1)
        outer.addLayout(name_row)
        self.status_words = muted_label(self.status_words_text())
        outer.addWidget(self.status_words)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(250)
        self.preview_timer.timeout.connect(self._preview_mapping)
        box.setVisible(False)
        return box

    def _table(self) -> QTableWidget:
        table = QTableWidget()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    # -- choosing a file ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a shop file"), "",
                                              self.tr("Shop exports (%1)").replace("%1", FILE_FILTER))
        if path:
            self.load(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.busy and dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event)
        if path is not None and not self.busy:
            event.acceptProposedAction()
            self.load(path)

    def load(self, path: str | Path) -> None:
        """Read `path` for the preview (nothing is written)."""
        self.path = Path(path)
        self.password = None
        self.summary = None
        self.file_label.setText(str(self.path))
        self._set_mapping_mode(False)
        self._read()

    def _read(self) -> None:
        assert self.path is not None
        path, password, zone = self.path, self.password, self.zone
        with self.ctx.db.session() as session:
            saved = list_mappings(session)
        self.parsed = None
        self._show_result()
        self._run(lambda: parse_file(path, password=password, saved=saved, zone=zone), self._read_done,
                  self._read_failed, self.tr("Reading the file…"))

    def _read_done(self, result: ParseResult) -> None:
        self.parsed = result
        self.preview_limited = False
        if result.source == generic.SOURCE_NAME:  # read with the saved mapping made for these headers
            self.found_mapping = result.mapping
            with self.ctx.db.session() as session:
                saved = {mapping.name: mapping for mapping in list_mappings(session)}
            found = saved.get(result.mapping or "")
            self._start_mapping(result.header, dict(found.fields) if found else {}, result.mapping or "")
        self._show_result()

    def _read_failed(self, error: Exception) -> None:
        if isinstance(error, UnreadableFile) and error.code in ("password_needed", "wrong_password"):
            prompt = (self.tr("The password is wrong. Enter the file's password again:")
                      if error.code == "wrong_password" else self.tr("This file is locked. Enter its password:"))
            password, ok = QInputDialog.getText(self, self.tr("File password"), prompt, QLineEdit.EchoMode.Password)
            if ok and password:
                self.password = password
                self._read()
                return
        if (isinstance(error, UnreadableFile) and error.code in ("unknown_layout", "mapping_needed")
                and error.header):
            self.found_mapping = None
            self._start_mapping(error.header, generic.suggest(error.header), self.path.stem if self.path else "")
            self._preview_mapping()
            return
        self._show_result()
        self.message.setText(self._unreadable_text(error))

    # -- the mapping step --------------------------------------------------------------------------

    def _start_mapping(self, header: list[str], fields: dict[str, str], name: str) -> None:
        """Show the mapping step for a file with these headers, its combo boxes set to `fields`."""
        self.file_header = list(header)
        for item in generic.FIELDS:
            combo = self.field_combos[item.name]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(not in the file)"), "")
            for text in header:
                combo.addItem(text, text)
            combo.setCurrentIndex(_header_index(header, fields.get(item.name, "")))
            combo.blockSignals(False)
        self.mapping_name.setText(name[:generic.MAPPING_NAME_MAX])
        self._set_mapping_mode(True)

    def _set_mapping_mode(self, on: bool) -> None:
        self.mapping_mode = on
        self.mapping_box.setVisible(on)
        if not on:
            self.file_header = []
            self.found_mapping = None
            self.preview_error = None

    def mapping_fields(self) -> dict[str, str]:
        """Our field → the header chosen for it (fields left '(not in the file)' are not in it)."""
        chosen = {name: combo.currentData() for name, combo in self.field_combos.items()}
        return {name: header for name, header in chosen.items() if header}

    def mapping_missing(self) -> list[str]:
        return generic.problems(self.mapping_fields())

    def _mapping_changed(self) -> None:
        if not self.mapping_mode:
            return
        self.parsed = None
        self.preview_error = None
        self._show_result()
        self.preview_timer.start()

    def _preview_mapping(self) -> None:
        """Read the first lines with the mapping as it is now (again when it changed meanwhile)."""
        fields = self.mapping_fields()
        if (not self.mapping_mode or self.path is None or generic.problems(fields)
                or generic.shared_columns(fields)):
            self._show_result()
            return
        if self.busy:
            self.preview_again = True
            return
        path, password, zone = self.path, self.password, self.zone
        self.parsed = None
        self.preview_error = None
        self._run(lambda: parse_file(path, password=password, mapping=fields, zone=zone,
                                     limit=MAPPING_PREVIEW_LINES),
                  self._preview_done, self._preview_failed, self.tr("Reading the first lines with this mapping…"))

    def _preview_done(self, result: ParseResult) -> None:
        if self.preview_again:
            self.preview_again = False
            self._preview_mapping()
            return
        self.parsed = result
        self.preview_limited = True
        self._show_result()

    def _preview_failed(self, error: Exception) -> None:
        if self.preview_again:
            self.preview_again = False
            self._preview_mapping()
            return
        self.preview_error = self._unreadable_text(error)
        self._show_result()
        self.message.setText(self.preview_error)

    def _unreadable_text(self, error: Exception) -> str:
        if isinstance(error, OSError):
            return self.tr("The file could not be opened. Check that it exists and is not open in another program.")
        if not isinstance(error, UnreadableFile):
            raise error  # a bug, not the file: the error dialog shows it
        texts = {
            "password_needed": self.tr("This file is locked with a password; it was not read."),
            "wrong_password": self.tr("The password is wrong; the file was not read."),
            "empty": self.tr("The file is empty."),
            "not_a_table": self.tr("This is not a CSV or Excel file."),
            "unknown_layout": self.tr("The columns are not those of a shop export Dangol knows."),
            "mapping_needed": self.tr("The columns are not those of a shop export Dangol knows."),
            "mapping_incomplete": self.tr("The column mapping is not complete."),
            "mapping_column_missing": self.tr("A column of the mapping is not in the file."),
            "not_found": self.tr("The file was not found."),
        }
        return texts.get(error.code, self.tr("The file could not be read.")) + " (" + error.message + ")"

    # -- the preview -------------------------------------------------------------------------------

    def import_blocked(self) -> str:
        """Why Import cannot be pressed now, in one line ("" when it can, or when nothing needs saying)."""
        result = self.parsed
        if self.mapping_mode:
            missing = self.mapping_missing()
            if missing:
                return self.tr("Choose the column for: %1").replace(
                    "%1", ", ".join(self.requirement_name(group) for group in missing))
            twice = generic.shared_columns(self.mapping_fields())
            if twice:
                header, names = next(iter(twice.items()))
                return (self.tr("“%1” is chosen for both %2 and %3; a column holds one field.")
                        .replace("%1", header).replace("%2", self.field_name(names[0]))
                        .replace("%3", self.field_name(names[1])))
            if self.preview_error is not None:
                return self.tr("This mapping cannot read the file.")
            if result is not None and not result.orders:
                return self.tr("No order can be read from the first lines with this mapping; check the columns.")
        return ""

    def _show_result(self) -> None:
        result = self.parsed
        reason = "" if self.summary is not None else self.import_blocked()
        self.import_reason.setText(reason)
        self.import_button.setEnabled(result is not None and self.summary is None and not self.busy and not reason
                                      and bool(result.orders or result.customers or result.optouts))
        self.save_rejects_button.setEnabled(result is not None and bool(result.rejects) and not self.busy)
        self.mapping_box.setEnabled(self.summary is None and not self.writing)
        self.message.setText("")
        if result is None:
            self.source_label.setText(self.tr("Your own orders file: map its columns below.")
                                      if self.mapping_mode else "")
            self.counts_label.setText("")
            self.preview_title.setText("")
            self.rejects_title.setText("")
            self.preview.setRowCount(0)
            self.preview.setColumnCount(0)
            self.rejects.setRowCount(0)
            return
        known = BY_NAME.get(result.source)
        if result.source == generic.SOURCE_NAME:
            source = (self.tr("your own orders file, with the saved mapping “%1”").replace("%1", self.found_mapping)
                      if self.found_mapping else self.tr("your own orders file, with the columns mapped below"))
        else:
            source = (known.label if self.ctx.lang == "ko" else known.label_en) if known else result.source
        encoding = result.encoding or self.tr("Excel file")
        self.source_label.setText(self.tr("Detected: %1 · encoding: %2").replace("%1", source).replace("%2", encoding))
        counts = (self.tr("%1 orders, %2 customers, %3 opt-outs from %4 lines (%5 duplicate lines counted once), "
                          "rejected lines: %6")
                  .replace("%1", f"{len(result.orders):,}").replace("%2", f"{len(result.customers):,}")
                  .replace("%3", f"{len(result.optouts):,}").replace("%4", f"{result.lines:,}")
                  .replace("%5", f"{result.duplicate_lines:,}").replace("%6", f"{len(result.rejects):,}"))
        if self.preview_limited and result.lines >= MAPPING_PREVIEW_LINES:
            counts = self.tr("In the first %1 lines: ").replace("%1", f"{MAPPING_PREVIEW_LINES:,}") + counts
        self.counts_label.setText(counts)
        self._fill_preview(result)
        self.rejects_title.setText(self.tr("Rejected lines (not imported): %1").replace(
            "%1", f"{len(result.rejects):,}"))
        self.rejects.setRowCount(len(result.rejects))
        for row, reject in enumerate(result.rejects):
            self._set(self.rejects, row, [str(reject.line), self.reject_text(reject)])

    def _fill_preview(self, result: ParseResult) -> None:
        if result.kind == "orders":
            headers = [self.tr("Order no."), self.tr("Ordered at"), self.tr("Buyer"), self.tr("Amount"),
                       self.tr("Status"), self.tr("Items"), self.tr("Member id, phone or email")]
            rows = [[order.external_id, _local(order.ordered_at, self.zone), order.buyer_name or "",
                     won(order.amount, self.ctx.lang), self.status(order.status), str(len(order.items)), _customer_key(order)]
                    for order in result.orders[:PREVIEW_ROWS]]
            shown, total = len(rows), len(result.orders)
        elif result.kind == "members":
            headers = [self.tr("Member id"), self.tr("Name"), self.tr("Phone"), self.tr("Email"),
                       self.tr("Signed up"), self.tr("Grade")]
            rows = [[c.external_id, c.name or "", format_phone(c.phone), c.email or "", _local(c.signed_up_at, self.zone),
                     c.grade or ""] for c in result.customers[:PREVIEW_ROWS]]
            shown, total = len(rows), len(result.customers)
        else:
            headers = [self.tr("Line"), self.tr("Phone"), self.tr("Email")]
            rows = [[str(o.line), format_phone(o.phone), o.email or ""] for o in result.optouts[:PREVIEW_ROWS]]
            shown, total = len(rows), len(result.optouts)
        self.preview_title.setText(self.tr("As it will be stored (first %1 of %2):")
                                   .replace("%1", f"{shown:,}").replace("%2", f"{total:,}"))
        self.preview.setColumnCount(len(headers))
        self.preview.setHorizontalHeaderLabels(headers)
        self.preview.setRowCount(len(rows))
        for index, cells in enumerate(rows):
            self._set(self.preview, index, cells)

    @staticmethod
    def _set(table: QTableWidget, row: int, cells: list[str]) -> None:
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))

    def status(self, status: str) -> str:
        names = {"pending": self.tr("Awaiting payment"), "paid": self.tr("Paid"), "shipped": self.tr("Shipping"),
                 "delivered": self.tr("Delivered"), "confirmed": self.tr("Purchase confirmed"),
                 "cancelled": self.tr("Cancelled"), "refunded": self.tr("Refunded")}
        return names.get(status, status)

    def field_name(self, name: str) -> str:
        """A field of a generic file as the mapping step names it."""
        names = {"order_id": self.tr("Order number"), "ordered_at": self.tr("Order date"),
                 "amount": self.tr("Order amount"), "status": self.tr("Order status"),
                 "member_id": self.tr("Member id"), "buyer_name": self.tr("Buyer name"), "phone": self.tr("Phone"),
                 "email": self.tr("Email"), "product_name": self.tr("Product name"), "option": self.tr("Option"),
                 "quantity": self.tr("Quantity"), "unit_price": self.tr("Unit price"),
                 "item_amount": self.tr("Item amount"), "category": self.tr("Category"),
                 "coupon_code": self.tr("Coupon code"), "discount": self.tr("Discount"), "paid_at": self.tr("Paid at"),
                 # and the other files' fields a rejected line can be about
                 "order_amount": self.tr("Order amount"), "item_discount": self.tr("Item discount"),
                 "cancelled_at": self.tr("Cancelled at"), "birthday": self.tr("Birthday"),
                 "signed_up_at": self.tr("Signed up"), "sms_consent": self.tr("Text message consent"),
                 "email_consent": self.tr("Email consent"), "at": self.tr("Opted out at")}
        return names.get(name, name)

    def requirement_name(self, group: str) -> str:
        names = {"order_id": self.tr("order number"), "ordered_at": self.tr("order date"),
                 "amount": self.tr("an amount"), "customer": self.tr("member id, phone or email")}
        return names.get(group, group)

    def status_words_text(self) -> str:
        return self.tr("Statuses read: 결제완료, 배송중, 배송완료, 구매확정, 취소, 환불 and the like (or paid, shipped, "
                       "delivered, cancelled, refunded); any other is rejected. Without a status column every "
                       "order is paid.")

    def reject_text(self, reject: Reject) -> str:
        """Why a line was not taken, in the owner's words, with the cell it was about: "날짜를 읽을 수 없음
        (주문일시: '어제쯤')". The file of rejected lines keeps the technical message too."""
        reason = self.reason(reject.reason_code)
        if not reject.field:
            return reason
        name = self.field_name(reject.field)
        return f"{reason} ({name}: '{reject.value}')" if reject.value else f"{reason} ({name})"

    def reason(self, code: str) -> str:
        names = {"bad_date": self.tr("date not readable"), "bad_amount": self.tr("amount not readable"),
                 "bad_quantity": self.tr("quantity not readable"), "bad_consent": self.tr("consent not readable"),
                 "bad_contact": self.tr("not a phone number or email"), "bad_value": self.tr("value not readable"),
                 "missing_product": self.tr("no product name"), "missing_status": self.tr("no order status"),
                 "unknown_status": self.tr("unknown order status"), "missing_order_id": self.tr("no order number"),
                 "conflicting_line": self.tr("appears again with other values"),
                 "order_rejected": self.tr("another line of this order was rejected"),
                 "missing_customer_id": self.tr("no member id"), "masked_id": self.tr("member id is masked")}
        return names.get(code, code)

    # -- writing -----------------------------------------------------------------------------------

    def start_import(self) -> None:
        if self.path is None or self.parsed is None or self.busy or self.summary is not None:
            return
        if self.import_blocked():
            return
        db, path, password, zone = self.ctx.db, self.path, self.password, self.zone
        now = self.ctx.clock.now()
        mapping = self.mapping_fields() if self.mapping_mode else None
        name = self.mapping_name.text().strip() if self.mapping_mode else ""
        self.writing = True
        self.mapping_box.setEnabled(False)
        self._run(lambda: import_file(db, path, now, password=password, mapping=mapping, save_as=name or None,
                                      zone=zone),
                  self._import_done, self._import_failed, self.tr("Importing… (you can keep this window open)"))

    def _import_done(self, summary: ImportSummary) -> None:
        self.summary = summary
        self._show_result_after_import()
        self.imported.emit(summary)
        self.ctx.bus.data_changed.emit()

    def _import_failed(self, error: Exception) -> None:
        self._show_result()
        self.message.setText(self.tr("Nothing was imported: ") + self._unreadable_text(error))

    def _show_result_after_import(self) -> None:
        summary = self.summary
        assert summary is not None
        self._show_result()
        self.rejects_title.setText(self.tr("Rejected lines (not imported): %1").replace(
            "%1", f"{len(summary.rejects):,}"))
        self.rejects.setRowCount(len(summary.rejects))
        for row, reject in enumerate(summary.rejects):
            self._set(self.rejects, row, [str(reject.line), self.reject_text(reject)])
        self.save_rejects_button.setEnabled(bool(summary.rejects))
        self.message.setText(self.summary_text(summary))
        self.cancel_button.setText(self.tr("Close"))

    def summary_text(self, summary: ImportSummary) -> str:
        written = summary.written
        assert written is not None
        parts = []
        if summary.kind == "orders":
            parts.append(self.tr("%1 new orders added and %2 updated.")
                         .replace("%1", f"{written.orders_created:,}").replace("%2", f"{written.orders_updated:,}"))
        if summary.kind != "optout":
            parts.append(self.tr("Customers: %1 new, %2 updated.")
                         .replace("%1", f"{written.customers_created:,}")
                         .replace("%2", f"{written.customers_updated:,}"))
        else:
            parts.append(self.tr("%1 opt-outs applied.").replace("%1", f"{summary.optouts:,}"))
        if written.unchanged:
            parts.append(self.tr("%1 already stored as they are.").replace("%1", f"{written.unchanged:,}"))
        parts.append(self.tr("Rejected lines: %1.").replace("%1", f"{len(summary.rejects):,}"))
        if summary.mapping_saved:
            parts.append(self.tr("Column mapping saved as “%1”.").replace("%1", summary.mapping or ""))
        return " ".join(parts)

    def save_rejects(self) -> None:
        rejects = self.summary.rejects if self.summary is not None else (self.parsed.rejects if self.parsed else [])
        if not rejects:
            return
        default = str(self.path.with_name(self.path.stem + "-rejects.csv")) if self.path else ""
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Save rejected lines"), default,
                                                self.tr("CSV files (*.csv)"))
        if not target:
            return
        try:
            write_rejects(rejects, target)
        except OSError:
            self.message.setText(self.tr("The rejected lines could not be saved there."))
            return
        self.message.setText(self.message.text() + " " +
                             self.tr("Rejected lines saved to %1.").replace("%1", target))

    # -- running off the UI thread -----------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None],
             busy_text: str) -> None:
        job = _Job(work)
        self.jobs.append(job)

        def finish(handler: Callable[[Any], None], value: Any) -> None:
            self.jobs.remove(job)
            self.writing = False
            self._set_busy(False, "")
            handler(value)

        job.signals.done.connect(lambda value: finish(done, value))
        job.signals.failed.connect(lambda error: finish(failed, error))
        self._set_busy(True, busy_text)
        self.pool.start(job)

    def _set_busy(self, busy: bool, text: str) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.choose_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not self.writing)
        self.import_button.setEnabled(False if busy else self.import_button.isEnabled())
        if busy:
            self.message.setText(text)

    def reject(self) -> None:
        """Cancel: nothing is written unless "가져오기" was pressed (a write under way finishes first)."""
        if self.writing:
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.writing:
            event.ignore()
            return
        super().closeEvent(event)


class _Line(QLabel):
    """A line of the dialog that takes no room while it says nothing."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


def _header_index(header: list[str], wanted: str) -> int:
    """The combo box row of the header `wanted` (compared as headers are: `주문 번호` = `주문번호`); 0: none."""
    if not wanted:
        return 0
    if wanted in header:
        return header.index(wanted) + 1
    key = header_keys(wanted)[0]
    return next((index + 1 for index, text in enumerate(header) if header_keys(text)[0] == key), 0)


def _customer_key(order: ParsedOrder) -> str:
    """How the order finds its customer: the member id, else the phone, else the email."""
    return order.customer_external_id or format_phone(order.buyer_phone) or order.buyer_email or ""  # 010-…, as written


def dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
    """The local file a drag carries (one file), or None."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    return files[0] if len(files) == 1 and Path(files[0]).is_file() else None
