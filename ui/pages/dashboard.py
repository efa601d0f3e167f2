"""대시보드: the shop at a glance: customers, revenue, repeat rate, CLV, churn."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from engine.customers.segments import kpis, thresholds
from ui.context import AppContext
from ui.pages.dashboard_lists import DashboardLists
from ui.widgets import FigureCard, muted_label, title_label, won


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Dashboard")))
        layout.addWidget(muted_label(self.tr("Counted orders only: cancelled and refunded orders are left out.")))
        grid = QGridLayout()
        captions = {
            "customers": self.tr("Customers"), "buyers": self.tr("Customers who bought"),
            "revenue": self.tr("Revenue (all time)"), "revenue_30d": self.tr("Revenue, last 30 days"),
            "aov": self.tr("Average order"), "repeat_rate": self.tr("Repeat rate"),
            "clv": self.tr("Revenue per customer (CLV)"), "churn_rate": self.tr("Lapsed (churn)"),
        }
        self.cards = {key: FigureCard(text) for key, text in captions.items()}
        for index, card in enumerate(self.cards.values()):
            grid.addWidget(card, index // 4, index % 4)
        layout.addLayout(grid)
        self.lists = DashboardLists(ctx)  # until the KPI charts take this place
        self.lists.open_journey.connect(self._open_journey)
        layout.addWidget(self.lists, 1)
        self.refresh()

    def _open_journey(self, journey_id: str) -> None:
        self.ctx.bus.navigate.emit("journeys")
        self.ctx.bus.open_journey.emit(journey_id)

    def refresh(self) -> None:
        now = self.ctx.clock.now()
        with self.ctx.db.session() as session:
            figures = kpis(session, now, thresholds(session))
        self.cards["customers"].set(f"{figures.customers:,}")
        self.cards["buyers"].set(f"{figures.buyers:,}")
        self.cards["revenue"].set(won(figures.revenue), self.tr("%1 orders").replace("%1", f"{figures.orders:,}"))
        self.cards["revenue_30d"].set(won(figures.revenue_30d),
                                      self.tr("%1 orders").replace("%1", f"{figures.orders_30d:,}"))
        self.cards["aov"].set(won(figures.aov))
        self.cards["repeat_rate"].set(f"{figures.repeat_rate * 100:.1f}%", self.tr("bought twice or more"))
        self.cards["clv"].set(won(figures.clv))
        self.cards["churn_rate"].set(f"{figures.churn_rate * 100:.1f}%", self.tr("no order for a year"))
        self.lists.refresh()
