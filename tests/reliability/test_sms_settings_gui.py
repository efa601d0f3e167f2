"""The settings page's text-message and KakaoTalk sections: Solapi and Aligo are choices, "연결 테스트" asks the
provider (here a local fake) and "나에게 테스트 보내기" sends to the number the owner types, or the shop's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QComboBox
from pytest_httpserver import HTTPServer

from engine import config
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


def test_solapi_connection_test_and_a_test_text_to_me(qtbot, db: Database, fake: FakeSolapi) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.test_main_window import open_window

    _controller, window = open_window(db)
    qtbot.addWidget(window)
    window.show_page("settings")
    page = window.pages["settings"]
    for key in ("sms.provider", "kakao.provider"):
        provider = page.fields[key]
        assert isinstance(provider, QComboBox)
        assert {provider.itemData(i) for i in range(provider.count())} >= {"file", "webhook", "solapi", "aligo"}
    test, send = page.channel_buttons["sms"]
    assert (test.text(), send.text()) == ("연결 테스트", "나에게 테스트 보내기") and "kakao" in page.channel_buttons
    fill(page, {"sms.provider": "solapi", "kakao.provider": "solapi", "sms.api_key": API_KEY,
                "sms.api_secret": API_SECRET, "sms.sender": "02-123-4567", "kakao.sender_key": PF_ID,
                "shop.contact": "010-2222-3333"})
    result = page.channel_results["sms"]
    test.click()
    qtbot.waitUntil(lambda: test.isEnabled(), timeout=20_000)
    assert "솔라피에 연결했습니다" in result.text() and "12,345원" in result.text(), result.text()
    assert API_SECRET not in result.text() and fake.messages() == []
    with db.session() as session:  # saved first; the secret went to the keyring
        assert config.get(session, "sms.provider") == "solapi" and config.get(session, "sms.api_secret") == API_SECRET
    send.click()  # no number typed: to the shop's own contact
    qtbot.waitUntil(lambda: send.isEnabled(), timeout=20_000)
    assert "테스트 메시지를 보냈습니다" in result.text(), result.text()
    page.test_numbers["sms"].setText("010-4444-5555")
    send.click()
    qtbot.waitUntil(lambda: send.isEnabled(), timeout=20_000)
    assert [m["to"] for m in fake.messages()] == ["01022223333", "01044445555"]
    _kakao_test, kakao_send = page.channel_buttons["kakao"]
    kakao_send.click()
    qtbot.waitUntil(lambda: kakao_send.isEnabled(), timeout=20_000)
    assert "승인한 템플릿" in page.channel_results["kakao"].text() and len(fake.messages()) == 2
    fake.mode = "login"
    test.click()
    qtbot.waitUntil(lambda: test.isEnabled(), timeout=20_000)
    assert "API 키" in result.text() and API_KEY not in result.text(), result.text()
