"""'이 템플릿 사용': a short form with a template's few settings (coupon amount, days, time…) in the owner's
units, checked by the same rules as `journey create --set` (engine/gallery.Template.parse_value); OK makes
the draft, which then opens on the canvas."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from engine import gallery
from ui.widgets import muted_label, title_label

SPIN_LIMIT = 999_999_999  # the spin box takes anything; the template's own range is checked on OK, in words


class TemplateForm(QDialog):
    def __init__(self, template: gallery.Template, lang: str, categories: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template, self.lang = template, lang
        self.values: dict[str, Any] = {}
        self.setWindowTitle(self.tr("Use this template"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self._pick(template.title_ko, template.title_en)))
        for caption, ko, en in ((self.tr("When to use it"), template.when_ko, template.when_en),
                                (self.tr("What it needs"), template.needs_ko, template.needs_en)):
            text = self._pick(ko, en)
            if text:
                note = muted_label(f"<b>{caption}</b>  {text}")
                note.setWordWrap(True)
                layout.addWidget(note)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        self.name = QLineEdit(self._pick(str(template.graph.get("name") or template.title_ko), template.title_en))
        form.addRow(self.tr("Journey name"), self.name)
        self.inputs: dict[str, QWidget] = {}
        for field in template.fields():
            widget = self._input(field, categories or [])
            widget.setObjectName(f"setting_{field.key}")
            self.inputs[field.key] = widget
            help_text = self._pick(field.help_ko, field.help_en)
            if help_text:
                widget.setToolTip(help_text)
            form.addRow(self._pick(field.label_ko, field.label_en), widget)
        self.name.textChanged.connect(self._edited)
        for widget in self.inputs.values():  # a changed value: the old complaint no longer applies
            if isinstance(widget, QSpinBox):
                widget.valueChanged.connect(self._edited)
            elif isinstance(widget, QTimeEdit):
                widget.timeChanged.connect(self._edited)
            elif isinstance(widget, QComboBox):
                widget.currentTextChanged.connect(self._edited)
        if not template.settings:
            layout.addWidget(muted_label(self.tr("This template has nothing to set: it opens as it is.")))
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Make the draft and open it"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _edited(self, *_: Any) -> None:
        if hasattr(self, "problem"):
            self.problem.hide()

    def _pick(self, ko: str, en: str) -> str:
        return ko if self.lang == "ko" or not en else en

    def _input(self, field: gallery.SettingField, categories: list[str]) -> QWidget:
        if field.kind == "number":
            spin = QSpinBox()
            spin.setRange(-SPIN_LIMIT, SPIN_LIMIT)
            spin.setGroupSeparatorShown(field.unit == "won")
            suffix = field.suffix(self.lang)
            if field.unit == "won" and self.lang != "ko":
                spin.setPrefix("₩")  # ₩5,000, as money reads in English everywhere in the app
            elif suffix:
                spin.setSuffix(suffix if suffix == "%" else f" {suffix}")
            spin.setValue(int(field.default or 0))
            if field.minimum is not None and field.maximum is not None:
                spin.setToolTip(f"{field.minimum:,} ~ {field.maximum:,}{(' ' + suffix) if suffix else ''}")
            spin.setMinimumWidth(140)
            return spin
        if field.kind == "time":
            edit = QTimeEdit(QTime.fromString(str(field.default or "10:00"), "HH:mm"))
            edit.setDisplayFormat("HH:mm")
            return edit
        if field.kind == "choice":
            combo = QComboBox()
            for choice in field.choices:
                combo.addItem(self._pick(choice.label_ko, choice.label_en), choice.value)
            combo.setCurrentIndex(max(combo.findData(field.default), 0))
            return combo
        combo = QComboBox()  # text: a category offers the shop's own, and any other name may be typed
        combo.setEditable(True)
        if field.param_type == "category":
            combo.addItems(categories)
        combo.setCurrentText(str(field.default or ""))
        return combo

    def raw_value(self, key: str) -> Any:
        widget = self.inputs[key]
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QTimeEdit):
            return widget.time().toString("HH:mm")
        if isinstance(widget, QComboBox) and not widget.isEditable():
            return widget.currentData()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        raise TypeError(key)

    def check(self) -> bool:
        """Read every value through the template's rules; the first bad one is named under the form."""
        if not self.name.text().strip():
            self._show(self.tr("Fill in a name for the journey."), self.name)
            return False
        values: dict[str, Any] = {}
        for field in self.template.fields():
            try:
                values[field.key] = self.template.parse_value(field.key, self.raw_value(field.key))
            except gallery.SettingValueError as exc:
                self._show(exc.message_ko if self.lang == "ko" else str(exc), self.inputs[field.key])
                return False
        self.values = values
        self.problem.hide()
        return True

    def _show(self, text: str, widget: QWidget) -> None:
        self.problem.setText(text)
        self.problem.show()
        widget.setFocus()

    def accept(self) -> None:
        if self.check():
            super().accept()

    def journey_name(self) -> str:
        return self.name.text().strip()


def shop_categories(db: Any) -> list[str]:
    from sqlalchemy import select

    from storage.models import Category

    with db.session() as session:
        return sorted(session.scalars(select(Category.name)))


def open_form(page: Any, template: gallery.Template) -> TemplateForm:
    """Show the form for `template` over the gallery page; OK makes the draft (page.use) and opens it."""
    form = TemplateForm(template, page.ctx.lang, shop_categories(page.ctx.db), page)
    form.accepted.connect(lambda: page.use(template, values=form.values, name=form.journey_name()))
    form.open()
    return form
