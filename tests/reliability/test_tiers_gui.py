"""The membership tiers editor on the segments page (issue #15 §3): the suggested ladder with each tier's live
count, an edit that changes the counts before anything is stored, a bad ladder refused in Korean, saving it
(the customers list then shows each customer's tier), and the manual points list marking a grant given."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from engine.customers.tiers import DEFAULT_TIERS, tier_counts
from storage.db import Database
from storage.models import CustomerTier, PointGrant
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from tests.ui.test_main_window import open_window
from ui.pages.customers import CustomersPage
from ui.pages.segments import SegmentsPage
from ui.tiers import COUNT, SPENT

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop


def test_the_tiers_editor_counts_live_saves_and_the_list_shows_tiers(qtbot, demo_db: Database) -> None:
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("customers")  # no ladder yet: no column of blanks
    assert window.pages["customers"].table.isColumnHidden(window.pages["customers"].model.columnCount() - 1)
    window.show_page("segments")
    page = window.pages["segments"]
    assert isinstance(page, SegmentsPage)
    editor = page.tiers
    assert [t.name for t in editor.tiers()] == ["일반", "실버", "골드", "VIP"]  # the suggestion, not yet stored
    with demo_db.session() as session:
        expected = tier_counts(session, list(DEFAULT_TIERS), NOW, 12)
        assert session.scalar(select(func.count()).select_from(CustomerTier)) == 0
    shown = [int(editor.table.item(row, COUNT).text().replace(",", "")) for row in range(4)]
    assert shown == [expected[name] for name in ("일반", "실버", "골드", "VIP")] and sum(shown) > 0
    editor.table.item(3, SPENT).setText("100")  # VIP for 100원 but below 골드's 500,000원: refused
    assert "윗 등급의 기준이 아랫 등급보다 낮을 수 없습니다" in editor.note.text()
    assert not editor.save()
    editor.table.item(3, SPENT).setText("2,000,000")
    vip_now = int(editor.table.item(3, COUNT).text().replace(",", ""))
    assert vip_now <= shown[3]  # a higher bar, counted again before saving
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with demo_db.session() as session:
        stored = dict(session.execute(select(CustomerTier.tier, func.count()).group_by(CustomerTier.tier)).all())
    assert stored.get("VIP", 0) == vip_now and sum(stored.values()) == 2000
    window.show_page("customers")
    customers = window.pages["customers"]
    assert isinstance(customers, CustomersPage)
    column = customers.model.columnCount() - 1
    assert customers.model.headerData(column, Qt.Orientation.Horizontal) == "멤버십 등급"
    assert not customers.table.isColumnHidden(column)
    tiers = {customers.model.data(customers.model.index(row, column)) for row in range(50)}
    assert tiers <= {"일반", "실버", "골드", "VIP", ""} and tiers & {"일반", "실버", "골드", "VIP"}


def test_the_manual_points_list_marks_a_grant_given(qtbot, demo_db: Database) -> None:
    with demo_db.write_session() as session:
        session.add(PointGrant(customer_id=1, amount=3000, reason="등급 상승 축하", status="manual", attempts=0,
                               created_at=NOW))
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show_page("segments")
    points = window.pages["segments"].points
    assert points.table.rowCount() == 1 and points.table.item(0, 3).text() == "3,000"
    points.table.selectRow(0)
    qtbot.mouseClick(points.done_button, Qt.MouseButton.LeftButton)
    assert points.table.rowCount() == 0
    with demo_db.session() as session:
        assert session.scalar(select(PointGrant.status)) == "done"
