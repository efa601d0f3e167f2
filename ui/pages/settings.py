"""설정: the shop's details (needed for ad messages), segment rules, sending rules, language and theme.

The form is generated from engine.config.SPECS; every value is checked by the same parser the CLI uses,
and a bad value gets one line saying what to fix, with nothing saved.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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

from engine import channels, config
from ui.context import AppContext
from ui.i18n import LANGUAGES
from ui.widgets import muted_label, title_label

# channels with "test connection" and "send a test to me" buttons: every channel a journey sends on (engine/channels/)
CHECKED_CHANNELS = tuple(spec.name for spec in channels.CHANNELS if spec.node is not None)
GROUPS = ("shop", "segments", "rules", "sync")  # then one section per channel (engine/channels/), the webhook, the runner


class SettingsPage(QWidget):
    language_changed = Signal(str)
    channel_checked = Signal(str, bool, str)  # channel, ok, the result in the app's language (from a worker thread)
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
                  "rules": self.tr("Sending rules"), "sync": self.tr("Shop data sync")}
        sections: list[tuple[str, list[str], str | None]] = [
            (titles[group], [item.key for item in config.SPECS
                             if item.key.startswith(group + ".") and item.key != "shop.timezone"], None)
            for group in GROUPS]
        sections += [(ctx.label(spec.label_ko, spec.label_en), [item.key for item in spec.settings], spec.name)
                     for spec in channels.CHANNELS if spec.settings]
        sections += [(self.tr("Webhook (for any channel set to it)"), [item.key for item in channels.ways.SETTINGS], None),
                     (self.tr("Background runner"), ["runner.autostart"], None)]
        labels: list[QLabel] = []
        self.channel_results: dict[str, QLabel] = {}
        self.channel_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.test_numbers: dict[str, QLineEdit] = {}  # a phone channel's test goes to this number (or the shop's)
        for title, keys, channel in sections:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in keys:
                item = config.spec(key)
                widget = self._field(item)
                self.fields[item.key] = widget
                labels.append(QLabel(ctx.label(item.label_ko, item.label_en)))
                form.addRow(labels[-1], widget)
            if channel is not None and channel in CHECKED_CHANNELS:
                form.addRow(self._channel_row(channel))
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
        self.channel_checked.connect(self._show_channel_result)
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

    # --- test connection / send a test to me --------------------------------------------------------

    def _channel_row(self, channel: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 0)
        test = QPushButton(self.tr("Test connection"))
        send = QPushButton(self.tr("Send a test to me"))
        result = muted_label("")
        result.setWordWrap(True)
        test.clicked.connect(lambda: self.run_channel_check(channel, send=False))
        send.clicked.connect(lambda: self.run_channel_check(channel, send=True))
        layout.addWidget(test)
        if channels.BY_NAME[channel].address == "phone":
            number = QLineEdit()
            number.setPlaceholderText(self.tr("my number (empty: the shop contact)"))
            number.setMaximumWidth(220)
            self.test_numbers[channel] = number
            layout.addWidget(number)
        layout.addWidget(send)
        layout.addWidget(result, 1)
        self.channel_results[channel] = result
        self.channel_buttons[channel] = (test, send)
        return row

    def run_channel_check(self, channel: str, *, send: bool) -> bool:
        """Save the form, then (off the UI thread) connect by the channel's way, or send a test to the shop's
        own address; the result appears beside the buttons. False when the form could not be saved."""
        if not self.save():
            return False
        result = self.channel_results[channel]
        for button in self.channel_buttons[channel]:
            button.setEnabled(False)
        result.setStyleSheet("")
        result.setText(self.tr("Sending a test…") if send else self.tr("Connecting…"))
        db, lang = self.ctx.db, self.ctx.lang
        now = self.ctx.clock.now
        typed = self.test_numbers[channel].text().strip() if channel in self.test_numbers else ""

        def work() -> tuple[bool, str]:
            from engine.channels import ChannelSetupError, CheckResult
            from storage.db import data_dir

            try:
                with db.session() as session:
                    get = lambda key: config.get(session, key)  # noqa: E731
                    if send and channel in self.test_numbers:
                        address = typed or str(get("shop.contact") or "")
                        if not address:
                            outcome = CheckResult(False, "테스트를 받을 번호가 없습니다. 번호를 입력하거나 쇼핑몰 연락처를 채우세요",
                                                  "there is no number to send to; type yours or fill in the shop contact")
                        else:
                            outcome = channels.send_test(channel, address, get, data_dir() / "sent", now)
                    elif send:
                        address = str(get("shop.email") or "") or str(get("email.from") or "")
                        if not address:
                            outcome = CheckResult(False, "테스트를 받을 내 이메일 주소가 없습니다. 쇼핑몰 이메일을 입력하세요",
                                                  "there is no address of yours to send to; fill in the shop email")
                        else:
                            outcome = channels.send_test(channel, address, get, data_dir() / "sent", now)
                    else:
                        outcome = channels.check(channel, get, data_dir() / "sent", now)
            except ChannelSetupError as exc:
                return False, exc.ko if lang == "ko" else str(exc)
            except config.ConfigError as exc:
                return False, exc.text(lang)
            except Exception as exc:  # shown, not raised: a button must not take the app down
                return False, f"{type(exc).__name__}"
            return outcome.ok, outcome.text(lang)

        self._pool = getattr(self, "_pool", None) or ThreadPoolExecutor(max_workers=1, thread_name_prefix="channel-test")
        future = self._pool.submit(work)
        future.add_done_callback(lambda done: self.channel_checked.emit(channel, *done.result()))
        return True

    def _show_channel_result(self, channel: str, ok: bool, text: str) -> None:
        result = self.channel_results[channel]
        result.setStyleSheet("" if ok else "color: #c62828;")
        result.setText(text)
        for button in self.channel_buttons[channel]:
            button.setEnabled(True)

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
