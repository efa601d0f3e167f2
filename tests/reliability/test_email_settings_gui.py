"""The settings page's email section: its choices, "연결 테스트" and "나에게 테스트 보내기" against a real
SMTP server, answered in plain Korean without holding up the window."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QLineEdit

from engine import config
from storage.db import Database
from tests.reliability.smtp_server import PASSWORD, USER, Server, SilentServer


def fill(page, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for key, value in values.items():
        widget = page.fields[key]
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            assert index >= 0, (key, value)
            widget.setCurrentIndex(index)
        elif isinstance(widget, QLineEdit):
            widget.setText(value)
        else:  # a number or a time
            page.set_field(key, value)


def test_test_connection_and_send_a_test_to_me(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.conftest import ARTIFACTS
    from tests.ui.test_main_window import open_window

    server = Server(tmp_path, security="none")
    silent = SilentServer()
    try:
        _controller, window = open_window(db)
        qtbot.addWidget(window)
        window.show_page("settings")
        page = window.pages["settings"]
        provider = page.fields["email.provider"]
        assert isinstance(provider, QComboBox)
        assert [provider.itemData(i) for i in range(provider.count())] == ["file", "smtp", "webhook"]
        assert isinstance(page.fields["smtp.security"], QComboBox)
        test, send = page.channel_buttons["email"]
        assert (test.text(), send.text()) == ("연결 테스트", "나에게 테스트 보내기")
        fill(page, {"email.provider": "smtp", "smtp.host": "127.0.0.1", "smtp.port": str(server.port),
                    "smtp.security": "none", "smtp.user": USER, "smtp.password": PASSWORD,
                    "shop.email": "owner@example.com", "email.from": "shop@example.com"})
        result = page.channel_results["email"]
        test.click()
        qtbot.waitUntil(lambda: test.isEnabled(), timeout=20_000)
        assert "연결해 로그인했습니다" in result.text() and PASSWORD not in result.text(), result.text()
        assert server.mailbox.received == []
        with db.session() as session:  # the form was saved first; the password went to the keyring
            assert config.get(session, "email.provider") == "smtp" and config.get(session, "smtp.password") == PASSWORD
        send.click()
        qtbot.waitUntil(lambda: send.isEnabled(), timeout=20_000)
        assert "테스트 메시지를 보냈습니다" in result.text(), result.text()
        (mail,) = server.mailbox.received
        assert mail.recipients == ["owner@example.com"]
        page.scroll.ensureWidgetVisible(result)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(ARTIFACTS / "settings-email-test.png"))
        # a server that never answers: the window stays responsive, and then says what went wrong
        fill(page, {"smtp.port": str(silent.port)})
        started = time.monotonic()
        assert page.run_channel_check("email", send=False) is True
        assert time.monotonic() - started < 2 and not test.isEnabled() and result.text() == "연결하는 중…"
        qtbot.wait(300)
        silent.stop()  # the connection closes: the test ends with a failure in plain Korean
        qtbot.waitUntil(lambda: test.isEnabled(), timeout=40_000)
        assert "SMTP 서버" in result.text() and "연결할 수 없습니다" in result.text(), result.text()
    finally:
        server.stop()
        silent.stop()
