"""The dashboard's charts on pyqtgraph (docs/decisions.md): bars and lines over time with won axes, hover
values, and the theme's colours (they follow the application palette, so light and dark both read)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

# series colours that read on both the light and the dark background
COLORS = {"blue": "#3b7ddd", "green": "#2e9e6a", "orange": "#e08a2c", "red": "#d9534f", "grey": "#8a93a0",
          "purple": "#8e6fd8"}
MAX_TICKS = 8


def compact_won(value: float, lang: str) -> str:
    """An axis label: 1억 2,000만원 → "1.2억", 350,000 → "35만"; English ₩1.2M, ₩350K."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if lang == "ko":
        if value >= 100_000_000:
            text = f"{value / 100_000_000:.1f}".rstrip("0").rstrip(".") + "억"
        elif value >= 10_000:
            text = f"{value / 10_000:,.1f}".rstrip("0").rstrip(".") + "만"
        else:
            text = f"{value:,.0f}"
        return f"{sign}{text}원"
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    elif value >= 1_000:
        text = f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "K"
    else:
        text = f"{value:,.0f}"
    return f"{sign}₩{text}"


def full_won(value: int, lang: str) -> str:
    return f"{value:,}원" if lang == "ko" else f"₩{value:,}"


class WonAxis(pg.AxisItem):
    def __init__(self, lang: str, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.lang = lang
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [compact_won(value, self.lang) for value in values]


class CountAxis(pg.AxisItem):
    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{value:,.0f}" if float(value).is_integer() else "" for value in values]


class Chart(QWidget):
    """A titled plot over categories 0‥n−1 (days, weeks or months) with a hover read-out."""

    vertical = True  # categories along x (a vertical cursor); False: along y (horizontal bars)

    def __init__(self, title: str, lang: str, left: pg.AxisItem, parent: QWidget | None = None,
                 bottom: pg.AxisItem | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.labels: list[str] = []
        self.lines: list[str] = []  # the hover text of each category
        self.texts: list[pg.TextItem] = []  # value labels on the plot, recoloured with the theme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("chartTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.bottom = bottom or pg.AxisItem("bottom")
        self.plot = pg.PlotWidget(axisItems={"left": left, "bottom": self.bottom})
        self.plot.setMinimumHeight(230)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.item = self.plot.getPlotItem()
        self.item.showGrid(x=False, y=True, alpha=0.25)
        self.legend = self.item.addLegend(offset=(8, 4), labelTextSize="9pt", colCount=4)
        self.cursor = pg.InfiniteLine(angle=90 if self.vertical else 0, movable=False)
        self.cursor.setVisible(False)
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        layout.addWidget(self.plot, 1)
        self.restyle()

    # categories and hover ----------------------------------------------------------------------------------
    def set_categories(self, labels: Sequence[str], lines: Sequence[str]) -> None:
        self.labels, self.lines = list(labels), list(lines)
        step = max(1, math.ceil(len(self.labels) / MAX_TICKS))
        self.bottom.setTicks([[(index, label) for index, label in enumerate(self.labels) if index % step == 0], []])
        self.item.setXRange(-0.6, max(len(self.labels), 1) - 0.4, padding=0)

    def hover_text(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def _hover(self, pos: QPointF) -> None:
        view = self.item.getViewBox()
        if not self.lines or not view.sceneBoundingRect().contains(pos):
            self.cursor.setVisible(False)
            QToolTip.hideText()
            return
        point = view.mapSceneToView(pos)
        index = round(point.x() if self.vertical else point.y())
        if not 0 <= index < len(self.lines):
            self.cursor.setVisible(False)
            return
        self.cursor.setValue(index)
        self.cursor.setVisible(True)
        QToolTip.showText(QCursor.pos(), self.hover_text(index), self.plot)

    def clear_data(self) -> None:
        for item in list(self.item.listDataItems()):
            self.item.removeItem(item)
        for item in [item for item in self.item.items if isinstance(item, pg.BarGraphItem | pg.ErrorBarItem)]:
            self.item.removeItem(item)
        for text in self.texts:
            self.item.removeItem(text)
        self.texts = []
        self.legend.clear()

    def add_text(self, text: str, x: float, y: float, anchor: tuple[float, float]) -> pg.TextItem:
        item = pg.TextItem(text, color=self.palette().color(QPalette.ColorRole.Text), anchor=anchor)
        item.setPos(x, y)
        self.item.addItem(item, ignoreBounds=True)
        self.texts.append(item)
        return item

    # theme ---------------------------------------------------------------------------------------------------
    def restyle(self) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self.plot.setBackground(base)
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() - 1))
        for name in ("left", "bottom", "right"):
            axis = self.item.getAxis(name)
            axis.setPen(pg.mkPen(QColor(text.red(), text.green(), text.blue(), 120)))
            axis.setTextPen(pg.mkPen(text))
            axis.setStyle(tickFont=font)
        self.legend.setLabelTextColor(text)
        self.cursor.setPen(pg.mkPen(QColor(text.red(), text.green(), text.blue(), 90), width=1,
                                    style=Qt.PenStyle.DashLine))
        for label in self.texts:
            label.setColor(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.restyle()
        super().changeEvent(event)


def bars(x: Sequence[float], heights: Sequence[float], color: str, name: str, width: float = 0.7,
         bottoms: Sequence[float] | None = None) -> pg.BarGraphItem:
    brush = QColor(color)
    item = pg.BarGraphItem(x=list(x), height=list(heights), width=width, y0=list(bottoms) if bottoms else 0,
                           brush=brush, pen=pg.mkPen(brush.darker(115)), name=name)
    return item


class RevenueOrdersChart(Chart):
    """Revenue as bars (left axis, won) and orders as a line (right axis)."""

    def __init__(self, title: str, lang: str, revenue: str, orders: str, parent: QWidget | None = None) -> None:
        super().__init__(title, lang, WonAxis(lang), parent)
        self.names = (revenue, orders)
        self.right_view = pg.ViewBox()
        self.right_view.setMouseEnabled(x=False, y=False)
        self.item.showAxis("right")
        self.item.setAxisItems({"right": CountAxis("right")})
        self.item.scene().addItem(self.right_view)
        self.right_view.setZValue(self.item.zValue() + 10)  # the orders line over the bars
        self.item.getAxis("right").linkToView(self.right_view)
        self.right_view.setXLink(self.item)
        self.item.getViewBox().sigResized.connect(self._sync_views)
        self.restyle()

    def _sync_views(self) -> None:
        view = self.item.getViewBox()
        self.right_view.setGeometry(view.sceneBoundingRect())
        self.right_view.linkedViewChanged(view, self.right_view.XAxis)

    def show_values(self, labels: Sequence[str], revenue: Sequence[int], orders: Sequence[int],
                    lines: Sequence[str]) -> None:
        self.clear_data()
        self.right_view.clear()
        x = list(range(len(labels)))
        bar = bars(x, revenue, COLORS["blue"], self.names[0])
        self.item.addItem(bar)  # named: the legend lists it
        line = pg.PlotDataItem(x, list(orders), pen=pg.mkPen(COLORS["orange"], width=2), symbol="o", symbolSize=5,
                               symbolBrush=COLORS["orange"], symbolPen=None, name=self.names[1])
        self.right_view.addItem(line)
        self.legend.addItem(line, self.names[1])
        self.item.setYRange(0, max([*revenue, 1]) * 1.2, padding=0)  # room for the legend
        self.right_view.setYRange(0, max([*orders, 1]) * 1.2, padding=0)
        self.set_categories(labels, lines)
        self._sync_views()


class StackedBarsChart(Chart):
    """Won amounts stacked per category (new / returning / guest revenue)."""

    def __init__(self, title: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(title, lang, WonAxis(lang), parent)

    def show_values(self, labels: Sequence[str], stacks: Sequence[tuple[str, str, Sequence[int]]],
                    lines: Sequence[str]) -> None:
        self.clear_data()
        x = list(range(len(labels)))
        bottoms = [0] * len(labels)
        for name, color, values in stacks:
            bar = bars(x, values, COLORS[color], name, bottoms=list(bottoms))
            self.item.addItem(bar)  # named: the legend lists it
            bottoms = [low + value for low, value in zip(bottoms, values, strict=True)]
        self.item.setYRange(0, max([*bottoms, 1]) * 1.2, padding=0)
        self.set_categories(labels, lines)


class LinesChart(Chart):
    """Counts as lines with dots (segment sizes at each month end)."""

    def __init__(self, title: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(title, lang, CountAxis(), parent)

    def show_values(self, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]],
                    lines: Sequence[str]) -> None:
        self.clear_data()
        x = list(range(len(labels)))
        top = 1
        for name, color, values in series:
            item = pg.PlotDataItem(x, list(values), pen=pg.mkPen(COLORS[color], width=2), symbol="o", symbolSize=6,
                                   symbolBrush=COLORS[color], symbolPen=None, name=name)
            self.item.addItem(item)
            top = max(top, *values) if values else top
        self.item.setYRange(0, top * 1.2, padding=0)
        self.set_categories(labels, lines)


class PercentAxis(pg.AxisItem):
    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{value * 100:.0f}%" if spacing >= 0.01 else f"{value * 100:.1f}%" for value in values]


def percent(part: int, whole: int) -> str:
    """`part` as a share of `whole`: "12.3%", "100%"; "–" when there is no whole."""
    if not whole:
        return "–"
    share = part * 100 / whole
    return f"{share:.0f}%" if share >= 10 or share == 0 else f"{share:.1f}%"


class FunnelChart(Chart):
    """Steps as horizontal bars, the first on top, each labelled with its count and its share of the first."""

    vertical = False

    def __init__(self, title: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(title, lang, pg.AxisItem("left"), parent, bottom=CountAxis("bottom"))
        self.item.showGrid(x=True, y=False, alpha=0.25)
        self.item.getViewBox().invertY(True)
        self.plot.setMinimumHeight(180)
        self.plot.setMaximumHeight(230)  # three bars: more height only spreads them apart
        self.layout().addStretch(1)  # what height is left goes under the plot, not between it and its title

    def set_categories(self, labels: Sequence[str], lines: Sequence[str]) -> None:
        self.labels, self.lines = list(labels), list(lines)
        axis = self.item.getAxis("left")
        axis.setTicks([[(index, label) for index, label in enumerate(self.labels)], []])
        metrics = QFontMetrics(axis.style.get("tickFont") or self.font())
        axis.setWidth(max([metrics.horizontalAdvance(label) for label in self.labels] + [20]) + 14)
        self.item.setYRange(-0.6, max(len(self.labels), 1) - 0.4, padding=0)

    def show_values(self, steps: Sequence[tuple[str, str, int]], lines: Sequence[str]) -> None:
        """steps: (name, colour, count) from the first step down; lines: the hover text of each."""
        self.clear_data()
        first = steps[0][2] if steps else 0
        for index, (_name, color, count) in enumerate(steps):
            brush = QColor(COLORS[color])
            self.item.addItem(pg.BarGraphItem(x0=[0], y=[index], width=[count], height=0.6, brush=brush,
                                              pen=pg.mkPen(brush.darker(115))))
            self.add_text(f" {count:,} ({percent(count, first)})", count, index, anchor=(0, 0.5))
        top = max([count for _name, _color, count in steps] + [1])
        self.item.setXRange(0, top * 1.35, padding=0)  # room for the labels right of the longest bar
        self.set_categories([name for name, _color, _count in steps], lines)


class RatesChart(Chart):
    """A rate per category (the arms of an A/B split) as a bar with its 95 % interval as an error bar."""

    def __init__(self, title: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(title, lang, PercentAxis(), parent)
        self.plot.setMinimumHeight(180)
        self.plot.setMaximumHeight(230)
        self.layout().addStretch(1)

    def show_values(self, arms: Sequence[tuple[str, str, float, float, float]], lines: Sequence[str]) -> None:
        """arms: (label, colour, rate, interval low, interval high); lines: the hover text of each."""
        self.clear_data()
        x = list(range(len(arms)))
        for index, (_label, color, rate, _low, _high) in enumerate(arms):
            brush = QColor(COLORS[color])  # no name: the axis says which arm, a legend would repeat it
            self.item.addItem(pg.BarGraphItem(x=[index], height=[rate], width=0.55, brush=brush,
                                              pen=pg.mkPen(brush.darker(115))))
        text = self.palette().color(QPalette.ColorRole.Text)
        rates = [rate for _label, _color, rate, _low, _high in arms]
        self.item.addItem(pg.ErrorBarItem(x=np.array(x, dtype=float), y=np.array(rates),
                                          top=np.array([high - rate for _l, _c, rate, _lo, high in arms]),
                                          bottom=np.array([rate - low for _l, _c, rate, low, _hi in arms]),
                                          beam=0.18, pen=pg.mkPen(text, width=1.5)))
        for index, (_label, _color, rate, _low, high) in enumerate(arms):
            self.add_text(f"{rate * 100:.1f}%", index, high, anchor=(0.5, 1.0))
        top = max([high for _l, _c, _r, _lo, high in arms] + [0.01])
        self.item.setYRange(0, min(1.0, top * 1.25) if top < 0.8 else top * 1.15, padding=0)
        self.set_categories([label for label, _c, _r, _lo, _hi in arms], lines)

    def restyle(self) -> None:
        super().restyle()
        text = self.palette().color(QPalette.ColorRole.Text)
        for item in self.item.items:
            if isinstance(item, pg.ErrorBarItem):
                item.setData(pen=pg.mkPen(text, width=1.5))


__all__ = ["COLORS", "Chart", "FunnelChart", "LinesChart", "RatesChart", "RevenueOrdersChart", "StackedBarsChart",
           "compact_won", "full_won", "percent"]
