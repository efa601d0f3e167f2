"""Text messages (SMS/LMS): to the customer's phone, measured in EUC-KR bytes, labelled like every text ad."""

from __future__ import annotations

from engine.channels import nhn, providers, ways
from engine.channels.spec import ChannelSpec, MessageNode
from engine.messaging.adlaw import label_text_ad
from engine.messaging.sms import LMS_MAX, SMS_MAX, euckr_length
from engine.settings_spec import SettingSpec, _int, _phone_or_empty, _text, choice_setting

WAYS = (  # one way a line
    ways.FILE,
    ways.WEBHOOK,
    providers.SOLAPI_SMS,
    providers.ALIGO_SMS,
    nhn.SMS,
)


def kind_of(body: str) -> str:
    return "sms" if euckr_length(body) <= SMS_MAX else "lms"


SPEC = ChannelSpec(
    name="sms", label_ko="문자", label_en="Text messages", address="phone", consent="sms",
    ways=WAYS, provider_key="sms.provider",
    settings=(
        choice_setting("sms.provider", "file", tuple((w.name, w.label_ko, w.label_en) for w in WAYS),
                       "문자 보내는 방법", "How text messages go out"),
        SettingSpec("sms.sender", "", _phone_or_empty, "발신 번호", "SMS sender number",
                    used_when=providers.ANY_TEXT_PROVIDER),
        SettingSpec("sms.api_key", "", _text(500), "문자 API 키 (솔라피·알리고)", "SMS API key (Solapi, Aligo)", secret=True,
                    used_when=providers.SOLAPI_OR_ALIGO),
        SettingSpec("sms.api_secret", "", _text(500), "문자 API 시크릿 (솔라피)", "SMS API secret (Solapi)", secret=True,
                    used_when=providers.SOLAPI_ONLY),
        providers.ALIGO_USER,
        *nhn.SMS_SETTINGS,
        SettingSpec("sms.cost_won", 20, _int(0, 1000), "문자(SMS) 한 건 단가", "SMS price each", unit_ko="원",
                    unit_en="won"),
        SettingSpec("lms.cost_won", 50, _int(0, 1000), "장문(LMS) 한 건 단가", "LMS price each", unit_ko="원",
                    unit_en="won"),
    ),
    prices={"sms": "sms.cost_won", "lms": "lms.cost_won"},
    max_bytes=LMS_MAX, byte_counted=True, needs_optout_number=True, kind_of=kind_of,
    label=label_text_ad, reasons={**providers.REASONS, **nhn.REASONS},
    node=MessageNode("문자 (SMS/LMS)", "Text message (SMS/LMS)", "message", "문자를 보냅니다. 90바이트가 넘으면 LMS입니다.",
                     "Sends a text; over 90 bytes it goes as LMS.", "문자", "SMS"),
)
