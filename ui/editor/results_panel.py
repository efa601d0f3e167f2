"""결과: a journey's results beside its canvas — who entered and how they left, messages, conversions and
money, each A/B test and holdout with its verdict sentence, and 'Make B the only path'."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.journey_store import StoreError
from engine.results.journeys import Arm, JourneyResults, Lift, journey_results, reason_word, roi_text, won
from engine.results.only_path import publish_only_path
from engine.runtime.publish import PublishError
from ui.context import AppContext
from ui.widgets import muted_label

PERIODS = (30, 7, 90, 0)  # days; 0: since the start


class ResultsPanel(QWidget):
    published = Signal()  # a new version went live from here ('only path')

    def __init__(self, ctx: AppContext, journey_id: str, before_publish: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.ctx, self.journey_id = ctx, journey_id
        self.before_publish = before_publish
        self.results: JourneyResults | None = None
        self.only_buttons: dict[tuple[str, str], QPushButton] = {}
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.period = QComboBox()
        for days in PERIODS:
            self.period.addItem(self.tr("Last %1 days").replace("%1", str(days)) if days else self.tr("Since the start"),
                                days)
        self.period.currentIndexChanged.connect(lambda _: self.refresh())
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(refresh)
        outer.addLayout(top)
        self.body = QVBoxLayout()
        outer.addLayout(self.body)
        outer.addStretch(1)

    def _clear(self) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.only_buttons.clear()

    def refresh(self) -> JourneyResults:
        days = int(self.period.currentData() or 0)
        with self.ctx.db.session() as session:
            results = journey_results(session, self.journey_id, self.ctx.clock.now(), days=days or None)
        self.results = results
        self._clear()
        lang = self.ctx.lang
        funnel, messages, attribution = results.funnel, results.messages, results.attribution

        def reasons(counts: dict[str, int]) -> str:
            return ", ".join(f"{reason_word(key, lang)} {value:,}" for key, value in
                             sorted(counts.items(), key=lambda item: (-item[1], item[0])))

        self.verdicts: list[QLabel] = []
        def titled(kind: str, node_id: str) -> str:  # with several splits, which split the box is about
            return f"{kind} — {results.split_title(node_id, lang)}" if results.several_splits else kind

        # per split in canvas order: its A/B test, then its holdout
        shown = sorted([(results.split_number(test.node_id), 0, test) for test in results.ab_tests] +
                       [(results.split_number(lift.node_id), 1, lift) for lift in results.lifts],
                       key=lambda item: item[:2])
        for _number, _kind, found in shown:
            if isinstance(found, Lift):
                box = self._arms(titled(self.tr("Holdout (no message)"), found.node_id), [found.treated,
                                                                                          found.holdout])
                self.verdicts.append(self._verdict(box, found.sentence(lang)))
                self.body.addWidget(box)
                continue
            test = found
            box = self._arms(titled(self.tr("A/B test"), test.node_id), [test.a, test.b])
            verdict = self._verdict(box, test.sentence(lang))
            buttons = QHBoxLayout()
            for arm in ("a", "b"):
                button = QPushButton(self.tr("Make %1 the only path").replace("%1", arm.upper()))
                button.setToolTip(self.tr("Publishes a new version without this split: everyone goes this "
                                          "arm's way. Customers already on the other arm finish it."))
                button.clicked.connect(lambda _=False, node=test.node_id, which=arm: self.make_only_path(node, which))
                if test.winner == arm:
                    button.setDefault(True)
                self.only_buttons[(test.node_id, arm)] = button
                buttons.addWidget(button)
            buttons.addStretch(1)
            box.layout().addLayout(buttons, box.layout().rowCount(), 0, 1, 6)
            self.verdicts.append(verdict)
            self.body.addWidget(box)
        if not results.ab_tests and not results.lifts:
            self.body.addWidget(muted_label(self.tr(
                "Add an A/B split to compare two versions, or give it a holdout share to see what the journey adds "
                "over sending nothing.")))
        money = self._grid(self.tr("Conversions"), [
            (self.tr("Customers who ordered"), f"{attribution.conversions:,}"),
            (self.tr("Orders"), f"{attribution.orders:,}"),
            (self.tr("Revenue"), won(attribution.revenue, lang)),
            (self.tr("Coupons used"), f"{attribution.coupon_orders:,}"),
            (self.tr("Discount given"), won(attribution.discount, lang)),
            (self.tr("Message cost"), won(attribution.cost, lang)),
            (self.tr("Net result"), won(attribution.net, lang)),
            (self.tr("ROI"), roi_text(attribution.roi)),
        ])
        self.attribution_label = muted_label(results.attribution_sentence(lang))
        money.layout().addWidget(self.attribution_label, money.layout().rowCount(), 0, 1, 2)
        self.body.addWidget(money)
        people = self._grid(self.tr("Customers"), [
            (self.tr("Entered"), f"{funnel.entered:,}"),
            (self.tr("Waiting"), f"{funnel.waiting:,}"),
            (self.tr("Finished"), _with(sum(funnel.finished.values()), reasons(funnel.finished))),
            (self.tr("Left"), _with(sum(funnel.exited.values()), reasons(funnel.exited))),
            (self.tr("Failed"), _with(sum(funnel.failed.values()), reasons(funnel.failed))),
        ])
        self.body.addWidget(people)
        self.body.addWidget(self._grid(self.tr("Messages"), [
            (self.tr("Sent"), f"{messages.sent:,}"),
            (self.tr("Skipped"), _with(sum(messages.skipped.values()), reasons(messages.skipped))),
            (self.tr("Not sent yet"), _with(sum(messages.waiting.values()), reasons(messages.waiting))),
            (self.tr("Failed"), _with(sum(messages.failed.values()), reasons(messages.failed))),
            (self.tr("Cost"), won(messages.cost_won, lang)),
        ]))
        return results

    def _grid(self, title: str, rows: list[tuple[str, str]]) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        for index, (label, value) in enumerate(rows):
            grid.addWidget(QLabel(label), index, 0)
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(shown, index, 1)
        return box

    def _arms(self, title: str, arms: list[Arm]) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        headers = [self.tr("Group"), self.tr("Customers"), self.tr("Ordered"), self.tr("Rate (95%)"),
                   self.tr("Revenue per customer")]
        for column, text in enumerate(headers):
            label = QLabel(text)
            label.setObjectName("mutedLabel")
            grid.addWidget(label, 0, column)
        names = {"a": "A", "b": "B", "holdout": self.tr("Holdout"), "treated": self.tr("With the journey")}
        for row, arm in enumerate(arms, start=1):
            interval = arm.interval
            rate = f"{(arm.rate or 0) * 100:.1f}%"
            if interval is not None:
                rate += f"\n({interval.low * 100:.1f}–{interval.high * 100:.1f}%)"
            for column, text in enumerate((names.get(arm.name, arm.name), f"{arm.customers:,}",
                                           f"{arm.conversions:,}", rate,
                                           won(round(arm.revenue_per_customer or 0), self.ctx.lang))):
                grid.addWidget(QLabel(text), row, column)
        return box

    def _verdict(self, box: QGroupBox, sentence: str) -> QLabel:
        label = QLabel(sentence)
        label.setWordWrap(True)
        label.setObjectName("verdict")
        label.setFrameShape(QFrame.Shape.NoFrame)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        grid = box.layout()
        assert isinstance(grid, QGridLayout)
        grid.addWidget(label, grid.rowCount(), 0, 1, 6)
        return label

    def make_only_path(self, node_id: str, arm: str, confirm: bool = True) -> bool:
        """Publish a version where everyone takes `arm` of the split (asks first unless `confirm` is False)."""
        if self.before_publish is not None and not self.before_publish():
            return False
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("Make %1 the only path").replace("%1", arm.upper()),
                self.tr("Publish a new version in which everyone goes the way of %1? The split and the steps only "
                        "the other arm reached are removed; customers already on them finish on the old version.")
                .replace("%1", arm.upper()))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            with self.ctx.db.write_session() as session:
                result = publish_only_path(session, self.journey_id, node_id, arm, self.ctx.clock)
        except StoreError as exc:
            texts = {"draft_changed": self.tr("The journey has changes that are not published yet: publish or "
                                              "undo them first."),
                     "not_published": self.tr("Publish the journey first."),
                     "not_a_split": self.tr("This split is no longer in the journey.")}
            QMessageBox.warning(self, self.tr("Make %1 the only path").replace("%1", arm.upper()),
                                texts.get(exc.code, str(exc)))
            return False
        except PublishError as exc:
            QMessageBox.warning(self, self.tr("Make %1 the only path").replace("%1", arm.upper()),
                                self.tr("The new version has problems to fix first (%1).").replace(
                                    "%1", str(len(exc.issues))))
            return False
        self.version_published = result.version
        self.published.emit()
        self.refresh()
        return True


def _with(total: int, detail: str) -> str:
    return f"{total:,}" + (f" ({detail})" if detail else "")
