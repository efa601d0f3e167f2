"""The inspector: a form generated from the selected node's parameter schema.

Each change becomes one SetParam undo command (typing in a text box merges into one step). Won amounts
get a 원 suffix and thousands steps, durations a number with minutes / hours / days, choices their
Korean labels, rules a small table, and message texts an EUC-KR byte counter with the ad labels that
will be added.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from engine.channels import BY_NAME as CHANNEL_SPECS
from engine.journey import JourneyError, ParamSpec, ParamType, node_type
from engine.journey.limits import PARAM_DEPTH, check_value, describe
from engine.journey.registry import (
    CONDITION_FIELDS,
    CONDITION_OPS,
    SEGMENTS,
    WEEKDAY_EN,
    WEEKDAY_KO,
    summarize,
)
from engine.messaging.adlaw import ShopInfo, looks_like_ad
from engine.messaging.sms import euckr_length
from engine.runtime.conditions import SET_FIELDS
from ui.editor.document import JourneyDocument, SetParam

UNITS = ((24 * 60, "일", "days"), (60, "시간", "hours"), (1, "분", "minutes"))
# Rule fields whose value is one of a fixed list (the rest of the listed ones also take typed text).
FIXED_VALUE_FIELDS = frozenset({"lifecycle", "got_message_in_journey"})


class Inspector(QWidget):
    def __init__(self, doc: JourneyDocument, lang: str = "ko", shop: ShopInfo | None = None,
                 categories: list[str] | None = None, db: Any = None, clock: Any = None) -> None:
        super().__init__()
        self.db, self.clock = db, clock
        self.variable_rows: list[tuple[QComboBox, QPushButton]] = []
        self.pending_rows: list[QWidget] = []
        self.doc, self.lang = doc, lang
        self.shop = shop or ShopInfo()
        self.categories = categories or []
        self._names: dict[str, list[str]] = {}
        self.node_id = ""
        self.widgets: dict[str, QWidget] = {}
        self.outer = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; font-size: 12pt;")
        self.outer.addWidget(self.title)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        # a narrow panel (1366×768, English labels) puts a long label above its field instead of clipping it
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addWidget(self.form_host)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setObjectName("muted")
        self.outer.addWidget(self.preview)
        self.outer.addStretch(1)
        self._updating = False
        doc.node_changed.connect(self._external_change)
        doc.node_removed.connect(lambda node_id: self.show_node("") if node_id == self.node_id else None)
        self.show_node("")

    def label(self, ko: str, en: str) -> str:
        return ko if self.lang == "ko" else en

    def sizeHint(self) -> QSize:  # a side panel: leave the room to the canvas
        return QSize(360, 520)

    def show_node(self, node_id: str) -> None:
        self.node_id = node_id if node_id in self.doc.journey.nodes else ""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets = {}
        self.headings: dict[str, QLabel] = {}
        self.variable_rows: list[tuple[QComboBox, QPushButton]] = []
        self.pending_rows: list[QWidget] = []
        self.sample: QComboBox | None = None
        self.preview.setText("")
        if not self.node_id:
            self.title.setText(self.tr("Select a node to change its settings."))
            return
        node = self.doc.journey.node(self.node_id)
        spec = node_type(node.kind)
        self.title.setText(spec.label(self.lang))
        values = node.effective_params()
        for param in spec.params:
            widget = self._editor(param, values.get(param.name))
            self.widgets[param.name] = widget
            if param.type is ParamType.TEMPLATE:  # a message text: its label above, the text the panel's full width
                heading = QLabel(self.label(param.label_ko, param.label_en))
                heading.setWordWrap(True)  # a long heading wraps rather than widening the panel
                self.headings[param.name] = heading
                self.form.addRow(heading)
                self.form.addRow(widget)
                self.form.setRowVisible(heading, param.shown(values))
            else:
                self.form.addRow(self.label(param.label_ko, param.label_en), widget)
            self.form.setRowVisible(widget, param.shown(values))
            for extra in self.pending_rows:
                self.form.addRow(extra)
            self.pending_rows = []
        if node.category == "message":
            self.sample = QComboBox()
            for customer_id, name in self.sample_customers():
                self.sample.addItem(name, customer_id)
            self.sample.currentIndexChanged.connect(lambda _: self._update_preview())
            self.form.addRow(self.tr("Preview for"), self.sample)
        for combo in self.form_host.findChildren(QComboBox):  # long choices must not widen the panel
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        for control in self.form_host.findChildren(QWidget):  # a narrow panel never squeezes a control below its
            if isinstance(control, QComboBox | QAbstractSpinBox | QAbstractButton):  # minimum (clipped arrows)
                control.setMinimumWidth(control.minimumSizeHint().width())
        self._update_preview()

    def _external_change(self, node_id: str) -> None:
        if node_id == self.node_id and not self._updating:
            self.show_node(node_id)  # an undo or redo: show the values now in force

    def _commit(self, name: str, value: Any) -> None:
        node = self.doc.journey.node(self.node_id)
        if node.params.get(name) == value:
            return
        spec = node_type(node.kind).param(name)
        try:  # a text over the limit is refused here, in words, and not by the model mid-command
            check_value(value, self.label(spec.label_ko, spec.label_en) if spec else name,
                        self.doc.journey.limits, PARAM_DEPTH)
        except JourneyError as exc:
            self.preview.setText(describe(exc, self.lang))
            return
        self._updating = True
        try:
            self.doc.push(SetParam(self.doc, self.node_id, name, value))
        finally:
            self._updating = False
        values = self.doc.journey.node(self.node_id).effective_params()
        spec = node_type(node.kind)
        for param in spec.params:
            widget = self.widgets.get(param.name)
            if widget is not None:
                self.form.setRowVisible(widget, param.shown(values))
            if param.name in self.headings:
                self.form.setRowVisible(self.headings[param.name], param.shown(values))
        self._update_preview()

    # --- editors per parameter type -----------------------------------------------------------------

    def _editor(self, param: ParamSpec, value: Any) -> QWidget:
        kind = param.type
        name = param.name
        if kind in {ParamType.INT, ParamType.WON, ParamType.PERCENT}:
            box = QSpinBox()
            box.setRange(int(param.minimum if param.minimum is not None else -10**9),
                         int(param.maximum if param.maximum is not None else 10**9))
            if kind is ParamType.WON:  # 5,000 원; in English ₩5,000
                if self.lang == "ko":
                    box.setSuffix(" 원")
                else:
                    box.setPrefix("₩")
                box.setSingleStep(1000)
                box.setGroupSeparatorShown(True)
            if kind is ParamType.PERCENT:
                box.setSuffix(" %")
            box.setValue(int(value or 0))
            box.valueChanged.connect(lambda v, n=name: self._commit(n, int(v)))
            return box
        if kind is ParamType.DURATION:
            return self._duration(name, int(value or 0), param)
        if kind is ParamType.BOOL:
            check = QCheckBox()
            check.setChecked(bool(value))
            check.toggled.connect(lambda v, n=name: self._commit(n, bool(v)))
            return check
        if kind in {ParamType.CHOICE, ParamType.SEGMENT}:
            combo = QComboBox()
            for choice in param.choices:
                combo.addItem(self.label(choice.label_ko, choice.label_en), choice.value)
            if kind is ParamType.SEGMENT:  # and the owner's own segments
                for shown, key in self.custom_segments():
                    combo.addItem(shown, key)
                if value and combo.findData(value) < 0:
                    combo.addItem(str(value), value)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(lambda _, c=combo, n=name: self._commit(n, c.currentData()))
            return combo
        if kind is ParamType.CATEGORY:
            combo = QComboBox()
            combo.addItem(self.tr("(any)"), "")
            for category in self.categories:
                combo.addItem(category, category)
            if value and combo.findData(value) < 0:
                combo.addItem(str(value), value)
            combo.setCurrentIndex(max(0, combo.findData(value or "")))
            combo.currentIndexChanged.connect(lambda _, c=combo, n=name: self._commit(n, c.currentData()))
            return combo
        if kind is ParamType.TIME:
            edit = QTimeEdit()
            edit.setDisplayFormat("HH:mm")
            edit.setTime(QTime.fromString(str(value or "10:00"), "HH:mm"))
            edit.timeChanged.connect(lambda t, n=name: self._commit(n, t.toString("HH:mm")))
            return edit
        if kind is ParamType.DATE:
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            if value:
                edit.setDate(QDate.fromString(str(value), "yyyy-MM-dd"))
            edit.dateChanged.connect(lambda d, n=name: self._commit(n, d.toString("yyyy-MM-dd")))
            return edit
        if kind is ParamType.WEEKDAYS:
            return self._weekdays(name, list(value or []))
        if kind is ParamType.RULES:
            return RulesEditor(self, name, list(value or []))
        if kind is ParamType.TEMPLATE:
            text = QPlainTextEdit(str(value or ""))
            text.setMinimumHeight(90)
            self._variable_row(text)
            timer = QTimer(text)
            timer.setSingleShot(True)
            timer.setInterval(400)
            timer.timeout.connect(lambda t=text, n=name: self._commit(n, t.toPlainText()))
            text.textChanged.connect(timer.start)
            text.textChanged.connect(self._update_preview)
            return text
        if name == "pool" and self.db is not None:  # the coupon node's code pool: the imported ones offered
            return self._pool_box(name, str(value or ""))
        line = QLineEdit(str(value or ""))
        line.setMaxLength(self.doc.journey.limits.text_chars)
        line.editingFinished.connect(lambda ln=line, n=name: self._commit(n, ln.text()))
        return line

    def _pool_box(self, name: str, value: str) -> QWidget:
        from engine.coupons import pools

        with self.db.session() as session:
            found = pools(session, self.clock_now())
        combo = QComboBox()
        combo.setEditable(True)  # a pool imported later may be named now
        for item in found:
            combo.addItem(item.pool, item.pool)
            combo.setItemData(combo.count() - 1, self.tr("%1 of %2 codes left").replace("%1", f"{item.left:,}")
                              .replace("%2", f"{item.total:,}"), Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentText(value)
        edit = combo.lineEdit()
        edit.setMaxLength(60)
        edit.editingFinished.connect(lambda c=combo, n=name: self._commit(n, c.currentText().strip()))
        combo.activated.connect(lambda _, c=combo, n=name: self._commit(n, c.currentText().strip()))
        return combo

    def _variable_row(self, text: QPlainTextEdit) -> None:
        """A list of the variables this message may use, inserted at the cursor."""
        from engine.journey.validate import available_roots
        from engine.journey.variables import VARIABLES

        roots = available_roots(self.doc.journey, self.node_id)
        host = QWidget()
        row = QHBoxLayout(host)
        row.setContentsMargins(0, 0, 0, 0)
        combo = QComboBox()
        for variable in VARIABLES:
            if variable.name.split(".", 1)[0] in roots:  # the name in words; what is inserted in its tip
                combo.addItem(self.label(variable.label_ko, variable.label_en), variable.name)
                combo.setItemData(combo.count() - 1, f"{{{{ {variable.name} }}}}", Qt.ItemDataRole.ToolTipRole)
        insert = QPushButton(self.tr("Insert"))
        insert.clicked.connect(lambda: text.insertPlainText(f"{{{{ {combo.currentData()} }}}}"))
        row.addWidget(combo, 1)
        row.addWidget(insert)
        self.variable_rows.append((combo, insert))
        self.pending_rows.append(host)

    def _duration(self, name: str, minutes: int, param: ParamSpec) -> QWidget:
        host = QWidget()
        row = QHBoxLayout(host)
        row.setContentsMargins(0, 0, 0, 0)
        number = QSpinBox()
        number.setRange(1, 100_000)
        unit = QComboBox()
        for size, ko, en in UNITS:
            unit.addItem(self.label(ko, en), size)
        size = next((s for s, _, _ in UNITS if minutes and minutes % s == 0), 1)
        unit.setCurrentIndex(unit.findData(size))
        number.setValue(max(1, minutes // size))
        row.addWidget(number)
        row.addWidget(unit)

        def commit() -> None:
            self._commit(name, int(number.value()) * int(unit.currentData()))

        number.valueChanged.connect(lambda _: commit())
        unit.currentIndexChanged.connect(lambda _: commit())
        host.number, host.unit = number, unit  # type: ignore[attr-defined]
        return host

    def _weekdays(self, name: str, days: list[int]) -> QWidget:
        host = QWidget()
        grid = QGridLayout(host)  # two rows of four: seven boxes in a row do not fit a 1366×768 panel in English
        grid.setContentsMargins(0, 0, 0, 0)
        boxes = []
        names = WEEKDAY_KO if self.lang == "ko" else WEEKDAY_EN
        for index, label in enumerate(names):
            box = QCheckBox(label)
            box.setChecked(index in days)
            boxes.append(box)
            grid.addWidget(box, index // 4, index % 4)
        for box in boxes:
            box.toggled.connect(lambda _: self._commit(name, [i for i, b in enumerate(boxes) if b.isChecked()]))
        return host

    # --- the message preview ------------------------------------------------------------------------

    def _update_preview(self) -> None:
        if not self.node_id:
            return
        node = self.doc.journey.node(self.node_id)
        if node.category != "message":
            self.preview.setText("")
            return
        channel = node.kind.split(".", 1)[1]
        body_widget = self.widgets.get("body")
        body = body_widget.toPlainText() if isinstance(body_widget, QPlainTextEdit) else str(node.param("body") or "")
        subject_widget = self.widgets.get("subject")
        subject = subject_widget.toPlainText() if isinstance(subject_widget, QPlainTextEdit) else ""
        is_ad = bool(node.param("is_ad"))
        rendered = self._render_sample(body, subject, node)
        if rendered is not None:
            subject, body = rendered
        spec = CHANNEL_SPECS.get(channel)
        subject, labelled = spec.labelled(subject, body, is_ad, self.shop) if spec else (subject, body)
        lines = []
        if spec is not None and spec.byte_counted:
            size = euckr_length(labelled)
            kind = spec.kind(labelled).upper()
            lines.append(self.tr("%1 bytes (EUC-KR), sent as %2").replace("%1", str(size)).replace("%2", kind))
        if is_ad:
            lines.append(self.tr("Added for the ad law:") + "\n" + (subject + "\n" if subject else "") + labelled)
        elif rendered is not None:
            lines.append(self.tr("Preview:") + "\n" + (subject + "\n" if subject else "") + labelled)
        elif looks_like_ad(body):
            lines.append(self.tr("This looks like an ad (coupon, discount…): mark it as an ad message."))
        self.preview.setText("\n".join(lines))


    def value_choices(self, field: str) -> list[tuple[str, Any]] | None:
        """(shown, value) pairs a rule on `field` can pick from, or None for a plain text box."""
        if field == "lifecycle":
            return [(self.label(c.label_ko, c.label_en), c.value) for c in SEGMENTS if c.value != "vip"]
        if field == "got_message_in_journey":
            return [(f"{node.id} · {summarize(node.kind, node.params, self.lang)}", node.id)
                    for node in self.doc.journey.nodes.values() if node.category == "message"]
        if field == "bought_category":
            return [(name, name) for name in self.categories]
        if field in {"bought_product", "has_tag"}:
            return [(name, name) for name in self._shop_names(field)]
        if field == "in_segment":
            return self.custom_segments()
        return None

    def custom_segments(self) -> list[tuple[str, str]]:
        """(name, "custom:<id>") of the owner's saved segments, read once per inspector."""
        cached = self._names.get("custom_segments")
        if cached is None:
            cached = []
            if self.db is not None:
                from engine.customers.custom_segments import key_of, list_segments

                with self.db.session() as session:
                    cached = [f"{row.name}\t{key_of(row)}" for row in list_segments(session)]
            self._names["custom_segments"] = cached
        return [(text.split("\t")[0], text.split("\t")[1]) for text in cached]

    def _shop_names(self, field: str) -> list[str]:
        """The shop's product names or tags, read once per inspector (a shop has a few thousand at most)."""
        cached = self._names.get(field)
        if cached is not None:
            return cached
        names: list[str] = []
        if self.db is not None:
            from sqlalchemy import select

            from storage.models import CustomerTag, OrderItem, Product

            with self.db.session() as session:
                if field == "bought_product":
                    found = set(session.scalars(select(Product.name)))
                    if not found:  # no product list (an order export only): names from recent order lines
                        found = set(session.scalars(
                            select(OrderItem.product_name).order_by(OrderItem.id.desc()).limit(50_000)))
                else:
                    found = set(session.scalars(select(CustomerTag.tag).distinct()))
            names = sorted(found)
        self._names[field] = names
        return names

    def sample_customers(self) -> list[tuple[int, str]]:
        if self.db is None:
            return []
        from sqlalchemy import select

        from storage.models import Customer

        with self.db.session() as session:
            return [(cid, name) for cid, name in session.execute(
                select(Customer.id, Customer.name).where(Customer.is_guest.is_(False))
                .order_by(Customer.id.desc()).limit(20))]

    def _render_sample(self, body: str, subject: str, node: Any) -> tuple[str, str] | None:
        """The text as the chosen customer would get it, with example order, cart and coupon values."""
        sample = getattr(self, "sample", None)
        if self.db is None or sample is None or sample.currentData() is None:
            return None
        from zoneinfo import ZoneInfo

        from engine.customers.segments import thresholds
        from engine.messaging.render import Renderer, RenderError
        from engine.messaging.samples import example_data_for
        from engine.messaging.variables import message_variables
        from engine.runtime.facts import load_facts

        now = self.clock_now()
        with self.db.session() as session:
            facts = load_facts(session, [sample.currentData()], now, thresholds(session)).get(sample.currentData())
        if facts is None:
            return None
        data = example_data_for(self.doc.journey, node.id, now)  # the coupon, points and tier this path gives
        variables = message_variables(facts, self.shop, data, ZoneInfo("Asia/Seoul"))
        renderer = Renderer()
        try:
            return renderer.render(subject, variables), renderer.render(body, variables)
        except RenderError as exc:
            return "", self.tr("Cannot show a preview: %1").replace("%1", str(exc))

    def clock_now(self) -> Any:
        from datetime import UTC, datetime

        return self.clock.now() if self.clock is not None else datetime.now(UTC)


