"""The publish confirmation: who can enter, what the first day would send, and whether the runner is on.

Everything shown is read from the shop: the segment's size by the same SQL the customers page uses
(`engine.customers.segments.segment_query`), the first day's messages from a replay of the last day of
history through this draft (`engine.runtime.simulate`, on a worker thread: it copies the database), the
runner's state from its lease (`engine.runtime.lease.status`, as the status bar reads it). A number that
cannot be computed is never guessed: the dialog says why in one line.
"""

from __future__ import annotations

import math
import threading
from datetime import timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from engine.customers.custom_segments import find as find_segment
from engine.customers.segments import SEGMENT_LABELS, segment_query, thresholds
from engine.journey import Journey
from engine.runtime.lease import status as runner_status
from engine.runtime.publish import backfill_offered
from engine.runtime.simulate import SimulationResult, simulate
from engine.runtime.triggers import BACKFILL_SEGMENTS
from ui.context import AppContext

ESTIMATE_DAYS = 1  # the replay behind "the first day": the last day of history
KIND_ORDER = ("sms", "lms", "kakao", "kakao_brand", "email")
DEFAULT_DAILY_CAP = 200


def segment_size(ctx: AppContext, segment: str) -> int:
    """How many customers are in `segment` now (the customers page's query, counted)."""
    with ctx.db.session() as session:
        now = ctx.clock.now()
        query = segment_query(segment, now, thresholds(session), session)
        return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


class _Bridge(QObject):
    """Carries the worker thread's answer back to the UI thread (a queued signal)."""

    done = Signal(object, str)  # the SimulationResult (or None) and the one-line reason it is missing


