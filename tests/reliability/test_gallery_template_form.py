"""Issue 15 §4: 'Use this template' asks the template's few settings in a short form (Korean labels, units,
defaults), refuses a bad value with one Korean line and keeps the form open, and on OK makes the draft and
opens it on the canvas with the values in its parameters. The form is saved as a picture (ko, 1366×768)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox, QTimeEdit

from engine import gallery
from storage.db import Database, open_database
from tests.ui.conftest import ARTIFACTS, NOW, _clipboard_released, _qsettings_in_tmp, demo_file  # noqa: F401
from ui.app import Controller, make_application
from ui.i18n import install_language
from ui.template_form import TemplateForm


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:  # noqa: F811  (a private copy of the demo shop)
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


def _window(db: Database):  # type: ignore[no-untyped-def]
    from engine.clock import FixedClock

    app = make_application()
    install_language(QApplication.instance(), "ko")
    controller = Controller(app, db, FixedClock(NOW), is_demo=True)
    window = controller.build()
    window.resize(1366, 768)
    return controller, window


def _save_picture(window, form: TemplateForm, name: str) -> Path:  # type: ignore[no-untyped-def]
    """The main window with the form over it, as the owner sees them."""
    picture = window.grab()
    painter = QPainter(picture)
    corner = form.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter.drawPixmap(corner, form.grab())
    painter.end()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert picture.save(str(path))
    return path


def test_the_form_refuses_in_korean_then_opens_the_draft_with_the_values(qtbot, demo_db: Database) -> None:
    _controller, window = _window(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("gallery")
    form = window.pages["gallery"].choose(gallery.template("first_order_coupon"))
    assert isinstance(form, TemplateForm) and form.isVisible()
    qtbot.waitExposed(form)
    percent = form.findChild(QSpinBox, "setting_coupon_percent")
    days = form.findChild(QSpinBox, "setting_wait_days")
    assert percent.value() == 10 and percent.suffix() == "%"
    assert days.value() == 7 and days.suffix() == " 일"
    assert form.name.text() == "첫 구매 감사 + 재구매 쿠폰"
    assert "이럴 때 쓰세요" in " ".join(label.text() for label in form.findChildren(type(form.problem)))
    percent.setValue(150)
    qtbot.mouseClick(form.ok_button, qtbot_button())
    assert form.isVisible() and form.problem.isVisible()
    assert form.problem.text() == "'할인율'은(는) 1~100% 사이로 넣으세요 (지금 150%)."
    _save_picture(window, form, "gallery-template-form-ko-error.png")
    percent.setValue(15)
    assert not form.problem.isVisible()  # fixed: the complaint goes
    days.setValue(10)
    form.name.setText("첫 구매 고객 재구매")
    _save_picture(window, form, "gallery-template-form-ko.png")
    qtbot.mouseClick(form.ok_button, qtbot_button())
    assert not form.isVisible()
    editors = window.pages["journeys"].editors
    qtbot.waitUntil(lambda: len(editors) == 1, timeout=3000)
    [editor] = editors.values()
    assert editor.isVisible()
    journey = editor.journey
    assert journey.name == "첫 구매 고객 재구매"
    assert journey.nodes["coupon"].param("amount") == 15
    assert journey.nodes["ordered_again"].param("timeout") == 10 * 24 * 60
    editor.close()
    window.close()


def test_each_kind_of_setting_gets_its_input(qtbot, demo_db: Database) -> None:
    install_language(QApplication.instance(), "ko")
    form = TemplateForm(gallery.template("replenishment"), "ko", ["뷰티", "반려동물", "패션"])
    qtbot.addWidget(form)
    category = form.findChild(QComboBox, "setting_category")
    assert category.isEditable() and category.currentText() == "반려동물" and category.count() == 3
    assert form.findChild(QTimeEdit, "setting_time").time().toString("HH:mm") == "10:00"
    won = TemplateForm(gallery.template("welcome_coupon"), "ko")
    qtbot.addWidget(won)
    amount = won.findChild(QSpinBox, "setting_coupon_amount")
    assert amount.suffix() == " 원" and amount.isGroupSeparatorShown() and amount.value() == 2000
    holiday = TemplateForm(gallery.template("seasonal_holiday"), "ko")
    qtbot.addWidget(holiday)
    choice = holiday.findChild(QComboBox, "setting_holiday")
    assert not choice.isEditable() and [choice.itemText(i) for i in range(choice.count())] == ["설날", "추석"]
    choice.setCurrentIndex(0)
    assert holiday.check() and holiday.values["holiday"] == "설날"
    nothing = TemplateForm(gallery.template("shipping_notice"), "ko")
    qtbot.addWidget(nothing)
    assert nothing.check() and nothing.values == {}
    nothing.name.setText("  ")
    assert not nothing.check() and nothing.problem.text() == "여정 이름을 넣으세요."


def qtbot_button():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
