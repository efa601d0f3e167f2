"""대시보드: the shop's KPIs for a chosen period beside the period before, and charts over time.

The figures come from engine.results (build_report: the KPI cards and the cohort heat map, the same numbers
as `python main.py report`; build_series: the charts; journey_section: the chosen journey's funnel and A/B
arms, the same numbers as `journey results ID`), computed on a worker thread of the page's own pool so
the window stays responsive; a result older than the last request is dropped (stale-result guard). The page
recomputes when shown and whenever the bus says the data changed (an import, a sync); picking another journey
recomputes only the journey section, on the same pool (its own generation count guards it the same way).
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QEventLoop,
    QMarginsF,
    QObject,
    QPoint,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPalette, QPdfWriter, QRegion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
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

from engine import config
from engine.customers.segments import LIFECYCLE
from engine.results.journey_section import JourneySection, journey_section
from engine.results.kpis import FIGURES, Period, PeriodError, Report, build_report
from engine.results.render import show, show_change, write_csv
from engine.results.series import Series, build_series, preset_period
from ui.charts import LinesChart, RevenueOrdersChart, StackedBarsChart, full_won
from ui.context import AppContext
from ui.pages.dashboard_journeys import JourneyResultsBox
from ui.pages.dashboard_lists import DashboardLists
from ui.pdf_text import fix_spaces, plain_shaping
from ui.widgets import FigureCard, muted_label, title_label

CARD_COLUMNS = 5
# a rise of these is bad news: their change is shown red, the others' green
WORSE_WHEN_UP = {"churn_rate", "days_between"}
STAGE_COLORS = {"new": "purple", "active": "green", "at_risk": "orange", "lapsed": "grey"}


@dataclass(frozen=True)
class DashboardData:
    period: Period
    report: Report
    series: Series
    computed_on: int  # the thread's ident (a test checks it is not the UI thread's)
    journeys: JourneyFigures | str | None = None  # a str: why the journey section could not be worked out
    journey_generation: int = 0


@dataclass(frozen=True)
class JourneyFigures:
    """The journey section for one request (`generation`: the page's journey count when it was asked)."""

    generation: int
    section: JourneySection
    computed_on: int


@dataclass(frozen=True)
class _Request:
    preset: str
    first: date | None
    last: date | None
    grain: str | None
    journey: str | None  # the journey the owner picked; None: the one with the most revenue
    journey_generation: int


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)
    journey_done = Signal(int, object)


class _Compute(QRunnable):
    """Works out one request's figures on a pool thread; the page keeps only the newest request's.
    `only_journey`: just the journey section (the owner picked another journey)."""

    def __init__(self, generation: int, ctx: AppContext, request: _Request, signals: _Signals,
                 only_journey: bool = False) -> None:
        super().__init__()
        self.generation, self.ctx, self.request = generation, ctx, request
        self.signals, self.only_journey = signals, only_journey

    def _journeys(self, period: Period, zone: ZoneInfo) -> JourneyFigures:
        with self.ctx.db.session() as session:
            section = journey_section(session, period, zone, self.ctx.clock.now(), self.request.journey)
        return JourneyFigures(self.request.journey_generation, section, threading.get_ident())

    def run(self) -> None:
        request = self.request
        try:
            with self.ctx.db.session() as session:
                zone = ZoneInfo(str(config.get(session, "shop.timezone")))
            today = self.ctx.clock.now().astimezone(zone).date()
            period = preset_period(request.preset, today, request.first, request.last)
            if self.only_journey:
                self._emit(self.signals.journey_done, self._journeys(period, zone), request.journey_generation)
                return
            # they read in SQLite, which lets go of the GIL: side by side they take about the longest one's time
            with ThreadPoolExecutor(max_workers=2) as side:
                series = side.submit(build_series, self.ctx.db, period, request.grain)
                journeys = side.submit(self._journeys, period, zone)
                report = build_report(self.ctx.db, period)
                try:  # a journey's figures failing must not take the shop's with them
                    section: JourneyFigures | str = journeys.result()
                except Exception as exc:
                    section = type(exc).__name__
                data = DashboardData(period, report, series.result(), threading.get_ident(), section,
                                     request.journey_generation)
        except Exception as exc:  # a failed computation must not kill the pool thread
            message = str(exc) if isinstance(exc, PeriodError | ValueError) else type(exc).__name__
            if self.only_journey:
                self._emit(self.signals.journey_done, message, request.journey_generation)
            else:
                self._emit(self.signals.failed, message)
            return
        self._emit(self.signals.done, data)

    def _emit(self, signal: Any, value: Any, generation: int | None = None) -> None:
        with contextlib.suppress(RuntimeError):  # the page (and its signals) went away meanwhile
            signal.emit(self.generation if generation is None else generation, value)


