"""Bring a shop's export file in from the app: choose or drop a file, see what it holds as it will be
stored (with its rejected lines), then write it. Reading and writing run off the UI thread.

The engine does the work (engine/sync/parse `parse_file` for the preview, engine/sync/load `import_file`
for the write, in one transaction); Cancel before "가져오기" writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
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
from engine.money import won
from engine.sync import UnreadableFile
from engine.sync.load import ImportSummary, import_file, write_rejects
from engine.sync.parse import parse_file
from engine.sync.records import ParseResult
from engine.sync.sources import BY_NAME
from ui.context import AppContext
from ui.widgets import muted_label, title_label

PREVIEW_ROWS = 20
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
            "or an opt-out list, or drop it on this window. Nothing is stored until you press Import.")))
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
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("importMessage")
        self.message.setStyleSheet("font-weight: bold;")
        for label in (self.source_label, self.counts_label, self.message):
            layout.addWidget(label)
        self.preview_title = QLabel()
        layout.addWidget(self.preview_title)
        self.preview = self._table()
        layout.addWidget(self.preview, 3)
        self.rejects_title = QLabel()
        layout.addWidget(self.rejects_title)
        self.rejects = self._table()
        self.rejects.setColumnCount(2)
        self.rejects.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Reason")])
        layout.addWidget(self.rejects, 1)
        buttons = QHBoxLayout()
        self.save_rejects_button = QPushButton(self.tr("Save rejected lines…"))
        self.save_rejects_button.clicked.connect(self.save_rejects)
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_rejects_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._show_result()
        if path is not None:
            self.load(path)

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
        self._read()

    def _read(self) -> None:
        assert self.path is not None
        path, password, zone = self.path, self.password, self.zone
        self.parsed = None
        self._show_result()
        self._run(lambda: parse_file(path, password=password, zone=zone), self._read_done, self._read_failed,
                  self.tr("Reading the file…"))

    def _read_done(self, result: ParseResult) -> None:
        self.parsed = result
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
        self._show_result()
        self.message.setText(self._unreadable_text(error))

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
            "not_found": self.tr("The file was not found."),
        }
        return texts.get(error.code, self.tr("The file could not be read.")) + " (" + error.message + ")"

    # -- the preview -------------------------------------------------------------------------------

    def _show_result(self) -> None:
        result = self.parsed
        self.import_button.setEnabled(result is not None and self.summary is None and not self.busy
                                      and bool(result.orders or result.customers or result.optouts))
        self.save_rejects_button.setEnabled(result is not None and bool(result.rejects) and not self.busy)
        self.message.setText("")
        if result is None:
            self.source_label.setText("")
            self.counts_label.setText("")
            self.preview_title.setText("")
            self.rejects_title.setText("")
            self.preview.setRowCount(0)
            self.preview.setColumnCount(0)
            self.rejects.setRowCount(0)
            return
        known = BY_NAME.get(result.source)
        source = (known.label if self.ctx.lang == "ko" else known.label_en) if known else result.source
        encoding = result.encoding or self.tr("Excel file")
        self.source_label.setText(self.tr("Detected: %1 · encoding: %2").replace("%1", source).replace("%2", encoding))
        self.counts_label.setText(
            self.tr("%1 orders, %2 customers, %3 opt-outs from %4 lines (%5 duplicate lines counted once), "
                    "rejected lines: %6")
            .replace("%1", f"{len(result.orders):,}").replace("%2", f"{len(result.customers):,}")
            .replace("%3", f"{len(result.optouts):,}").replace("%4", f"{result.lines:,}")
            .replace("%5", f"{result.duplicate_lines:,}").replace("%6", f"{len(result.rejects):,}"))
        self._fill_preview(result)
        self.rejects_title.setText(self.tr("Rejected lines (not imported): %1").replace(
            "%1", f"{len(result.rejects):,}"))
        self.rejects.setRowCount(len(result.rejects))
        for row, reject in enumerate(result.rejects):
            self._set(self.rejects, row, [str(reject.line), f"{self.reason(reject.reason_code)} ({reject.message})"])

    def _fill_preview(self, result: ParseResult) -> None:
        if result.kind == "orders":
            headers = [self.tr("Order no."), self.tr("Ordered at"), self.tr("Buyer"), self.tr("Amount"),
                       self.tr("Status"), self.tr("Items")]
            rows = [[order.external_id, _local(order.ordered_at, self.zone), order.buyer_name or "",
                     won(order.amount), self.status(order.status), str(len(order.items))]
                    for order in result.orders[:PREVIEW_ROWS]]
            shown, total = len(rows), len(result.orders)
        elif result.kind == "members":
            headers = [self.tr("Member id"), self.tr("Name"), self.tr("Phone"), self.tr("Email"),
                       self.tr("Signed up"), self.tr("Grade")]
            rows = [[c.external_id, c.name or "", c.phone or "", c.email or "", _local(c.signed_up_at, self.zone),
                     c.grade or ""] for c in result.customers[:PREVIEW_ROWS]]
            shown, total = len(rows), len(result.customers)
        else:
            headers = [self.tr("Line"), self.tr("Phone"), self.tr("Email")]
            rows = [[str(o.line), o.phone or "", o.email or ""] for o in result.optouts[:PREVIEW_ROWS]]
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
        db, path, password, zone = self.ctx.db, self.path, self.password, self.zone
        now = self.ctx.clock.now()
        self.writing = True
        self._run(lambda: import_file(db, path, now, password=password, zone=zone), self._import_done,
                  self._import_failed, self.tr("Importing… (you can keep this window open)"))

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


def dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
    """The local file a drag carries (one file), or None."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    return files[0] if len(files) == 1 and Path(files[0]).is_file() else None
