"""A storage failure in the middle of a click (a busy, full or read-only database) becomes a message box
in plain words instead of an unhandled exception; nothing half-written stays behind, as every write is
one transaction."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from engine.config import ConfigError
from storage.db import StorageError

log = logging.getLogger("dangol.ui")


def error_message(exc: BaseException, lang: str = "ko") -> str:
    """What the owner reads for a failure they can do something about."""
    if isinstance(exc, StorageError):
        texts = {
            "busy": QCoreApplication.translate("ErrorDialog", "Another program is writing the shop's data right now (the runner may be busy). "
                        "Nothing was lost; try again in a moment."),
            "read_only": QCoreApplication.translate("ErrorDialog", "The shop's data file cannot be written (it is read-only). Check the file and "
                             "its disk; nothing of this change was saved."),
            "disk_full": QCoreApplication.translate("ErrorDialog", "The disk holding the shop's data is full. Free some space and try again; "
                             "nothing of this change was saved."),
        }
        return texts.get(exc.reason) or QCoreApplication.translate("ErrorDialog", "The shop's data could not be written: %1").replace("%1", str(exc))
    detail = exc.text(lang) if isinstance(exc, ConfigError) else str(exc)
    return QCoreApplication.translate("ErrorDialog", "Not saved: %1").replace("%1", detail)


def install_error_dialog(lang: Callable[[], str] = lambda: "ko") -> Callable[..., None]:
    """Show storage and setting errors raised in a slot as a message box; anything else goes on to the
    previous hook (a programming error stays loud). Returns the hook installed."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if isinstance(value, StorageError | ConfigError) and QApplication.instance() is not None:
            log.warning("not saved: %s", value)
            QMessageBox.warning(QApplication.activeWindow(), QCoreApplication.translate("ErrorDialog", "Not saved"), error_message(value, lang()))
            return
        previous(kind, value, trace)

    sys.excepthook = hook
    return hook
