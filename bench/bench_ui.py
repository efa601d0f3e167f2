"""The canvas and the main window (issue #5): loading 300 nodes / 400 edges, a frame while panning
and zooming, the app's start to a usable window, and opening the customers table at 200,000 rows."""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


def _big_journey(nodes: int = 300, edges: int = 400, seed: int = 1):
    from engine.journey import Journey, JourneyError, apply_layout

    rng = random.Random(seed)
    journey = Journey(name="벤치")
    ids = [journey.add_node("trigger.signed_up").id]
    kinds = ["wait.duration", "condition", "message.sms", "action.tag", "split.random", "wait.event"]
    for _ in range(nodes - 1):
        ids.append(journey.add_node(rng.choice(kinds)).id)
    from engine.journey import node_type

    tries = 0
    while len(journey.edges) < edges and tries < 50_000:
        tries += 1
        a, b = sorted(rng.sample(range(len(ids)), 2))
        outputs = node_type(journey.nodes[ids[a]].kind).output_names()
        if not outputs:
            continue
        with contextlib.suppress(JourneyError):
            journey.connect(ids[a], rng.choice(outputs), ids[b])
    apply_layout(journey)
    return journey


def canvas_figures() -> dict[str, float]:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from ui.editor.document import JourneyDocument
    from ui.editor.scene import JourneyScene
    from ui.editor.view import JourneyView

    app = QApplication.instance() or QApplication([])
    journey = _big_journey()
    start = time.perf_counter()
    doc = JourneyDocument(journey)
    scene = JourneyScene(doc)
    view = JourneyView(scene)
    view.resize(1366, 768)
    view.show()
    view.fit_all()
    app.processEvents()
    view.viewport().grab()
    load_ms = (time.perf_counter() - start) * 1000
    frames = []
    for step in range(40):
        started = time.perf_counter()
        if step % 3 == 0:
            view.zoom_by(1.1 if step % 2 else 1 / 1.1)
        elif step % 3 == 1:
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 25)
        else:
            item = next(iter(scene.nodes.values()))
            item.setPos(item.pos() + QPointF(20, 0))
        view.viewport().repaint()
        frames.append((time.perf_counter() - started) * 1000)
    view.close()
    return {"canvas_load_300_nodes_ms": round(load_ms, 1), "canvas_frame_ms": round(statistics.median(frames), 2),
            "canvas_edges": len(journey.edges)}


def app_start_figure(folder: Path) -> dict[str, float]:
    """`main.py --demo` to a usable window (the demo shop already made), measured in a fresh process."""
    env = {**os.environ, "DANGOL_HOME": str(folder), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(folder / "demo.db"), "demo"], check=True,
                   env=env, capture_output=True)
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "def first_frame(self=None):\n"
        "    app = QApplication.instance()\n"
        "    app.processEvents()\n"
        "    for widget in app.topLevelWidgets():\n"
        "        widget.grab()\n"
        "    return 0\n"
        "QApplication.exec = first_frame\n"
        "import main\n"
        "sys.exit(main.main(['--db', sys.argv[1]]))\n"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", probe, str(folder / "demo.db")], env=env, capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    total = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return {"app_start_s": round(total, 2)}


def customers_figure(folder: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT / "bench"))
    from runtime_setup import NOW, make_customers

    from engine.clock import FixedClock
    from storage.db import open_database
    from ui.context import AppContext, Bus
    from ui.pages.customers import CustomersPage

    path = folder / "big.db"
    make_customers(path, 200_000)
    app = QApplication.instance() or QApplication([])
    db = open_database(path)
    start = time.perf_counter()
    page = CustomersPage(AppContext(db, FixedClock(NOW), "ko", Bus()))
    page.resize(1366, 768)
    page.show()
    app.processEvents()
    page.table.viewport().grab()
    elapsed = (time.perf_counter() - start) * 1000
    rows = page.model.rowCount()
    page.close()
    db.close()
    assert rows == 200_000, rows
    return {"customers_table_200k_open_ms": round(elapsed, 1)}


def dashboard_figure(folder: Path) -> dict[str, float]:
    """The dashboard on the demo shop (made by app_start_figure): from showing the page to its figures and
    charts painted (the default period, the last 30 days), and the longest the UI thread went without a
    10 ms timer tick meanwhile (the computing is on a worker thread)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from engine.clock import SystemClock
    from storage.db import open_database
    from ui.context import AppContext, Bus
    from ui.pages.dashboard import DashboardPage

    app = QApplication.instance() or QApplication([])
    db = open_database(folder / "demo.db")
    page = DashboardPage(AppContext(db, SystemClock(), "ko", Bus(), is_demo=True))
    page.resize(1176, 728)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    page.computed.connect(loop.quit)
    timer.start()
    start = time.perf_counter()
    page.show()
    page.refresh()
    loop.exec()
    app.processEvents()
    page.grab()
    elapsed = (time.perf_counter() - start) * 1000
    timer.stop()
    gaps = [b - a for a, b in zip([start, *ticks], ticks, strict=False)]
    page.close()
    page.wait_idle()
    db.close()
    return {"dashboard_open_ms": round(elapsed, 1),
            "dashboard_ui_longest_stall_ms": round(max(gaps, default=0) * 1000, 1)}


def run() -> dict[str, float]:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    folder = Path(tempfile.mkdtemp(prefix="dangol-bench-ui-"))
    os.environ["DANGOL_HOME"] = str(folder)
    figures = canvas_figures()
    figures.update(app_start_figure(folder))
    figures.update(dashboard_figure(folder))
    figures.update(customers_figure(folder))
    return figures
