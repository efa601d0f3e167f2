"""The message log (issue 14): a selected message is shown whole (subject, body, ad labels), not cut."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from engine.journey_store import new_id
from storage.db import Database
from storage.models import Customer, OutboxMessage
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from tests.ui.test_main_window import open_window
from ui.pages.messages import MessagesPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop

BODY = ("(광고) 단골상점\n○○님, 오랜만이에요! 지난번에 보신 상품이 다시 들어왔어요. " * 4
        + "\n이번 주 안에 주문하시면 10% 쿠폰을 드려요: MISSYOU-AB12\n무료수신거부 080-123-4567")


def test_a_selected_message_is_shown_whole(qtbot, demo_db: Database) -> None:
    with demo_db.session() as session:
        customer, name = session.execute(select(Customer.id, Customer.name).limit(1)).one()
        session.add(OutboxMessage(idem_key=new_id(), customer_id=customer, channel="email", recipient="a@b.kr",
                                  subject="(광고) 다시 만나요", body=BODY, is_ad=True, status="sent", not_before=NOW,
                                  due_at=NOW, created_at=NOW, sent_at=NOW))
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("messages")
    page = window.pages["messages"]
    assert isinstance(page, MessagesPage)
    assert page.detail.toPlainText() == ""
    cell = page.model.index(0, 5)
    assert BODY.replace("\n", " ") != cell.data()  # the table shows a line; the whole text is elsewhere
    assert BODY in cell.data(Qt.ItemDataRole.ToolTipRole)
    rect = page.table.visualRect(page.model.index(0, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = page.detail.toPlainText()
    assert BODY in shown and "(광고) 다시 만나요" in shown and "무료수신거부 080-123-4567" in shown
    assert "광고" in shown.splitlines()[0] and name in shown.splitlines()[0] and "이메일" in shown.splitlines()[0]
    assert page.detail.isVisible() and page.detail.height() > 60
