"""A storage failure during a click is a message box in Korean, not an unhandled exception."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from storage.db import StorageError
from tests.ui.test_main_window import open_window
from ui.errors import error_message, install_error_dialog


def test_a_full_disk_during_a_save_is_told_in_korean(qtbot, demo_db, monkeypatch: pytest.MonkeyPatch) -> None:
    _controller, window = open_window(demo_db)  # loads the Korean translation
    qtbot.addWidget(window)
    assert "디스크가 가득" in error_message(StorageError("the disk is full", "disk_full"))
    assert "다른 프로그램" in error_message(StorageError("busy", "busy"))
    monkeypatch.setattr(sys, "excepthook", lambda *args: pytest.fail("reached the default hook"))
    hook = install_error_dialog()
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(20, close_box)
    hook(StorageError, StorageError("the disk is full", "disk_full"), None)
    assert seen and "디스크가 가득" in seen[0]
    with pytest.raises(pytest.fail.Exception):  # a programming error still goes on to the previous hook
        hook(ValueError, ValueError("bug"), None)