class PublishDialog(QDialog):
    """Asks before publishing; `start_runner` says whether the owner wants the runner started after."""

    estimate_finished = Signal()

    def __init__(self, ctx: AppContext, journey: Journey, parent: QWidget | None = None,
                 days: int = ESTIMATE_DAYS) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.journey = journey
        self.days = days
        self.setWindowTitle(self.tr("Publish '%1'").replace("%1", journey.name))
        self.setObjectName("publishDialog")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)

        self.segment: str | None = None
        self.segment_count: int | None = None
        layout.addWidget(self._heading(self.tr("Who can enter")))
        self.audience_label = self._text(self._audience())
        layout.addWidget(self.audience_label)
        # those in the segment now may be let in too, a daily batch at a time (the runner takes each day's)
        self.backfill_box = QCheckBox()
        self.backfill_cap = QSpinBox()
        self.backfill_cap.setRange(1, 100_000)
        self.backfill_cap.setSingleStep(50)
        self.backfill_cap.setValue(DEFAULT_DAILY_CAP)
        self.backfill_cap.setSuffix(self.tr(" a day"))
        self.backfill_days = self._text("")
        self.backfill_row = QWidget()
        row = QHBoxLayout(self.backfill_row)
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(QLabel(self.tr("At most")))
        row.addWidget(self.backfill_cap)
        row.addStretch(1)
        offered = (self.segment in BACKFILL_SEGMENTS or str(self.segment).startswith("custom:")) \
            and bool(self.segment_count) and backfill_offered(journey)
        self.backfill_offered = offered
        if offered:
            self.backfill_box.setText(self.tr("Also let in the %1 customers in this segment now")
                                      .replace("%1", f"{self.segment_count:,}"))
            layout.addWidget(self.backfill_box)
            layout.addWidget(self.backfill_row)
            layout.addWidget(self.backfill_days)
        for widget in (self.backfill_box, self.backfill_row, self.backfill_days):
            widget.setVisible(offered)
        self.backfill_box.toggled.connect(self._backfill_changed)
        self.backfill_cap.valueChanged.connect(self._backfill_changed)
        self._backfill_changed()

        layout.addWidget(self._heading(self.tr("The first day")))
        self.estimate: SimulationResult | None = None
        self.estimate_error: str | None = None
        self.estimate_done = False
        self.estimate_label = self._text(self.tr("Replaying the last day of orders through this journey…"))
        layout.addWidget(self.estimate_label)
        self.spinner = QProgressBar()
        self.spinner.setRange(0, 0)  # busy: no known end
        self.spinner.setTextVisible(False)
        self.spinner.setMaximumHeight(8)
        layout.addWidget(self.spinner)

        layout.addWidget(self._heading(self.tr("Sending")))
        state = runner_status(ctx.db, ctx.clock)
        self.runner_running = state.state == "running"
        self.runner_label = self._text(
            self.tr("The runner is on: messages go out as customers enter, from today.") if self.runner_running
            else self.tr("The runner is off: nothing is sent until it runs."))
        layout.addWidget(self.runner_label)
        self.start_runner_box = QCheckBox(self.tr("Start the runner after publishing"))
        self.start_runner_box.setChecked(True)
        self.start_runner_box.setVisible(not self.runner_running)
        layout.addWidget(self.start_runner_box)

        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.publish_button = self.buttons.addButton(self.tr("Publish"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._estimated)
        self._thread = threading.Thread(target=self._estimate, name="publish-estimate", daemon=True)
        self._thread.start()

    # --- parts -----------------------------------------------------------------------------------

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold;")
        return label

    @staticmethod
    def _text(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    @property
    def backfill_daily(self) -> int | None:
        """The daily cap when those in the segment now are to be let in too; None when not."""
        if not self.backfill_offered or not self.backfill_box.isChecked():
            return None
        return int(self.backfill_cap.value())

    def _backfill_changed(self) -> None:
        on = self.backfill_box.isChecked()
        self.backfill_cap.setEnabled(on)
        days = math.ceil((self.segment_count or 0) / max(1, self.backfill_cap.value()))
        self.backfill_days.setText(
            self.tr("They enter over %1 days, from the runner's next pass; the first-day estimate below does "
                    "not count them.").replace("%1", str(days)) if on
            else self.tr("Left unticked, none of them enters."))
        if self.layout() is not None:  # a longer line wraps at once: the dialog grows instead of cutting it
            self.layout().activate()

    @property
    def start_runner(self) -> bool:
        return not self.runner_running and self.start_runner_box.isChecked()

    def _audience(self) -> str:
        triggers = self.journey.triggers()
        if not triggers:
            return self.tr("This journey has no trigger: nobody can enter.")
        trigger = triggers[0]
        kind = trigger.kind
        params = trigger.effective_params()
        history = self.tr("Past orders and sign-ups (history) never enter.")
        if kind == "trigger.segment_entered":
            segment = str(params.get("segment") or "at_risk")
            self.segment = segment
            self.segment_count = segment_size(self.ctx, segment)
            ko, en = SEGMENT_LABELS.get(segment, (segment, segment))
            name = ko if self.ctx.lang == "ko" else en
            if segment.startswith("custom:"):
                with self.ctx.db.session() as session:
                    saved = find_segment(session, segment)
                    name = saved.name if saved is not None else segment
            count = f"{self.segment_count:,}"
            if segment == "vip":  # the trigger's first pass takes every customer who is a VIP now
                return (self.tr("%1 customers are in the segment '%2' now. They all enter at the runner's "
                                "first pass, and later every customer who becomes one.")
                        .replace("%1", count).replace("%2", name))
            return (self.tr("%1 customers are in the segment '%2' now. They do not enter: only customers "
                            "who move into it after publishing do.")
                    .replace("%1", count).replace("%2", name) + " " + history)
        lines = {
            "trigger.signed_up": self.tr("Customers who sign up from now on."),
            "trigger.order_placed": self.tr("Customers who order from now on."),
            "trigger.order_status": self.tr("Customers whose order status changes from now on."),
            "trigger.cart_abandoned": self.tr("Customers who leave a cart from now on."),
            "trigger.date": self.tr("Customers whose date comes, on that day, from today on."),
            "trigger.manual": self.tr("Only the customers you add yourself."),
        }
        return lines.get(kind, self.tr("Customers who meet the trigger from now on.")) + " " + history

    # --- the estimate (worker thread) --------------------------------------------------------------

    def _estimate(self) -> None:
        result: SimulationResult | None = None
        reason = ""
        try:
            end = self.ctx.clock.now()
            result = simulate(self.ctx.db, self.journey.id, end - timedelta(days=self.days), end)
        except Exception as exc:  # any failure (a busy or unreadable store, an invalid draft) is one line
            reason = (str(exc) or type(exc).__name__).splitlines()[0]
        try:
            if shiboken6.isValid(self._bridge):
                self._bridge.done.emit(result, reason)
        except RuntimeError:
            pass  # the dialog was closed and deleted meanwhile

    def _estimated(self, result: Any, reason: str) -> None:
        self.spinner.setVisible(False)
        self.estimate_done = True
        if result is None:
            self.estimate_error = reason
            self.estimate_label.setText(self.tr("The first day's messages cannot be estimated: %1").replace("%1", reason))
        else:
            self.estimate = result
            self.estimate_label.setText(self.estimate_text(result))
        self.estimate_finished.emit()

    def kind_names(self) -> dict[str, str]:
        return {"sms": self.tr("SMS"), "lms": self.tr("LMS (long text)"), "kakao": self.tr("KakaoTalk"),
                "kakao_brand": self.tr("Kakao Brand Message"), "email": self.tr("Email")}

    def messages_text(self, messages: dict[str, int]) -> str:
        """"SMS 3, LMS 12" in a fixed order; empty when nothing would be sent."""
        names = self.kind_names()
        kinds = [kind for kind in KIND_ORDER if messages.get(kind)] + sorted(
            kind for kind in messages if kind not in KIND_ORDER and messages[kind])
        return ", ".join(self.tr("%1 %2").replace("%1", names.get(kind, kind)).replace("%2", f"{messages[kind]:,}")
                         for kind in kinds)

    def estimate_text(self, result: SimulationResult) -> str:
        messages = self.messages_text(result.messages)
        entered = f"{result.entered:,}"
        if not messages:
            text = (self.tr("Replaying the last day: %1 customers would have entered and no message would "
                            "have been sent on the first day.").replace("%1", entered))
        else:
            total = f"{sum(result.messages.values()):,}"
            text = (self.tr("Replaying the last day: %1 customers would have entered and %2 messages gone out "
                            "on the first day (%3), about %4 won.")
                    .replace("%1", entered).replace("%2", total).replace("%3", messages)
                    .replace("%4", f"{result.cost_won:,}"))
        skipped = sum(result.skipped.values())
        if skipped:
            text += " " + self.tr("%1 messages would not go out (no consent, no address or a cap).").replace(
                "%1", f"{skipped:,}")
        return text
