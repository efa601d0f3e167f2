"""The dashboard's lower half is not blank (issue 14, finding 5): what needs the owner's attention, with links to
where it is fixed, and the journeys' numbers; double-click opens a journey."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import config, gallery
from engine import journey_store as store
from engine.clock import FixedClock
from engine.runtime.publish import publish
from storage.db import Database
from storage.models import Customer, OutboxMessage
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import ARTIFACTS, NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse)
from tests.ui.test_main_window import open_window
from ui.pages.dashboard import DashboardPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_lower_half_lists_what_needs_attention_and_the_journeys(qtbot, demo_db: Database, lang: str) -> None:
    journey = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매 감사")
    with demo_db.session() as session:
        config.set_value(session, "ui.language", lang)
        store.save_draft(session, journey, FixedClock(NOW))
        publish(session, journey.id, FixedClock(NOW))
        customer = session.scalar(select(Customer.id).limit(1))
        session.add(OutboxMessage(idem_key="held-1", customer_id=customer, channel="sms", recipient="+821012345678",
                                  body="안내", status="held", reason="ambiguous_send", not_before=NOW, due_at=NOW,
                                  created_at=NOW))
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dashboard")
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    lists = page.lists
    assert lists.isVisible() and lists.height() > 250  # the half below the figures is used
    text = lists.attention.text()
    assert ("메시지 1건이 확인을 기다립니다" in text) if lang == "ko" else ("1 messages wait for your review" in text)
    names = [lists.table.item(row, 0).text() for row in range(lists.table.rowCount())]
    assert "첫 구매 감사" in names
    row = names.index("첫 구매 감사")
    assert lists.table.item(row, 1).text() == ("운영 중" if lang == "ko" else "live")
    header = lists.table.horizontalHeaderItem(3).text()
    assert header == ("7일 안 주문" if lang == "ko" else "Ordered within 7 days")
    qtbot.wait(10)
    assert window.grab().save(str(ARTIFACTS / f"dashboard-{lang}.png"))

    lists.attention.linkActivated.emit("page:messages")
    assert window.current_page_id() == "messages"
    window.show_page("dashboard")
    lists.open_journey.emit(journey.id)
    assert window.current_page_id() == "journeys"
    editor = window.pages["journeys"].editors[journey.id]  # type: ignore[attr-defined]
    assert editor.isVisible()
    editor.close()


def test_nothing_to_look_at_says_so(qtbot, demo_db: Database) -> None:
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("dashboard")
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    assert page.lists.attention.text().startswith("확인할 일이 없습니다")
