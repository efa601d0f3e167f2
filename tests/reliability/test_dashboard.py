"""The dashboard (issue 16): its figures are engine.results' (the same as `main.py report`), worked out off the
UI thread for the period the owner chooses, refreshed after an import or a sync, and exported as PDF and CSV
(formula-like cells neutralised)."""

from __future__ import annotations

import csv
import itertools
import random
import re
import sqlite3
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QTimer
from PySide6.QtGui import QImage

from engine.results.kpis import FIGURES, build_report
from engine.results.render import show
from engine.results.series import build_series, preset_period
from storage.db import Database
from storage.models import Customer, Order
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from tests.ui.test_main_window import open_window
from ui.pages.dashboard import DashboardPage

demo_file, demo_db, artifacts = ui_fixtures.demo_file, ui_fixtures.demo_db, ui_fixtures.artifacts
TODAY = date(2026, 3, 2)  # NOW (01:00 UTC) in Seoul


def dashboard(qtbot, db: Database):
    _controller, window = open_window(db)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dashboard")
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    settle(qtbot, page)
    return window, page


def settle(qtbot, page: DashboardPage) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=60_000)
    assert page.data is not None


def assert_cards_show(page: DashboardPage, db: Database, first: date, last: date) -> None:
    report = build_report(db, preset_period("custom", TODAY, first, last))
    assert page.data is not None and page.data.period == report.current.period
    for figure in FIGURES:
        assert page.cards[figure.key].value.text() == show(report.current.value(figure.key), figure.unit, "ko"), \
            figure.key
        assert page.cards[figure.key].toolTip() == figure.tip_ko  # the definition, docs/metrics.md's words
    series = build_series(db, report.current.period)
    assert page.data.series == series
    assert sum(bucket.revenue for bucket in series.buckets) == report.current.revenue
    assert sum(bucket.new_revenue for bucket in series.buckets) == report.current.new_revenue
    assert sum(bucket.returning_revenue for bucket in series.buckets) == report.current.returning_revenue
    assert page.data.report.cohorts == report.cohorts
    cohorts = report.cohorts
    assert page.cohorts.rowCount() == len(cohorts.months)
    rate = cohorts.rate(0, 1)
    assert rate is not None and page.cohorts.item(0, 2).text() == f"{rate * 100:.0f}%"


def test_figures_are_the_reports_and_the_period_chooser_changes_them(qtbot, demo_db: Database) -> None:
    _window, page = dashboard(qtbot, demo_db)
    assert page.period.currentData() == "last30"
    assert_cards_show(page, demo_db, TODAY - timedelta(days=29), TODAY)
    revenue_30 = page.cards["revenue"].value.text()
    assert revenue_30.endswith("원")
    note = page.cards["revenue"].note.text()
    assert note.startswith(("▲", "▼")) and "이전:" in note and "%" in note
    page.set_period("last7")
    settle(qtbot, page)
    assert_cards_show(page, demo_db, TODAY - timedelta(days=6), TODAY)
    assert page.cards["revenue"].value.text() != revenue_30
    page.set_period("last_month")
    settle(qtbot, page)
    assert_cards_show(page, demo_db, date(2026, 2, 1), date(2026, 2, 28))
    page.set_period("custom", date(2025, 10, 1), date(2026, 1, 31))
    settle(qtbot, page)
    assert page.first_day.isVisible() and page.last_day.isVisible()
    assert_cards_show(page, demo_db, date(2025, 10, 1), date(2026, 1, 31))
    assert page.data is not None and page.data.series.grain == "week"  # "auto": weeks for four months
    page.grain.setCurrentIndex(page.grain.findData("month"))
    settle(qtbot, page)
    assert [bucket.label for bucket in page.data.series.buckets] == ["2025-10", "2025-11", "2025-12", "2026-01"]
    assert "2025-11" in page.revenue_chart.hover_text(1) and "원" in page.revenue_chart.hover_text(1)
    chart = page.revenue_chart  # hovering over the second month puts the cursor on it
    page.scroll.ensureWidgetVisible(chart)
    qtbot.wait(20)
    chart._hover(chart.item.getViewBox().mapViewToScene(QPointF(1.1, 1.0)))
    assert chart.cursor.isVisible() and chart.cursor.value() == 1
    # an impossible custom range says so and keeps the last figures
    page.set_period("custom", date(2026, 2, 1), date(2026, 1, 1))
    settle(qtbot, page)
    assert "계산하지 못했습니다" in page.period_note.text()
    assert page.data.series.buckets[0].label == "2025-10"


