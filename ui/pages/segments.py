"""세그먼트: the lifecycle stages and VIP, the owner's custom segments (build, edit, delete, show, export), and
the named RFM groups as tiles to click into."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.customers import custom_segments as cs
from engine.customers.segments import SEGMENT_LABELS, SEGMENTS, segment_counts, thresholds
from ui.context import AppContext
from ui.tiers import ManualPoints, TiersEditor
from ui.widgets import FigureCard, local_time, muted_label, title_label

RFM_RULES = {  # what each group means, in the owner's words (R = how recent, F = how often)
    "champions": ("최근에 자주 삼", "recent and frequent"),
    "loyal": ("꾸준히 자주 삼", "buy often"),
    "potential_loyal": ("최근에 몇 번 삼", "recent, a few orders"),
    "new": ("최근 첫 구매", "first order recently"),
    "need_attention": ("뜸해지는 중", "slowing down"),
    "at_risk": ("자주 샀는데 오래됨", "bought often, long ago"),
    "cant_lose": ("가장 자주 샀는데 오래됨", "best buyers, long ago"),
    "hibernating": ("오래전 가끔 삼", "few orders, long ago"),
    "lost": ("가장 오래전 한두 번", "1–2 orders, longest ago"),
}


class SegmentsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = page = QVBoxLayout(body)
        layout.addWidget(title_label(self.tr("Segments")))
        layout.addWidget(muted_label(self.tr(
            "Customers move between these groups by themselves as they order or go quiet. "
            "A journey can start when someone enters one.")))
        grid = QGridLayout()
        self.cards: dict[str, FigureCard] = {}
        self.show_buttons: dict[str, QPushButton] = {}
        for index, name in enumerate(SEGMENTS):
            ko, en = SEGMENT_LABELS[name]
            card = FigureCard(ctx.label(ko, en))
            self.cards[name] = card
            show = QPushButton(self.tr("Show these customers"))
            show.setToolTip(self.tr("Open the customer list showing only this segment"))
            show.clicked.connect(lambda _=False, segment=name: ctx.bus.show_customers.emit(segment))
            card.layout().addWidget(show)
            self.show_buttons[name] = show
            grid.addWidget(card, 0, index)
        layout.addLayout(grid)
        limits_row = QHBoxLayout()
        limits_note = QLabel(self.tr("The days and the VIP rule are settings (Settings › Segments)."))
        limits_note.setObjectName("muted")
        limits_row.addWidget(limits_note)
        self.limits_button = QPushButton(self.tr("Change the thresholds…"))
        self.limits_button.clicked.connect(lambda: ctx.bus.navigate.emit("settings"))
        limits_row.addWidget(self.limits_button)
        limits_row.addStretch(1)
        layout.addLayout(limits_row)
        halves = QHBoxLayout()
        halves.setSpacing(18)
        left, right = QVBoxLayout(), QVBoxLayout()
        halves.addLayout(left, 1)
        halves.addLayout(right, 1)
        layout.addLayout(halves, 1)

        # --- custom segments ---
        layout = left
        layout.addWidget(title_label(self.tr("My segments")))
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New segment…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.show_custom_button = QPushButton(self.tr("Show these customers"))
        self.export_button = QPushButton(self.tr("Export CSV…"))
        for button in (self.new_button, self.edit_button, self.delete_button, self.show_custom_button,
                       self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.custom_table = QTableWidget(0, 3)
        self.custom_table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Customers"), self.tr("Changed")])
        self.custom_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.custom_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.custom_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.custom_table.verticalHeader().hide()
        self.custom_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.custom_table.setColumnWidth(1, 80)
        self.custom_table.setColumnWidth(2, 150)
        self.custom_table.setMinimumHeight(150)
        layout.addWidget(self.custom_table)
        self.custom_note = muted_label(self.tr("None yet: 'New segment…' builds one from conditions, "
                                               "such as 3+ orders in a category and no order in 60 days."))
        layout.addWidget(self.custom_note)
        self.custom_keys: list[str] = []
        self.new_button.clicked.connect(lambda: self.open_builder())
        self.edit_button.clicked.connect(lambda: self.open_builder(self.selected_id()))
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.show_custom_button.clicked.connect(lambda: self.show_selected())
        self.export_button.clicked.connect(lambda: self.export_selected())
        self.custom_table.doubleClicked.connect(lambda _: self.open_builder(self.selected_id()))
        self.custom_table.itemSelectionChanged.connect(self._selection_changed)

        # --- RFM groups ---
        layout = right
        layout.addWidget(title_label(self.tr("RFM groups")))
        layout.addWidget(muted_label(self.tr(
            "Buyers scored 1–5 on how recently (R) and how often (F) they order; equal figures get equal "
            "scores. Click a group to see its customers.")))
        rfm = QGridLayout()
        self.rfm_tiles: dict[str, QPushButton] = {}
        for index, (key, _ko, _en, r_scores, f_scores) in enumerate(cs.RFM_GROUPS):
            tile = QPushButton()
            tile.setObjectName("rfmTile")
            tile.setMinimumHeight(70)
            tile.setToolTip(f"R {r_scores.start}–{r_scores.stop - 1} · F {f_scores.start}–{f_scores.stop - 1}")
            tile.clicked.connect(lambda _=False, group=key: ctx.bus.show_customers.emit(f"rfm:{group}"))
            self.rfm_tiles[key] = tile
            rfm.addWidget(tile, index // 3, index % 3)
        layout.addLayout(rfm)

        # --- membership tiers and the points to give by hand, under both ---
        self.tiers = TiersEditor(ctx)
        page.addWidget(self.tiers)
        self.points = ManualPoints(ctx)
        page.addWidget(self.points)
        layout = page
        layout.addStretch(1)
        self.rfm_counts: dict[str, int] = {}
        self.custom_counts: dict[str, int] = {}
        # counted when shown (the first time, and again after an import or a sync changed the data), not while
        # the app starts or while another page is in front
        self.stale = True
        ctx.bus.data_changed.connect(self._data_changed)

    def _data_changed(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self.refresh()
        super().showEvent(event)

    # --- figures ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.stale = False
        now = self.ctx.clock.now()
        with self.ctx.db.session() as session:
            limits = thresholds(session)
            counts = segment_counts(session, now, limits)
            self.rfm_counts = cs.rfm_group_counts(session, now, limits)
            saved = [(cs.key_of(row), row.name, row.updated_at, cs.count_tree(session, row.rules, now, limits))
                     for row in cs.list_segments(session)]
        total = sum(counts[name] for name in ("new", "active", "at_risk", "lapsed")) or 1
        notes = {
            "new": self.tr("signed up, no order yet"),
            "active": self.tr("ordered in the last %1 days").replace("%1", str(limits.at_risk_days)),
            "at_risk": self.tr("no order for %1 days or more").replace("%1", str(limits.at_risk_days)),
            "lapsed": self.tr("no order for %1 days or more").replace("%1", str(limits.lapsed_days)),
            "vip": self.tr("%1 won or %2 orders in %3 days").replace("%1", f"{limits.vip_min_spent:,}")
            .replace("%2", str(limits.vip_min_orders)).replace("%3", str(limits.vip_window_days)),
        }
        for name, card in self.cards.items():
            share = f" ({counts[name] * 100 / total:.0f}%)" if name != "vip" else ""
            card.set(f"{counts[name]:,}{share}", notes[name])
        buyers = sum(self.rfm_counts.values()) or 1
        for key, ko, en, _, _ in cs.RFM_GROUPS:
            count = self.rfm_counts.get(key, 0)
            meaning = self.ctx.label(*RFM_RULES[key])
            self.rfm_tiles[key].setText(f"{self.ctx.label(ko, en)}\n{count:,} ({count * 100 / buyers:.0f}%)\n{meaning}")
        selected = self.selected_key()
        self.custom_keys = [key for key, _, _, _ in saved]
        self.custom_counts = {key: count for key, _, _, count in saved}
        self.custom_table.setRowCount(len(saved))
        for row, (key, name, changed, count) in enumerate(saved):
            self.custom_table.setItem(row, 0, QTableWidgetItem(name))
            figure = QTableWidgetItem(f"{count:,}")
            self.custom_table.setItem(row, 1, figure)
            self.custom_table.setItem(row, 2, QTableWidgetItem(local_time(changed)))
            if key == selected:
                self.custom_table.selectRow(row)
        self.custom_note.setVisible(not saved)
        self._selection_changed()
        if hasattr(self, "points"):
            self.points.refresh()

    # --- custom segments ---------------------------------------------------------------------------

    def selected_key(self) -> str | None:
        rows = self.custom_table.selectionModel().selectedRows() if self.custom_table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.custom_keys):
            return None
        return self.custom_keys[rows[0].row()]

    def selected_id(self) -> int | None:
        key = self.selected_key()
        return int(key.removeprefix("custom:")) if key else None

    def select(self, key: str) -> None:
        if key in self.custom_keys:
            self.custom_table.selectRow(self.custom_keys.index(key))

    def _selection_changed(self) -> None:
        chosen = self.selected_key() is not None
        for button in (self.edit_button, self.delete_button, self.show_custom_button, self.export_button):
            button.setEnabled(chosen)

    def open_builder(self, segment_id: int | None = None, modal: bool = True) -> object:
        from ui.segment_builder import SegmentBuilder

        dialog = SegmentBuilder(self.ctx, segment_id, self)
        if not modal:
            dialog.show()
            return dialog
        if dialog.exec() and dialog.saved_key:
            self.refresh()
            self.select(dialog.saved_key)
        return dialog

    def delete_selected(self, confirm: bool = True) -> None:
        segment_id = self.selected_id()
        if segment_id is None:
            return
        if confirm:
            answer = QMessageBox.question(self, self.tr("Delete segment"), self.tr(
                "Delete this segment? Journeys that start when someone enters it will let nobody in."))
            if answer != QMessageBox.StandardButton.Yes:
                return
        with self.ctx.db.write_session() as session:
            cs.delete_segment(session, segment_id)
        self.ctx.bus.data_changed.emit()

    def show_selected(self) -> None:
        key = self.selected_key()
        if key:
            self.ctx.bus.show_customers.emit(key)

    def export_selected(self, path: str | None = None) -> str:
        """Write the selected segment's customers to a CSV file (asked for when not given)."""
        key = self.selected_key()
        if key is None:
            return ""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV"), "segment.csv",
                                                  self.tr("CSV files (*.csv)"))
            if not path:
                return ""
        try:
            with self.ctx.db.session() as session:
                written = cs.export_csv(session, key, self.ctx.clock.now(), thresholds(session), Path(path))
        except OSError as exc:
            text = self.tr("Not exported: %1").replace("%1", exc.strerror or type(exc).__name__)
        else:
            text = self.tr("%1 customers written to %2").replace("%1", f"{written:,}").replace("%2", Path(path).name)
        self.custom_note.setText(text)
        self.custom_note.setVisible(True)
        return text
