"""The dashboard's "journey results" section: a journey chooser, the chosen journey's funnel and its A/B arms
with their 95 % intervals, and the verdicts (engine.results.journey_section; the page computes it off the UI
thread with the rest of its figures, and again on its pool when the owner picks another journey)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.results.journey_section import JourneySection
from engine.results.journeys import Arm, JourneyResults, reason_word
from ui.charts import FunnelChart, RatesChart, full_won, percent
from ui.context import AppContext
from ui.widgets import SHOP_ZONE, muted_label

ARM_COLORS = {"a": "blue", "b": "orange", "holdout": "grey"}


class JourneyResultsBox(QWidget):
    """Shows one JourneySection; `chosen` says the owner picked another journey in the chooser."""

    chosen = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.section: JourneySection | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        header = QHBoxLayout()
        title = QLabel(self.tr("Journey results"))
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 1)
        title.setFont(font)
        header.addWidget(title)
        header.addSpacing(12)
        self.chooser_label = QLabel(self.tr("Journey"))
        header.addWidget(self.chooser_label)
        self.chooser = QComboBox()
        self.chooser.setMinimumContentsLength(18)
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.currentIndexChanged.connect(self._picked)
        header.addWidget(self.chooser)
        self.span_note = muted_label("")
        self.span_note.setWordWrap(False)
        header.addWidget(self.span_note)
        header.addStretch(1)
        layout.addLayout(header)
        self.empty = QLabel(self.tr("No journey is published yet. Pick one in the "
                                    "<a href=\"page:gallery\">template gallery</a>, publish it, and its funnel "
                                    "and A/B results show here."))
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.linkActivated.connect(lambda target: self.ctx.bus.navigate.emit(target.partition(":")[2]))
        self.empty.setVisible(False)
        layout.addWidget(self.empty)
        self.charts = QWidget()  # its plots are made when a journey is first shown (a shop without one never pays)
        self.charts.setVisible(False)
        layout.addWidget(self.charts)
        self.chooser.setVisible(False)
        self.chooser_label.setVisible(False)

    def _make_charts(self) -> None:
        grid = QGridLayout(self.charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.funnel = FunnelChart(self.tr("Funnel"), self.ctx.lang)
        grid.addWidget(self.funnel, 0, 0)
        ab_box = QWidget()
        ab = QVBoxLayout(ab_box)
        ab.setContentsMargins(0, 0, 0, 0)
        ab.setSpacing(4)
        self.ab_chart = RatesChart(self.tr("A/B: conversion rate with its 95% interval"), self.ctx.lang)
        ab.addWidget(self.ab_chart, 1)
        self.no_split = muted_label("")
        ab.addWidget(self.no_split)
        self.verdicts = QLabel()
        self.verdicts.setWordWrap(True)
        self.verdicts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        ab.addWidget(self.verdicts)
        ab.addStretch(1)
        grid.addWidget(ab_box, 0, 1)
        for column in (0, 1):
            grid.setColumnStretch(column, 1)

    # the owner's pick ----------------------------------------------------------------------------------------
    def _picked(self, index: int) -> None:
        if index >= 0:
            self.chosen.emit(str(self.chooser.itemData(index)))

    def choose(self, journey_id: str) -> None:
        """Pick a journey as the owner would."""
        self.chooser.setCurrentIndex(self.chooser.findData(journey_id))

    # showing -------------------------------------------------------------------------------------------------
    def show_section(self, section: JourneySection) -> None:
        self.section = section
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for journey_id, name in section.choices:
            self.chooser.addItem(name, journey_id)
        if section.chosen is not None:
            self.chooser.setCurrentIndex(self.chooser.findData(section.chosen))
        self.chooser.blockSignals(False)
        published = bool(section.choices)
        if published and not hasattr(self, "funnel"):
            self._make_charts()
        for widget in (self.chooser, self.chooser_label, self.charts):
            widget.setVisible(published)
        self.empty.setVisible(not published)
        self.span_note.setText(self.span_text(section) if published else "")
        results = section.results
        if results is None:
            return
        self._funnel(results)
        self._ab(section, results)

    @staticmethod
    def span_text(section: JourneySection) -> str:
        """The instants counted from and up to (the CLI's `--now` and `--days`), in shop time."""
        results = section.results
        if results is None or results.since is None:
            return ""
        return f"{results.since.astimezone(SHOP_ZONE):%Y-%m-%d %H:%M} ~ {results.now.astimezone(SHOP_ZONE):%Y-%m-%d %H:%M}"

    def funnel_steps(self, results: JourneyResults) -> list[tuple[str, str, int]]:
        """(name, colour, count) of each bar: the funnel shows exactly these."""
        days = results.attribution.days
        return [(self.tr("Entered"), "blue", results.funnel.entered),
                (self.tr("Got a message"), "purple", results.messages.reached),
                (self.tr("Ordered within %1 days").replace("%1", str(days)), "green",
                 results.attribution.conversions)]

    def _reasons(self, counts: dict[str, int]) -> str:
        return ", ".join(f"{reason_word(key, self.ctx.lang)} {value:,}" for key, value in
                         sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def _funnel(self, results: JourneyResults) -> None:
        lang = self.ctx.lang
        f, m, a = results.funnel, results.messages, results.attribution
        steps = self.funnel_steps(results)
        first = steps[0][2]

        def head(index: int, unit: str) -> str:
            name, _color, count = steps[index]
            return f"{name}: {unit.replace('%1', f'{count:,}')} ({percent(count, first)})"

        entered = [head(0, self.tr("%1 customers")),
                   self.tr("Still in it: %1").replace("%1", f"{f.waiting:,}"),
                   self.tr("Finished: %1").replace("%1", f"{sum(f.finished.values()):,}"),
                   self.tr("Left early: %1").replace("%1", f"{sum(f.exited.values()):,}")]
        if f.failed:
            entered.append(self.tr("Failed: %1").replace("%1", f"{sum(f.failed.values()):,}")
                           + f" ({self._reasons(f.failed)})")
        sent = [head(1, self.tr("%1 customers")),
                self.tr("Messages sent: %1").replace("%1", f"{m.sent:,}"),
                self.tr("Cost: %1").replace("%1", full_won(m.cost_won, lang))]
        if m.skipped:
            sent.append(self.tr("Skipped: %1").replace("%1", f"{sum(m.skipped.values()):,}")
                        + f" ({self._reasons(m.skipped)})")
        if m.failed:
            sent.append(self.tr("Failed: %1").replace("%1", f"{sum(m.failed.values()):,}"))
        if m.waiting:
            sent.append(self.tr("Not sent yet: %1").replace("%1", f"{sum(m.waiting.values()):,}"))
        ordered = [head(2, self.tr("%1 customers")),
                   self.tr("Orders: %1").replace("%1", f"{a.orders:,}"),
                   self.tr("Revenue: %1").replace("%1", full_won(a.revenue, lang))]
        self.funnel.show_values(steps, ["\n".join(entered), "\n".join(sent), "\n".join(ordered)])

    def arm_name(self, arm: Arm, number: int | None = None) -> str:
        name = self.tr("Holdout") if arm.name == "holdout" else arm.name.upper()
        return name if number is None else f"{number}·{name}"

    def split_arms(self, results: JourneyResults) -> list[tuple[str, Arm]]:
        """The arms the A/B chart shows with their split step: each split's A and B, and its holdout when it has
        one, the splits in canvas order."""
        shown: list[tuple[str, Arm]] = []
        nodes = sorted({test.node_id for test in results.ab_tests} | {lift.node_id for lift in results.lifts},
                       key=results.split_number)
        for node in nodes:
            test = next((test for test in results.ab_tests if test.node_id == node), None)
            lift = next((lift for lift in results.lifts if lift.node_id == node), None)
            if test is not None:
                shown += [(node, test.a), (node, test.b)]
            if lift is not None:
                shown.append((node, lift.holdout))
        return shown

    def arms(self, results: JourneyResults) -> list[Arm]:
        return [arm for _node, arm in self.split_arms(results)]

    def _ab(self, section: JourneySection, results: JourneyResults) -> None:
        arms = self.split_arms(results)
        self.ab_chart.setVisible(bool(arms))
        if not arms:
            self.no_split.setText(
                self.tr("No customers were split into A and B in this period yet.") if section.has_split else
                self.tr("This journey has no A/B split: add an A/B split step to compare two messages."))
            self.no_split.setVisible(True)
            self.verdicts.setVisible(False)
            return
        self.no_split.setVisible(False)
        several = results.several_splits
        values, lines = [], []
        for node, arm in arms:
            interval = arm.interval
            rate = arm.rate or 0.0
            low, high = (interval.low, interval.high) if interval else (rate, rate)
            label = self.arm_name(arm, results.split_number(node) if several else None)
            values.append((label, ARM_COLORS.get(arm.name, "grey"), rate, low, high))
            lines.append("\n".join([
                f"{results.split_title(node, self.ctx.lang)} · {self.arm_name(arm)}" if several else label,
                self.tr("Customers: %1").replace("%1", f"{arm.customers:,}"),
                self.tr("Conversions: %1").replace("%1", f"{arm.conversions:,}"),
                self.tr("Conversion rate: %1").replace("%1", f"{rate * 100:.1f}%"),
                self.tr("95% interval: %1 – %2").replace("%1", f"{low * 100:.1f}%").replace("%2", f"{high * 100:.1f}%"),
            ]))
        self.ab_chart.show_values(values, lines)
        self.verdicts.setText("\n".join(f"• {text}" for text in results.split_sentences(self.ctx.lang)))
        self.verdicts.setVisible(True)