def test_an_import_or_a_sync_refreshes_the_figures(qtbot, demo_db: Database) -> None:
    window, page = dashboard(qtbot, demo_db)
    before = page.data.report.current.revenue if page.data else 0
    with demo_db.session() as session:
        customer = session.query(Customer).order_by(Customer.id).first()
        assert customer is not None
        session.add(Order(source="test", external_id="dash-1", customer_id=customer.id, status="paid",
                          amount=1_234_000, ordered_at=NOW - timedelta(hours=2)))
        session.commit()
    window.ctx.bus.data_changed.emit()  # what the import dialog and the connections window send after writing
    qtbot.waitUntil(lambda: page.data is not None and page.data.report.current.revenue == before + 1_234_000,
                    timeout=60_000)
    assert_cards_show(page, demo_db, TODAY - timedelta(days=29), TODAY)
    # two requests in a row: the older one's figures never replace the newer's (stale-result guard)
    page.set_period("last90")
    page.set_period("last7")
    settle(qtbot, page)
    qtbot.wait(200)
    assert page.data is not None and page.data.period.days == 7


def grow(path: Path, orders: int) -> None:
    """Many more counted orders for the demo shop's customers (bare sqlite3: fast)."""
    rng = random.Random(3)
    con = sqlite3.connect(path)
    ids = [row[0] for row in con.execute("SELECT id FROM customers")]
    stamp = "2026-03-02 00:00:00.000000"
    con.executemany(
        "INSERT INTO orders (source, external_id, customer_id, status, amount, discount, ordered_at, created_at,"
        " updated_at) VALUES ('bulk', ?, ?, 'paid', ?, 0, ?, ?, ?)",
        ((f"b{i}", rng.choice(ids), rng.randint(5, 200) * 1000,
          f"{(NOW - timedelta(minutes=rng.randint(1, 700 * 24 * 60))).replace(tzinfo=None)}.000000"[:26],
          stamp, stamp) for i in range(orders)))
    con.commit()
    con.close()


def test_the_figures_are_worked_out_off_the_ui_thread(qtbot, demo_file: Path, tmp_path: Path) -> None:
    from storage.db import open_database

    path = tmp_path / "big.db"
    path.write_bytes(demo_file.read_bytes())
    grow(path, 150_000)
    db = open_database(path)
    try:
        window, page = dashboard(qtbot, db)
        assert page.data is not None and page.data.computed_on != threading.get_ident()
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        started = time.perf_counter()
        page.set_period("last90")  # returns at once; the figures follow
        returned = time.perf_counter() - started
        settle(qtbot, page)
        took = time.perf_counter() - started
        timer.stop()
        assert returned < 0.1, returned
        assert took > 0.1  # long enough for the ticks to mean something
        during = [tick for tick in ticks if tick <= started + took]
        assert len(during) >= max(3, took / 0.010 * 0.3), (len(during), took)  # the UI thread kept ticking
        gaps = [b - a for a, b in zip([started, *during], during, strict=False)]
        assert max(gaps) < max(0.25, took / 2), (max(gaps), took)
        assert page.data is not None and page.data.computed_on != threading.get_ident()
        assert page.data.period.days == 90
        window.close()
        page.wait_idle()
    finally:
        db.close()


