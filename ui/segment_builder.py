"""The custom segment builder: AND/OR groups of conditions picked by clicks, a live count, saved by name.

Each condition row is a field (Korean labels from `engine.customers.custom_segments.FIELDS`), what it is
about where the field needs it (a category, a product, a customer field), an operator, a value widget that
fits the field (a number with its unit, a score 1‥5, the shop's tags, yes/no…) and, for order figures, the
period ("in the last N days", 0 = ever). The count is worked out a moment after the last change, on a worker
thread, so typing stays smooth on a large shop.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from engine.customers import custom_segments as cs
from engine.customers.segments import LIFECYCLE, RFM_GROUPS, SEGMENT_LABELS, thresholds
from storage.models import Category, CustomerTag, OrderItem, Product
from ui.context import AppContext

COUNT_DELAY_MS = 300
UNITS = {"won": ("원", " won"), "days": ("일", " days"), "number": ("회", ""), "category": ("회", ""),
         "product": ("회", "")}


def shop_names(ctx: AppContext) -> dict[str, list[str]]:
    """The shop's categories, products and tags, for the value lists (a shop has a few thousand at most)."""
    with ctx.db.session() as session:
        categories = set(session.scalars(select(Category.name)))
        categories |= {c for c in session.scalars(select(OrderItem.category).distinct().limit(500)) if c}
        products = set(session.scalars(select(Product.name).limit(2000)))
        if not products:
            products = {p for p in session.scalars(select(OrderItem.product_name).distinct().limit(2000)) if p}
        tags = set(session.scalars(select(CustomerTag.tag).distinct()))
    return {"category": sorted(categories), "product": sorted(products), "tag": sorted(tags)}


