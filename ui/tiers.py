"""The membership tiers editor (names and thresholds, each tier's live count) and the manual points list
("적립금 수동 지급 목록"), both on the segments page. The rules are engine/customers/tiers.py's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from engine import config
from engine.customers.points import manual_list, mark_done
from engine.customers.tiers import (
    DEFAULT_TIERS,
    Tier,
    TierError,
    check_tiers,
    load_tiers,
    save_tiers,
    tier_counts,
)
from ui.context import AppContext
from ui.widgets import local_time, muted_label

NAME, SPENT, ORDERS, GRADE, COUNT = range(5)


def _number(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit() or ch == "-")
    return int(digits) if digits not in ("", "-") else 0


class TiersEditor(QGroupBox):
    """Ordered tiers, lowest first: a customer is in the highest tier whose thresholds they meet."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle(self.tr("Membership tiers"))
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label(self.tr(
            "Your own tiers, lowest first. A customer is in the highest tier whose spend and orders within the "
            "window they reach (or whose shop grade it names). Tiers are computed again after each sync and every "
            "night; a journey can start when a tier goes up or down.")))
        months = QHBoxLayout()
        months.addWidget(QLabel(self.tr("Window")))
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setSuffix(self.tr(" months"))
        self.months.valueChanged.connect(self.update_counts)
        months.addWidget(self.months)
        months.addStretch(1)
        layout.addLayout(months)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Tier"), self.tr("Spent at least (won)"),
                                              self.tr("Orders at least"), self.tr("Or shop grade"),
                                              self.tr("Customers now")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(lambda _item: self.update_counts())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add a tier"))
        self.add_button.clicked.connect(lambda: self.add_row(Tier("")))
        self.remove_button = QPushButton(self.tr("Remove the tier"))
        self.remove_button.clicked.connect(self.remove_row)
        self.suggest_button = QPushButton(self.tr("Suggested tiers"))
        self.suggest_button.setToolTip(self.tr("일반 / 실버 / 골드 / VIP by spend over 12 months"))
        self.suggest_button.clicked.connect(lambda: self.set_tiers(list(DEFAULT_TIERS)))
        self.save_button = QPushButton(self.tr("Save tiers"))
        self.save_button.clicked.connect(self.save)
        for button in (self.add_button, self.remove_button, self.suggest_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.note = muted_label("")
        layout.addWidget(self.note)
        self.refresh()

    # --- the table ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            tiers = load_tiers(session)
            months = int(config.get(session, "tiers.window_months"))
        self.months.blockSignals(True)
        self.months.setValue(months)
        self.months.blockSignals(False)
        self.set_tiers(tiers or list(DEFAULT_TIERS))
        if not tiers:
            self.note.setText(self.tr("Tiers are off until you save them; these are a suggestion."))

    def set_tiers(self, tiers: list[Tier]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for tier in tiers:
            self._append(tier)
        self.table.blockSignals(False)
        self.update_counts()

    def _append(self, tier: Tier) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = (tier.name, f"{tier.min_spent:,}", str(tier.min_orders), tier.shop_grade or "", "")
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column in (SPENT, ORDERS, COUNT):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == COUNT:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, column, item)

    def add_row(self, tier: Tier) -> None:
        self.table.blockSignals(True)
        self._append(tier)
        self.table.blockSignals(False)
        self.update_counts()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.update_counts()

    def tiers(self) -> list[Tier]:
        found = []
        for row in range(self.table.rowCount()):
            def text(column: int, row: int = row) -> str:
                item = self.table.item(row, column)
                return item.text().strip() if item is not None else ""

            found.append(Tier(text(NAME), _number(text(SPENT)), _number(text(ORDERS)), text(GRADE) or None))
        return found

    def update_counts(self) -> None:
        """Each tier's customers as the ladder on screen would put them now (nothing is stored)."""
        try:
            tiers = check_tiers(self.tiers())
        except TierError as exc:
            self.note.setText(exc.ko if self.ctx.lang == "ko" else str(exc))
            return
        with self.ctx.db.session() as session:
            counts = tier_counts(session, tiers, self.ctx.clock.now(), self.months.value())
        self.table.blockSignals(True)
        for row, tier in enumerate(tiers):
            item = self.table.item(row, COUNT)
            if item is not None:
                item.setText(f"{counts.get(tier.name, 0):,}")
        self.table.blockSignals(False)
        below = counts.get("", 0)
        self.note.setText(self.tr("%1 customer(s) are below the lowest tier.").replace("%1", f"{below:,}")
                          if below else "")

    def save(self) -> bool:
        try:
            tiers = check_tiers(self.tiers())
        except TierError as exc:
            self.note.setText(exc.ko if self.ctx.lang == "ko" else str(exc))
            return False
        with self.ctx.db.write_session() as session:
            config.set_values(session, {"tiers.window_months": self.months.value()})
            session.flush()
            save_tiers(session, tiers, self.ctx.clock.now(), self.months.value())
        self.note.setText(self.tr("Saved. Tiers are computed again after each sync and every night."))
        return True


class ManualPoints(QGroupBox):
    """Points journeys gave to customers no API can credit: the owner gives them in the shop's admin."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle(self.tr("Points to give by hand"))
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label(self.tr(
            "Points a journey gave where the shop's API cannot credit them (or a call to Cafe24 did not go "
            "through). Give them in your shop's admin, then mark them as given.")))
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Customer"), self.tr("Member id"),
                                              self.tr("Points"), self.tr("Reason"), self.tr("Note")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.count = muted_label("")
        row.addWidget(self.count)
        row.addStretch(1)
        self.done_button = QPushButton(self.tr("Mark as given"))
        self.done_button.clicked.connect(self.mark_given)
        row.addWidget(self.done_button)
        layout.addLayout(row)
        self.ids: list[int] = []
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            items = manual_list(session)
        self.ids = [item.id for item in items]
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            for column, value in enumerate((local_time(item.created_at), item.name, item.member_id,
                                            f"{item.amount:,}", item.reason, item.error)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.count.setText(self.tr("%1 to give").replace("%1", f"{len(items):,}"))
        self.done_button.setEnabled(bool(items))

    def mark_given(self) -> int:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.ids[row] for row in rows if row < len(self.ids)]
        if not ids:
            return 0
        with self.ctx.db.write_session() as session:
            done = mark_done(session, ids, self.ctx.clock.now())
        self.refresh()
        return len(done)


__all__ = ["ManualPoints", "TiersEditor"]
