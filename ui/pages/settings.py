"""설정: the shop's details (needed for ad messages), sending by channel, quiet hours and limits, customer groups,
data sync; language and theme.

The form is generated from engine.config: its GROUPS (what an owner thinks about together, each with one line
saying what it is for) and SPECS (each setting's kind: a choice is a combo box, yes/no a check box, a time a
time edit, a number a spin box with its unit). Every value is checked by the same parser the CLI uses, and a
bad value gets one line in Korean saying what to fix, with nothing saved.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
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
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from engine import channels, config
from ui.context import AppContext
from ui.i18n import LANGUAGES
from ui.widgets import muted_label, title_label

# channels with "test connection" and "send a test to me" buttons: every channel a journey sends on (engine/channels/)
CHECKED_CHANNELS = tuple(spec.name for spec in channels.CHANNELS if spec.node is not None)
SPIN_MAX = 2**31 - 1  # a QSpinBox holds a C int; a larger allowed value (VIP spend) is not a real shop's


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
        labels: list[QLabel] = []
        self.channel_results: dict[str, QLabel] = {}
        self.channel_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.test_numbers: dict[str, QLineEdit] = {}  # a phone channel's test goes to this number (or the shop's)
        self.groups: dict[str, QGroupBox] = {}
        # shown under the secrets while this PC has no keyring: stays, whatever the save line says
        self.keyring_note = QLabel(self.tr("This PC has no system keyring, so passwords, API keys and the webhook "
                                           "address cannot be saved here."))
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet("color: #c62828;")
        self.keyring_note.setVisible(False)

        self.rows: dict[str, QFormLayout] = {}  # each field's form, to show only what the chosen providers read
        self.sections: dict[str, QGroupBox] = {}  # the sending group's sections, by channel ("webhook" too)

        def add_rows(form: QFormLayout, keys: list[str]) -> None:
            for key in keys:
                item = config.spec(key)
                widget = self._field(item)
                self.fields[item.key] = widget
                self.rows[item.key] = form
                labels.append(QLabel(ctx.label(item.label_ko, item.label_en)))
                labels[-1].setWordWrap(True)
                form.addRow(labels[-1], widget)

        for group in config.GROUPS:
            box = QGroupBox(ctx.label(group.title_ko, group.title_en))
            box.setObjectName(f"settings-{group.name}")
            column = QVBoxLayout(box)
            note = muted_label(ctx.label(group.note_ko, group.note_en))
            note.setWordWrap(True)
            column.addWidget(note)
            if group.name == "sending":
                column.addWidget(self.keyring_note)
                sections = [(ctx.label(spec.label_ko, spec.label_en), [item.key for item in spec.settings], spec.name)
                            for spec in channels.CHANNELS if spec.settings]
                sections.append((self.tr("Webhook (for any channel set to it)"),
                                 [item.key for item in channels.ways.SETTINGS], None))
                for title, keys, channel in sections:
                    section = QGroupBox(title)
                    section.setFlat(True)
                    form = QFormLayout(section)
                    add_rows(form, keys)
                    if channel is not None and channel in CHECKED_CHANNELS:
                        form.addRow(self._channel_row(channel))
                    self.sections[channel or "webhook"] = section
                    column.addWidget(section)
            else:
                form = QFormLayout()
                add_rows(form, list(group.keys))
                column.addLayout(form)
            self.groups[group.name] = box
            form_column.addWidget(box)
        width = min(max(label.sizeHint().width() for label in labels), 330)
        for label in labels:  # every group's fields start at the same place; a long label wraps
            label.setFixedWidth(width)
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
        # a provider's account fields show while some channel goes out by that provider (SettingSpec.used_when)
        for chooser in {wanted for key in self.fields for wanted, _ in config.spec(key).used_when}:
            widget = self.fields.get(chooser)
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _: self.show_used())
        self.show_used()
        self.language.currentIndexChanged.connect(lambda _: self._language())
        self.theme.currentIndexChanged.connect(lambda _: self._theme())
        # filled when first shown (the window refreshes the page it switches to): reading whether each secret
        # is set asks the system keyring, which costs most of a second on the first call, too much for start-up
        self.loaded: dict[str, Any] | None = None

    def showEvent(self, event: QShowEvent) -> None:
        if self.loaded is None:
            self.refresh()
        super().showEvent(event)

    def _field(self, item: config.SettingSpec) -> QWidget:
        if item.is_flag:
            return QCheckBox()
        if item.choices:
            combo = QComboBox()
            for value, ko, en in item.choices:
                combo.addItem(self.ctx.label(ko, en), value)
            return combo
        if item.is_time:
            edit = QTimeEdit()
            edit.setDisplayFormat("HH:mm")
            edit.setMaximumWidth(120)
            return edit
        if item.number_range is not None:
            lo, hi = item.number_range
            spin = QSpinBox()
            spin.setRange(max(lo, -SPIN_MAX), min(hi, SPIN_MAX))
            spin.setGroupSeparatorShown(True)
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
            unit = self.ctx.label(item.unit_ko, item.unit_en)
            if unit == "won" and self.ctx.lang != "ko":
                spin.setPrefix("₩")  # ₩20, as English money reads everywhere in the app
            elif unit:  # "90일", "90 days"
                spin.setSuffix(unit if self.ctx.lang == "ko" else " " + unit)
            if item.zero_off and lo == 0:
                spin.setSpecialValueText(self.tr("off"))
            spin.setMinimumWidth(140)
            spin.setMaximumWidth(220)
            return spin
        edit = QLineEdit()
        if item.secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def set_field(self, key: str, value: Any) -> None:
        """Put `value` (as stored or typed: "21:00", "48", "true", a choice's value) in the field of `key`."""
        self._show(self.fields[key], value, False)

    @staticmethod
    def _raw(widget: QWidget) -> str | None:
        """The field's value as text for the catalogue's parser (None: a secret left empty, i.e. unchanged)."""
        if isinstance(widget, QCheckBox):
            return "true" if widget.isChecked() else "false"
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        if isinstance(widget, QTimeEdit):
            return widget.time().toString("HH:mm")
        if isinstance(widget, QSpinBox):
            return str(widget.value())
        if isinstance(widget, QLineEdit):
            if widget.echoMode() == QLineEdit.EchoMode.Password and not widget.text():
                return None
            return widget.text()
        return None

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
            number.setMinimumWidth(number.fontMetrics().horizontalAdvance(number.placeholderText()) + 24)
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
        self.loaded = {key: self._raw(widget) for key, widget in self.fields.items()}
        self.theme.blockSignals(True)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme)))
        self.theme.blockSignals(False)
        self.keyring_note.setVisible(keyring_missing)  # the save line below is left as it was
        self.show_used()

    def show_used(self) -> None:
        """Show each provider's fields only while a channel goes out by it (Solapi's key and secret once text
        messages or AlimTalk go by Solapi, the SMTP server once email goes by SMTP, the webhook address once any
        channel goes to it), as the choices on screen stand, saved or not."""
        def value(key: str) -> Any:
            widget = self.fields.get(key)
            return self._raw(widget) if widget is not None else config.spec(key).default

        for key, form in self.rows.items():
            spec = config.spec(key)
            if spec.used_when:
                form.setRowVisible(self.fields[key], spec.used(value))
        webhook = self.sections.get("webhook")
        if webhook is not None:
            webhook.setVisible(channels.ways.WEBHOOK_URL.used(value))

    @staticmethod
    def _show(widget: QWidget, value: Any, secret: bool) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(value if isinstance(value, bool) else str(value).strip().lower() in {"1", "true", "yes"})
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData("" if value is None else str(value))))
        elif isinstance(widget, QTimeEdit):
            time = QTime.fromString(str(value or ""), "HH:mm")
            if not time.isValid():
                time = QTime.fromString(str(value or ""), "H:mm")
            widget.setTime(time if time.isValid() else QTime(0, 0))
        elif isinstance(widget, QSpinBox):
            try:
                widget.setValue(int(str(value).replace(",", "")))
            except ValueError:
                widget.setValue(widget.minimum())
        elif isinstance(widget, QLineEdit):
            widget.setText("" if secret else ("" if value is None else str(value)))

    def save(self) -> bool:
        """Save every field, or none of them when one is not valid; the line below says what was saved."""
        pending: dict[str, Any] = {}
        for key, widget in self.fields.items():
            raw = self._raw(widget)
            if raw is not None:
                pending[key] = raw
        changed = [key for key, raw in pending.items() if raw != (self.loaded or {}).get(key)]
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
        self.message.setStyleSheet("")
        if changed:
            names = [self.ctx.label(config.spec(key).label_ko, config.spec(key).label_en) for key in changed]
            shown = ", ".join(names[:3]) + (self.tr(" and %1 more").replace("%1", str(len(names) - 3))
                                            if len(names) > 3 else "")
            self.message.setText(self.tr("Saved: %1.").replace("%1", shown))
        else:
            self.message.setText(self.tr("Saved (nothing had changed)."))
        self._apply_autostart(pending.get("runner.autostart") == "true")
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