def test_pdf_export_is_a_real_pdf_of_what_is_shown(qtbot, demo_db: Database, tmp_path: Path,
                                                   artifacts: Path) -> None:
    _window, page = dashboard(qtbot, demo_db)
    image = page.print_image()
    assert image.save(str(artifacts / "dashboard-report-print.png"))
    assert image.width() >= 2000 and image.height() > image.width()  # cards, four charts and the cohorts
    shown = QImage(str(artifacts / "dashboard-report-print.png"))
    assert not shown.isNull() and shown.size() == image.size()
    pdf = tmp_path / "report.pdf"
    pages = page.export_pdf(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 50_000
    assert pages >= 1 and data.count(b"/Type /Page\n") + data.count(b"/Type /Page\r") + data.count(
        b"/Type /Page ") + data.count(b"/Type /Page/") >= pages
    assert b"/Title" in data


def test_the_pdf_is_text_not_a_picture_and_no_page_cuts_a_card_or_chart(qtbot, demo_db: Database,
                                                                        tmp_path: Path) -> None:
    """Drawn as vectors: the words are in the file as text (a search finds 매출), and each page ends between
    widgets."""
    from pypdf import PdfReader

    from ui.pages.dashboard import page_slices

    _window, page = dashboard(qtbot, demo_db)
    pdf = tmp_path / "report.pdf"
    pages = page.export_pdf(pdf)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == pages >= 2
    text = "\n".join(sheet.extract_text() for sheet in reader.pages)
    # the words, the phrases and the figures copy out as they read (ui/pdf_text.py, dashboard._shaped_for_pdf)
    for word in ("단골여정 리포트", "매출", "재구매율", "코호트", "세그먼트", "재구매 고객 매출", "구매 간격(일)"):
        assert word in text, word
    assert re.search(r"\d{4}-\d{2}-\d{2} ~ \d{4}-\d{2}-\d{2}", text), text[:200]  # the period, with its dashes
    assert re.search(r"\d{1,3}(,\d{3})+원", text)  # amounts with their commas
    assert not re.findall(r"[\x00-\x08\x0b-\x1f]", text) and "\t" not in text  # no glyph numbers, no tabs
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QWidget

    left = [widget for widget in page.content.findChildren(QWidget)  # the screen's fonts are put back
            if QFont.Tag("locl") in widget.font().featureTags()]
    assert not left
    assert all(sheet.extract_text().strip() for sheet in reader.pages)  # no blank page
    # not a picture of each page (as the PDF was before): the few pictures in it are a chart's small parts
    widths = [int(picture.get_object()["/Width"]) for sheet in reader.pages
              for picture in (sheet["/Resources"].get("/XObject") or {}).values()
              if picture.get_object().get("/Subtype") == "/Image"]
    assert max(widths, default=0) < 1000, widths

    with page._laid_out_for_print() as content:
        height = content.height() / 2.5
        slices = page_slices(content, height)
        assert slices[0][0] == 0 and slices[-1][1] == content.height()
        assert all(a[1] == b[0] for a, b in itertools.pairwise(slices))  # nothing left out
        for widget in (page.revenue_chart, page.mix_chart, page.segment_chart, page.cohorts, *page.cards.values()):
            top = widget.mapTo(content, QPoint(0, 0)).y()
            assert any(start <= top and top + widget.height() <= end for start, end in slices), widget


def test_page_slices_cut_a_widget_taller_than_a_page_only_where_it_must(qtbot) -> None:
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from ui.pages.dashboard import page_slices

    content = QWidget()
    layout = QVBoxLayout(content)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for height in (300, 300, 900, 100):
        box = QWidget()
        box.setFixedHeight(height)
        layout.addWidget(box)
    content.resize(400, 1600)
    content.show()
    qtbot.waitExposed(content)
    # the 900-high box is cut at the page height; the pages around it end between boxes
    assert page_slices(content, 700) == [(0, 600), (600, 1300), (1300, 1600)]
    assert page_slices(content, 1000) == [(0, 600), (600, 1600)]


def test_csv_export_is_the_reports_csv_with_formulas_neutralised(qtbot, demo_db: Database, tmp_path: Path) -> None:
    start = NOW - timedelta(days=3)
    with demo_db.session() as session:
        planted = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1)", "@cmd", "-1+2"]
        for index, grade in enumerate(planted):
            customer = Customer(source="test", external_id=f"g{index}", name="테스트", grade=grade)
            session.add(customer)
            session.flush()
            session.add(Order(source="test", external_id=f"g{index}", customer_id=customer.id, status="paid",
                              amount=10_000, ordered_at=start))
        session.commit()
    _window, page = dashboard(qtbot, demo_db)
    out = tmp_path / "report.csv"
    page.export_csv(out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Korean right
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    cells = [cell for row in rows for cell in row]
    for grade in planted:
        assert "'" + grade in cells, grade
    for cell in cells:
        if cell[:1] in ("=", "+", "@", "\t", "\r"):
            raise AssertionError(f"not neutralised: {cell!r}")
        if cell.startswith("-"):
            float(cell)  # only negative numbers start with a minus
    assert rows[0] == ["section", "key", "label", "current", "previous", "change_percent", "arrow"]
    assert ["kpi", "revenue", "매출", str(page.data.report.current.revenue)] == rows[3][:4]
    assert ["bucket", "first_day", "orders", "revenue", "new_revenue", "returning_revenue", "guest_revenue"] in rows
    assert any(row and row[0] == "segment_month" for row in rows)


def test_screenshots_at_1366x768_in_korean_and_english_light_and_dark(qtbot, demo_db: Database,
                                                                       artifacts: Path) -> None:
    from engine import config

    for lang in ("ko", "en"):
        for theme in ("light", "dark"):
            with demo_db.session() as session:
                config.set_value(session, "ui.language", lang)
                config.set_value(session, "ui.theme", theme)
                session.commit()
            window, page = dashboard(qtbot, demo_db)
            window.resize(1366, 768)
            qtbot.wait(50)
            name = f"dashboard-{lang}-{theme}"
            assert window.grab().save(str(artifacts / f"{name}.png"))
            page.set_period("custom", date(2025, 12, 1), TODAY)  # the widest header: two dates shown
            settle(qtbot, page)
            page.scroll.verticalScrollBar().setValue(page.scroll.verticalScrollBar().maximum())
            qtbot.wait(50)
            assert window.grab().save(str(artifacts / f"{name}-scrolled.png"))
            # nothing cut off: the header's controls inside the page, every card's figure and note fit their card
            right = page.csv_button.mapTo(page, page.csv_button.rect().topRight()).x()
            assert right <= page.width(), (name, right, page.width())
            for key, card in page.cards.items():
                for label in (card.value, card.note, card.caption):
                    assert label.width() >= min(label.sizeHint().width(), label.maximumWidth()) or \
                        label.wordWrap(), (name, key, label.text())
            assert page.revenue_chart.plot.height() >= 220 and page.cohorts.height() >= 220
            header = page.cohorts.horizontalHeader()
            assert header.sectionViewportPosition(header.count() - 1) + header.sectionSize(header.count() - 1) \
                <= page.cohorts.viewport().width() + 1  # the last month column is on screen
            revenue = page.cards["revenue"].value.text()
            if lang == "ko":
                assert revenue.endswith("원") and page.cards["revenue"].caption.text() == "매출"
                assert page.pdf_button.text() == "PDF로 내보내기…"
                assert "원" in page.revenue_chart.item.getAxis("left").tickStrings([100_000], 1, 1)[0]
            else:
                assert revenue.startswith("₩") and page.cards["revenue"].caption.text() == "Revenue"
                assert page.pdf_button.text() == "Export PDF…"
            window.close()
            page.wait_idle()


def test_an_empty_shop_and_a_theme_switch(qtbot, tmp_path: Path) -> None:
    from PySide6.QtGui import QPalette

    from storage.db import open_database

    db = open_database(tmp_path / "empty.db")
    try:
        controller, window = open_window(db, is_demo=False)
        qtbot.addWidget(window)
        window.show()
        window.show_page("dashboard")
        page = window.pages["dashboard"]
        assert isinstance(page, DashboardPage)
        settle(qtbot, page)
        assert page.cards["revenue"].value.text() == "0원"
        assert page.cards["clv"].value.text() == "—"
        assert page.cohorts.rowCount() == 12 and page.cohorts.item(0, 1).text() == ""
        light = page.revenue_chart.plot.backgroundBrush().color().name()
        controller.set_theme("dark")
        qtbot.wait(50)
        dark = page.revenue_chart.plot.backgroundBrush().color().name()
        assert light != dark and dark == page.palette().color(QPalette.ColorRole.Base).name()
        controller.set_theme("light")
        window.close()
        page.wait_idle()
    finally:
        db.close()
