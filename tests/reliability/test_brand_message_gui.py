"""The settings page's Brand Message section comes from the channel registry: its ways (no Aligo), its price,
the connection test and a labelled test message to the owner's own number, through a local Solapi."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QComboBox
from pytest_httpserver import HTTPServer

from engine.delivery.adapters import solapi
from storage.db import Database
from tests.reliability.provider_fakes import API_KEY, API_SECRET, PF_ID, FakeSolapi
from tests.reliability.test_email_settings_gui import fill


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSolapi]:
    server = HTTPServer(threaded=True)
    server.start()
    made = FakeSolapi(server)
    monkeypatch.setattr(solapi, "BASE_URL", made.url)
    yield made
    server.clear()
    server.stop()


def test_the_brand_message_section_tests_and_sends_a_labelled_test(qtbot, db: Database, fake: FakeSolapi) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.test_main_window import open_window

    _controller, window = open_window(db)
    qtbot.addWidget(window)
    window.show_page("settings")
    page = window.pages["settings"]
    provider = page.fields["kakao_brand.provider"]
    assert isinstance(provider, QComboBox)
    assert [provider.itemData(i) for i in range(provider.count())] == ["file", "webhook", "solapi", "nhn"]
    assert "kakao_brand.cost_won" in page.fields and "kakao_brand" in page.channel_buttons
    test, send = page.channel_buttons["kakao_brand"]
    result = page.channel_results["kakao_brand"]
    fill(page, {"kakao_brand.provider": "solapi", "sms.provider": "solapi", "sms.api_key": API_KEY,
                "sms.api_secret": API_SECRET, "sms.sender": "02-123-4567", "kakao.sender_key": PF_ID})
    page.test_numbers["kakao_brand"].setText("010-4444-5555")
    send.click()  # the shop's details are empty: an ad cannot go
    qtbot.waitUntil(lambda: send.isEnabled(), timeout=20_000)
    assert "무료수신거부" in result.text() and fake.messages() == [], result.text()
    fill(page, {"shop.name": "단골상회", "shop.contact": "02-123-4567", "shop.optout_number": "080-123-4567"})
    test.click()
    qtbot.waitUntil(lambda: test.isEnabled(), timeout=20_000)
    assert "솔라피에 연결했습니다" in result.text(), result.text()
    send.click()
    qtbot.waitUntil(lambda: send.isEnabled(), timeout=20_000)
    assert "테스트 메시지를 보냈습니다" in result.text(), result.text()
    (message,) = fake.messages()
    assert message["type"] == "BMS_FREE" and message["to"] == "01044445555"
    assert message["text"].startswith("(광고)단골상회") and message["text"].endswith("무료수신거부 080-123-4567")


def test_the_palette_offers_the_brand_message_node(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.editor.palette import Palette

    palette = Palette("ko")
    qtbot.addWidget(palette)
    palette.filter("브랜드")
    assert palette.visible_kinds() == ["message.kakao_brand"]
