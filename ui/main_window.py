"""The main window: navigation on the left, one page at a time, the runner's state in the status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from engine import config
from engine.coupons import CouponError, import_pool, low_pools, pools, read_codes
from engine.delivery.rules import stale_since
from engine.runtime.lease import status as runner_status
from engine.runtime.stats import failures
from storage.models import OutboxMessage, SyncState
from ui.connections import ConnectionsDialog
from ui.context import AppContext
from ui.import_dialog import ImportDialog, dropped_file
from ui.late_notice import LateBanner
from ui.pages.customers import CustomersPage
from ui.pages.gallery import GalleryPage
from ui.pages.journeys import JourneysPage
from ui.pages.messages import MessagesPage
from ui.pages.segments import SegmentsPage
from ui.pages.settings import SettingsPage
from ui.runner_control import RunnerControl
from ui.widgets import first_size, local_time

PAGE_IDS = ("journeys", "gallery", "customers", "segments", "messages", "dashboard", "settings")
# pages built when first shown or asked for, not while the window opens: the dashboard brings its charts
# library and numpy (≈ 0.5 s of imports) and computes on a worker from the moment it exists
LATER = frozenset({"dashboard"})


def _dashboard(ctx: AppContext) -> QWidget:
    from ui.pages.dashboard import DashboardPage

    return DashboardPage(ctx)


class _Pages(dict[str, QWidget]):
    """The window's pages by id; a page in LATER is built on first access (`window.pages["dashboard"]`, or
    switching to it) and takes its stand-in's place in the stack."""

    def __init__(self, stack: QStackedWidget, ctx: AppContext,
                 factories: dict[str, Callable[[AppContext], QWidget]]) -> None:
        super().__init__()
        self.stack, self.ctx, self.factories = stack, ctx, factories

    def build(self, page_id: str) -> QWidget:
        """The page, built now if it was not yet."""
        return self[page_id]

    def __missing__(self, page_id: str) -> QWidget:
        page = self.factories[page_id](self.ctx)
        page.setContentsMargins(16, 12, 16, 12)
        index = PAGE_IDS.index(page_id)
        stand_in = self.stack.widget(index)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        if stand_in is not None and page_id in LATER:
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
        self.stack.setCurrentIndex(current)
        self[page_id] = page
        return page
STATUS_INTERVAL_MS = 5000


