"""쇼핑몰 연결: every shop platform Dangol can sync, connected or not, with its last sync (the shop's time,
how long ago), what that sync brought, its last error in plain words, and buttons to connect, sync now and
disconnect; and how often the runner syncs by itself.

Nothing here knows a platform: the list is engine.sync.api.run `statuses()` (the registry's order), and the
connect form is built from `connector_class(name).fields` (labels, examples as placeholders, secrets as
password fields) with the connector's note. Connecting and syncing run off the UI thread (`connect`,
`sync_source`); Cancel sets the Http stop event, which ends the job at its next call or wait: a connect that
was stopped keeps nothing, a sync keeps the pages it wrote and the next sync goes on from there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine import config
from engine.runtime.lease import status as runner_status
from engine.sync.api import connector_class
from engine.sync.api.base import Connector
from engine.sync.api.http import Http, SyncError
from engine.sync.api.run import SourceStatus, SyncSummary, connect, disconnect, statuses, sync_source
from ui.context import AppContext
from ui.import_dialog import _Job
from ui.widgets import first_size, muted_label, title_label

RED = "#c0392b"
GREEN = "#1e8449"
REFRESH_MS = 5000  # the runner may sync a source while the window is open
INTERVAL_KEY = "sync.interval_minutes"
INTERVAL_MAX = 1440  # engine.config's bound for sync.interval_minutes

HttpFactory = Callable[[str, threading.Event], Http]


def default_http(what: str, stop: threading.Event) -> Http:
    return Http(what, stop=stop)


def busy_bar() -> QProgressBar:
    """A thin bar that moves while a connect or a sync runs (hidden until then)."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.setVisible(False)
    return bar


