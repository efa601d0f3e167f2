"""A journey whose message cannot be made for some customers: the owner is told in the main window, and the
canvas shows where they stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.runtime.run import Engine
from storage.db import Database
from tests.runtime.shop import Shop, at
from tests.runtime.test_rules import build
from tests.ui.test_main_window import open_window


def test_the_owner_is_told_and_the_canvas_shows_where_customers_stopped(
        qtbot, demo_db: Database, artifacts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shop = Shop(demo_db, artifacts / "sent-by-failure-test")
    monkeypatch.setattr("engine.runtime.publish.validate", lambda *args, **kwargs: [])  # an older release's publish
    journey_id = build(shop, [("message.sms", {"body": "{{ customer.name.nope }} 안녕", "lateness": "send_late"})],
                       name="깨진 환영")
    monkeypatch.undo()
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.refresh_status()
    assert not window.failure_label.isVisible() and not window.failures
    for minute in (1, 2, 3):
        shop.signup(f"2026-03-02 10:0{minute}")
    Engine(demo_db, {"sms": shop.channel, "email": shop.channel, "kakao": shop.channel,
                     "owner": shop.channel}).run_once(type(shop.clock)(at("2026-03-02 10:30")))
    window.refresh_status()
    window.show()
    assert window.failure_label.isVisible()
    assert "3명" in window.failure_label.text() and "깨진 환영" in window.failure_label.text()
    window.grab().save(str(artifacts / "main-failure-notice.png"))
    window.failure_label.linkActivated.emit(journey_id)  # the owner clicks the notice: the journey opens
    editor = window.pages["journeys"].editors[journey_id]
    qtbot.addWidget(editor)
    editor.resize(1366, 768)
    editor.auto_layout()  # the journey was built in code, every card at one spot
    editor.show_numbers()
    assert "3명" in editor.scene.nodes["s0"].alert and "만들 수 없" in editor.scene.nodes["s0"].alert
    assert editor.scene.nodes["trigger"].alert == ""
    editor.view.centerOn(editor.scene.nodes["s0"])
    qtbot.wait(50)
    editor.grab().save(str(artifacts / "editor-failure.png"))
    assert editor.save()  # the layout is kept: closing asks nothing