class ClickableLabel(QLabel):
    """A status bar label that opens something when clicked (the last sync: the shop connections)."""

    clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, on_language: Callable[[str], None] | None = None,
                 on_theme: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.title())
        self.setMinimumSize(QSize(960, 600))
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        if ctx.is_demo:
            banner = QLabel(self.tr("Demo shop: made-up customers and orders to try things out. "
                                    "Nothing is sent to real people."))
            banner.setObjectName("banner")
            outer.addWidget(banner)
        # messages skipped as too late while the PC was off: told once, with a way to send them after all
        self.late_banner = LateBanner(ctx)
        self.late_banner.changed.connect(ctx.bus.data_changed.emit)
        self.late_banner.dismissed.connect(lambda count: self.statusBar().showMessage(
            self.tr("%1 late messages stay unsent; the notice will not come back for them.")
            .replace("%1", f"{count:,}"), 8000))
        outer.addWidget(self.late_banner)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        names = {
            "journeys": self.tr("Journeys"), "gallery": self.tr("Template gallery"), "customers": self.tr("Customers"),
            "segments": self.tr("Segments"), "messages": self.tr("Message log"), "dashboard": self.tr("Dashboard"),
            "settings": self.tr("Settings"),
        }
        factories: dict[str, Callable[[AppContext], QWidget]] = {
            "journeys": JourneysPage, "gallery": GalleryPage, "customers": CustomersPage, "segments": SegmentsPage,
            "messages": MessagesPage, "dashboard": _dashboard, "settings": SettingsPage,
        }
        self.pages = _Pages(self.stack, ctx, factories)
        for page_id in PAGE_IDS:
            if page_id in LATER:
                self.stack.addWidget(QWidget())  # a stand-in until the page is first wanted
            else:
                self.pages.build(page_id)
            item = QListWidgetItem(names[page_id])
            item.setData(Qt.ItemDataRole.UserRole, page_id)
            item.setSizeHint(QSize(0, 40))
            self.nav.addItem(item)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        settings_page = self.pages["settings"]
        assert isinstance(settings_page, SettingsPage)
        if on_language:
            settings_page.language_changed.connect(on_language)
        if on_theme:
            settings_page.theme_changed.connect(on_theme)
        self.nav.currentRowChanged.connect(self._show_row)
        ctx.bus.navigate.connect(self.show_page)
        ctx.bus.data_changed.connect(self.refresh_current)
        ctx.bus.data_changed.connect(self.refresh_status)  # an import or a sync: the last sync changed
        self._menus()
        self.import_dialog: ImportDialog | None = None
        self.connections_dialog: ConnectionsDialog | None = None
        self.setAcceptDrops(True)  # a shop file dropped on the window opens the import dialog with it
        self.runner_control = RunnerControl(ctx.db)
        self.runner_button = QPushButton()
        self.runner_button.clicked.connect(self.toggle_runner)
        self.runner_label = QLabel()
        self.sync_label = ClickableLabel()
        self.sync_label.setToolTip(self.tr("Open the shop connections"))
        self.sync_label.clicked.connect(lambda: self.open_connections())
        self.held_label = QLabel()
        # journeys where a message could not be made for some customers: a link to the first one's editor
        self.failure_label = QLabel()
        self.failure_label.setObjectName("failureNotice")
        self.failure_label.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.failure_label.linkActivated.connect(self.open_failed_journey)
        # a coupon pool a live journey takes from running low or empty: a link to import more codes
        self.coupon_label = ClickableLabel()
        self.coupon_label.setObjectName("couponNotice")
        self.coupon_label.setStyleSheet("color: #c0392b;")
        self.coupon_label.clicked.connect(lambda: self.import_coupon_codes(self.low_pool))
        self.low_pool: str | None = None
        for label in (self.failure_label, self.coupon_label, self.runner_label, self.sync_label, self.held_label):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().addPermanentWidget(self.runner_button)
        self.timer = QTimer(self)
        self.timer.setInterval(STATUS_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh_status)
        self.timer.start()
        self.refresh_status()
        self._restore()
        QTimer.singleShot(0, self._reopen_editor)

    def _reopen_editor(self) -> None:
        journeys = self.pages["journeys"]
        reopen = getattr(journeys, "reopen_last", None)
        if callable(reopen):
            reopen()

    def title(self) -> str:
        name = self.tr("Dangol")
        demo = self.tr("demo shop")
        return f"{name} — {demo}" if self.ctx.is_demo else name

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        import_action = QAction(self.tr("Import a shop file…"), self)
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.triggered.connect(lambda: self.open_import())
        file_menu.addAction(import_action)
        connections_action = QAction(self.tr("Shop connections…"), self)
        connections_action.triggered.connect(lambda: self.open_connections())
        file_menu.addAction(connections_action)
        coupons_action = QAction(self.tr("Import coupon codes…"), self)
        coupons_action.triggered.connect(lambda: self.import_coupon_codes())
        file_menu.addAction(coupons_action)
        file_menu.addSeparator()
        self.import_action = import_action
        self.connections_action = connections_action
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for index, page_id in enumerate(PAGE_IDS):
            action = QAction(self.nav.item(index).text(), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, p=page_id: self.show_page(p))
            view_menu.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("About Dangol"), self)
        about.triggered.connect(lambda: QMessageBox.about(self, self.tr("About Dangol"), self.tr(
            "Dangol: customer journeys for small online shops, on your own PC.")))
        help_menu.addAction(about)

    def open_import(self, path: str | None = None) -> ImportDialog:
        """The import dialog (window-modal, not blocking), reading `path` at once when given."""
        dialog = ImportDialog(self.ctx, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def open_connections(self) -> ConnectionsDialog:
        """The shop connections window (one per main window, not modal: a sync goes on while it is closed)."""
        dialog = self.connections_dialog
        if dialog is None:
            dialog = self.connections_dialog = ConnectionsDialog(self.ctx, self)
            dialog.synced.connect(lambda _summary: self.refresh_status())
        else:
            dialog.refresh()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_import(path)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.pages.build(PAGE_IDS[row])  # a page in LATER is built the first time it is shown
        self.stack.setCurrentIndex(row)
        self.refresh_current()

    def show_page(self, page_id: str) -> None:
        self.nav.setCurrentRow(PAGE_IDS.index(page_id))

    def current_page_id(self) -> str:
        return PAGE_IDS[self.stack.currentIndex()]

    def refresh_current(self) -> None:
        page = self.stack.currentWidget()
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()

    def refresh_status(self) -> None:
        state = runner_status(self.ctx.db, self.ctx.clock)
        texts = {"running": self.tr("Runner: running"), "stopped": self.tr("Runner: stopped"),
                 "stale": self.tr("Runner: not responding"), "never": self.tr("Runner: not started yet")}
        text = texts.get(state.state, state.state)
        if state.heartbeat_at is not None:
            text += " · " + self.tr("last heartbeat %1").replace("%1", local_time(state.heartbeat_at))
        self.runner_label.setText(text)
        self.runner_running = state.state == "running"
        self.runner_button.setText(self.tr("Stop runner") if self.runner_running else self.tr("Start runner"))
        with self.ctx.db.session() as session:
            last_sync = session.scalar(select(func.max(SyncState.last_synced_at)))
            stale_hours = config.get(session, "sync.stale_after_hours")
            held = session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.status == "held")) or 0
        self.sync_label.setText(self.tr("Last sync: %1").replace("%1", local_time(last_sync))
                                if last_sync else self.tr("Not synced yet"))
        self.sync_stale = stale_since(last_sync, self.ctx.clock.now(), int(stale_hours)) is not None
        if self.sync_stale:
            self.sync_label.setText(self.sync_label.text() + " · "
                                    + self.tr("out of date: messages are not sent until it is synced again"))
        self.sync_label.setStyleSheet("color: #c0392b;" if self.sync_stale else "")
        self.held_label.setText(self.tr("%1 messages waiting for review").replace("%1", f"{held:,}"))
        self.held_label.setVisible(bool(held))
        self.late_banner.refresh()
        self.refresh_failures()
        self.refresh_coupons()

    def refresh_coupons(self) -> None:
        """Tell the owner before a coupon pool runs out (and that its messages wait once it has)."""
        with self.ctx.db.session() as session:
            low = low_pools(session, self.ctx.clock.now())
        self.low_pool = low[0].pool if low else None
        if not low:
            self.coupon_label.setVisible(False)
            return
        first = low[0]
        if first.left:
            text = (self.tr("⚠ Coupon pool '%1': only %2 codes left. Import more…")
                    .replace("%1", first.pool).replace("%2", f"{first.left:,}"))
        else:
            text = self.tr("⚠ Coupon pool '%1' is empty: its messages are held. Import codes…").replace("%1", first.pool)
        self.coupon_label.setText(text)
        self.coupon_label.setVisible(True)

    def import_coupon_file(self, pool: str, path: str) -> str:
        """Add the codes of the shop's coupon export at `path` to `pool`; the line the status bar shows."""
        result = import_pool(self.ctx.db, pool, read_codes(path), self.ctx.clock.now())
        self.refresh_coupons()
        return (self.tr("%1 coupon codes added to '%2' (%3 were there already).")
                .replace("%1", f"{result.added:,}").replace("%2", result.pool).replace("%3", f"{result.already:,}"))

    def import_coupon_codes(self, pool: str | None = None) -> None:
        """Ask which pool and which file (the shop's coupon export), then import it."""
        if not pool:
            with self.ctx.db.session() as session:
                names = [item.pool for item in pools(session, self.ctx.clock.now())]
            pool, ok = QInputDialog.getItem(self, self.tr("Import coupon codes"),
                                            self.tr("Pool name (the coupon node's code pool):"), names, 0, True)
            if not ok or not pool.strip():
                return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The shop's coupon export"), "",
                                              self.tr("Coupon lists (*.csv *.xlsx);;All files (*)"))
        if not path:
            return
        try:
            self.statusBar().showMessage(self.import_coupon_file(pool.strip(), path), 8000)
        except CouponError as exc:
            QMessageBox.warning(self, self.tr("Import coupon codes"), str(exc))

    def refresh_failures(self) -> None:
        """Tell the owner when a live journey stopped customers because its message could not be made."""
        with self.ctx.db.session() as session:
            found = failures(session)
        self.failures = found
        if not found:
            self.failure_label.setVisible(False)
            return
        customers = sum(failure.customers for failure in found)
        journeys = sorted({failure.journey for failure in found})
        text = (self.tr("⚠ %1 customers stopped: a message of '%2' could not be made. Fix it")
                .replace("%1", f"{customers:,}").replace("%2", journeys[0]))
        if len(journeys) > 1:
            text += " " + self.tr("(and %1 more journeys)").replace("%1", str(len(journeys) - 1))
        self.failure_label.setText(f'<a href="{found[0].journey_id}" style="color:#c0392b">{text}</a>')
        self.failure_label.setToolTip("\n".join(
            self.tr("'%1': %2 customers").replace("%1", failure.journey).replace("%2", f"{failure.customers:,}")
            for failure in found))
        self.failure_label.setVisible(True)

    def open_failed_journey(self, journey_id: str) -> None:
        journeys = self.pages["journeys"]
        self.show_page("journeys")
        journeys.open_editor(journey_id)  # type: ignore[attr-defined]

    def toggle_runner(self) -> None:
        if self.runner_running:
            self.runner_control.stop()
        else:
            self.runner_control.start()
        self.runner_button.setEnabled(False)
        QTimer.singleShot(1500, self._after_toggle)

    def _after_toggle(self) -> None:
        self.runner_button.setEnabled(True)
        self.refresh_status()

    def _restore(self) -> None:
        store = QSettings()
        geometry = store.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(first_size(1280, 760))
        page = store.value("window/page", "journeys")
        self.show_page(page if page in PAGE_IDS else "journeys")

    def save_state(self) -> None:
        store = QSettings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/page", self.current_page_id())

    def closeEvent(self, event: QCloseEvent) -> None:
        journeys = self.pages["journeys"]
        for editor in list(getattr(journeys, "editors", {}).values()):
            if editor.isVisible():
                editor.is_closing_app = True
                if not editor.close():  # unsaved changes and the owner chose Cancel
                    event.ignore()
                    return
        self.save_state()
        self.timer.stop()
        if self.connections_dialog is not None:
            self.connections_dialog.shut_down()  # a sync under way stops after the page it is writing
        super().closeEvent(event)