class _Runner(QObject):
    """One job at a time on a thread of its own; `work` gets the job's stop event (Cancel sets it), and its
    result or exception comes back on the UI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.jobs: list[_Job] = []  # kept alive until their signal has arrived
        self.stop = threading.Event()

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def start(self, work: Callable[[threading.Event], Any], done: Callable[[Any], None],
              failed: Callable[[Exception], None]) -> None:
        stop = self.stop = threading.Event()
        job = _Job(lambda: work(stop))
        self.jobs.append(job)

        def finish(handler: Callable[[Any], None], value: Any) -> None:
            if not shiboken6.isValid(self):  # the window was closed and deleted meanwhile
                return
            self.jobs.remove(job)
            handler(value)

        job.signals.done.connect(lambda value: finish(done, value))
        job.signals.failed.connect(lambda error: finish(failed, error))
        self.pool.start(job)

    def cancel(self) -> None:
        self.stop.set()

    def shut_down(self) -> None:
        """Stop the job and wait for it (the app is closing): a sync finishes the page it is writing."""
        self.stop.set()
        self.pool.waitForDone()


def _line(edit: QLineEdit) -> str:
    return edit.text().strip()


class ConnectForm(QDialog):
    """One platform's fields; "연결" checks them against the shop (off the UI thread) and keeps them only
    when the shop accepts them."""

    connected = Signal(str)  # the connector's check line

    def __init__(self, ctx: AppContext, status: SourceStatus, make_http: HttpFactory,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.name = status.name
        self.cls: type[Connector] = connector_class(status.name)
        self.make_http = make_http
        self.runner = _Runner(self)
        platform = self.cls.describe(ctx.lang)
        self.setWindowTitle(self.tr("Connect %1").replace("%1", platform))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Connect %1").replace("%1", platform)))
        note = self.cls.note_ko if ctx.lang == "ko" else self.cls.note_en
        self.note = QLabel(note)
        self.note.setObjectName("connectNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        form = self.form_layout = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for item in self.cls.fields:
            edit = QLineEdit()
            if item.example:
                edit.setPlaceholderText(self.tr("e.g. %1").replace("%1", item.example))
            if item.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            else:
                edit.setText(status.config.get(item.key, ""))
            label = item.label(ctx.lang)
            if not item.required:
                label = self.tr("%1 (optional)").replace("%1", label)
            self.edits[item.key] = edit
            form.addRow(label, edit)
        layout.addLayout(form)
        if any(item.secret for item in self.cls.fields):
            layout.addWidget(muted_label(self.tr(
                "Keys and passwords are kept in this PC's system keyring, never in the shop's data file.")))
        self.progress = busy_bar()
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setObjectName("connectMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.connect_button = QPushButton(self.tr("Connect"))
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    def values(self) -> dict[str, str]:
        return {key: _line(edit) for key, edit in self.edits.items()}

    def start(self) -> None:
        if self.runner.busy:
            return
        db, name, values, now = self.ctx.db, self.name, self.values(), self.ctx.clock.now()
        what, make_http = self.cls.describe(self.ctx.lang), self.make_http

        def work(stop: threading.Event) -> str:
            http = make_http(what, stop)
            try:
                return connect(db, name, values, now, http=http)
            finally:
                http.close()

        self._show(self.tr("Checking with the shop…"), "")
        self._set_busy(True)
        self.runner.start(work, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.connect_button.setEnabled(not busy)
        for edit in self.edits.values():
            edit.setEnabled(not busy)

    def _show(self, text: str, color: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {color};" if color else "")

    def _done(self, line: str) -> None:
        self._set_busy(False)
        self.connected.emit(line)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if not isinstance(error, SyncError):
            raise error  # a bug, not the owner's input: the error dialog shows it
        if error.code == "cancelled":
            self._show(self.tr("Stopped; nothing was saved."), "")
            return
        self._show(self.tr("Not connected: %1").replace("%1", error.text(self.ctx.lang)), RED)

    def reject(self) -> None:
        """Cancel: while the shop is being asked, stop asking (nothing is kept); otherwise close."""
        if self.runner.busy:
            self.runner.cancel()
            self._show(self.tr("Stopping…"), "")
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


class SourceCard(QFrame):
    """One platform in the list: its state, last sync, what it brought, its last error, and its buttons."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.state = QLabel()
        self.state.setObjectName("connectionState")
        head.addWidget(self.title)
        head.addSpacing(10)
        head.addWidget(self.state)
        head.addStretch(1)
        layout.addLayout(head)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_sync = QLabel()
        self.last_sync.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("lastError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.details, self.last_sync, self.error):
            layout.addWidget(label)
        self.progress = busy_bar()
        layout.addWidget(self.progress)
        self.result = QLabel()
        self.result.setObjectName("syncResult")
        self.result.setWordWrap(True)
        self.result.setVisible(False)
        self.outcome = False  # the result line says how the last sync, run from this window, ended
        layout.addWidget(self.result)
        buttons = QHBoxLayout()
        self.connect_button = QPushButton()
        self.sync_button = QPushButton()
        self.disconnect_button = QPushButton()
        self.cancel_button = QPushButton()
        self.cancel_button.setVisible(False)
        for button in (self.connect_button, self.sync_button, self.disconnect_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    def show_result(self, text: str, color: str = "", outcome: bool = False) -> None:
        """One line on what was just done; `outcome`: how the last sync ended (then the last error is not
        repeated above it)."""
        self.outcome = outcome
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {color};" if color else "")
        self.result.setVisible(bool(text))


class ConnectionsDialog(QDialog):
    """쇼핑몰 연결: the shop platforms, each connected or not, with sync now and disconnect."""

    synced = Signal(object)  # a SyncSummary, after a sync (ok or not)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 make_http: HttpFactory | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.make_http: HttpFactory = make_http or default_http
        self.runner = _Runner(self)
        self.job_source: str | None = None  # the platform whose sync runs from this window
        self.form: ConnectForm | None = None
        self.statuses: dict[str, SourceStatus] = {}
        with ctx.db.session() as session:
            self.zone = ZoneInfo(str(config.get(session, "shop.timezone")))
        self.setWindowTitle(self.tr("Shop connections"))
        self.resize(first_size(760, 600))
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Shop connections")))
        layout.addWidget(muted_label(self.tr(
            "Connect your shop and its orders and customers come in by themselves. To bring in an exported "
            "file instead, use File › Import a shop file.")))
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.list_layout = QVBoxLayout(body)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.cards: dict[str, SourceCard] = {}
        for status in statuses(ctx.db):
            card = SourceCard(status.name)
            card.connect_button.clicked.connect(lambda _=False, n=status.name: self.open_form(n))
            card.sync_button.clicked.connect(lambda _=False, n=status.name: self.sync_now(n))
            card.disconnect_button.clicked.connect(lambda _=False, n=status.name: self.disconnect_source(n))
            card.cancel_button.clicked.connect(self.cancel)
            self.cards[status.name] = card
            self.list_layout.addWidget(card)
        self.list_layout.addStretch(1)
        self.scroll.setWidget(body)
        layout.addWidget(self.scroll, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Sync automatically every")))
        self.interval = QSpinBox()
        self.interval.setRange(0, INTERVAL_MAX)
        self.interval.setSingleStep(10)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setSpecialValueText(self.tr("off"))
        self.interval.setKeyboardTracking(False)  # typed digits are written once, not one by one
        row.addWidget(self.interval)
        self.interval_note = muted_label("")
        row.addWidget(self.interval_note, 1)
        layout.addLayout(row)
        bottom = QHBoxLayout()
        self.message = muted_label("")
        bottom.addWidget(self.message, 1)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.refresh()
        self.interval.valueChanged.connect(self.set_interval)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    # -- showing ---------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.statuses = {status.name: status for status in statuses(self.ctx.db)}
        for name, card in self.cards.items():
            status = self.statuses.get(name)
            if status is not None:
                self._fill(card, status)
        with self.ctx.db.session() as session:
            minutes = int(config.get(session, INTERVAL_KEY))
        self.interval.blockSignals(True)
        self.interval.setValue(minutes)
        self.interval.blockSignals(False)
        self._interval_note(minutes)

    def _interval_note(self, minutes: int) -> None:
        if minutes <= 0:
            text = self.tr("Connected shops are synced only when you press Sync now.")
        elif runner_status(self.ctx.db, self.ctx.clock).state != "running":
            text = self.tr("The runner is not running, so nothing is synced by itself until you start it "
                           "(status bar).")
        else:
            text = self.tr("The runner syncs every connected shop this often.")
        self.interval_note.setText(text)

    def _fill(self, card: SourceCard, status: SourceStatus) -> None:
        lang = self.ctx.lang
        cls = connector_class(status.name)
        card.title.setText(cls.describe(lang))
        mine = self.job_source == status.name
        if status.running and not mine:
            card.state.setText(self.tr("Syncing (the runner)…"))
            card.state.setStyleSheet("")
        elif status.connected:
            card.state.setText(self.tr("● Connected"))
            card.state.setStyleSheet(f"color: {GREEN}; font-weight: 600;")
        else:
            card.state.setText(self.tr("Not connected"))
            card.state.setStyleSheet("")
        shown = [f"{item.label(lang)}: {status.config[item.key]}" for item in cls.fields
                 if not item.secret and status.config.get(item.key)]
        card.details.setText(" · ".join(shown))
        card.details.setVisible(status.connected and bool(shown))
        if status.last_synced_at is not None:
            text = (self.tr("Last sync: %1 (%2)").replace("%1", self.ago(status.last_synced_at))
                    .replace("%2", self.when(status.last_synced_at)))
            if status.counts:
                text += " · " + self.counts_text(status.counts)
            card.last_sync.setText(text)
        else:
            card.last_sync.setText(self.tr("Not synced yet"))
        card.last_sync.setVisible(status.connected or status.last_synced_at is not None)
        error = status.error(lang) if status.last_status == "error" else None
        if error:
            when = self.when(status.last_attempt_at) if status.last_attempt_at else ""
            card.error.setText(self.tr("Last sync failed (%1): %2").replace("%1", when).replace("%2", error)
                               if when else self.tr("Last sync failed: %1").replace("%1", error))
        card.error.setVisible(bool(error) and not card.outcome)  # the result line says how it ended already
        card.connect_button.setText(self.tr("Connect again…") if status.connected else self.tr("Connect…"))
        card.sync_button.setText(self.tr("Sync now"))
        card.disconnect_button.setText(self.tr("Disconnect"))
        card.cancel_button.setText(self.tr("Cancel"))
        busy = self.runner.busy
        card.connect_button.setEnabled(not busy)
        card.sync_button.setEnabled(status.connected and not busy)
        card.disconnect_button.setEnabled(status.connected and not busy)
        card.disconnect_button.setVisible(status.connected)
        card.progress.setVisible(mine)
        card.cancel_button.setVisible(mine)

    def when(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def ago(self, moment: datetime) -> str:
        seconds = (self.ctx.clock.now() - moment).total_seconds()
        if seconds < 60:
            return self.tr("just now")
        if seconds < 3600:
            return self.tr("%1 min ago").replace("%1", str(int(seconds // 60)))
        if seconds < 86400:
            return self.tr("%1 h ago").replace("%1", str(int(seconds // 3600)))
        return self.tr("%1 days ago").replace("%1", f"{int(seconds // 86400):,}")

    def counts_text(self, counts: dict[str, int]) -> str:
        """What the last successful sync brought (engine.sync.api.run keeps its counts)."""
        if not counts.get("records"):
            return self.tr("nothing new")
        return (self.tr("brought in orders: %1, customers: %2")
                .replace("%1", f"{counts.get('orders', 0):,}").replace("%2", f"{counts.get('customers', 0):,}"))

    def summary_text(self, summary: SyncSummary) -> tuple[str, str]:
        """The one line a sync ends with, and its colour ("" for calm, red for an error)."""
        written = summary.written
        orders = written.orders_created + written.orders_updated
        customers = written.customers_created + written.customers_updated
        if summary.status == "ok":
            if not summary.records:
                return self.tr("Synced: nothing changed since the last sync."), ""
            return (self.tr("Orders brought in: %1 (%2 new); customers: %3.")
                    .replace("%1", f"{orders:,}").replace("%2", f"{written.orders_created:,}")
                    .replace("%3", f"{customers:,}")), ""
        kept = (" " + self.tr("The %1 orders brought in before that are kept.").replace("%1", f"{orders:,}")
                if summary.pages else "")
        if summary.error_code == "cancelled":
            return self.tr("Stopped; the next sync goes on from here.") + kept, ""
        error = summary.error_ko if self.ctx.lang == "ko" else summary.error
        return (error or summary.error_code or "") + kept, RED

    # -- connecting ------------------------------------------------------------------------------

    def open_form(self, name: str) -> ConnectForm | None:
        if self.runner.busy:
            return None
        status = self.statuses.get(name) or next(s for s in statuses(self.ctx.db) if s.name == name)
        form = ConnectForm(self.ctx, status, self.make_http, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.connected.connect(lambda line, n=name: self._connected(n, line))
        form.finished.connect(self._form_closed)
        self.form = form
        form.open()
        return form

    def _form_closed(self) -> None:
        self.form = None

    def _connected(self, name: str, line: str) -> None:
        self.refresh()
        self.cards[name].show_result(self.tr("Connected (%1). Press Sync now to bring in the orders.")
                                     .replace("%1", line))
        self.ctx.bus.data_changed.emit()

    def disconnect_source(self, name: str) -> None:
        if self.runner.busy:
            return
        platform = connector_class(name).describe(self.ctx.lang)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Disconnect %1").replace("%1", platform))
        box.setText(self.tr("Disconnect %1? Its keys are removed from this PC and it is no longer synced. "
                            "The orders and customers already brought in stay.").replace("%1", platform))
        yes = box.addButton(self.tr("Disconnect"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not yes:
            return
        card = self.cards[name]
        try:
            disconnect(self.ctx.db, name)
        except SyncError as exc:  # no keyring to remove the key from
            card.show_result(exc.text(self.ctx.lang), RED)
            return
        self.refresh()
        card.show_result(self.tr("Disconnected. The data already brought in stays."))
        self.ctx.bus.data_changed.emit()

    # -- syncing ---------------------------------------------------------------------------------

    def sync_now(self, name: str) -> None:
        if self.runner.busy:
            return
        db, clock, make_http = self.ctx.db, self.ctx.clock, self.make_http
        what = connector_class(name).describe(self.ctx.lang)

        def work(stop: threading.Event) -> SyncSummary:
            http = make_http(what, stop)
            try:
                return sync_source(db, name, clock, http=http, stop=stop)
            finally:
                http.close()

        self.job_source = name
        self.runner.start(work, self._synced, self._sync_failed)
        card = self.cards[name]
        card.show_result(self.tr("Syncing… you can close this window; the sync goes on."))
        self.refresh()

    def cancel(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            if self.job_source:
                self.cards[self.job_source].show_result(self.tr("Stopping…"))

    def _end_job(self) -> SourceCard | None:
        name, self.job_source = self.job_source, None
        return self.cards.get(name) if name else None

    def _synced(self, summary: SyncSummary) -> None:
        card = self._end_job()
        if card is not None:
            card.show_result(*self.summary_text(summary), outcome=True)
        self.refresh()
        self.synced.emit(summary)
        self.ctx.bus.data_changed.emit()  # pages reload, the status bar's last sync changes

    def _sync_failed(self, error: Exception) -> None:
        card = self._end_job()
        if card is not None and isinstance(error, SyncError):
            if error.code == "busy":  # the runner is syncing it: its result shows here when it ends
                card.show_result(self.tr("%1 is being synced already (by the runner); its result shows here when "
                                         "it ends.").replace("%1", connector_class(card.name).describe(self.ctx.lang)))
            else:
                card.show_result(error.text(self.ctx.lang), RED, outcome=True)
        self.refresh()
        if not isinstance(error, SyncError):
            raise error  # a bug: the error dialog shows it

    # -- the interval ----------------------------------------------------------------------------

    def set_interval(self, minutes: int) -> None:
        try:
            with self.ctx.db.write_session() as session:
                config.set_value(session, INTERVAL_KEY, str(minutes))
        except config.ConfigError as exc:
            self.message.setText(self.tr("Not saved: %1").replace("%1", exc.text(self.ctx.lang)))
            self.message.setStyleSheet(f"color: {RED};")
            return
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saved."))
        self._interval_note(minutes)
        self.ctx.bus.data_changed.emit()  # the settings page shows the same value

    # -- closing ---------------------------------------------------------------------------------

    def shut_down(self) -> None:
        """The app is closing: stop a sync under way (what it wrote stays) and wait for it."""
        self.timer.stop()
        self.runner.shut_down()
