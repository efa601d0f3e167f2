"""Gallery thumbnails of long journeys stay readable (issue 14, finding 4): the first steps at a readable scale,
the whole flow in a small map below."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QApplication

from engine.journey import Journey
from storage.db import Database
from tests.ui.conftest import ARTIFACTS, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: UI setup)
from tests.ui.test_main_window import open_page
from ui.pages.gallery import GalleryPage, flow_thumbnail

READABLE_PX = 9  # a card title's height in the picture, in pixels


def ten_steps() -> dict:
    journey = Journey(name="열 단계")
    previous = journey.add_node("trigger.signed_up").id
    for index in range(8):
        if index % 2:
            node = journey.add_node("wait.duration", {"duration": 60 * 24})
        else:
            node = journey.add_node("message.sms", {"body": f"{index + 1}번째 안내입니다", "is_ad": False})
        journey.connect(previous, "out", node.id)
        previous = node.id
    end = journey.add_node("exit")
    journey.connect(previous, "out", end.id)
    assert len(journey.nodes) == 10
    return journey.to_dict()


def title_px(scale: float) -> float:
    font = QFont(QApplication.font())
    font.setPointSizeF(9.5)  # the card title's size on the canvas (ui/editor/items.py)
    return QFontInfo(font).pixelSize() * scale


def test_a_ten_step_thumbnail_shows_its_first_steps_readable_and_the_rest_in_a_map(qtbot) -> None:
    thumbnail = flow_thumbnail(ten_steps(), "ko", ratio=1.0)
    assert thumbnail.columns == 10 and 3 <= thumbnail.shown_columns <= 4
    assert title_px(thumbnail.scale) >= READABLE_PX, thumbnail.scale
    assert thumbnail.minimap is not None and thumbnail.minimap.bottom() <= thumbnail.pixmap.height()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert thumbnail.pixmap.save(str(ARTIFACTS / "gallery-thumbnail-10-steps.png"))
    short = flow_thumbnail(Journey(name="짧음").to_dict() | {"nodes": ten_steps()["nodes"][:1], "edges": []}, "ko",
                           ratio=1.0)
    assert short.minimap is None and title_px(short.scale) >= READABLE_PX  # a short one is shown whole


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_gallery_page(qtbot, demo_db: Database, lang: str) -> None:
    from engine import config

    with demo_db.session() as session:
        config.set_value(session, "ui.language", lang)
    window, page = open_page(qtbot, demo_db, "gallery")
    assert isinstance(page, GalleryPage)
    winback = page.thumbnails["winback_90d"]  # ten steps with an A/B split
    assert winback.minimap is not None and title_px(winback.scale) >= READABLE_PX
    for thumbnail in page.thumbnails.values():
        assert title_px(thumbnail.scale) >= READABLE_PX
    qtbot.wait(20)
    assert window.grab().save(str(ARTIFACTS / f"gallery-{lang}.png"))


from tests.ui import conftest as ui_fixtures  # noqa: E402

demo_file, demo_db = ui_fixtures.demo_file, ui_fixtures.demo_db  # the UI tests' demo shop
