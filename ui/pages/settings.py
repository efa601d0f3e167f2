"""설정: the shop's details (needed for ad messages), segment rules, sending rules, language and theme.

The form is generated from engine.config.SPECS; every value is checked by the same parser the CLI uses,
and a bad value gets one line saying what to fix, with nothing saved.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine import config
from ui.context import AppContext
from ui.i18n import LANGUAGES
from ui.widgets import muted_label, title_label

GROUPS = ("shop", "segments", "rules", "sync", "delivery", "sms", "smtp", "runner")


class SettingsPage(QWidget):
    language_changed = Signal(str)
    theme_changed = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.fields: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        outer.addWidget(title_label(self.tr("Settings")))
        top = QHBoxLayout()
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGES).index(ctx.lang))
        self.theme = QComboBox()
        for code, text in (("light", self.tr("Light")), ("dark", self.tr("Dark")), ("system", self.tr("Like the system"))):
            self.theme.addItem(text, code)
        top.addWidget(QLabel(self.tr("Language")))
        top.addWidget(self.language)
        top.addSpacing(20)
        top.addWidget(QLabel(self.tr("Theme")))
        top.addWidget(self.theme)
        top.addStretch(1)
        outer.addLayout(top)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        form_column = QVBoxLayout(body)
        titles = {"shop": self.tr("Shop (shown in ad messages, required by law)"), "segments": self.tr("Segments"),
                  "rules": self.tr("Sending rules"), "sync": self.tr("Shop data sync"), "delivery": self.tr("Delivery"), "sms": self.tr("Text messages"), "smtp": self.tr("Email (SMTP)"),
                  "runner": self.tr("Background runner")}
        labels: list[QLabel] = []
        for group in GROUPS:
            box = QGroupBox(titles[group])
            form = QFormLayout(box)
            for item in config.SPECS:
                if not item.key.startswith(group + ".") or item.key == "shop.timezone":
                    continue
                widget = self._field(item)
                self.fields[item.key] = widget
                labels.append(QLabel(ctx.label(item.label_ko, item.label_en)))
                form.addRow(labels[-1], widget)
            form_column.addWidget(box)
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:  # every group's fields start at the same place
            label.setMinimumWidth(width)
        form_column.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.message = muted_label("")
        save = QPushButton(self.tr("Save"))
        save.setDefault(True)
        save.clicked.connect(self.save)
        row.addWidget(self.message, 1)
        row.addWidget(save)
        outer.addLayout(row)
        self.language.currentIndexChanged.connect(lambda _: self._language())
        self.theme.currentIndexChanged.connect(lambda _: self._theme())
        self.refresh()

    def _field(self, item: config.SettingSpec) -> QWidget:
        if isinstance(item.default, bool):
            return QCheckBox()
        if item.choices:
            combo = QComboBox()
            for value, ko, en in item.choices:
                combo.addItem(self.ctx.label(ko, en), value)
            return combo
        edit = QLineEdit()
        if item.secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def refresh(self) -> None:
        keyring_missing = False
        with self.ctx.db.session() as session:
            values: dict[str, Any] = {}
            for key in self.fields:
                if config.spec(key).secret:  # only whether it is set; the value stays in the keyring
                    values[key] = config.is_set(session, key)
                    keyring_missing = keyring_missing or values[key] is None  # e.g. a Linux PC without one
                else:
                    values[key] = config.get(session, key)
            theme = config.get(session, "ui.theme")
        for key, widget in self.fields.items():
            secret = config.spec(key).secret
            self._show(widget, values[key], secret)
            if secret and isinstance(widget, QLineEdit):
                widget.setPlaceholderText(self.tr("saved in the system keyring; type to replace it") if values[key]
                                          else self.tr("kept in the system keyring"))
            if secret and keyring_missing:
                widget.setEnabled(False)
        self.theme.blockSignals(True)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme)))
        self.theme.blockSignals(False)
        self.message.setText(self.tr("This PC has no system keyring, so passwords, API keys and the webhook "
                                     "address cannot be saved here.") if keyring_missing else "")

    @staticmethod
    def _show(widget: QWidget, value: Any, secret: bool) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData("" if value is None else str(value))))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if secret else ("" if value is None else str(value)))

    def save(self) -> bool:
        """Save every field, or none of them when one is not valid."""
        pending: dict[str, Any] = {}
        for key, widget in self.fields.items():
            item = config.spec(key)
            if isinstance(widget, QCheckBox):
                pending[key] = "true" if widget.isChecked() else "false"
            elif isinstance(widget, QComboBox):
                pending[key] = str(widget.currentData())
            elif isinstance(widget, QLineEdit):
                if item.secret and not widget.text():
                    continue  # empty means unchanged for a secret
                pending[key] = widget.text()
        try:
            with self.ctx.db.write_session() as session:
                # one transaction, every value checked first (and the quiet hours as a pair); secrets go last
                config.set_values(session, pending)
        except config.ConfigError as exc:
            item = config.spec(exc.key) if exc.key in self.fields else None
            where = f"{self.ctx.label(item.label_ko, item.label_en)}: " if item else ""
            self.message.setText(self.tr("Not saved: %1").replace("%1", where + exc.text(self.ctx.lang)))
            self.message.setStyleSheet("color: #c62828;")
            if exc.key in self.fields:
                self.scroll.ensureWidgetVisible(self.fields[exc.key])
                self.fields[exc.key].setFocus()
            return False
        self._apply_autostart(pending.get("runner.autostart") == "true")
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saved."))
        self.ctx.bus.data_changed.emit()
        return True

    def _apply_autostart(self, wanted: bool) -> None:
        """Make the OS's start-up entry match the setting (Windows Startup, macOS LaunchAgent, XDG)."""
        from engine.runtime import autostart
        from ui.runner_control import MAIN_PY

        try:
            if wanted:
                autostart.enable(MAIN_PY, self.ctx.db.url)
            elif autostart.is_enabled():
                autostart.disable()
        except OSError as exc:
            self.message.setText(self.tr("Saved, but the start-up entry could not be changed: %1")
                                 .replace("%1", exc.strerror or str(exc)))

    def _language(self) -> None:
        code = self.language.currentData()
        with self.ctx.db.write_session() as session:
            config.set_value(session, "ui.language", code)
        self.language_changed.emit(code)

    def _theme(self) -> None:
        code = self.theme.currentData()
        with self.ctx.db.write_session() as session:
            config.set_value(session, "ui.theme", code)
        self.theme_changed.emit(code)
