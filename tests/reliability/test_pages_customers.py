"""The customers list (issue 14): column titles sort in SQL, a phone number is found by any four digits
of it, and the stage column shows its longest label whole in English."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from engine.clock import FixedClock
from engine.customers.segments import SEGMENT_LABELS
from storage.db import Database
from storage.models import Customer, CustomerStats
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from ui.context import AppContext, Bus
from ui.pages.customers import CustomersPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop


def _page(qtbot, db: Database, lang: str = "en") -> CustomersPage:
    page = CustomersPage(AppContext(db, FixedClock(NOW), lang, Bus()))
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    return page


def _click_header(qtbot, page: CustomersPage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _column(page: CustomersPage, column: int, rows: int = 50) -> list[str]:
    return [page.model.index(row, column).data() for row in range(rows)]


def test_clicking_a_column_title_sorts_and_clicking_again_reverses(qtbot, demo_db: Database) -> None:
    page = _page(qtbot, demo_db)
    assert page.model.rowCount() == 2000
    _click_header(qtbot, page, 0)
    names = _column(page, 0)
    assert names == sorted(names)
    with demo_db.session() as session:
        assert names[0] == session.scalar(select(Customer.name).order_by(Customer.name).limit(1))
    _click_header(qtbot, page, 0)
    reversed_names = _column(page, 0)
    assert reversed_names == sorted(reversed_names, reverse=True)
    with demo_db.session() as session:
        assert reversed_names[0] == session.scalar(select(Customer.name).order_by(Customer.name.desc()).limit(1))
    # the money column: biggest spender first, then smallest first
    _click_header(qtbot, page, 5)
    with demo_db.session() as session:
        top = session.scalar(select(CustomerStats.total_spent).order_by(CustomerStats.total_spent.desc()).limit(1))
    first = page.model.index(0, 5).data()
    assert int(first.replace(",", "").replace("원", "").replace("₩", "")) == top
    spent = [int(v.replace(",", "").replace("원", "").replace("₩", "")) for v in _column(page, 5)]
    assert spent == sorted(spent, reverse=True)
    _click_header(qtbot, page, 5)
    spent = [int(v.replace(",", "").replace("원", "").replace("₩", "")) for v in _column(page, 5)]
    assert spent == sorted(spent)
    # the stage column groups the stages in their order, and the search still applies
    _click_header(qtbot, page, 3)
    order = [label for name, (_ko, label) in SEGMENT_LABELS.items() if name != "vip"]
    stages = [page.model.index(row, 3).data() for row in range(page.model.rowCount())]
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)


def test_a_phone_number_is_found_by_its_middle_or_last_four_digits(qtbot, demo_db: Database) -> None:
    page = _page(qtbot, demo_db)
    with demo_db.write_session() as session:
        customer = session.get(Customer, 1)
        assert customer is not None
        customer.phone, name = "+821012345678", customer.name
    for typed in ("1234", "5678", "1234-5678", "010-1234", "01012345678"):
        page.search.setText(typed)
        page.refresh()
        found = [page.model.index(row, 0).data() for row in range(page.model.rowCount())]
        assert name in found, typed
        assert page.model.rowCount() < 2000


def test_the_stage_column_shows_new_not_bought_yet_whole_in_english(qtbot, demo_db: Database) -> None:
    page = _page(qtbot, demo_db)
    page.segment.setCurrentIndex(page.segment.findData("new"))
    assert page.model.index(0, 3).data() == "New (not bought yet)"
    needed = page.table.fontMetrics().horizontalAdvance("New (not bought yet)")
    assert page.table.columnWidth(3) >= needed + 12


def test_the_selected_customers_go_into_a_hand_fed_journey(qtbot, demo_db: Database, monkeypatch) -> None:
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from engine import journey_store as store
    from engine.journey import Journey
    from engine.runtime.publish import publish
    from storage.models import Enrollment
    from ui.app import make_application
    from ui.i18n import install_language

    install_language(make_application(), "ko")
    page = _page(qtbot, demo_db, lang="ko")
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    assert "직접 추가" in page.add_to_journey() and told  # no such journey yet: says how to make one
    journey = Journey(name="직접 고른 고객")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("message.sms", {"body": "{{ customer.first_name }}님, 주문 안내입니다.", "lateness": "send_late"},
                     node_id="m")
    journey.add_node("exit", node_id="x")
    journey.connect("t", "out", "m")
    journey.connect("m", "out", "x")
    with demo_db.write_session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
        publish(session, journey.id, FixedClock(NOW))
    selection = page.table.selectionModel()
    for row in (0, 2, 4):
        selection.select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    chosen = page.chosen_ids()
    assert len(chosen) == 3
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("직접 고른 고객", True))
    line = page.add_to_journey()
    assert "3명 중 3명" in line and page.enrol_note.text() == line
    install_language(make_application(), "en")
    with demo_db.session() as session:
        entered = set(session.scalars(select(Enrollment.customer_id).where(Enrollment.journey_id == journey.id)))
    assert entered == set(chosen)