class _NoHeightForWidth(QVBoxLayout):
    def hasHeightForWidth(self) -> bool:
        return False


class KpiCard(FigureCard):
    def __init__(self, caption: str, tip: str) -> None:
        super().__init__(caption)
        self.setToolTip(tip)
        self.caption.setToolTip(tip)
        self.value.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.setMinimumWidth(150)


class DashboardPage(QWidget):
    computed = Signal()  # new figures are on screen

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: DashboardData | None = None
        self.journey_figures: JourneyFigures | None = None
        self.generation = 0
        self.shown_generation = 0
        self.journey_generation = 0  # counts journey-section requests: a full refresh and a journey pick
        self.journey_shown = 0
        self.journey_wanted: str | None = None  # what the owner picked in the chooser
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.signals = _Signals(self)
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.signals.journey_done.connect(self._journey_done)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(title_label(self.tr("Dashboard")))
        header.addStretch(1)
        self.period = QComboBox()
        presets = [("last7", self.tr("Last 7 days")), ("last30", self.tr("Last 30 days")),
                   ("last90", self.tr("Last 90 days")), ("this_month", self.tr("This month")),
                   ("last_month", self.tr("Last month")), ("custom", self.tr("Custom range"))]
        for key, text in presets:
            self.period.addItem(text, key)
        self.period.setCurrentIndex(1)
        self.first_day, self.last_day = QDateEdit(), QDateEdit()
        today = self.ctx.clock.now().astimezone(ZoneInfo("Asia/Seoul")).date()
        for edit, day in ((self.first_day, today.replace(day=1)), (self.last_day, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.dateChanged.connect(self._custom_changed)
        self.grain = QComboBox()
        for key, text in (("", self.tr("Auto")), ("day", self.tr("Daily")), ("week", self.tr("Weekly")),
                          ("month", self.tr("Monthly"))):
            self.grain.addItem(text, key)
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.csv_button.clicked.connect(self._ask_csv)
        self.tilde = QLabel("~")
        for widget in (QLabel(self.tr("Period")), self.period, self.first_day, self.tilde, self.last_day,
                       QLabel(self.tr("Chart by")), self.grain, self.pdf_button, self.csv_button):
            header.addWidget(widget)
        outer.addLayout(header)
        self.period_note = muted_label("")
        outer.addWidget(self.period_note)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget()
        self.content.setObjectName("dashboardContent")
        self.content.setAutoFillBackground(True)
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 8, 0)
        self.print_title = QLabel()
        self.print_title.setObjectName("pageTitle")
        self.print_title.setVisible(False)  # shown only while the page is drawn into a PDF
        body.addWidget(self.print_title)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.cards: dict[str, KpiCard] = {}
        for index, figure in enumerate(FIGURES):
            card = KpiCard(figure.label(ctx.lang), figure.tip(ctx.lang))
            self.cards[figure.key] = card
            grid.addWidget(card, index // CARD_COLUMNS, index % CARD_COLUMNS)
        body.addLayout(grid)
        self.clv_note = muted_label("")
        body.addWidget(self.clv_note)
        self.charts_box = QWidget()
        self.charts_box.setVisible(False)  # until the first figures: empty plots are not worth painting
        charts = QGridLayout(self.charts_box)
        charts.setContentsMargins(0, 0, 0, 0)
        charts.setSpacing(12)
        self.revenue_chart = RevenueOrdersChart(self.tr("Revenue and orders"), ctx.lang, self.tr("Revenue"),
                                                self.tr("Orders"))
        self.mix_chart = StackedBarsChart(self.tr("Revenue from new and returning customers"), ctx.lang)
        self.segment_chart = LinesChart(self.tr("Segment sizes at each month end"), ctx.lang)
        cohort_box = QWidget()
        cohort_layout = QVBoxLayout(cohort_box)
        cohort_layout.setContentsMargins(0, 0, 0, 0)
        cohort_layout.setSpacing(2)
        cohort_title = QLabel(self.tr("Monthly cohort retention (first-order month × months after)"))
        font = cohort_title.font()
        font.setBold(True)
        cohort_title.setFont(font)
        cohort_layout.addWidget(cohort_title)
        self.cohorts = QTableWidget()
        self.cohorts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cohorts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.cohorts.verticalHeader().setDefaultSectionSize(20)
        self.cohorts.horizontalHeader().setMinimumSectionSize(24)
        self.cohorts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.cohorts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        small = self.cohorts.font()
        small.setPointSizeF(max(7.5, small.pointSizeF() - 1.5))
        self.cohorts.setFont(small)
        self.cohorts.setMinimumHeight(230)
        cohort_layout.addWidget(self.cohorts, 1)
        self.cohort_box = cohort_box
        charts.addWidget(self.revenue_chart, 0, 0)
        charts.addWidget(self.mix_chart, 0, 1)
        charts.addWidget(self.segment_chart, 1, 0)
        charts.addWidget(cohort_box, 1, 1)
        for column in (0, 1):
            charts.setColumnStretch(column, 1)
        body.addWidget(self.charts_box)
        self.journeys = JourneyResultsBox(ctx)
        self.journeys.setVisible(False)  # until the first figures, like the charts
        self.journeys.chosen.connect(self._journey_picked)
        body.addWidget(self.journeys)
        # what needs the owner now (failures, held, late) and the journeys' numbers, under the charts; in a box
        # whose layout has no height-for-width: the scroll area would follow the wrapped list's and squeeze
        # the cards and charts above it
        self.lists = DashboardLists(ctx)
        self.lists.setMinimumHeight(240)
        self.lists.open_journey.connect(self._open_journey)
        holder = QWidget()
        holder_layout = _NoHeightForWidth(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.lists)
        body.addWidget(holder)
        body.addWidget(muted_label(self.tr("Counted orders only: cancelled and refunded orders are left out. "
                                           "Hover over a card for its definition, over a chart for its values.")))
        body.addStretch(1)
        self.scroll.setWidget(self.content)
        outer.addWidget(self.scroll, 1)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.grain.currentIndexChanged.connect(lambda _index: self.refresh())
        self._period_changed()
        self.pdf_button.setEnabled(False)
        self.csv_button.setEnabled(False)

    def _open_journey(self, journey_id: str) -> None:
        self.ctx.bus.navigate.emit("journeys")
        self.ctx.bus.open_journey.emit(journey_id)

    # requests ------------------------------------------------------------------------------------------------
    def _period_changed(self, _index: int = 0) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.first_day, self.last_day, self.tilde):
            widget.setVisible(custom)
        if self.isVisible():
            self.refresh()

    def _custom_changed(self) -> None:
        if self.period.currentData() == "custom" and self.isVisible():
            self.refresh()

    def set_period(self, preset: str, first: date | None = None, last: date | None = None) -> None:
        """Choose a period as the owner would (custom: set the two dates first)."""
        for edit, day in ((self.first_day, first), (self.last_day, last)):
            if day is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        index = self.period.findData(preset)
        if index == self.period.currentIndex():
            self.refresh()
        else:
            self.period.setCurrentIndex(index)
            if not self.isVisible():
                self.refresh()

    def _request(self) -> _Request:
        preset = str(self.period.currentData())
        first = self.first_day.date().toPython() if preset == "custom" else None
        last = self.last_day.date().toPython() if preset == "custom" else None
        return _Request(preset, first, last, str(self.grain.currentData()) or None, self.journey_wanted,
                        self.journey_generation)

    def refresh(self) -> None:
        """Recompute on the pool; the figures on screen stay until the new ones are ready."""
        self.generation += 1
        self.journey_generation += 1
        self.pool.clear()  # requests not started yet are out of date already
        self.period_note.setText(self.tr("Working out the figures…"))
        self.lists.refresh()
        self.pool.start(_Compute(self.generation, self.ctx, self._request(), self.signals))

    def _journey_picked(self, journey_id: str) -> None:
        """The owner picked another journey: work out its section on the pool, the rest stays."""
        self.journey_wanted = journey_id
        self.journey_generation += 1
        self.journeys.span_note.setText(self.tr("Working out the figures…"))
        # no pool.clear(): a full refresh still queued must run; it would bring the old pick, which the
        # generation count then drops
        self.pool.start(_Compute(self.generation, self.ctx, self._request(), self.signals, only_journey=True))

    def is_busy(self) -> bool:
        return self.shown_generation != self.generation or self.journey_shown != self.journey_generation

    def wait_idle(self, msecs: int = 60_000) -> bool:
        return self.pool.waitForDone(msecs)

    def _failed(self, generation: int, message: str) -> None:
        if generation != self.generation:
            return
        self.shown_generation = generation
        self.journey_shown = self.journey_generation
        self.period_note.setText(self.tr("The figures could not be worked out: %1").replace("%1", message))

    def _done(self, generation: int, data: DashboardData) -> None:
        if generation != self.generation:
            return  # a newer request is under way: its figures will replace these
        self.shown_generation = generation
        self.data = data
        self._show(data)
        self.pdf_button.setEnabled(True)
        self.csv_button.setEnabled(True)
        if data.journeys is not None:
            self._journey_done(data.journey_generation, data.journeys)
        self.computed.emit()

    def _journey_done(self, generation: int, figures: JourneyFigures | str) -> None:
        if generation != self.journey_generation:
            return  # the owner picked again, or a refresh is under way: newer figures follow
        self.journey_shown = generation
        if isinstance(figures, str):
            self.journeys.span_note.setText(self.tr("The figures could not be worked out: %1")
                                            .replace("%1", figures))
            return
        self.journey_figures = figures
        self.journeys.show_section(figures.section)
        self.journeys.setVisible(True)
        self.content.layout().activate()
        self.content.setMinimumHeight(self.content.layout().minimumSize().height())

    # showing ---------------------------------------------------------------------------------------------------
    def _show(self, data: DashboardData) -> None:
        lang, report, series = self.ctx.lang, data.report, data.series
        now, then = report.current.period, report.previous.period
        self.period_note.setText(
            self.tr("%1 ~ %2 (%3 days), compared with %4 ~ %5").replace("%1", str(now.first_day))
            .replace("%2", str(now.last_day)).replace("%3", f"{now.days:,}").replace("%4", str(then.first_day))
            .replace("%5", str(then.last_day)))
        for figure in FIGURES:
            change = report.change(figure.key)
            card = self.cards[figure.key]
            arrow = show_change(change)
            before = self.tr("before: %1").replace("%1", show(change.previous, figure.unit, lang))
            card.set(show(change.current, figure.unit, lang), f"{arrow}  ·  {before}" if arrow else before)
            good = (change.arrow == "▲") != (figure.key in WORSE_WHEN_UP)
            color = "" if not change.arrow else ("#2e9e6a" if good else "#d9534f")
            card.note.setStyleSheet(f"color: {color};" if color else "")
        current = report.current
        self.clv_note.setText(self.tr("CLV = average order %1 × purchases a year %2 × years retained %3")
                              .replace("%1", show(current.aov, "won", lang))
                              .replace("%2", show(current.purchases_per_year, "times", lang))
                              .replace("%3", show(current.years_retained, "years", lang)))
        self._charts(series)
        self._cohorts(report)
        self.charts_box.setVisible(True)
        # the charts were hidden until now: the scroll area does not hear that the page grew, so say its least
        # height outright (else it squeezes the cards and charts into the window's height)
        self.content.layout().activate()
        self.content.setMinimumHeight(self.content.layout().minimumSize().height())

    def stage_names(self) -> dict[str, str]:
        return {"new": self.tr("New (no order yet)"), "active": self.tr("Active"), "at_risk": self.tr("At risk"),
                "lapsed": self.tr("Lapsed")}

    def _charts(self, series: Series) -> None:
        lang = self.ctx.lang
        buckets = series.buckets
        labels = [b.label[5:] if series.grain in ("day", "week") else b.label for b in buckets]
        revenue_word, orders_word = self.tr("Revenue"), self.tr("Orders")
        lines = [f"{b.label}\n{revenue_word}: {full_won(b.revenue, lang)}\n{orders_word}: {b.orders:,}"
                 for b in buckets]
        self.revenue_chart.show_values(labels, [b.revenue for b in buckets], [b.orders for b in buckets], lines)
        new, returning, guest = self.tr("New customers"), self.tr("Returning customers"), self.tr("Guests")
        stacks = [(new, "purple", [b.new_revenue for b in buckets]),
                  (returning, "green", [b.returning_revenue for b in buckets])]
        if any(b.guest_revenue for b in buckets):
            stacks.append((guest, "grey", [b.guest_revenue for b in buckets]))
        mix_lines = [f"{b.label}\n{new}: {full_won(b.new_revenue, lang)}\n{returning}: "
                     f"{full_won(b.returning_revenue, lang)}"
                     + (f"\n{guest}: {full_won(b.guest_revenue, lang)}" if b.guest_revenue else "") for b in buckets]
        self.mix_chart.show_values(labels, stacks, mix_lines)
        names = self.stage_names()
        sizes = series.segment_sizes
        segment_lines = ["\n".join([month, *(f"{names[stage]}: {sizes[stage][index]:,}" for stage in LIFECYCLE)])
                         for index, month in enumerate(series.segment_months)]
        self.segment_chart.show_values(series.segment_months,
                                       [(names[stage], STAGE_COLORS[stage], sizes[stage]) for stage in LIFECYCLE],
                                       segment_lines)

    def _cohorts(self, report: Report) -> None:
        table = report.cohorts
        rates = table.rates()
        months = len(table.months)
        self.cohorts.clear()
        self.cohorts.setRowCount(months)
        self.cohorts.setColumnCount(months + 1)
        self.cohorts.setHorizontalHeaderLabels([self.tr("Customers"), *(f"+{k}" for k in range(months))])
        self.cohorts.setVerticalHeaderLabels(table.months)
        palette = self.palette()
        base, accent = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.Text)
        for row in range(months):
            size = QTableWidgetItem(f"{table.sizes[row]:,}")
            size.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.cohorts.setItem(row, 0, size)
            for after, rate in enumerate(rates[row]):
                item = QTableWidgetItem("" if rate is None else f"{rate * 100:.0f}%")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if rate is not None:
                    strength = min(1.0, rate ** 0.6)  # small rates still show a tint
                    item.setBackground(_blend(base, accent, strength))
                    item.setForeground(QColor("#ffffff") if strength > 0.55 else text)
                    item.setToolTip(self.tr("%1 cohort, month +%2: %3 of %4 customers bought (%5)")
                                    .replace("%1", table.months[row]).replace("%2", str(after))
                                    .replace("%3", f"{table.cells[row][after]:,}")
                                    .replace("%4", f"{table.sizes[row]:,}").replace("%5", f"{rate * 100:.1f}%"))
                self.cohorts.setItem(row, after + 1, item)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and self.data:
            self._cohorts(self.data.report)
        super().changeEvent(event)

    # export --------------------------------------------------------------------------------------------------
    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report as PDF"), self._file_name("pdf"),
                                              self.tr("PDF files (*.pdf)"))
        if path:
            self._export(self.export_pdf, path)

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report as CSV"), self._file_name("csv"),
                                              self.tr("CSV files (*.csv)"))
        if path:
            self._export(self.export_csv, path)

    def _export(self, action: Any, path: str) -> None:
        try:
            action(path)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Export"), self.tr("The file could not be written: %1")
                                .replace("%1", exc.strerror or str(exc)))

    def _file_name(self, extension: str) -> str:
        if self.data is None:
            return f"dangol-report.{extension}"
        period = self.data.period
        return f"dangol-report-{period.first_day}-{period.last_day}.{extension}"

    def export_csv(self, path: str | Path) -> None:
        """The report's CSV (engine.results.render: formula-like cells neutralised) plus the chart series."""
        if self.data is None:
            raise RuntimeError("nothing computed yet")
        buffer = io.StringIO()
        write_csv(buffer, self.data.report, self.ctx.lang, extra=[self.data.series.to_rows()])
        # UTF-8 with a BOM: Excel on Windows then reads the Korean right
        Path(path).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")

    @contextlib.contextmanager
    def _laid_out_for_print(self, width: int = 1200) -> Iterator[QWidget]:
        """The cards, charts and cohort table under a title, laid out `width` pixels wide at full height (the
        to-do lists left out: a report is the period's figures, not today's work); put back afterwards."""
        if self.data is None:
            raise RuntimeError("nothing computed yet")
        self.print_title.setText(self.tr("Dangol report") + "  " + self.period_note.text())
        self.print_title.setVisible(True)
        self.lists.setVisible(False)
        old = self.content.size()
        try:
            self.content.resize(width, self.content.heightForWidth(width)
                                if self.content.hasHeightForWidth() else old.height())
            self.content.layout().activate()
            height = self.content.layout().totalSizeHint().height()
            self.content.resize(width, max(height, self.content.minimumSizeHint().height()))
            self.content.layout().activate()
            # the plots size their axes (room for the won labels) on the resize events: let them arrive
            for _ in range(3):
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            yield self.content
        finally:
            self.print_title.setVisible(False)
            self.lists.setVisible(True)
            self.content.resize(old)

    def print_image(self, width: int = 1200) -> QImage:
        """The report as one picture (×2), as the PDF draws it."""
        with self._laid_out_for_print(width) as content:
            image = QImage(content.size() * 2, QImage.Format.Format_ARGB32)
            image.setDevicePixelRatio(2)
            image.fill(self.palette().color(QPalette.ColorRole.Window))
            painter = QPainter(image)
            try:
                content.render(painter, QPoint(0, 0))
            finally:
                painter.end()
        return image

    def export_pdf(self, path: str | Path) -> int:
        """A4 landscape pages of the report, drawn as vectors (text stays text: sharp when zoomed, found by a
        search, copied out), each page ending between widgets, never through a card, chart or table that
        fits on a page. Returns the number of pages."""
        writer = QPdfWriter(str(path))
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                         QMarginsF(10, 10, 10, 10)))
        writer.setResolution(300)
        writer.setTitle(self.tr("Dangol report"))
        writer.setCreator("Dangol")
        # the fonts made plain first, so the page is laid out with the widths it is drawn with
        with plain_shaping(self.content), self._laid_out_for_print() as content:
            page = writer.pageLayout().paintRectPixels(writer.resolution())
            scale = page.width() / content.width()
            slices = page_slices(content, page.height() / scale)
            painter = QPainter()
            if not painter.begin(writer):
                raise OSError(f"cannot write {path}")
            try:
                for number, (top, bottom) in enumerate(slices):
                    if number:
                        writer.newPage()
                    painter.save()
                    painter.scale(scale, scale)
                    painter.fillRect(QRect(0, 0, content.width(), bottom - top),
                                     self.palette().color(QPalette.ColorRole.Window))
                    content.render(painter, QPoint(0, 0), QRegion(QRect(0, top, content.width(), bottom - top)))
                    painter.restore()
            finally:
                painter.end()
        fix_spaces(path)  # every space copies out as a space (Qt's map gives tabs, or nothing after Hangul)
        return len(slices)

    def sizeHint(self) -> QSize:
        return QSize(1176, 720)


def page_slices(content: QWidget, page_height: float) -> list[tuple[int, int]]:
    """[top, bottom) spans of `content` a page each: every page as full as it can be while it ends where no
    visible widget that fits on a page is cut (a widget taller than a page leaves the choice to its children);
    where there is no such place, the page is cut at its full height."""
    whole = content.height()
    limit = max(1, int(page_height))
    spans = []
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(content) or widget.height() <= 0 or widget.height() > limit:
            continue
        top = widget.mapTo(content, QPoint(0, 0)).y()
        spans.append((top, top + widget.height()))
    edges = sorted({edge for span in spans for edge in span} | {whole})

    def cuts_nothing(y: int) -> bool:
        return not any(top < y < bottom for top, bottom in spans)

    slices, top = [], 0
    while top < whole:
        fits = [y for y in edges if top < y <= top + limit and cuts_nothing(y)]
        bottom = max(fits) if fits else min(top + limit, whole)
        slices.append((top, bottom))
        top = bottom
    return slices


def _blend(low: QColor, high: QColor, strength: float) -> QColor:
    return QColor(round(low.red() + (high.red() - low.red()) * strength),
                  round(low.green() + (high.green() - low.green()) * strength),
                  round(low.blue() + (high.blue() - low.blue()) * strength))

