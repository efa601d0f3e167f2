"""여정 설정: the journey's own settings the runner reads (who may enter again and when, its priority, its
exclusion group, a note), each with a one-line explanation. Checked with validate's own rules before it
accepts; accepted changes are one undo step, saved with the journey."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.journey.validate import settings_issues
from ui.editor.document import JourneyDocument, SetJourney
from ui.widgets import muted_label

MAX_REENTRY_DAYS = 3650
MAX_PRIORITY = 100
MAX_CONVERSION_DAYS = 365


class JourneySettingsDialog(QDialog):
    def __init__(self, doc: JourneyDocument, lang: str, groups: list[str], conversion_days: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.lang = doc, lang
        settings = doc.journey.settings
        self.setWindowTitle(self.tr("Journey settings"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)

        self.reentry = QComboBox()
        for value, text in (("never", self.tr("Only once (never again)")),
                            ("after_exit", self.tr("Again after leaving the journey")),
                            ("after_days", self.tr("Again some days after entering"))):
            self.reentry.addItem(text, value)
        index = self.reentry.findData(settings.get("reentry", "never"))
        self.reentry.setCurrentIndex(max(index, 0))
        self._row(form, self.tr("Entering again"), self.reentry,
                  self.tr("Whether a customer who was in this journey may start it again."))

        self.reentry_days = QSpinBox()
        self.reentry_days.setRange(0, MAX_REENTRY_DAYS)
        self.reentry_days.setSuffix(self.tr(" days"))
        self.reentry_days.setValue(_int(settings.get("reentry_days")))
        self.days_row = self._row(form, self.tr("Days before again"), self.reentry_days,
                                  self.tr("Counted from the day they last entered (at least 1)."))

        self.priority = QSpinBox()
        self.priority.setRange(0, MAX_PRIORITY)
        self.priority.setValue(_int(settings.get("priority")))
        self._row(form, self.tr("Priority"), self.priority,
                  self.tr("When journeys of one group meet the same customer on one day, the higher number goes "
                          "first."))

        self.group = QComboBox()
        self.group.setEditable(True)
        self.group.addItem("")
        for name in groups:
            self.group.addItem(name)
        self.group.setCurrentText(str(settings.get("exclusion_group") or ""))
        self.group.lineEdit().setPlaceholderText(self.tr("none"))
        self.group.lineEdit().setMaxLength(doc.journey.limits.name_chars)
        self._row(form, self.tr("Exclusion group"), self.group,
                  self.tr("Journeys with the same group name: a customer enters at most one of them a day."))

        self.conversion = QSpinBox()  # 0: the shop's window (Settings)
        self.conversion.setRange(0, MAX_CONVERSION_DAYS)
        self.conversion.setSuffix(self.tr(" days"))
        self.conversion.setSpecialValueText(self.tr("as in Settings (%1 days)").replace("%1", str(conversion_days)))
        self.conversion.setValue(_int(settings.get("conversion_days")))
        self._row(form, self.tr("Conversion window"), self.conversion,
                  self.tr("An order within this many days after one of this journey's messages counts as its "
                          "conversion (results, live numbers)."))

        self.description = QLineEdit(str(settings.get("description") or ""))
        self.description.setMaxLength(doc.journey.limits.name_chars)
        self._row(form, self.tr("Note"), self.description, self.tr("For you only; customers never see it."))

        layout.addWidget(muted_label(
            self.tr("What happens to a message that is late (the PC was off) is set on each message step.")))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (self.reentry.currentIndexChanged, self.reentry_days.valueChanged, self.priority.valueChanged,
                       self.group.currentTextChanged, self.description.textChanged):
            signal.connect(self._check)
        self._check()

    def _row(self, form: QFormLayout, label: str, field: QWidget, explanation: str) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(muted_label(explanation))
        form.addRow(label, holder)
        return holder

    def values(self) -> dict[str, Any]:
        return {
            "reentry": self.reentry.currentData(),
            "reentry_days": self.reentry_days.value(),
            "priority": self.priority.value(),
            "exclusion_group": self.group.currentText().strip(),
            "description": self.description.text().strip(),
            "conversion_days": self.conversion.value(),
        }

    def _check(self) -> None:
        values = self.values()
        self.reentry_days.setEnabled(values["reentry"] == "after_days")
        issues = settings_issues(values)
        words = {"reentry": self.tr("Entering again"), "reentry_days": self.tr("Days before again"),
                 "priority": self.tr("Priority"), "exclusion_group": self.tr("Exclusion group")}
        self.problem.setText("\n".join(
            self.tr("%1: not a valid value.").replace("%1", words.get(issue.field or "", issue.field or ""))
            if issue.field != "reentry_days" or values["reentry"] != "after_days"
            else self.tr("Days before again: at least 1 day.") for issue in issues))
        self.problem.setVisible(bool(issues))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not issues)

    def accept(self) -> None:
        values = self.values()
        if settings_issues(values):
            return
        current = self.doc.journey.settings
        changed = {key: value for key, value in values.items() if current.get(key) != value
                   and not (key == "conversion_days" and value == _int(current.get(key)))}  # unset stays unset
        if changed:
            self.doc.undo.beginMacro("journey settings")
            for key, value in changed.items():
                self.doc.push(SetJourney(self.doc, key, value))
            self.doc.undo.endMacro()
        super().accept()


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