class RuleRow(QFrame):
    """One condition: field, subject, operator, value, period, remove."""

    changed = Signal()
    removed = Signal(object)

    def __init__(self, ctx: AppContext, names: dict[str, list[str]], rule: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.names = ctx, names
        self.setObjectName("ruleRow")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.field = QComboBox()
        for key, (ko, en, _) in cs.FIELDS.items():
            self.field.addItem(ctx.label(ko, en), key)
        self.subject = QComboBox()  # category / product / customer field name
        self.subject.setEditable(True)
        self.subject.setMinimumWidth(120)
        self.op = QComboBox()
        self.value_host = QWidget()
        self.value_layout = QHBoxLayout(self.value_host)
        self.value_layout.setContentsMargins(0, 0, 0, 0)
        self.value: QWidget = QWidget()
        self.period = QSpinBox()
        self.period.setRange(0, 3650)
        self.period.setSpecialValueText(self.tr("all time"))
        self.period.setPrefix(self.tr("last "))
        self.period.setSuffix(self.tr(" days"))
        self.period.setToolTip(self.tr("Count only the orders of the last N days (0 = all time)"))
        self.remove = QPushButton("✕")
        self.remove.setToolTip(self.tr("Remove this condition"))
        self.remove.setFixedWidth(28)
        for widget in (self.field, self.subject, self.op, self.value_host, self.period, self.remove):
            row.addWidget(widget)
        row.addStretch(1)
        self.field.currentIndexChanged.connect(self._field_changed)
        self.subject.currentTextChanged.connect(lambda _: self.changed.emit())
        self.op.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.period.valueChanged.connect(lambda _: self.changed.emit())
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        rule = rule or {"field": "order_count", "op": "gte", "value": 1}
        self.field.setCurrentIndex(max(0, self.field.findData(rule.get("field"))))
        self._field_changed()
        self.set_rule(rule)

    def kind(self) -> str:
        return cs.FIELDS[str(self.field.currentData())][2]

    def _field_changed(self) -> None:
        field, kind = str(self.field.currentData()), self.kind()
        self.op.blockSignals(True)
        self.op.clear()
        for op in cs.ops_for(field):
            ko, en = cs.OPS[op]
            self.op.addItem(self.ctx.label(ko, en), op)
        self.op.blockSignals(False)
        self.subject.blockSignals(True)
        self.subject.clear()
        if kind in {"category", "product"}:
            self.subject.addItems(self.names.get(kind, []))
            self.subject.setPlaceholderText(self.tr("category") if kind == "category" else self.tr("product"))
        elif kind == "field":
            self.subject.setPlaceholderText(self.tr("field name"))
        self.subject.blockSignals(False)
        self.subject.setVisible(kind in {"category", "product", "field"})
        self.period.setVisible(field in cs.PERIOD_FIELDS)
        self.value.deleteLater()
        self.value = self._value_widget(kind)
        self.value_layout.addWidget(self.value)
        self.value_host.setVisible(kind != "bool")
        self.changed.emit()

    def _value_widget(self, kind: str) -> QWidget:
        if kind in {"number", "won", "days", "score", "category", "product"}:
            box = QSpinBox()
            box.setRange(1 if kind == "score" else 0, 5 if kind == "score" else 2_000_000_000)
            if kind == "won":
                box.setSingleStep(10_000)
                box.setGroupSeparatorShown(True)
            if kind == "won" and self.ctx.lang != "ko":
                box.setPrefix("₩")  # ₩300,000, as English money reads everywhere in the app
            elif kind in UNITS:
                ko, en = UNITS[kind]
                box.setSuffix(self.ctx.label(ko, en))
            box.setValue(3 if kind in {"category", "product"} else 1)
            box.valueChanged.connect(lambda _: self.changed.emit())
            return box
        combo = QComboBox()
        if kind == "tag":
            combo.setEditable(True)
            combo.addItems(self.names.get("tag", []))
            combo.currentTextChanged.connect(lambda _: self.changed.emit())
            return combo
        if kind in {"text", "field"}:
            edit = QLineEdit()
            edit.setPlaceholderText(self.tr("value"))
            edit.textChanged.connect(lambda _: self.changed.emit())
            return edit
        if kind == "choice:lifecycle":
            for name in LIFECYCLE:
                combo.addItem(self.ctx.label(*SEGMENT_LABELS[name]), name)
        elif kind == "choice:rfm_group":
            for key, ko, en, _, _ in RFM_GROUPS:
                combo.addItem(self.ctx.label(ko, en), key)
        elif kind == "choice:gender":
            combo.addItem(self.tr("female"), "F")
            combo.addItem(self.tr("male"), "M")
        combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        return combo

    def set_rule(self, rule: dict[str, Any]) -> None:
        kind = self.kind()
        self.op.setCurrentIndex(max(0, self.op.findData(rule.get("op"))))
        subject = rule.get("category") or rule.get("product") or rule.get("name") or ""
        if subject:
            self.subject.setCurrentText(str(subject))
        self.period.setValue(int(rule.get("days") or 0))
        value = rule.get("value")
        if isinstance(self.value, QSpinBox) and value not in (None, ""):
            self.value.setValue(int(value))
        elif isinstance(self.value, QLineEdit):
            self.value.setText(str(value or ""))
        elif isinstance(self.value, QComboBox) and value is not None:
            if kind == "tag":
                self.value.setCurrentText(str(value))
            else:
                self.value.setCurrentIndex(max(0, self.value.findData(value)))

    def rule(self) -> dict[str, Any]:
        field, kind = str(self.field.currentData()), self.kind()
        rule: dict[str, Any] = {"field": field, "op": self.op.currentData()}
        if isinstance(self.value, QSpinBox):
            rule["value"] = self.value.value()
        elif isinstance(self.value, QLineEdit):
            rule["value"] = self.value.text().strip()
        elif isinstance(self.value, QComboBox) and kind != "bool":
            rule["value"] = self.value.currentText().strip() if kind == "tag" else self.value.currentData()
        subject = self.subject.currentText().strip()
        if kind == "category":
            rule["category"] = subject
        elif kind == "product":
            rule["product"] = subject
        elif kind == "field":
            rule["name"] = subject
        if field in cs.PERIOD_FIELDS and self.period.value():
            rule["days"] = self.period.value()
        return rule


class GroupBox(QFrame):
    """A group of conditions and groups, all or any of which must hold."""

    changed = Signal()
    removed = Signal(object)

    def __init__(self, ctx: AppContext, names: dict[str, list[str]], tree: dict[str, Any] | None = None,
                 nested: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.names = ctx, names
        self.setObjectName("card" if nested else "ruleGroup")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10 if nested else 0, 6, 6, 6)
        head = QHBoxLayout()
        self.match = QComboBox()
        self.match.addItem(self.tr("all of these (AND)"), "all")
        self.match.addItem(self.tr("any of these (OR)"), "any")
        self.match.setToolTip(self.tr("Whether a customer must meet every condition of this group or just one"))
        head.addWidget(QLabel(self.tr("Customers who meet")))
        head.addWidget(self.match)
        head.addStretch(1)
        self.remove = QPushButton(self.tr("Remove group"))
        self.remove.setVisible(nested)
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        head.addWidget(self.remove)
        layout.addLayout(head)
        self.items_layout = QVBoxLayout()
        self.items_layout.setSpacing(4)
        layout.addLayout(self.items_layout)
        buttons = QHBoxLayout()
        self.add_rule_button = QPushButton(self.tr("+ Condition"))
        self.add_group_button = QPushButton(self.tr("+ Group"))
        self.add_group_button.setToolTip(self.tr("A group inside this one, with its own AND/OR"))
        buttons.addWidget(self.add_rule_button)
        buttons.addWidget(self.add_group_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        if not nested:
            layout.addStretch(1)  # rows stay together at the top, however tall the dialog
        self.children_: list[RuleRow | GroupBox] = []
        self.match.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.add_rule_button.clicked.connect(lambda: self.add_rule())
        self.add_group_button.clicked.connect(lambda: self.add_group())
        tree = tree or {"match": "all", "rules": []}
        self.match.setCurrentIndex(max(0, self.match.findData(tree.get("match", "all"))))
        for item in tree.get("rules") or []:
            if isinstance(item, dict) and "rules" in item:
                self.add_group(item)
            else:
                self.add_rule(item)

    def add_rule(self, rule: dict[str, Any] | None = None) -> RuleRow:
        row = RuleRow(self.ctx, self.names, rule)
        self._add(row)
        return row

    def add_group(self, tree: dict[str, Any] | None = None) -> GroupBox:
        group = GroupBox(self.ctx, self.names, tree or {"match": "any", "rules": [None]}, nested=True)
        self._add(group)
        return group

    def _add(self, item: RuleRow | GroupBox) -> None:
        self.children_.append(item)
        self.items_layout.addWidget(item)
        item.changed.connect(self.changed)
        item.removed.connect(self._remove)
        self.changed.emit()

    def _remove(self, item: RuleRow | GroupBox) -> None:
        self.children_.remove(item)
        item.setParent(None)
        item.deleteLater()
        self.changed.emit()

    def tree(self) -> dict[str, Any]:
        return {"match": self.match.currentData(),
                "rules": [item.tree() if isinstance(item, GroupBox) else item.rule() for item in self.children_]}


class _Bridge(QObject):
    counted = Signal(int, object, str)  # request number, count (or None), reason


class SegmentBuilder(QDialog):
    """Build, count and save a custom segment; `saved_key` is "custom:<id>" after a save."""

    def __init__(self, ctx: AppContext, segment_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.segment_id = segment_id
        self.saved_key: str | None = None
        self.setObjectName("segmentBuilder")
        self.setWindowTitle(self.tr("Custom segment"))
        self.resize(980, 560)
        names = shop_names(ctx)
        tree: dict[str, Any] = {"match": "all", "rules": [None]}
        name = ""
        if segment_id is not None:
            with ctx.db.session() as session:
                row = session.get(cs.CustomSegment, segment_id)
                if row is not None:
                    tree, name = dict(row.rules), row.name
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Name")))
        self.name = QLineEdit(name)
        self.name.setPlaceholderText(self.tr("e.g. pet lovers gone quiet"))
        top.addWidget(self.name, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("figure")
        top.addWidget(self.count_label)
        layout.addLayout(top)
        self.group = GroupBox(ctx, names, tree)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.group)
        layout.addWidget(scroll, 1)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNT_DELAY_MS)
        self._timer.timeout.connect(self._count)
        self._bridge = _Bridge()
        self._bridge.counted.connect(self._counted, Qt.ConnectionType.QueuedConnection)
        self._request = 0
        self.count: int | None = None
        self.group.changed.connect(self._timer.start)
        self._count()

    # --- the live count -------------------------------------------------------------------------------

    def _count(self) -> None:
        self._request += 1
        number, tree = self._request, self.group.tree()
        self.count_label.setText(self.tr("counting…"))
        db, now = self.ctx.db, self.ctx.clock.now()

        def work() -> None:
            try:
                with db.session() as session:
                    found = cs.count_tree(session, tree, now, thresholds(session))
                self._bridge.counted.emit(number, found, "")
            except cs.RuleError as exc:
                self._bridge.counted.emit(number, None, str(exc))
            except Exception as exc:
                self._bridge.counted.emit(number, None, type(exc).__name__)

        threading.Thread(target=work, name="segment-count", daemon=True).start()

    def _counted(self, number: int, found: object, reason: str) -> None:
        if number != self._request:
            return  # an older question; a newer one is on its way
        self.count = found if isinstance(found, int) else None
        if self.count is None:
            self.count_label.setText(self.tr("—"))
            self.error.setText(self.tr("Cannot count: %1").replace("%1", reason))
        else:
            self.count_label.setText(self.tr("%1 customers").replace("%1", f"{self.count:,}"))
            self.error.setText("")

    def counting(self) -> bool:
        return self._timer.isActive() or self.count_label.text() == self.tr("counting…")

    # --- saving ---------------------------------------------------------------------------------------

    def save(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.error.setText(self.tr("Give the segment a name."))
            self.name.setFocus()
            return
        try:
            with self.ctx.db.write_session() as session:
                row = cs.save_segment(session, name, self.group.tree(), self.ctx.clock.now(), self.segment_id)
                self.segment_id, self.saved_key = row.id, cs.key_of(row)
        except cs.RuleError as exc:
            reason = self.tr("a segment with this name already exists") if "already exists" in str(exc) else str(exc)
            self.error.setText(self.tr("Not saved: %1").replace("%1", reason))
            return
        self.ctx.bus.data_changed.emit()
        self.accept()
