"""Segments (issue 14): a segment's "Show these customers" opens the customer list filtered to that
segment, says so, and offers to show everyone again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from engine.customers.segments import segment_counts, thresholds
from storage.db import Database
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import NOW, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: the UI tests' setup)
from tests.ui.test_main_window import open_window
from ui.pages.customers import CustomersPage
from ui.pages.segments import SegmentsPage

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop


def test_show_these_customers_opens_the_list_filtered_to_that_segment(qtbot, demo_db: Database) -> None:
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    with demo_db.session() as session:
        counts = segment_counts(session, NOW, thresholds(session))
    window.show_page("segments")
    segments = window.pages["segments"]
    customers = window.pages["customers"]
    assert isinstance(segments, SegmentsPage) and isinstance(customers, CustomersPage)
    for name in ("at_risk", "vip"):
        qtbot.mouseClick(segments.show_buttons[name], Qt.MouseButton.LeftButton)
        assert window.current_page_id() == "customers"
        assert customers.segment.currentData() == name
        assert customers.model.rowCount() == counts[name] < 2000
        assert customers.filter_note.isVisible() and customers.segment.currentText() in customers.filter_note.text()
        assert customers.clear_filter.isVisible()
        window.show_page("segments")
    window.show_page("customers")
    qtbot.mouseClick(customers.clear_filter, Qt.MouseButton.LeftButton)
    assert customers.segment.currentData() == "" and customers.model.rowCount() == 2000
    assert not customers.filter_note.isVisible() and not customers.clear_filter.isVisible()
    assert "이탈 위험" in segments.cards["at_risk"].caption.text()
    assert segments.show_buttons["at_risk"].text() == "고객 보기"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_segments_page_fits_1366_wide_without_a_sideways_scroll(qtbot, demo_db: Database, lang: str) -> None:
    """At 1366×768 every card and RFM tile is whole: the page's content is no wider than its view (the longest
    English group meaning had pushed it past, and cut the right column)."""
    from PySide6.QtWidgets import QScrollArea

    from engine import config

    with demo_db.session() as session:
        config.set_value(session, "ui.language", lang)
    _controller, window = open_window(demo_db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_page("segments")
    qtbot.wait(20)
    scroll = window.pages["segments"].findChild(QScrollArea)
    assert scroll is not None
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    assert not scroll.horizontalScrollBar().isVisible()
