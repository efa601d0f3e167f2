"""The start-up notice of messages skipped as too late (issue 14, finding 3): the banner says how many, its
dialog lists them and sends the chosen ones (under the other rules, once), dismissing keeps the rest unsent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from engine import config
from tests.reliability.test_late_notice import a_day_off
from tests.runtime.shop import Shop
from tests.ui.conftest import ARTIFACTS, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: UI setup)
from tests.ui.test_main_window import open_window
from ui.late_notice import LateBanner, LateDialog


def no_english_left(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """Visible label texts written in English words (a Korean screen should have none)."""
    import re

    found = []
    for label in widget.findChildren(QLabel):
        if label.isVisible() and re.search(r"\b[a-z]{4,}\b", label.text()) and "<a " not in label.text():
            found.append(label.text())
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_banner_lists_sends_and_dismisses(qtbot, shop: Shop, lang: str) -> None:
    yes, no, _journey = a_day_off(shop)
    with shop.db.session() as session:
        config.set_value(session, "ui.language", lang)
    _controller, window = open_window(shop.db, is_demo=False)
    qtbot.addWidget(window)
    window.show()
    banner = window.late_banner
    assert isinstance(banner, LateBanner) and banner.isVisible()
    text = banner.label.text()
    assert ("PC가 꺼져 있던 동안 2건이 너무 늦어 보내지 않았습니다" in text) if lang == "ko" else (
        "While the PC was off, 2 messages were too late" in text)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / f"late-banner-{lang}.png"))

    banner.show_button.click()
    dialog = banner.dialog
    assert isinstance(dialog, LateDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 2
    cells = [dialog.table.item(0, column).text() for column in range(4)]
    assert cells[0] == "김동의" and cells[1] == "재구매 안내" and "혜택" in cells[2] and cells[3].startswith("2026-03-02 11:00")
    assert ("문자" in cells[2]) if lang == "ko" else ("Text messages" in cells[2])
    if lang == "ko":
        assert no_english_left(dialog) == []
    assert dialog.grab().save(str(ARTIFACTS / f"late-dialog-{lang}.png"))

    dialog.table.selectRow(0)
    assert not dialog.send_button.isEnabled() or dialog.selected_ids() == [dialog.items[0].id]
    dialog.send_button.click()
    assert (("1건은 다음 실행 때 보냅니다" in dialog.result.text()) if lang == "ko"
            else ("1 messages will be sent at the next run" in dialog.result.text()))
    assert dialog.grab().save(str(ARTIFACTS / f"late-dialog-sent-{lang}.png"))
    assert [m.reason for m in shop.messages(yes)] == ["late_resent"]
    assert [(m.status, m.reason) for m in shop.messages(no)] == [("skipped", "late_seen")]  # looked at: seen
    dialog.send_button.click()  # pressed again on the same row: nothing more
    assert len(shop.messages(yes)) == 1 and shop.messages(yes)[0].reason == "late_resent"
    dialog.accept()
    window.refresh_status()
    assert not banner.isVisible()
    shop.run("2026-03-04 15:10")
    assert [m.status for m in shop.messages(yes)] == ["sent"] and len(shop.sent_files()) == 1


def test_dismiss_keeps_them_unsent_and_says_so(qtbot, shop: Shop, tmp_path: Path) -> None:
    _yes, _no, _journey = a_day_off(shop)
    _controller, window = open_window(shop.db, is_demo=False)
    qtbot.addWidget(window)
    window.show()
    assert window.late_banner.isVisible()
    window.late_banner.dismiss_button.click()
    assert not window.late_banner.isVisible()
    assert "늦은 메시지 2건은 보내지 않은 채로 둡니다" in window.statusBar().currentMessage()
    assert window.grab().save(str(ARTIFACTS / "late-dismissed-ko.png"))
    assert {m.reason for m in shop.messages()} == {"late_seen"}
    window.refresh_status()
    assert not window.late_banner.isVisible()
