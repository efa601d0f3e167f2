"""The import window's mapping step on a real file and a real database: suggested columns, the reason Import
is disabled, the live preview, importing through it (the mapping saved), and the saved mapping found again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from engine.sync.mappings import list_mappings
from storage.db import Database, open_database
from storage.models import Order, OrderItem
from tests.sync.files import write_csv
from tests.sync.test_generic import HEADER, ROWS
from tests.ui.test_import_dialog import dialog_for, order_count
from ui.import_dialog import ImportDialog


def settle(qtbot, dialog: ImportDialog) -> None:
    """Until the preview of the mapping as it is now has been read."""
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.preview_timer.isActive()
                    and (dialog.parsed is not None or bool(dialog.import_reason.text())), timeout=10_000)


def not_cut_off(dialog: ImportDialog) -> None:
    for widget in [*dialog.field_labels.values(), *dialog.field_combos.values(), dialog.import_reason,
                   dialog.import_button, dialog.cancel_button]:
        assert widget.isVisible()
        assert widget.width() >= widget.minimumSizeHint().width(), widget
        if isinstance(widget, QLabel) and not widget.wordWrap():
            assert widget.width() >= widget.sizeHint().width(), widget.text()
    assert dialog.preview.height() >= 3 * dialog.preview.verticalHeader().defaultSectionSize()


def mappings(db: Database) -> list[tuple[str, dict[str, str]]]:
    with db.session() as session:
        return [(m.name, dict(m.fields)) for m in list_mappings(session)]


def test_the_mapping_step_suggests_blocks_with_a_reason_and_imports(qtbot, tmp_path: Path, artifacts: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    file = write_csv(tmp_path / "주문내역.csv", HEADER, ROWS, "cp949")
    dialog, changed = dialog_for(qtbot, db, file)
    dialog.resize(1366, 728)  # a 1366×768 laptop below its task bar
    qtbot.waitUntil(lambda: dialog.mapping_mode, timeout=10_000)
    settle(qtbot, dialog)
    assert dialog.mapping_box.isVisible() and dialog.mapping_box.title() == "어느 열에 무엇이 있나요"
    assert dialog.mapping_fields() == {"order_id": "주문번호", "ordered_at": "주문일", "amount": "금액",
                                       "status": "상태", "buyer_name": "고객명", "phone": "연락처",
                                       "email": "이메일", "product_name": "상품", "quantity": "수량"}
    assert dialog.field_labels["order_id"].text() == "주문번호 *" and dialog.field_labels["option"].text() == "옵션"
    assert dialog.mapping_name.text() == "주문내역"
    # the live preview of the first lines, as they will be stored, with their problems
    assert "직접 만든 주문 파일" in dialog.source_label.text() and "cp949" in dialog.source_label.text()
    assert dialog.preview.rowCount() == 3
    first = [dialog.preview.item(0, column).text() for column in range(7)]
    assert first == ["1001", "2026-03-01 10:00", "홍길동", "45,000원", "결제 완료", "2", "010-1234-5678"]  # as an owner writes it
    assert [dialog.rejects.item(row, 0).text() for row in range(dialog.rejects.rowCount())] == ["6", "7"]
    assert "알 수 없는 주문 상태" in dialog.rejects.item(0, 1).text()
    assert dialog.import_button.isEnabled() and dialog.import_reason.text() == ""
    qtbot.wait(100)  # the layout settles (lines that say nothing take no room)
    not_cut_off(dialog)
    assert dialog.grab().save(str(artifacts / "import-mapping.png"))

    # no way to know the customer: Import is disabled, and the line under it says why
    for name in ("phone", "email"):
        dialog.field_combos[name].setCurrentIndex(0)
    settle(qtbot, dialog)
    assert not dialog.import_button.isEnabled()
    assert dialog.import_reason.text() == "열을 골라 주세요: 회원 아이디·연락처·이메일 중 하나"
    dialog.field_combos["order_id"].setCurrentIndex(0)
    settle(qtbot, dialog)
    assert dialog.import_reason.text() == "열을 골라 주세요: 주문번호, 회원 아이디·연락처·이메일 중 하나"
    qtbot.wait(100)  # the layout settles (lines that say nothing take no room)
    not_cut_off(dialog)
    assert dialog.grab().save(str(artifacts / "import-mapping-blocked.png"))
    # one column for two fields, or a mapping that reads no order from the first lines: blocked too
    dialog.field_combos["order_id"].setCurrentIndex(dialog.field_combos["order_id"].findData("주문번호"))
    dialog.field_combos["phone"].setCurrentIndex(dialog.field_combos["phone"].findData("연락처"))
    dialog.field_combos["ordered_at"].setCurrentIndex(dialog.field_combos["ordered_at"].findData("고객명"))
    settle(qtbot, dialog)
    assert not dialog.import_button.isEnabled()
    assert dialog.import_reason.text() == "“고객명” 열을 주문일시, 주문자 이름 두 항목에 골랐습니다. 한 열에는 한 항목만 고를 수 있습니다."
    dialog.field_combos["ordered_at"].setCurrentIndex(dialog.field_combos["ordered_at"].findData("이메일"))
    settle(qtbot, dialog)
    assert not dialog.import_button.isEnabled() and "읽히는 주문이 없습니다" in dialog.import_reason.text()
    dialog.field_combos["ordered_at"].setCurrentIndex(dialog.field_combos["ordered_at"].findData("주문일"))
    dialog.field_combos["email"].setCurrentIndex(dialog.field_combos["email"].findData("이메일"))
    settle(qtbot, dialog)
    assert dialog.import_button.isEnabled()
    assert order_count(db) == 0 and not changed and mappings(db) == []  # the preview writes nothing

    dialog.mapping_name.setText("우리 가게 시트")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
    assert dialog.summary is not None and dialog.summary.mapping == "우리 가게 시트"
    assert dialog.message.text().startswith("주문 3건을 새로 넣고 0건을 고쳤습니다.")
    assert "열 연결을 “우리 가게 시트”(으)로 저장했습니다." in dialog.message.text()
    assert changed == [1] and not dialog.import_button.isEnabled() and not dialog.mapping_box.isEnabled()
    with db.session() as session:
        assert session.scalar(select(func.sum(Order.amount))) == 45000 + 12000 + 5000
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 4
    ((name, fields),) = mappings(db)
    assert name == "우리 가게 시트" and fields["phone"] == "연락처" and fields["email"] == "이메일"
    dialog.close()

    # the same columns in another order (one written with a space): the saved mapping is found; importing
    # again changes nothing
    order = [8, 3, 0, 1, 2, 4, 5, 6, 7]
    other = write_csv(tmp_path / "3월.csv", [HEADER[i].replace("주문번호", "주문 번호") for i in order],
                      [[row[i] for i in order] for row in ROWS], "utf-8")
    again, _ = dialog_for(qtbot, db, other)
    qtbot.waitUntil(lambda: again.parsed is not None and again.mapping_mode, timeout=10_000)
    assert "저장된 연결 “우리 가게 시트”" in again.source_label.text()
    assert again.mapping_name.text() == "우리 가게 시트"
    assert again.mapping_fields() == {**fields, "order_id": "주문 번호"}
    assert "3건" in again.counts_label.text() and again.import_button.isEnabled()
    again.import_button.click()
    qtbot.waitUntil(lambda: again.summary is not None, timeout=20_000)
    assert again.summary is not None and again.summary.written is not None
    assert again.summary.written.orders_created == 0 and again.summary.written.unchanged == 3
    assert order_count(db) == 3
    db.close()


def test_a_file_nothing_can_be_mapped_from_says_what_is_missing(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "price-list.csv"
    bad.write_bytes("상품명,가격\r\n잼,3000\r\n".encode("cp949"))
    db = open_database(tmp_path / "shop.db")
    dialog, _changed = dialog_for(qtbot, db, bad)
    qtbot.waitUntil(lambda: dialog.mapping_mode, timeout=10_000)
    settle(qtbot, dialog)
    assert dialog.mapping_fields() == {"product_name": "상품명", "unit_price": "가격"}
    assert dialog.import_reason.text() == "열을 골라 주세요: 주문번호, 주문일시, 회원 아이디·연락처·이메일 중 하나"
    assert not dialog.import_button.isEnabled()
    assert dialog.source_label.text() == "직접 만든 주문 파일: 아래에서 열을 연결하세요."
    db.close()
