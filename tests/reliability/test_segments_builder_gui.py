"""Issue 15 §2 done-when: an owner builds "3+ orders in 반려동물 and no order in 60 days" by clicks in the builder
(real widgets), sees the live count, saves it; the segments page lists it with that count, shows its
customers, exports it, and the RFM tiles count every buyer and open the customers filtered to their group.
Screenshots (Korean, 1366×768) of the builder and the page go to tests/artifacts/."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox
from sqlalchemy import func, select

from engine.customers import custom_segments as cs
from engine.customers.segments import thresholds
from storage.db import Database
from storage.models import CustomerStats, CustomerTag
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse)
from tests.ui.test_main_window import open_window
from ui.pages.customers import CustomersPage
from ui.pages.segments import SegmentsPage
from ui.segment_builder import RuleRow, SegmentBuilder

demo_file, demo_db, artifacts = ui_fixtures.demo_file, ui_fixtures.demo_db, ui_fixtures.artifacts  # the UI tests'
PET_LAPSED = {"match": "all", "rules": [
    {"field": "category_orders", "category": "반려동물", "op": "gte", "value": 3},
    {"field": "days_since_last_order", "op": "gte", "value": 60}]}


def pick(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_an_owner_builds_the_segment_by_clicks_and_sees_its_customers(qtbot, demo_db: Database, tmp_path: Path,
                                                                       artifacts: Path) -> None:
    with demo_db.session() as session:
        expected = cs.count_tree(session, PET_LAPSED, NOW, thresholds(session))
    assert 0 < expected < 2000
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("segments")
    page = window.pages["segments"]
    customers = window.pages["customers"]
    assert isinstance(page, SegmentsPage) and isinstance(customers, CustomersPage)
    assert page.custom_note.isVisible() and not page.edit_button.isEnabled()

    builder = page.open_builder(modal=False)
    assert isinstance(builder, SegmentBuilder)
    qtbot.addWidget(builder)
    group = builder.group
    first = group.children_[0]
    assert isinstance(first, RuleRow)
    pick(first.field, "category_orders")  # 카테고리 주문 횟수
    assert first.field.currentText() == "카테고리 주문 횟수"
    assert first.subject.isVisible() and first.period.isVisible()
    first.subject.setCurrentText("반려동물")
    pick(first.op, "gte")
    assert isinstance(first.value, QSpinBox)
    first.value.setValue(3)
    qtbot.mouseClick(group.add_rule_button, Qt.MouseButton.LeftButton)
    second = group.children_[1]
    assert isinstance(second, RuleRow)
    pick(second.field, "days_since_last_order")
    pick(second.op, "gte")
    assert isinstance(second.value, QSpinBox) and second.value.suffix() == "일"
    second.value.setValue(60)
    assert group.tree() == PET_LAPSED
    qtbot.waitUntil(lambda: builder.count == expected and not builder.counting(), timeout=5000)
    assert builder.count_label.text() == f"{expected:,}명"

    # an OR group changes the count live, removing it puts it back
    qtbot.mouseClick(group.add_group_button, Qt.MouseButton.LeftButton)
    nested = group.children_[2]
    pick(nested.children_[0].field, "has_tag")
    qtbot.waitUntil(lambda: not builder.counting(), timeout=5000)
    builder.resize(1366, 768)
    assert builder.grab().save(str(artifacts / "segment-builder.png"))
    qtbot.mouseClick(nested.remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: builder.count == expected and not builder.counting(), timeout=5000)

    builder.name.setText("반려동물 휴면 고객")
    qtbot.mouseClick(builder.save_button, Qt.MouseButton.LeftButton)
    assert builder.saved_key is not None and builder.result() == SegmentBuilder.DialogCode.Accepted
    page.refresh()
    page.select(builder.saved_key)
    assert page.custom_table.item(0, 0).text() == "반려동물 휴면 고객"
    assert page.custom_table.item(0, 1).text() == f"{expected:,}"
    assert page.edit_button.isEnabled() and not page.custom_note.isVisible()

    # the same name again is refused in words
    again = page.open_builder(modal=False)
    qtbot.addWidget(again)
    again.name.setText("반려동물 휴면 고객")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.saved_key is None and "이미" in again.error.text()
    again.reject()

    # RFM tiles: every buyer in exactly one, each opens the customers of its group
    with demo_db.session() as session:
        buyers = session.scalar(select(func.count()).where(CustomerStats.order_count > 0))
    assert sum(page.rfm_counts.values()) == buyers
    assert "챔피언" in page.rfm_tiles["champions"].text()
    assert window.grab().save(str(artifacts / "segments-page-rfm.png"))
    qtbot.mouseClick(page.rfm_tiles["champions"], Qt.MouseButton.LeftButton)
    assert window.current_page_id() == "customers"
    assert customers.segment.currentData() == "rfm:champions"
    assert customers.model.rowCount() == page.rfm_counts["champions"]

    # show and export the custom segment
    window.show_page("segments")
    qtbot.mouseClick(page.show_custom_button, Qt.MouseButton.LeftButton)
    assert window.current_page_id() == "customers"
    assert customers.segment.currentData() == builder.saved_key
    assert customers.model.rowCount() == expected
    assert "반려동물 휴면 고객" in customers.filter_note.text()
    # tag everyone listed, then the tag is a condition of its own
    customers.tag_chosen("학부모")
    with demo_db.session() as session:
        tagged = session.scalar(select(func.count()).select_from(CustomerTag).where(CustomerTag.tag == "학부모"))
    assert tagged == expected
    window.show_page("segments")
    out = tmp_path / "pets.csv"
    assert f"{expected:,}명" in page.export_selected(str(out))
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == expected + 1

    # edit: the saved tree comes back into the widgets
    edit = page.open_builder(page.selected_id(), modal=False)
    qtbot.addWidget(edit)
    assert edit.group.tree() == PET_LAPSED and edit.name.text() == "반려동물 휴면 고객"
    edit.reject()


def test_tags_from_a_csv_file(qtbot, demo_db: Database, tmp_path: Path) -> None:
    from storage.models import Customer

    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    customers = window.pages["customers"]
    with demo_db.session() as session:
        first, second = session.execute(select(Customer.id, Customer.phone, Customer.email)
                                        .where(Customer.phone.is_not(None), Customer.email.is_not(None))
                                        .limit(2)).all()
    phone = "0" + first.phone.removeprefix("+82")
    source = tmp_path / "tags.csv"
    source.write_text(f"phone,tag\n{phone},패션 관심\n{second.email},패션 관심\n999999,학부모\n", encoding="utf-8")
    text = customers.import_tags(str(source))
    assert "2" in text and "1" in text
    with demo_db.session() as session:
        assert set(session.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag == "패션 관심"))) == \
            {first.id, second.id}
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00bad")
    assert "태그" in customers.import_tags(str(broken))


def test_a_tag_and_a_field_set_by_hand_are_conditions(qtbot, demo_db: Database) -> None:
    from ui.pages.customer_detail import CustomerDialog

    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    customers = window.pages["customers"]
    dialog = customers.open_customer(0)
    assert isinstance(dialog, CustomerDialog)
    qtbot.addWidget(dialog)
    dialog.tag_edit.setText("학부모")
    qtbot.mouseClick(dialog.add_tag_button, Qt.MouseButton.LeftButton)
    dialog.field_name.setText("관심")
    dialog.field_value.setText("패션 관심")
    qtbot.mouseClick(dialog.set_field_button, Qt.MouseButton.LeftButton)
    tree = {"match": "all", "rules": [{"field": "has_tag", "op": "has", "value": "학부모"},
                                      {"field": "customer_field", "name": "관심", "op": "eq", "value": "패션 관심"}]}
    with demo_db.session() as session:
        assert set(session.scalars(cs.tree_query(session, tree, NOW, thresholds(session)))) == {dialog.customer_id}
    dialog.tag_edit.setText("학부모")
    qtbot.mouseClick(dialog.remove_tag_button, Qt.MouseButton.LeftButton)
    with demo_db.session() as session:
        assert cs.count_tree(session, tree, NOW, thresholds(session)) == 0


def test_the_publish_dialog_offers_those_already_in_a_custom_segment(qtbot, demo_db: Database) -> None:
    from PySide6.QtWidgets import QApplication

    from engine import gallery
    from engine import journey_store as store
    from engine.clock import FixedClock
    from ui.context import AppContext, Bus
    from ui.editor.publish_dialog import PublishDialog
    from ui.i18n import install_language

    install_language(QApplication.instance(), "ko")
    with demo_db.session() as session:
        key = cs.key_of(cs.save_segment(session, "반려동물 휴면 고객", PET_LAPSED, NOW))
        expected = cs.count_tree(session, PET_LAPSED, NOW, thresholds(session))
    journey = gallery.instantiate(gallery.template("winback_90d"))
    journey.triggers()[0].params["segment"] = key
    with demo_db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
    dialog = PublishDialog(AppContext(demo_db, FixedClock(NOW), "ko", Bus()), journey)
    qtbot.addWidget(dialog)
    assert dialog.segment_count == expected
    assert "반려동물 휴면 고객" in dialog.audience_label.text()
    assert dialog.backfill_offered and f"{expected:,}명" in dialog.backfill_box.text()
    qtbot.waitUntil(lambda: dialog.estimate_done, timeout=30_000)


def test_the_inspector_offers_the_saved_segment_to_the_trigger(qtbot, demo_db: Database) -> None:
    from engine import gallery
    from ui.editor.document import JourneyDocument
    from ui.editor.inspector import Inspector

    with demo_db.session() as session:
        key = cs.key_of(cs.save_segment(session, "반려동물 휴면 고객", PET_LAPSED, NOW))
    journey = gallery.instantiate(gallery.template("winback_90d"))
    trigger = journey.triggers()[0]
    inspector = Inspector(JourneyDocument(journey), "ko", db=demo_db)
    qtbot.addWidget(inspector)
    inspector.show_node(trigger.id)
    combo = inspector.widgets["segment"]
    assert isinstance(combo, QComboBox)
    index = combo.findData(key)
    assert index >= 0 and combo.itemText(index) == "반려동물 휴면 고객"
    combo.setCurrentIndex(index)
    assert journey.node(trigger.id).params["segment"] == key
    assert inspector.value_choices("in_segment") == [("반려동물 휴면 고객", key)]
