"""Issues 14 and 16 in the app: a live run of the demo shop's win-back journey (an A/B split with a holdout,
a wait for an order, SMS steps some customers have no consent for). Every card adds up — in = waiting +
Σ out + Σ skipped + Σ stopped — and its painted lines say each part; the results tab shows the figures and
the verdicts (screenshot at 1366×768, Korean); 'Make B the only path' publishes a new version; the journey
list shows the last 30 days."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QRectF, QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from sqlalchemy import select, update

from engine import gallery
from engine import journey_store as store
from engine.results.journeys import reason_word
from engine.runtime.publish import publish
from storage.models import Coupon, JourneyVersion, Order, OutboxMessage
from tests.runtime.shop import Shop
from tests.ui.conftest import ARTIFACTS, _clipboard_released, _qsettings_in_tmp  # noqa: F401
from ui.context import AppContext, Bus
from ui.editor.window import EditorWindow
from ui.i18n import install_language
from ui.pages.journeys import JourneysPage


def _live_winback(shop: Shop) -> str:
    journey = gallery.instantiate(gallery.template("winback_90d"))
    journey.set_params("split", {"a_percent": 40, "b_percent": 40, "holdout_percent": 20})
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
        publish(session, journey.id, shop.clock, backfill_daily=1000)  # those at risk now come in today
    shop.run("2026-03-02 10:00")
    shop.run("2026-03-02 15:00")
    # a third of those texted on B come back within a few days, with the coupon the journey gave them
    with shop.db.session() as session:
        texted = list(session.execute(select(OutboxMessage.customer_id, Coupon.code)
                                      .join(Coupon, (Coupon.customer_id == OutboxMessage.customer_id)
                                            & (Coupon.journey_id == journey.id) & (Coupon.node_id == "coupon_b"))
                                      .where(OutboxMessage.node_id == "offer_b", OutboxMessage.status == "sent")))
    for customer_id, code in texted[::3]:
        external = shop.order(customer_id, "2026-03-04 11:00", amount=42_000)
        with shop.db.session() as session:
            session.execute(update(Order).where(Order.external_id == external).values(coupon_code=code, discount=5_000))
    for day in range(3, 12):
        shop.run(f"2026-03-{day:02d} 10:00")
        shop.run(f"2026-03-{day:02d} 15:00")
    return journey.id


def test_cards_add_up_results_tab_and_only_path(qtbot, shop: Shop) -> None:
    journey_id = _live_winback(shop)
    QSettings().remove("editor/geometry")
    QSettings().remove("editor/state")
    install_language(QApplication.instance(), "ko")
    ctx = AppContext(shop.db, shop.clock, "ko", Bus())
    window = EditorWindow(ctx, journey_id)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(100)  # the wires painted (and their pictures cached) before the numbers come
    window.show_numbers()
    qtbot.wait(50)
    cards = window.cards
    split, wait = cards["split"], cards["ordered"]
    texts = [cards[node].skipped.get("no_consent", 0) for node in ("offer_a", "offer_b", "reminder")]
    assert split.entered > 0 and split.out["holdout"] > 0, "the run must place customers in every arm"
    assert wait.waiting > 0 or wait.out.get("event"), "the wait must have customers waiting or ordering"
    assert sum(texts) > 0, "some customers have no SMS consent in the demo shop"
    for node_id, card in cards.items():
        painted = window.scene.nodes[node_id].stats
        parts = card.waiting + sum(card.out.values()) + sum(card.skipped.values()) + sum(card.stopped.values())
        assert card.entered == parts, f"{node_id}: in {card.entered} ≠ {parts} ({card})"
        if not card.entered:
            continue
        first = painted.splitlines()[0]
        assert first.startswith(f"들어옴 {card.entered:,}"), painted
        if card.waiting:
            assert re.search(rf"(대기|발송 대기) {card.waiting:,}", first), painted
        for count in card.out.values():
            assert f" {count:,} (" in first, painted  # each branch with its share of those who came in
        for reason, count in card.skipped.items():
            assert f"{reason_word(reason, 'ko')} {count:,}" in painted, painted
        if card.skipped:
            assert f"건너뜀 {sum(card.skipped.values()):,}:" in painted, painted
        for reason, count in card.stopped.items():
            assert f"{reason_word(reason, 'ko')} {count:,}" in painted, painted
    # the split's branches: A, B and the holdout, each with its share; the SMS card explains its skips
    assert "A " in window.scene.nodes["split"].stats and "제외 " in window.scene.nodes["split"].stats
    assert "수신 동의 없음" in window.scene.nodes["offer_b"].stats
    assert "고객" in window.statusBar().currentMessage()  # the summary line stays
    # each arm's share is painted on its wire, legible (the A and holdout wires' cached pictures kept the old,
    # label-less drawing: only B's showed)
    view = window.view
    for edge_id, item in window.scene.edges.items():
        edge = window.journey.edges[edge_id]
        if edge.source != "split":
            continue
        assert item.label.endswith("%"), (edge.source_port, item.label)
        middle = item.mapToScene(item.path().pointAtPercent(0.5))
        box = view.mapFromScene(QRectF(middle.x() - 30, middle.y() - 18, 60, 16)).boundingRect()
        assert view.viewport().rect().contains(box), box  # the split's wires in the opening view

        def dark() -> int:  # the text's strokes (the wire is lighter)
            picture = view.viewport().grab(box).toImage()  # noqa: B023  (used at once, in this turn)
            return sum(1 for x in range(picture.width()) for y in range(picture.height())
                       if QColor(picture.pixel(x, y)).lightness() < 100)

        label, with_label = item.label, dark()
        item.label = ""
        qtbot.wait(20)
        without = dark()
        item.label = label
        qtbot.wait(20)
        assert with_label - without >= 4, (edge.source_port, label, with_label, without)

    results = window.show_results()
    qtbot.wait(50)
    assert results.ab_tests and results.lifts
    shown = [label.text() for label in window.results.verdicts]
    assert shown == [test.sentence("ko") for test in results.ab_tests] + [lift.sentence("ko") for lift in results.lifts]
    assert window.results.attribution_label.text().startswith("전환은 이 여정의 메시지를 받고 7일 안에")
    assert results.attribution.coupon_orders > 0 and results.attribution.revenue > 0
    for folder in (ARTIFACTS, Path("/tmp")):
        folder.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(folder / "journey_results_ko.png"))

    assert window.results.make_only_path("split", "b", confirm=False)
    with shop.db.session() as session:
        versions = list(session.scalars(select(JourneyVersion.version).where(JourneyVersion.journey_id == journey_id)))
    assert versions == [1, 2]
    assert "split" not in window.journey.nodes and "offer_a" not in window.journey.nodes  # the canvas follows
    assert not window.is_dirty()
    window.close()

    page = JourneysPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    headers = [page.model.horizontalHeaderItem(column).text() for column in range(page.model.columnCount())]
    assert headers[5:9] == ["보냄 (30일)", "주문 고객 (30일)", "매출 (30일)", "ROI (30일)"]
    row = next(index for index in range(page.model.rowCount())
               if page.model.index(index, 0).data(0x0100) == journey_id)
    sent = int(page.model.index(row, 5).data().replace(",", ""))
    assert sent == sum(card.out.get("sent", 0) for card in cards.values())
    assert page.model.index(row, 7).data().endswith("원") and page.model.index(row, 7).data() != "0원"


def test_journey_settings_conversion_window(qtbot, shop: Shop) -> None:
    journey = gallery.instantiate(gallery.template("winback_90d"))
    with shop.db.session() as session:
        store.save_draft(session, journey, shop.clock)
    install_language(QApplication.instance(), "ko")
    window = EditorWindow(AppContext(shop.db, shop.clock, "ko", Bus()), journey.id)
    qtbot.addWidget(window)
    dialog = window.open_journey_settings()
    assert dialog.conversion.text() == "설정대로 (7일)"  # unset: the shop's window
    dialog.accept()
    assert not window.is_dirty() and "conversion_days" not in window.journey.settings  # nothing changed
    dialog = window.open_journey_settings()
    dialog.conversion.setValue(10)
    dialog.accept()
    assert window.journey.settings["conversion_days"] == 10 and window.is_dirty()
    window.doc.undo.undo()
    assert "conversion_days" not in window.journey.settings or not window.journey.settings["conversion_days"]
