"""The owner is told when a coupon pool a live journey takes from runs low or empty (the status bar, in
Korean), and the codes imported from the window's coupon import make the notice go and the held message go."""

from __future__ import annotations

from pathlib import Path

from engine import config
from engine.coupons import import_pool
from tests.reliability.test_coupon_sources import coupon_journey, export_file
from tests.runtime.conftest import demo_template, shop
from tests.runtime.shop import Shop
from tests.ui.conftest import ARTIFACTS, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: UI setup)
from tests.ui.test_main_window import open_window

__all__ = ["demo_template", "shop"]


def test_low_and_empty_pool_notices_and_the_import(qtbot, shop: Shop, tmp_path: Path) -> None:
    with shop.db.session() as session:
        config.set_value(session, "ui.language", "ko")
    coupon_journey(shop, code_source="pool", pool="봄맞이")
    customer = shop.signup("2026-03-02 10:00")
    shop.run("2026-03-02 10:01")
    assert shop.messages(customer)[0].reason == "coupon_pool_empty"
    _controller, window = open_window(shop.db, is_demo=False)
    qtbot.addWidget(window)
    window.show()
    label = window.coupon_label
    assert label.isVisible() and "쿠폰 코드 묶음 '봄맞이'" in label.text() and "비어" in label.text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "coupon-pool-empty-ko.png"))

    line = window.import_coupon_file("봄맞이", str(export_file(tmp_path, [f"S-{n}" for n in range(5)])))
    assert "5" in line and "봄맞이" in line
    assert "남은 코드 5개" in label.text()  # 5 left: still low (fewer than 20)
    import_pool(shop.db, "봄맞이", [f"T-{n}" for n in range(100)], shop.clock.now())
    window.refresh_coupons()
    assert not label.isVisible()
    shop.run("2026-03-02 10:05")
    assert shop.messages(customer)[0].status == "sent"


def test_the_inspector_shows_the_code_source_and_offers_the_imported_pools(qtbot, shop: Shop) -> None:
    from PySide6.QtWidgets import QComboBox

    from engine.journey import Journey
    from ui.editor.document import JourneyDocument
    from ui.editor.inspector import Inspector

    import_pool(shop.db, "봄맞이", ["A-1", "A-2"], shop.clock.now())
    journey = Journey(name="쿠폰")
    journey.add_node("action.coupon", {"amount": 10, "code_source": "pool"}, node_id="c")
    doc = JourneyDocument(journey)
    inspector = Inspector(doc, "ko", db=shop.db, clock=shop.clock)
    qtbot.addWidget(inspector)
    inspector.show_node("c")
    inspector.show()
    source, pool = inspector.widgets["code_source"], inspector.widgets["pool"]
    assert isinstance(source, QComboBox) and source.currentText() == "코드 묶음"
    assert [source.itemText(i) for i in range(source.count())] == ["자동 생성", "코드 묶음", "같은 코드", "쇼핑몰에서 발급"]
    assert isinstance(pool, QComboBox) and pool.itemText(0) == "봄맞이" and pool.isVisible()
    assert not inspector.widgets["shared_code"].isVisible() and not inspector.widgets["code_prefix"].isVisible()
    pool.setCurrentIndex(0)
    pool.activated.emit(0)
    assert journey.node("c").params["pool"] == "봄맞이"
    source.setCurrentIndex(2)  # 같은 코드: its box shows, the pool's hides
    assert inspector.widgets["shared_code"].isVisible() and not pool.isVisible()
