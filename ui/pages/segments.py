"""세그먼트: how many customers are in each lifecycle stage and VIP, and what each means."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from engine.customers.segments import SEGMENT_LABELS, SEGMENTS, segment_counts, thresholds
from ui.context import AppContext
from ui.tiers import ManualPoints, TiersEditor
from ui.widgets import FigureCard, muted_label, title_label


class SegmentsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
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
            grid.addWidget(card, index // 3, index % 3)
        layout.addLayout(grid)
        self.tiers = TiersEditor(ctx)
        layout.addWidget(self.tiers)
        self.points = ManualPoints(ctx)
        layout.addWidget(self.points)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        now = self.ctx.clock.now()
        with self.ctx.db.session() as session:
            limits = thresholds(session)
            counts = segment_counts(session, now, limits)
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
        if hasattr(self, "points"):
            self.points.refresh()
