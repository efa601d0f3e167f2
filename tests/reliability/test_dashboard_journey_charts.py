"""Issue 16: the dashboard's "journey results" section. For the chosen journey (at first the one with the most
revenue in the period) a funnel whose bars are `journey results ID`'s numbers for the same span, and the A/B
arms' conversion rates with their 95 % intervals as the engine computes them, with the verdicts; one line when
the journey has no split or nobody was split in the period, and one line when no journey is published. Picking
another journey recomputes on the page's pool, off the UI thread. Screenshots at 1366×768, Korean and English."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPalette

from engine import config, gallery
from engine import journey_store as store
from engine.results.journeys import journey_results
from engine.runtime.publish import publish
from storage.db import Database
from tests.conftest import ROOT
from tests.reliability.test_dashboard import dashboard
from tests.reliability.test_journey_results_gui import _live_winback
from tests.runtime.shop import Shop
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import ARTIFACTS, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse)
from ui.app import Controller, make_application
from ui.pages.dashboard import DashboardPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db


def _shop_with_journeys(shop: Shop) -> tuple[str, str]:
    """The live win-back journey (A/B with a holdout, orders with its coupons) and a first-order journey
    with no split, published the same morning."""
    plain = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매 감사")
    with shop.db.session() as session:
        store.save_draft(session, plain, shop.clock)
        publish(session, plain.id, shop.clock)
    winback = _live_winback(shop)
    return winback, plain.id


def _open(qtbot, shop: Shop, lang: str, theme: str = "light"):
    with shop.db.session() as session:
        config.set_value(session, "ui.language", lang)
        config.set_value(session, "ui.theme", theme)
    controller = Controller(make_application(), shop.db, shop.clock)
    window = controller.build()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_page("dashboard")
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    settle(qtbot, page)
    return controller, window, page


def settle(qtbot, page: DashboardPage) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=60_000)
    assert page.data is not None and page.journey_figures is not None


def _scroll_to_section(qtbot, page: DashboardPage) -> None:
    qtbot.wait(60)  # the page's new height reaches the scroll bar's range
    bar = page.scroll.verticalScrollBar()
    top = page.journeys.mapTo(page.content, page.journeys.rect().topLeft()).y() - 4
    qtbot.waitUntil(lambda: bar.maximum() >= top, timeout=5_000)
    bar.setValue(top)
    qtbot.wait(60)
    assert page.journeys.mapTo(page.scroll.viewport(), page.journeys.rect().topLeft()).y() >= -8


def assert_shows(page: DashboardPage, db: Database, journey_id: str, end, days: int, lang: str) -> None:
    """The funnel and the A/B chart show engine.results.journeys' figures for that journey and span."""
    with db.session() as session:
        expected = journey_results(session, journey_id, end, days=days)
    box = page.journeys
    section = page.journey_figures.section
    assert section.chosen == journey_id and box.chooser.currentData() == journey_id
    assert section.results == expected
    counts = [expected.funnel.entered, expected.messages.reached, expected.attribution.conversions]
    assert [count for _name, _color, count in box.funnel_steps(expected)] == counts
    labels = [text.toPlainText().strip() for text in box.funnel.texts]
    first = counts[0]
    for label, count in zip(labels, counts, strict=True):
        assert label.startswith(f"{count:,} ("), labels
        if first:
            assert f"{count * 100 / first:.0f}%" in label or f"{count * 100 / first:.1f}%" in label, labels
    assert box.funnel.labels[0] == ("들어온 고객" if lang == "ko" else "Entered")
    shown_arms = box.arms(expected)
    if not shown_arms:
        assert not box.ab_chart.isVisibleTo(page) and box.no_split.isVisibleTo(page)
        return
    assert box.ab_chart.isVisibleTo(page) and not box.no_split.isVisibleTo(page)
    engine_arms = [arm for test in expected.ab_tests for arm in (test.a, test.b)] + \
        [lift.holdout for lift in expected.lifts]
    assert sorted(arm.name for arm in shown_arms) == sorted(arm.name for arm in engine_arms)
    errors = [item for item in box.ab_chart.item.items if type(item).__name__ == "ErrorBarItem"]
    assert len(errors) == 1
    opts = errors[0].opts
    for index, arm in enumerate(shown_arms):
        interval = arm.interval
        assert interval is not None
        assert opts["y"][index] == pytest.approx(arm.rate)
        assert opts["y"][index] + opts["top"][index] == pytest.approx(interval.high)
        assert opts["y"][index] - opts["bottom"][index] == pytest.approx(interval.low)
        hover = box.ab_chart.hover_text(index)
        assert f"{arm.customers:,}" in hover and f"{arm.conversions:,}" in hover
        assert f"{arm.rate * 100:.1f}%" in hover
        assert f"{interval.low * 100:.1f}%" in hover and f"{interval.high * 100:.1f}%" in hover
    assert box.ab_chart.labels == [("비교군" if arm.name == "holdout" else arm.name.upper()) if lang == "ko" else
                                   ("Holdout" if arm.name == "holdout" else arm.name.upper()) for arm in shown_arms]
    sentences = [test.sentence(lang) for test in expected.ab_tests] + [lift.sentence(lang) for lift in expected.lifts]
    assert box.verdicts.text() == "\n".join(f"• {text}" for text in sentences)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_funnel_and_ab_are_the_engines_and_a_pick_recomputes_off_the_ui_thread(qtbot, shop: Shop,
                                                                                lang: str) -> None:
    winback, plain = _shop_with_journeys(shop)
    _controller, window, page = _open(qtbot, shop, lang)
    now = shop.clock.now()
    box = page.journeys
    # the default: the journey with the most revenue in the last 30 days (the win-back's coupon orders)
    assert [box.chooser.itemData(i) for i in range(box.chooser.count())] == sorted(
        [winback, plain], key=lambda jid: box.chooser.itemText(box.chooser.findData(jid)))
    assert page.journey_figures.section.results.attribution.revenue > 0
    assert page.journey_figures.computed_on != threading.get_ident()
    assert_shows(page, shop.db, winback, now, 30, lang)
    assert box.arms(page.journey_figures.section.results), "the live run must place customers in A, B and holdout"
    chart = box.ab_chart  # hovering over B puts the cursor on it
    _scroll_to_section(qtbot, page)
    chart._hover(chart.item.getViewBox().mapViewToScene(QPointF(1.1, 0.01)))
    assert chart.cursor.isVisible() and chart.cursor.value() == 1
    funnel = box.funnel
    funnel._hover(funnel.item.getViewBox().mapViewToScene(QPointF(1.0, 2.1)))
    assert funnel.cursor.isVisible() and funnel.cursor.value() == 2
    assert window.grab().save(str(ARTIFACTS / f"dashboard-journeys-{lang}.png"))
    if lang == "ko":
        assert box.chooser_label.text() == "여정" and "여정 성과" in [label.text() for label in
                                                                   box.findChildren(type(box.chooser_label))]
        assert "전환율" in chart.hover_text(0) and "95% 구간" in chart.hover_text(0)
        # the same numbers as the command line's, for the same span
        cli = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(shop.folder / "shop.db"), "--now",
                              now.isoformat(), "journey", "results", winback, "--days", "30", "--json"],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert cli.returncode == 0, cli.stderr
        figures = json.loads(cli.stdout)
        steps = [count for _name, _color, count in box.funnel_steps(page.journey_figures.section.results)]
        assert steps == [figures["funnel"]["entered"], figures["messages"]["reached"],
                         figures["attribution"]["conversions"]]
        cli_arms = {arm["arm"]: arm for test in figures["ab_tests"] for arm in (test["a"], test["b"])} | \
            {lift["holdout"]["arm"]: lift["holdout"] for lift in figures["holdout"]}
        for arm in box.arms(page.journey_figures.section.results):
            interval = arm.interval
            assert interval is not None
            assert cli_arms[arm.name]["interval_95"] == pytest.approx([interval.low, interval.high])

    # another journey: the pick returns at once, the section follows from the pool
    started = time.perf_counter()
    box.choose(plain)
    returned = time.perf_counter() - started
    assert returned < 0.1, returned
    assert page.is_busy()
    settle(qtbot, page)
    assert page.journey_figures.computed_on != threading.get_ident()
    assert_shows(page, shop.db, plain, now, 30, lang)
    assert box.no_split.text() == ("이 여정에는 A/B 테스트가 없습니다: 두 메시지를 비교하려면 A/B 테스트 단계를 넣으세요."
                                   if lang == "ko" else
                                   "This journey has no A/B split: add an A/B split step to compare two messages.")
    # the pick stays through a refresh (a sync); a past month is that month, and a split nobody entered says so
    page.set_period("last_month")
    settle(qtbot, page)
    assert box.chooser.currentData() == plain
    end = page.journey_figures.section.end
    assert end < now and page.journey_figures.section.days == 28
    assert_shows(page, shop.db, plain, end, 28, lang)
    box.choose(winback)
    settle(qtbot, page)
    assert_shows(page, shop.db, winback, end, 28, lang)
    assert page.journey_figures.section.results.funnel.entered == 0  # it went live on 2026-03-02
    assert box.no_split.text() == ("이 기간에는 아직 A/B로 나뉜 고객이 없습니다." if lang == "ko" else
                                   "No customers were split into A and B in this period yet.")
    window.close()
    page.wait_idle()


