"""The app's own ways in (the canvas, the clipboard, the inspector, opening a stored draft) keep the journey
limits with a message in words, never an exception in a Qt slot (issue 11, defect 7)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData, QPointF
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit
from sqlalchemy import update

from engine import journey_store as store
from engine.clock import FixedClock
from engine.journey import Journey
from engine.journey.limits import LIMITS
from storage.db import Database
from storage.models import Journey as JourneyRow
from tests.reliability.test_journey_limits import chain
from tests.ui.conftest import _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from ui.context import AppContext, Bus
from ui.editor.window import EditorWindow
from ui.pages.journeys import JourneysPage


def _stored(db: Database, clock: FixedClock, data: dict[str, Any]) -> str:
    with db.session() as session:
        store.save_draft(session, Journey.from_dict(data), clock)
    return str(data["id"])


def test_the_editor_refuses_in_words_what_would_break_a_limit(qtbot, db: Database, clock: FixedClock) -> None:
    journey_id = _stored(db, clock, chain(LIMITS.nodes))
    window = EditorWindow(AppContext(db, clock, "en", Bus()), journey_id)
    qtbot.addWidget(window)
    before = window.journey.to_dict()
    # one node more from the palette
    assert window.view.add_node("exit", QPointF(0, 0)) is None
    assert "500" in window.statusBar().currentMessage()
    # a clipboard text over the byte limit, and a fragment that would pass the node limit
    for text in (" " * (LIMITS.file_bytes + 1) + "{}", json.dumps(window.journey.fragment(["n0", "n1"]))):
        data = QMimeData()
        data.setText(text)
        QApplication.clipboard().setMimeData(data)
        window.statusBar().clearMessage()
        assert window.scene.paste() == []
        assert "limit" in window.statusBar().currentMessage() or "500" in window.statusBar().currentMessage()
    # a message text over the text limit is not taken, and the inspector says why
    window.inspector.show_node("n0")
    window.inspector._commit("body", "x" * (LIMITS.text_chars + 1))
    assert "too long" in window.inspector.preview.text()
    assert isinstance(window.inspector.widgets["body"], QPlainTextEdit)
    assert window.journey.to_dict() == before
    window.doc.undo.setClean()


def test_opening_a_stored_draft_over_the_limits_shows_a_message(qtbot, db: Database, clock: FixedClock,
                                                                 monkeypatch) -> None:
    """A draft imported before the limits existed: the app says so instead of failing to open."""
    journey_id = _stored(db, clock, chain(10))
    with db.session() as session:
        session.execute(update(JourneyRow).where(JourneyRow.id == journey_id).values(draft=chain(LIMITS.nodes + 1)))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    page = JourneysPage(AppContext(db, clock, "en", Bus()))
    qtbot.addWidget(page)
    assert page.open_editor(journey_id) is None
    assert len(shown) == 1 and "too many nodes (501; a journey may have 500)" in shown[0]
