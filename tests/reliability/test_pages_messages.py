"""The message log (issue 14): a selected message is shown whole (subject, body, ad labels), not cut."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from engine.journey_store import new_id
from storage.db import Database
from storage.models import Customer, OutboxMessage
from storage.models import Journey as JourneyRow
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from tests.ui.test_main_window import open_page
from ui.pages import messages as messages_page
from ui.pages.messages import CUSTOMER, JOURNEY, REASON, TEXT, MessagesPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop

BODY = ("(광고) 단골상점\n○○님, 오랜만이에요! 지난번에 보신 상품이 다시 들어왔어요. " * 4
        + "\n이번 주 안에 주문하시면 10% 쿠폰을 드려요: MISSYOU-AB12\n무료수신거부 080-123-4567")


def test_a_selected_message_is_shown_whole(qtbot, demo_db: Database) -> None:
    with demo_db.session() as session:
        customer, name = session.execute(select(Customer.id, Customer.name).limit(1)).one()
        session.add(OutboxMessage(idem_key=new_id(), customer_id=customer, channel="email", recipient="a@b.kr",
                                  subject="(광고) 다시 만나요", body=BODY, is_ad=True, status="sent", not_before=NOW,
                                  due_at=NOW, created_at=NOW, sent_at=NOW))
    _window, page = open_page(qtbot, demo_db, "messages")
    assert isinstance(page, MessagesPage)
    assert page.detail.toPlainText() == ""
    cell = page.model.index(0, TEXT)
    assert BODY.replace("\n", " ") != cell.data()  # the table shows a line; the whole text is elsewhere
    assert BODY in cell.data(Qt.ItemDataRole.ToolTipRole)
    rect = page.table.visualRect(page.model.index(0, CUSTOMER))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = page.detail.toPlainText()
    assert BODY in shown and "(광고) 다시 만나요" in shown and "무료수신거부 080-123-4567" in shown
    assert "광고" in shown.splitlines()[0] and name in shown.splitlines()[0] and "이메일" in shown.splitlines()[0]
    assert page.detail.isVisible() and page.detail.height() > 60


def test_each_message_says_its_journey_and_the_list_filters_by_journey(qtbot, demo_db: Database,
                                                                       monkeypatch) -> None:
    from engine import gallery
    from engine import journey_store as store
    from engine.clock import FixedClock

    clock = FixedClock(NOW)
    with demo_db.write_session() as session:
        ids = {}
        for template in ("winback_90d", "welcome_coupon"):
            journey = gallery.instantiate(gallery.template(template))
            store.save_draft(session, journey, clock)
            ids[template] = journey.id
        customers = list(session.scalars(select(Customer.id).limit(5)))
        for index, customer in enumerate(customers):
            journey_id = ids["winback_90d"] if index < 3 else ids["welcome_coupon"]
            session.add(OutboxMessage(idem_key=new_id(), journey_id=journey_id, customer_id=customer, channel="sms",
                                      recipient="+821012345678", body=f"메시지 {index}", status="sent",
                                      not_before=NOW, due_at=NOW, created_at=NOW, sent_at=NOW))
        session.add(OutboxMessage(idem_key=new_id(), journey_id=None, customer_id=customers[0], channel="sms",
                                  recipient="+821012345678", body="지운 여정의 메시지", status="sent", not_before=NOW,
                                  due_at=NOW, created_at=NOW, sent_at=NOW))
    _window, page = open_page(qtbot, demo_db, "messages")
    column = [page.model.index(row, JOURNEY).data() for row in range(page.model.rowCount())]
    assert column == ["(삭제됨)", "가입 환영 쿠폰", "가입 환영 쿠폰", "90일 윈백 A/B", "90일 윈백 A/B", "90일 윈백 A/B"]
    assert not page.shown.isVisibleTo(page)
    page.journey.setCurrentIndex(page.journey.findData(ids["winback_90d"]))
    assert page.model.rowCount() == 3
    assert {page.model.index(row, JOURNEY).data() for row in range(3)} == {"90일 윈백 A/B"}
    page.refresh()  # a refresh (after a run or a sync) keeps the choice
    assert page.journey.currentData() == ids["winback_90d"] and page.model.rowCount() == 3
    page.journey.setCurrentIndex(page.journey.findData(messages_page.NO_JOURNEY))
    assert page.model.rowCount() == 1 and page.model.index(0, TEXT).data() == "지운 여정의 메시지"
    assert page.journey.itemText(page.journey.currentIndex()) == "삭제된 여정"
    page.table.selectRow(0)
    page.show_message(page.model.index(0, 0))
    assert "지운 여정의 메시지" in page.detail.toPlainText()
    page.journey.setCurrentIndex(0)
    page.table.selectRow(1)
    page.show_message(page.model.index(1, 0))
    assert "가입 환영 쿠폰" in page.detail.toPlainText().splitlines()[0]
    assert page.model.index(1, REASON).data() == ""
    with demo_db.write_session() as session:  # a long name is cut in the table, whole on hover
        session.get(JourneyRow, ids["welcome_coupon"]).name = "가입 환영 쿠폰 " + "아주 긴 이름 " * 10
    page.refresh()
    cell = page.model.index(1, JOURNEY)
    assert len(cell.data()) == messages_page.JOURNEY_CHARS and cell.data().endswith("…")
    assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith("가입 환영 쿠폰 아주 긴 이름")
    # a header click sorts, and a refresh keeps the owner's sort
    page.table.sortByColumn(JOURNEY, Qt.SortOrder.AscendingOrder)
    names = [page.model.index(row, JOURNEY).data() for row in range(page.model.rowCount())]
    assert names == sorted(names)
    page.refresh()
    assert [page.model.index(row, JOURNEY).data() for row in range(page.model.rowCount())] == names
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    # more than the list holds: it says how many it shows of how many
    monkeypatch.setattr(messages_page, "LIMIT", 4)
    page.refresh()
    assert page.model.rowCount() == 4 and page.shown.isVisibleTo(page)
    assert "6" in page.shown.text() and "4" in page.shown.text()