class RulesEditor(QWidget):
    """Rules as rows: field, operator, value; add and remove.

    The value box fits the field: the shop's products, categories and tags in a searchable list (any
    text still allowed, for a name not sold yet), lifecycle stages and this journey's messages as
    fixed choices, and a plain text box for numbers and the rest.
    """

    def __init__(self, inspector: Inspector, name: str, rules: list[dict[str, Any]]) -> None:
        super().__init__()
        self.inspector, self.name = inspector, name
        self.rows: list[RuleRow] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        for rule in rules:
            self._add_row(rule)
        add = QPushButton(self.tr("+ rule"))
        add.clicked.connect(lambda: (self._add_row({"field": "total_spent", "op": "gte", "value": ""}), self.commit()))
        self.layout_.addWidget(add)

    def _add_row(self, rule: dict[str, Any]) -> None:
        row = RuleRow(self, rule)
        self.layout_.insertWidget(len(self.rows), row)
        self.rows.append(row)

    def remove(self, row: RuleRow) -> None:
        self.rows.remove(row)
        row.deleteLater()
        self.commit()

    def rules(self) -> list[dict[str, Any]]:
        return [row.rule() for row in self.rows]

    def commit(self) -> None:
        self.inspector._commit(self.name, self.rules())


class RuleRow(QWidget):
    """One rule: field, operator and a value box chosen by the field."""

    def __init__(self, owner: RulesEditor, rule: dict[str, Any]) -> None:
        super().__init__()
        self.owner = owner
        self.extra = {key: value for key, value in rule.items() if key not in {"field", "op", "value"}}
        label = owner.inspector.label
        self.grid = QGridLayout(self)  # field, operator, × on the first line; the value below, full width
        self.grid.setContentsMargins(0, 0, 0, 6)
        self.grid.setColumnStretch(0, 1)
        self.field = QComboBox()
        for key, (ko, en, _) in CONDITION_FIELDS.items():
            self.field.addItem(label(ko, en), key)
        self.field.setCurrentIndex(max(0, self.field.findData(rule.get("field"))))
        self.op = QComboBox()
        for key, (ko, en) in CONDITION_OPS.items():
            self.op.addItem(label(ko, en), key)
        self.op.setCurrentIndex(max(0, self.op.findData(rule.get("op", "eq"))))
        for combo in (self.field, self.op):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(4)
        remove = QPushButton("×")
        remove.setFixedWidth(28)
        self.grid.addWidget(self.field, 0, 0)
        self.grid.addWidget(self.op, 0, 1)
        self.grid.addWidget(remove, 0, 2)
        self.value: QWidget = QWidget()
        self._place_value(rule.get("value"))
        self.field.currentIndexChanged.connect(self._field_changed)
        self.op.currentIndexChanged.connect(lambda _: owner.commit())
        remove.clicked.connect(lambda: owner.remove(self))

    def _field_changed(self) -> None:
        field = str(self.field.currentData())
        if field in SET_FIELDS and self.op.currentData() not in {"contains", "not_contains"}:
            self.op.blockSignals(True)
            self.op.setCurrentIndex(self.op.findData("contains"))
            self.op.blockSignals(False)
        self._place_value(None)
        self.owner.commit()

    def _place_value(self, value: Any) -> None:
        """Put the value box that suits the field in the row, showing `value`."""
        self.value.deleteLater()
        self.grid.removeWidget(self.value)
        field = str(self.field.currentData())
        choices = self.owner.inspector.value_choices(field)
        text = "" if value is None else str(value)
        if choices is None:
            line = QLineEdit(text)
            line.editingFinished.connect(self.owner.commit)
            self.value = line
        else:
            fixed = field in FIXED_VALUE_FIELDS
            combo = QComboBox()
            combo.setEditable(not fixed)
            for shown, data in choices:
                combo.addItem(shown, data)
            if text and combo.findData(text) < 0:
                combo.addItem(text, text)  # a value the shop has no longer (or not yet) still shows
            combo.setCurrentIndex(combo.findData(text) if text else (0 if fixed else -1))
            if fixed:
                combo.currentIndexChanged.connect(lambda _: self.owner.commit())
            else:
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                combo.lineEdit().setPlaceholderText(self.tr("Type to search"))
                completer = QCompleter(combo.model(), combo)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
                combo.setCompleter(completer)
                combo.activated.connect(lambda _: self.owner.commit())
                combo.lineEdit().editingFinished.connect(self.owner.commit)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            self.value = combo
        self.grid.addWidget(self.value, 1, 0, 1, 3)

    def value_data(self) -> Any:
        if isinstance(self.value, QComboBox):
            if self.value.isEditable():
                text = self.value.currentText().strip()
                index = self.value.findText(text)
                return self.value.itemData(index) if index >= 0 else text
            return self.value.currentData()
        text = self.value.text().strip() if isinstance(self.value, QLineEdit) else ""
        plain = text.replace(",", "")
        return int(plain) if plain.lstrip("-").isdigit() else text

    def rule(self) -> dict[str, Any]:
        return {**self.extra, "field": self.field.currentData(), "op": self.op.currentData(),
                "value": self.value_data()}
