"""Start the desktop app: fonts, language, theme, the main window, and the first-run welcome."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import select

from engine import config
from engine.clock import Clock
from storage.db import Database
from storage.models import Customer
from ui.context import AppContext, Bus
from ui.errors import install_error_dialog
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.platform import korean_font
from ui.theme import apply_theme


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName("Dangol")
    QCoreApplication.setApplicationName("Dangol")
    app.setApplicationDisplayName("단골여정")
    app.setFont(korean_font())
    from ui.editor.scene import release_clipboard

    app.aboutToQuit.connect(release_clipboard)
    return app


class Controller:
    """Owns the one main window; rebuilds it when the language or the database changes."""

    def __init__(self, app: QApplication, db: Database, clock: Clock, is_demo: bool = False,
                 open_demo: Callable[[], Database] | None = None) -> None:
        self.app = app
        self.db = db
        self.clock = clock
        self.is_demo = is_demo
        self.open_demo = open_demo
        self.window: MainWindow | None = None
        with db.session() as session:
            self.lang = str(config.get(session, "ui.language"))
            self.theme = str(config.get(session, "ui.theme"))
        install_language(app, self.lang)
        apply_theme(app, self.theme)

    def build(self) -> MainWindow:
        old = self.window
        ctx = AppContext(self.db, self.clock, self.lang, Bus(), self.is_demo)
        window = MainWindow(ctx, on_language=self.set_language, on_theme=self.set_theme)
        if old is not None:
            old.save_state()
            window.restoreGeometry(old.saveGeometry())
            window.show_page(old.current_page_id())
            old.close()
            old.deleteLater()
        self.window = window
        window.show()
        return window

    def set_language(self, lang: str) -> None:
        self.lang = lang
        install_language(self.app, lang)
        QTimer.singleShot(0, self.build)  # rebuild after the combo box's signal has returned

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        apply_theme(self.app, theme)

    def switch_to_demo(self) -> None:
        if self.open_demo is None:
            return
        self.db = self.open_demo()
        self.is_demo = True
        self.build()

    def welcome(self) -> None:
        """On the very first start with an empty shop, offer the demo shop, or the shop's own data: an export
        file to import, or the shop's API to connect."""
        with self.db.session() as session:
            shown = bool(config.get(session, "ui.welcome_shown"))
            empty = session.scalar(select(Customer.id).limit(1)) is None
        if not shown:
            with self.db.write_session() as session:
                config.set_value(session, "ui.welcome_shown", "true")
        if shown or not empty or self.is_demo or self.open_demo is None or self.window is None:
            return
        box = QMessageBox(self.window)
        box.setWindowTitle(QCoreApplication.translate("Welcome", "Welcome to Dangol"))
        box.setText(QCoreApplication.translate(
            "Welcome", "Your shop has no customers yet. Would you like to look around a demo shop first? "
                       "It has 2,000 made-up customers and two years of orders; nothing is sent to anyone.\n\n"
                       "Or bring in your own shop: import a file exported from its admin, or connect the shop so "
                       "its orders come in by themselves."))
        demo = box.addButton(QCoreApplication.translate("Welcome", "Open the demo shop"),
                             QMessageBox.ButtonRole.AcceptRole)
        later: QPushButton = box.addButton(QCoreApplication.translate("Welcome", "Import my shop's file"),
                                           QMessageBox.ButtonRole.RejectRole)
        connect: QPushButton = box.addButton(QCoreApplication.translate("Welcome", "Connect my shop"),
                                             QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(demo)
        box.exec()
        if box.clickedButton() is demo:
            self.switch_to_demo()
        elif box.clickedButton() is later:
            self.window.open_import()  # my own shop: bring in its export file
        elif box.clickedButton() is connect:
            self.window.open_connections()  # my own shop: connect its API


def run_app(db: Database, clock: Clock, *, is_demo: bool = False,
            open_demo: Callable[[], Database] | None = None) -> int:
    app = make_application()
    controller = Controller(app, db, clock, is_demo, open_demo)
    install_error_dialog(lambda: controller.lang)
    controller.build()
    QTimer.singleShot(0, controller.welcome)
    return app.exec()
