"""The settings page an owner reads (issue 14, finding 1): groups by what an owner thinks about, each with a line
saying what it is for; a choice is a combo box with Korean labels, yes/no a check box, a time a time edit, a
number a spin box with its unit; a refusal in Korean; the save line and the keyring notice both stay visible."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QSpinBox, QTimeEdit

from engine import channels, config
from storage.db import Database
from tests.ui.conftest import ARTIFACTS, _clipboard_released, _qsettings_in_tmp  # noqa: F401  (autouse: UI setup)
from tests.ui.test_main_window import open_window
from ui.pages.settings import SettingsPage

HIDDEN = {"shop.timezone", "ui.language", "ui.theme", "ui.welcome_shown"}  # the language and theme sit on top
# words a Korean owner meets as they are (product and protocol names, a provider's own field names)
NAMES = {"English", "Solapi", "Aligo", "Cloud", "STARTTLS", "SMTP", "pfId", "senderkey", "Make", "Zapier", "localhost"}


def settings_page(qtbot, db: Database, lang: str = "ko"):  # type: ignore[no-untyped-def]
    with db.session() as session:
        config.set_value(session, "ui.language", lang)
    _controller, window = open_window(db, is_demo=False)
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    return window, page


def english_words(text: str) -> list[str]:
    """Words in English, not counting acronyms (SMS, API, VIP) and names."""
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in NAMES and not word.isupper()]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_groups_kinds_and_pictures(qtbot, db: Database, lang: str) -> None:
    window, page = settings_page(qtbot, db, lang)
    titles = [box.title() for box in page.groups.values()]
    assert titles == (["내 쇼핑몰", "보내기 (채널별)", "조용한 시간과 횟수 제한", "고객 분류와 성과", "데이터 동기화와 자동 실행"]
                      if lang == "ko" else
                      ["My shop", "Sending (by channel)", "Quiet hours and limits", "Customer groups and results",
                       "Data sync and the runner"])
    for name, box in page.groups.items():  # the first line of each group says what it is for
        note = box.findChildren(QLabel)[0]
        assert len(note.text()) > 30, name
    # every setting a screen may show is on it, once; nothing else
    assert set(page.fields) == {item.key for item in config.SPECS} - HIDDEN
    for key, widget in page.fields.items():
        item = config.spec(key)
        kind = (QComboBox if item.choices else QCheckBox if item.is_flag else QTimeEdit if item.is_time
                else QSpinBox if item.number_range else QLineEdit)
        assert isinstance(widget, kind), key
        if isinstance(widget, QSpinBox) and item.unit_ko:
            if lang == "en" and item.unit_en == "won":
                assert widget.prefix() == "₩" and not widget.suffix(), key  # ₩20, as money reads in English
            else:
                assert widget.suffix() == (item.unit_ko if lang == "ko" else " " + item.unit_en), key
    provider = page.fields["sms.provider"]
    assert isinstance(provider, QComboBox)
    labels = [provider.itemText(i) for i in range(provider.count())]
    if lang == "ko":
        assert labels[0] == "파일로 저장 (보내지 않음)" and "솔라피 (Solapi)" in labels
        assert page.fields["smtp.security"].currentText() == "STARTTLS (보통 587 포트)"
        assert page.fields["sync.interval_minutes"].text() == "60분"
        page.set_field("sync.stale_after_hours", "0")
        assert page.fields["sync.stale_after_hours"].text() == "끄기"
        page.set_field("sync.stale_after_hours", "48")
        shown = [label.text() for label in page.findChildren(QLabel) if label.text()]
        shown += [box.title() for box in page.findChildren(QGroupBox)]
        shown += [combo.itemText(i) for combo in page.findChildren(QComboBox) for i in range(combo.count())]
        assert [text for text in shown if english_words(text)] == []
    # one picture per group, the group scrolled into view
    for name, box in page.groups.items():
        page.scroll.ensureWidgetVisible(box, 0, 0)
        page.scroll.verticalScrollBar().setValue(box.y())
        qtbot.wait(10)
        assert window.grab().save(str(ARTIFACTS / f"settings-{name}-{lang}.png"))


def test_a_refusal_in_korean_and_the_save_line_says_what_was_saved(qtbot, db: Database) -> None:
    _window, page = settings_page(qtbot, db)
    page.fields["shop.name"].setText("단골상회")
    page.set_field("rules.ad_cap_per_week", "5")
    page.fields["shop.email"].setText("가게 메일")
    assert page.save() is False
    text = page.message.text()
    assert text.startswith("저장하지 못했습니다: 쇼핑몰 이메일 (알림과 답장을 받는 곳): shop@example.com처럼") and not english_words(
        text.replace("shop@example.com", ""))
    page.fields["shop.email"].setText("")
    assert page.save() is True
    assert page.message.text() == "저장했습니다: 쇼핑몰 이름, 한 고객에게 한 주 광고 최대."
    with db.session() as session:
        assert config.get(session, "rules.ad_cap_per_week") == 5 and config.get(session, "shop.name") == "단골상회"
    assert page.save() is True and page.message.text() == "저장했습니다 (바뀐 설정이 없습니다)."
    page.set_field("rules.quiet_start", "20:30")
    assert page.save() is True and "광고 금지 시작" in page.message.text()
    with db.session() as session:
        assert config.get(session, "rules.quiet_start") == "20:30"


def test_the_keyring_notice_stays_beside_the_save_line(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    class NoKeyring:
        def get_password(self, service: str, key: str) -> None:
            raise RuntimeError("No recommended backend was available")

    monkeypatch.setattr(config, "_secret_store", NoKeyring)
    window, page = settings_page(qtbot, db)
    assert page.keyring_note.isVisible() and "키체인" in page.keyring_note.text()
    assert not page.fields["smtp.password"].isEnabled()
    page.fields["shop.name"].setText("새 이름")
    assert page.save() is True  # the page reloads after a save (data_changed): both lines stay
    assert page.message.text() == "저장했습니다: 쇼핑몰 이름."
    assert page.keyring_note.isVisible()
    page.scroll.verticalScrollBar().setValue(page.groups["sending"].y())
    assert window.grab().save(str(ARTIFACTS / "settings-no-keyring-saved-ko.png"))


def test_every_channel_section_keeps_its_test_buttons(qtbot, db: Database) -> None:
    _window, page = settings_page(qtbot, db)
    sending = {spec.name for spec in channels.CHANNELS if spec.settings and spec.node is not None}
    assert {"sms", "kakao", "email", "kakao_brand"} <= sending
    for name in sending:  # every channel a journey sends on, the Brand Message included
        test, send = page.channel_buttons[name]
        assert (test.text(), send.text()) == ("연결 테스트", "나에게 테스트 보내기")
        assert page.groups["sending"].isAncestorOf(test)


def test_only_the_chosen_providers_fields_show(qtbot, db: Database) -> None:
    """A provider's account fields show while some channel goes out by it, as the choices on screen stand:
    nothing of Solapi, Aligo, NHN Cloud, SMTP or the webhook while everything is saved as files."""
    _window, page = settings_page(qtbot, db)

    def shown() -> set[str]:
        return {key for key, widget in page.fields.items() if widget.isVisibleTo(page)}

    def choose(key: str, value: str) -> None:
        combo = page.fields[key]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(value))

    accounts = {"sms.sender", "sms.api_key", "sms.api_secret", "aligo.user_id", "sms.nhn_app_key",
                "sms.nhn_secret_key", "kakao.sender_key", "kakao.nhn_app_key", "kakao.nhn_secret_key",
                "kakao.nhn_sender_key", "smtp.host", "smtp.port", "smtp.security", "smtp.user", "smtp.password",
                "delivery.webhook_url"}
    assert not shown() & accounts  # the defaults: every channel saved as files
    assert {"sms.provider", "sms.cost_won", "kakao.provider", "email.provider", "email.from"} <= shown()
    assert not page.sections["webhook"].isVisibleTo(page)
    choose("sms.provider", "solapi")
    assert shown() & accounts == {"sms.sender", "sms.api_key", "sms.api_secret"}
    choose("kakao.provider", "aligo")  # Aligo's id shows for AlimTalk though text messages go by Solapi
    assert shown() & accounts == {"sms.sender", "sms.api_key", "sms.api_secret", "aligo.user_id", "kakao.sender_key"}
    choose("sms.provider", "nhn")
    choose("kakao.provider", "file")
    assert shown() & accounts == {"sms.sender", "sms.nhn_app_key", "sms.nhn_secret_key"}
    choose("kakao_brand.provider", "nhn")  # Brand Messages by NHN read the AlimTalk (Bizmessage) account
    assert {"kakao.nhn_app_key", "kakao.nhn_secret_key", "kakao.nhn_sender_key"} <= shown()
    choose("email.provider", "smtp")
    assert {"smtp.host", "smtp.port", "smtp.security", "smtp.user", "smtp.password"} <= shown()
    choose("email.provider", "webhook")
    assert "delivery.webhook_url" in shown() and page.sections["webhook"].isVisibleTo(page)
    assert not shown() & {"smtp.host", "smtp.password"}
    # a hidden field keeps its value: saved as it was
    page.fields["smtp.host"].setText("mail.example.kr")  # type: ignore[attr-defined]
    assert page.save()
    with db.session() as session:
        assert config.get(session, "smtp.host") == "mail.example.kr"
        assert config.get(session, "email.provider") == "webhook"
    page.refresh()  # shown as saved
    assert "delivery.webhook_url" in shown() and "smtp.host" not in shown()
