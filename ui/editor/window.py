"""The journey editor window: palette, canvas, inspector, problems; save, undo, publish."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from engine import journey_store as store
from engine.journey import Journey, validate
from engine.messaging.adlaw import ShopInfo
from engine.runtime.lease import status as runner_status
from engine.runtime.publish import PublishError, changed_nodes, publish, set_paused, waiting_by_node
from engine.runtime.simulate import SimulationResult
from storage.db import data_dir
from storage.models import Category, JourneyVersion
from ui.context import AppContext
from ui.editor.document import AutoLayout, JourneyDocument, ReplaceAll, SetJourney
from ui.editor.inspector import Inspector
from ui.editor.journey_settings import JourneySettingsDialog
from ui.editor.minimap import Minimap
from ui.editor.palette import Palette
from ui.editor.problems import ProblemsPanel, node_labels
from ui.editor.publish_dialog import PublishDialog
from ui.editor.quick_add import QuickAddDialog
from ui.editor.results_panel import ResultsPanel
from ui.editor.scene import JourneyScene
from ui.editor.view import JourneyView
from ui.runner_control import RunnerControl
from ui.widgets import ColumnScroll, first_size

AUTOSAVE_MS = 60_000


def autosave_path(journey_id: str) -> Path:
    return data_dir() / "autosave" / f"{journey_id}.json"


class EditorWindow(QMainWindow):
    def __init__(self, ctx: AppContext, journey_id: str, on_saved: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.on_saved = on_saved
        with ctx.db.session() as session:
            row = store.find_row(session, journey_id)
            self.status = row.status
            self.journey = Journey.from_dict(row.draft)
            saved_at = row.updated_at
            self.context = store.validation_context(session, ctx.clock.now())
            categories = list(session.scalars(select(Category.name).order_by(Category.name)))
        recovered = self._recover(saved_at)
        shop = ShopInfo(**{key: str(self.context.shop_settings.get(key) or "")
                           for key in ("name", "contact", "optout_number", "email", "url")})
        self.doc = JourneyDocument(self.journey, self)
        self.scene = JourneyScene(self.doc, ctx.lang)
        self.view = JourneyView(self.scene)
        self.setCentralWidget(self.view)
        self.palette = Palette(ctx.lang)
        self.inspector = Inspector(self.doc, ctx.lang, shop, categories, ctx.db, ctx.clock)
        self.problems = ProblemsPanel(ctx.lang)
        palette_dock = self._dock(self.tr("Nodes"), self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.minimap = Minimap(self.view)
        self._dock(self.tr("Overview"), self.minimap, Qt.DockWidgetArea.LeftDockWidgetArea)
        inspector_scroll = QScrollArea()  # a long message form scrolls instead of stretching the window
        inspector_scroll.setWidgetResizable(True)
        inspector_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # never clipped: should a panel be dragged narrower than its fields, it scrolls sideways instead
        inspector_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inspector_scroll.setWidget(self.inspector)
        self.inspector_scroll = inspector_scroll
        # the side panels run the full height; the problems list sits under the canvas only
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock(self.tr("Settings"), inspector_scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self.results = ResultsPanel(ctx, self.journey.id, before_publish=self._saved_for_results)
        results_scroll = ColumnScroll(self.results)  # the boxes are rebuilt on each refresh: sized to fit them
        self.results_dock = self._dock(self.tr("Results"), results_scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self.results.published.connect(self._results_published)
        problems_dock = self._dock(self.tr("Problems"), self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.problems_dock = problems_dock
        self.inspector_dock = self.findChild(QDockWidget, self.tr("Settings"))
        if self.inspector_dock is not None:  # the results sit behind the settings, one tab away
            self.tabifyDockWidget(self.inspector_dock, self.results_dock)
            self.inspector_dock.raise_()
        self._default_docks = (palette_dock, problems_dock)
        self.issues: list = []
        self._actions()
        self._publish_line()
        self.scene.selected_node.connect(self.inspector.show_node)
        self.scene.refused.connect(self._refused)
        self.problems.node_clicked.connect(self.view.center_on_node)
        self.palette.chosen.connect(lambda kind: self.add_node(kind))
        self.view.quick_add.connect(self.quick_add)
        self.doc.edited.connect(self._edited)
        self.doc.undo.cleanChanged.connect(self._clean_changed)
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.write_autosave)
        self.autosave.start()
        self.is_closing_app = False  # the main window sets this when the whole app quits
        settings = QSettings()
        if settings.value("editor/geometry") is not None:
            self.restoreGeometry(settings.value("editor/geometry"))
            self.restoreState(settings.value("editor/state"))
        else:
            self.resize(first_size(1280, 800))
            QTimer.singleShot(0, self._default_dock_sizes)
        if recovered is not None:  # the draft a crash left: shown as unsaved changes, one undo away
            self.doc.push(ReplaceAll(self.doc, recovered))
        self._edited()
        QTimer.singleShot(0, self.view.first_view)
        QTimer.singleShot(0, self.minimap.refit)

    def _publish_line(self) -> None:
        """What the last publish did, kept in the status bar until the editor closes (not a passing toast)."""
        self.publish_dialog: PublishDialog | None = None
        self._published_head = self._published_tail = ""
        self.publish_line = QWidget()
        self.publish_line.setObjectName("publishLine")
        row = QHBoxLayout(self.publish_line)
        row.setContentsMargins(0, 0, 0, 0)
        self.publish_text = QLabel()
        self.publish_text.setObjectName("publishText")
        self.publish_start = QPushButton(self.tr("Start the runner"))
        self.publish_start.clicked.connect(self._start_runner_from_line)
        row.addWidget(self.publish_text)
        row.addWidget(self.publish_start)
        self.statusBar().addPermanentWidget(self.publish_line)
        self.publish_line.setVisible(False)

    def _default_dock_sizes(self) -> None:
        palette_dock, problems_dock = self._default_docks
        self.resizeDocks([palette_dock], [240], Qt.Orientation.Horizontal)
        if self.inspector_dock is not None:
            self.resizeDocks([self.inspector_dock], [360], Qt.Orientation.Horizontal)
        self.resizeDocks([problems_dock], [110], Qt.Orientation.Vertical)

    # --- numbers on the canvas --------------------------------------------------------------------

    def show_numbers(self) -> None:
        """Per node a card that adds up (in · waiting · out by branch with its share · skipped and stopped by
        reason) and who ordered within the conversion window; per branch edge: the share taking it."""
        from engine.results.journeys import card_text, conversion_days, node_cards
        from engine.runtime.stats import journey_numbers

        with self.ctx.db.session() as session:
            days = conversion_days(session, self.journey.settings)  # the journey's own, else the shop's
            numbers = journey_numbers(session, self.journey.id, conversion_days=days)
            cards = node_cards(session, self.journey.id, self.journey.to_dict())
        for node_id, item in self.scene.nodes.items():
            entry = numbers.nodes.get(node_id)
            card = cards.get(node_id)
            line = card_text(card, self.ctx.lang) if card is not None and (card.entered or entry) else ""
            stopped = entry.failed.get("render_error", 0) if entry is not None else 0
            # the runner could not make this node's message for them: they stopped here
            item.alert = self.tr("⚠ %1 stopped: message could not be made").replace("%1", f"{stopped:,}") \
                if stopped else ""
            if entry is not None and entry.reached:  # who ordered within the conversion window after it
                line += "\n" + (self.tr("ordered within %1 days %2 (%3%)").replace("%1", str(days))
                                 .replace("%2", f"{entry.converted:,}")
                                 .replace("%3", f"{entry.converted * 100 / entry.reached:.0f}"))
            item.prepareGeometryChange()  # more lines need more room under the card
            item.stats = line
            item.redraw()
        self.cards = cards
        for edge_id, item in self.scene.edges.items():
            edge = self.journey.edges.get(edge_id)
            share = numbers.share(edge.source, edge.source_port) if edge else None
            item.label = f"{share * 100:.0f}%" if share is not None else ""
            item.update()
        self.statusBar().showMessage(self.tr("%1 customers entered, %2 in the journey now, %3 reached the goal")
                                     .replace("%1", f"{numbers.entered:,}").replace("%2", f"{numbers.active:,}")
                                     .replace("%3", f"{numbers.goals:,}"), 10000)

    def show_results(self) -> object:
        """The results tab in front, its figures read now."""
        self.results_dock.show()
        self.results_dock.raise_()
        return self.results.refresh()

    def _saved_for_results(self) -> bool:
        if self.is_dirty():
            QMessageBox.warning(self, self.tr("Results"), self.tr("Save or undo your changes first."))
            return False
        return True

    def _results_published(self) -> None:
        """'Only path' published a new version from the stored draft: the canvas shows that draft now."""
        with self.ctx.db.session() as session:
            row = store.find_row(session, self.journey.id)
            self.status = row.status
            journey = Journey.from_dict(row.draft)
        self.doc.push(ReplaceAll(self.doc, journey))
        self.doc.undo.setClean()
        self.statusBar().showMessage(self.tr("Published version %1.").replace(
            "%1", str(getattr(self.results, "version_published", ""))), 10000)
        if self.on_saved:
            self.on_saved()

    def simulate(self, days: int = 30) -> object | None:
        """Replay the last `days` days of orders through this draft (sending nothing) and paint the counts."""
        from datetime import timedelta

        from PySide6.QtWidgets import QApplication

        from engine.runtime.simulate import simulate

        if [issue for issue in self.issues if issue.is_error]:
            QMessageBox.warning(self, self.tr("Simulate"), self.tr("Fix the problems first."))
            return None
        self.save()
        end = self.ctx.clock.now()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = simulate(self.ctx.db, self.journey.id, end - timedelta(days=days), end)
        except (PublishError, store.StoreError) as exc:
            QMessageBox.warning(self, self.tr("Simulate"), str(exc))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        for node_id, item in self.scene.nodes.items():
            counts = result.nodes.get(node_id, {})
            item.prepareGeometryChange()
            item.stats = self.tr("simulated: %1").replace("%1", f"{counts.get('customers', 0):,}")
            item.redraw()
        messages = sum(result.messages.values())
        self.statusBar().showMessage(
            self.tr("Last %1 days: %2 would enter, %3 messages, %4 coupons, about %5 won")
            .replace("%1", str(days)).replace("%2", f"{result.entered:,}").replace("%3", f"{messages:,}")
            .replace("%4", f"{result.coupons:,}").replace("%5", f"{result.cost_won:,}"), 20000)
        return result

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _actions(self) -> None:
        bar = self.addToolBar(self.tr("Editor"))
        bar.setObjectName("editor-toolbar")
        self.name_edit = QLineEdit(self.journey.name)  # the journey's name, renamed here (one undo step)
        self.name_edit.setPlaceholderText(self.tr("Journey name"))
        self.name_edit.setToolTip(self.tr("The journey's name; press Enter to rename it. Saved with the journey."))
        self.name_edit.setMaxLength(self.journey.limits.name_chars)
        self.name_edit.setMinimumWidth(160)
        self.name_edit.setMaximumWidth(280)
        self.name_edit.editingFinished.connect(self.rename)
        bar.addWidget(self.name_edit)
        journey_settings = QAction(self.tr("Journey settings…"), self)
        journey_settings.setToolTip(self.tr("Who may enter again, priority, exclusion group"))
        journey_settings.triggered.connect(lambda: self.open_journey_settings())
        bar.addAction(journey_settings)
        bar.addSeparator()
        self.doc.journey_changed.connect(self._journey_changed)
        self.ctx.bus.journey_changed.connect(self._heard)  # renamed or paused elsewhere (the journeys list)
        undo = QAction(self.tr("Undo"), self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.triggered.connect(self.doc.undo.undo)
        undo.setEnabled(False)
        self.doc.undo.canUndoChanged.connect(undo.setEnabled)
        redo = QAction(self.tr("Redo"), self)
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        redo.triggered.connect(self.doc.undo.redo)
        redo.setEnabled(False)
        self.doc.undo.canRedoChanged.connect(redo.setEnabled)
        self.actions_by_name: dict[str, QAction] = {"undo": undo, "redo": redo, "journey_settings": journey_settings}
        entries = [
            ("save", self.tr("Save"), QKeySequence.StandardKey.Save, self.save),
            ("copy", self.tr("Copy"), QKeySequence.StandardKey.Copy, self.scene.copy_selected),
            ("cut", self.tr("Cut"), QKeySequence.StandardKey.Cut, self.scene.cut_selected),
            ("paste", self.tr("Paste"), QKeySequence.StandardKey.Paste, self.scene.paste),
            ("duplicate", self.tr("Duplicate"), QKeySequence("Ctrl+D"), self.scene.duplicate_selected),
            ("delete", self.tr("Delete"), QKeySequence.StandardKey.Delete, self.scene.delete_selected),
            ("layout", self.tr("Auto-layout"), QKeySequence("Ctrl+L"), self.auto_layout),
            ("zoom_in", self.tr("Zoom in"), QKeySequence.StandardKey.ZoomIn, self.view.zoom_in),
            ("zoom_out", self.tr("Zoom out"), QKeySequence.StandardKey.ZoomOut, self.view.zoom_out),
            ("fit", self.tr("Fit all"), QKeySequence("Ctrl+0"), self.view.show_all),
            ("fit_selection", self.tr("Fit selection"), QKeySequence("Ctrl+9"), self.view.fit_selection),
            ("publish", self.tr("Publish"), QKeySequence("Ctrl+P"), self.publish),
            ("pause", self.tr("Pause"), None, self.toggle_pause),
            ("numbers", self.tr("Live numbers"), QKeySequence("Ctrl+R"), self.show_numbers),
            ("simulate", self.tr("Simulate"), None, self.simulate),
            ("results", self.tr("Results"), None, self.show_results),
        ]
        for name, text, shortcut, slot in entries:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(lambda _=False, s=slot: s())
            self.actions_by_name[name] = action
            self.addAction(action)
        for name in ("save", "undo", "redo", "layout", "fit", "zoom_in", "zoom_out", "numbers", "simulate", "results",
                     "publish", "pause"):
            bar.addAction(self.actions_by_name[name])
        self.addAction(undo)
        self.addAction(redo)
        self._update_pause()

    # --- editing ---------------------------------------------------------------------------------

    def add_node(self, kind: str, point: QPointF | None = None) -> str | None:
        """Add a node near `point` (the view's centre by default), in free space: never on top of a card."""
        if point is None:
            point = self.view.mapToScene(self.view.viewport().rect().center())
        return self.view.add_node(kind, self.view.free_spot(point))

    def quick_add(self, point: QPointF) -> QuickAddDialog:
        """The quick-add search at a canvas point (shown window-modal; returned so a test can type in it)."""
        dialog = QuickAddDialog(self.ctx.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda kind: self.add_node(kind, point))
        dialog.open()
        dialog.search.setFocus()
        return dialog

    def rename(self, name: str | None = None) -> bool:
        """Rename the journey from the toolbar's name field (or to `name`); an empty name is refused in words."""
        name = (self.name_edit.text() if name is None else name).strip()
        if name == self.journey.name:
            return False
        if not name:
            self.statusBar().showMessage(self.tr("A journey needs a name."), 6000)
            self.name_edit.setText(self.journey.name)
            return False
        name = name[:self.journey.limits.name_chars]
        self.doc.push(SetJourney(self.doc, "name", name))
        return True

    def open_journey_settings(self) -> JourneySettingsDialog:
        """The 여정 설정 dialog, shown window-modal (returned, so a test can fill it in)."""
        from engine import config
        from storage.models import Journey as JourneyRow

        with self.ctx.db.session() as session:
            days = int(config.get(session, "rules.conversion_days"))
            groups = sorted({str((draft or {}).get("settings", {}).get("exclusion_group") or "")
                             for draft in session.scalars(select(JourneyRow.draft))} - {""})
        dialog = JourneySettingsDialog(self.doc, self.ctx.lang, groups, days, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _heard(self, journey_id: str, field: str, value: str) -> None:
        """A committed change of this journey made elsewhere: take it, so the next save keeps it."""
        if journey_id != self.journey.id:
            return
        if field == "name" and value != self.journey.name:
            self.journey.rename(value)  # the store has it already: not an edit to undo or to save
            self.doc.journey_changed.emit()
            self.statusBar().showMessage(self.tr("Renamed to '%1' on the journeys list.").replace("%1", value), 6000)
        elif field == "status" and value != self.status:
            self.status = value
            self._update_pause()

    def _journey_changed(self) -> None:
        if self.name_edit.text() != self.journey.name:
            self.name_edit.setText(self.journey.name)  # an undo or redo of a rename
        self._title()

    def auto_layout(self) -> None:
        self.doc.push(AutoLayout(self.doc))
        self.view.show_all()

    def _refused(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)
        self.view.setToolTip(text)

    # --- validation, title -------------------------------------------------------------------------

    def _edited(self) -> None:
        self.issues = validate(self.journey, self.context)
        self.problems.show_issues(self.issues, node_labels(self.journey, self.ctx.lang))
        worst: dict[str, str] = {}
        for issue in self.issues:
            if issue.node_id and worst.get(issue.node_id) != "error":
                worst[issue.node_id] = issue.severity
        for node_id, item in self.scene.nodes.items():
            level = worst.get(node_id)
            if item.problem != level:
                item.problem = level
                item.redraw()
        self._title()

    def is_dirty(self) -> bool:
        return not self.doc.undo.isClean()

    def _clean_changed(self, _clean: bool) -> None:
        with contextlib.suppress(RuntimeError):  # torn down: the undo stack is already gone
            self._title()

    def _title(self) -> None:
        star = "*" if self.is_dirty() else ""
        self.setWindowTitle(self.tr("%1%2 — Journey editor").replace("%1", self.journey.name or self.tr("(no name)"))
                            .replace("%2", star))

    # --- saving ---------------------------------------------------------------------------------

    def save(self) -> bool:
        with self.ctx.db.write_session() as session:  # waits its turn behind the runner; "Saved." once stored
            store.save_draft(session, self.journey, self.ctx.clock)
        self.doc.undo.setClean()
        self._drop_autosave()
        self.statusBar().showMessage(self.tr("Saved."), 3000)
        if self.on_saved:
            self.on_saved()
        return True

    def write_autosave(self) -> None:
        if not self.is_dirty():
            return
        path = autosave_path(self.journey.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        store.write_file(self.journey, path)

    def _recover(self, saved_at: object) -> Journey | None:
        """An autosaved draft newer than the saved one (the app crashed or was killed): offer it back."""
        from datetime import UTC, datetime

        path = autosave_path(self.journey.id)
        if not path.exists():
            return None
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        try:
            candidate = store.read_file(path)
        except store.StoreError:
            path.unlink(missing_ok=True)
            return None
        if (isinstance(saved_at, datetime) and stamp <= saved_at) or candidate == self.journey:
            path.unlink(missing_ok=True)
            return None
        answer = QMessageBox.question(
            self, self.tr("Recover changes"),
            self.tr("Changes to '%1' from %2 were not saved (the app closed unexpectedly). Recover them?")
            .replace("%1", candidate.name).replace("%2", stamp.astimezone().strftime("%Y-%m-%d %H:%M")))
        if answer != QMessageBox.StandardButton.Yes:
            path.unlink(missing_ok=True)
            return None
        return candidate

    def _drop_autosave(self) -> None:
        path = autosave_path(self.journey.id)
        path.unlink(missing_ok=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self, self.tr("Unsaved changes"), self.tr("Save the changes to '%1' before closing?")
                .replace("%1", self.journey.name),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                self.save()
            else:
                self._drop_autosave()
        self.autosave.stop()
        store_ = QSettings()
        store_.setValue("editor/geometry", self.saveGeometry())
        store_.setValue("editor/state", self.saveState())
        if self.is_closing_app is False:
            store_.remove("editor/last_journey")  # closed by hand: do not reopen it next time
        super().closeEvent(event)

    # --- publishing ------------------------------------------------------------------------------

    def publish(self, *, confirm: bool = True) -> bool:
        """Publish the draft; `confirm` shows the publish dialog first (what will happen, the runner)."""
        errors = [issue for issue in self.issues if issue.is_error]
        if errors:
            labels = node_labels(self.journey, self.ctx.lang)
            lines = "\n".join(f"• {labels.get(i.node_id or '', '')}: {i.message(self.ctx.lang)}" for i in errors[:12])
            QMessageBox.warning(self, self.tr("Cannot publish yet"),
                                self.tr("Fix these first:") + "\n" + lines)
            return False
        warnings = [issue for issue in self.issues if not issue.is_error]
        if warnings:
            lines = "\n".join(f"• {i.message(self.ctx.lang)}" for i in warnings[:12])
            if QMessageBox.question(self, self.tr("Publish anyway?"), lines) != QMessageBox.StandardButton.Yes:
                return False
        self.save()
        choice = "stay"
        with self.ctx.db.session() as session:
            row = store.find_row(session, self.journey.id)
            if row.live_version is not None:
                old = session.scalar(select(JourneyVersion.graph).where(
                    JourneyVersion.journey_id == row.id, JourneyVersion.version == row.live_version))
                changes = changed_nodes(old or {}, self.journey.to_dict())
                waiting = waiting_by_node(session, row.id)
                choice = self._ask_waiting(changes, waiting)
                if choice is None:
                    return False
        start_runner = False
        estimate = None
        backfill: int | None = None
        in_segment = 0
        if confirm:
            dialog = PublishDialog(self.ctx, self.journey, self)
            self.publish_dialog = dialog
            try:
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return False
                start_runner, estimate = dialog.start_runner, dialog.estimate
                backfill, in_segment = dialog.backfill_daily, dialog.segment_count or 0
            finally:
                self.publish_dialog = None
                dialog.deleteLater()
        try:
            with self.ctx.db.write_session() as session:
                result = publish(session, self.journey.id, self.ctx.clock, on_change=choice,
                                 backfill_daily=backfill)
        except PublishError as exc:
            QMessageBox.warning(self, self.tr("Cannot publish yet"),
                                "\n".join(issue.message(self.ctx.lang) for issue in exc.issues))
            return False
        self.status = "live"
        self._update_pause()
        if start_runner:
            self.start_runner()
        self._published_tail = "" if backfill is None else " " + (
            self.tr("The %1 customers already in the segment enter at most %2 a day.")
            .replace("%1", f"{in_segment:,}").replace("%2", f"{backfill:,}"))
        self._show_published(result.version, estimate, started=start_runner)
        if self.on_saved:
            self.on_saved()
        return True

    def start_runner(self) -> None:
        """Start the runner as the status bar does; the status bar hears of it once it has taken its lease."""
        RunnerControl(self.ctx.db).start()
        bus = self.ctx.bus
        QTimer.singleShot(1500, bus, bus.data_changed.emit)

    def _show_published(self, version: int, estimate: SimulationResult | None, started: bool) -> None:
        """The lasting line under the canvas: what publishing did and whether anything will be sent."""
        head = self._published_head = self.tr("Published (version %1).").replace("%1", str(version))
        running = runner_status(self.ctx.db, self.ctx.clock).state == "running"
        if started:
            text = head + " " + self.tr("The runner is starting: from today it sends as customers enter.")
        elif running:
            text = head + " " + self.tr("The runner is on: from today it sends as customers enter.")
        else:
            text = head + " " + self.tr("The runner is off — it must be on to send.")
        if estimate is not None and (started or running):
            total = sum(estimate.messages.values())
            text += " " + self.tr("First day (replaying the last day): about %1 messages.").replace("%1", f"{total:,}")
        self.publish_text.setText(text + self._published_tail)
        self.publish_start.setVisible(not started and not running)
        self.publish_line.setVisible(True)

    def _start_runner_from_line(self) -> None:
        self.start_runner()
        self.publish_start.setVisible(False)
        self.publish_text.setText(self._published_head + " "
                                  + self.tr("The runner is starting: from today it sends as customers enter.")
                                  + self._published_tail)

    def _ask_waiting(self, changes: dict[str, str], waiting: dict[str, int]) -> str | None:
        """What happens to customers waiting in the old version (only asked when someone waits)."""
        total = sum(waiting.values())
        if not total:
            return "stay"
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Customers in the journey"))
        layout = QVBoxLayout(dialog)
        labels = node_labels(self.journey, self.ctx.lang)
        lines = [self.tr("%1 customers are in this journey now.").replace("%1", f"{total:,}")]
        for node_id, what in sorted(changes.items()):
            lines.append(f"• {labels.get(node_id, node_id)}: {what} — "
                         + self.tr("%1 waiting").replace("%1", str(waiting.get(node_id, 0))))
        layout.addWidget(QLabel("\n".join(lines)))
        group = QButtonGroup(dialog)
        options = [("stay", self.tr("Let them finish on the old version")),
                   ("move", self.tr("Move them to the new version (same step)")),
                   ("exit", self.tr("Take them out of the journey"))]
        for index, (value, text) in enumerate(options):
            radio = QRadioButton(text)
            radio.setProperty("choice", value)
            radio.setChecked(index == 0)
            group.addButton(radio)
            layout.addWidget(radio)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return str(group.checkedButton().property("choice"))

    def toggle_pause(self) -> None:
        if self.status not in {"live", "paused"}:
            return
        with self.ctx.db.write_session() as session:
            row = set_paused(session, self.journey.id, self.ctx.clock, self.status == "live")
        self.status = row.status
        self._update_pause()
        if self.on_saved:
            self.on_saved()

    def _update_pause(self) -> None:
        action = self.actions_by_name.get("pause")
        if action is None:
            return
        action.setEnabled(self.status in {"live", "paused"})
        action.setText(self.tr("Resume") if self.status == "paused" else self.tr("Pause"))