def contrast(one, other) -> float:
    """WCAG 2 contrast ratio of two QColors."""
    def luminance(color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_dark_theme_screenshot(qtbot, shop: Shop) -> None:
    _shop_with_journeys(shop)
    controller, window, page = _open(qtbot, shop, "ko", "dark")
    _scroll_to_section(qtbot, page)
    assert window.grab().save(str(ARTIFACTS / "dashboard-journeys-ko-dark.png"))
    palette = page.palette()
    text = page.journeys.funnel.texts[0].textItem.defaultTextColor().name()
    assert text == palette.color(QPalette.ColorRole.Text).name()  # the value labels follow the theme
    # a link (the no-journey line's "template gallery") stands out from the dark window
    link, window_color = palette.color(QPalette.ColorRole.Link), palette.color(QPalette.ColorRole.Window)
    assert contrast(link, window_color) >= 3.0, (link.name(), window_color.name())
    controller.set_theme("light")
    window.close()
    page.wait_idle()


def test_no_published_journey_says_what_to_do(qtbot, demo_db: Database) -> None:
    window, page = dashboard(qtbot, demo_db)
    settle(qtbot, page)
    box = page.journeys
    assert page.journey_figures.section.choices == ()
    assert box.empty.isVisibleTo(page) and not box.charts.isVisibleTo(page) and not box.chooser.isVisibleTo(page)
    assert "게시된 여정이 없습니다" in box.empty.text() and "템플릿 갤러리" in box.empty.text()
    box.empty.linkActivated.emit("page:gallery")
    assert window.current_page_id() == "gallery"
    window.close()
    page.wait_idle()


def test_the_section_span_is_the_cli_span(qtbot) -> None:
    """A period ending today runs up to now (`--days N`); one that ended runs up to the end of its last day."""
    from zoneinfo import ZoneInfo

    from engine.results.journey_section import span
    from engine.results.kpis import Period
    from tests.ui.conftest import NOW

    zone = ZoneInfo("Asia/Seoul")
    assert span(Period(date(2026, 2, 1), date(2026, 3, 2)), zone, NOW) == (NOW, 30)
    end, days = span(Period(date(2026, 2, 1), date(2026, 2, 28)), zone, NOW)
    assert days == 28 and end.astimezone(zone).isoformat() == "2026-03-01T00:00:00+09:00"
    assert end - timedelta(days=days) == Period(date(2026, 2, 1), date(2026, 2, 28)).bounds(zone)[0]


def test_a_journey_that_cannot_be_worked_out_leaves_the_shops_figures(qtbot, demo_db: Database) -> None:
    from sqlalchemy import text

    from engine.clock import FixedClock
    from tests.ui.conftest import NOW

    journey = gallery.instantiate(gallery.template("first_order_coupon"), name="첫 구매 감사")
    with demo_db.session() as session:
        store.save_draft(session, journey, FixedClock(NOW))
        publish(session, journey.id, FixedClock(NOW))
        # an old version's graph damaged (the live one, which sending reads, is whole)
        session.execute(text("INSERT INTO journey_versions (journey_id, version, graph, published_at, note) "
                             "VALUES (:id, 0, '\"not a graph\"', '2026-01-01 00:00:00.000000', '')"),
                        {"id": journey.id})
    window, page = dashboard(qtbot, demo_db)  # waits for the figures: the KPIs are computed
    assert page.cards["revenue"].value.text().endswith("원")
    assert "계산하지 못했습니다" not in page.period_note.text()
    assert "계산하지 못했습니다" in page.journeys.span_note.text()
    window.close()
    page.wait_idle()
