"""KakaoTalk: to the customer's phone (AlimTalk), at most 1,000 characters, labelled like every text ad."""

from __future__ import annotations

from engine.channels import nhn, ways
from engine.channels.spec import ChannelSpec, MessageNode
from engine.messaging.adlaw import label_text_ad
from engine.settings_spec import SettingSpec, _int, choice_setting


def _node_params() -> tuple[object, ...]:
    from engine.journey.registry import ParamSpec, ParamType

    return (
        ParamSpec("template_code", ParamType.TEXT, "알림톡 템플릿 코드", "AlimTalk template code", "",
                  visible_if=("is_ad", (False,))),
        ParamSpec("fallback_sms", ParamType.BOOL, "실패하면 문자로", "Fall back to SMS", True),
    )


WAYS = (  # one line a way (issue 13: the providers' AlimTalk APIs)
    ways.FILE,
    nhn.KAKAO,
    ways.WEBHOOK,
)

SPEC = ChannelSpec(
    name="kakao", label_ko="카카오톡", label_en="KakaoTalk", address="phone", consent="kakao",
    ways=WAYS, provider_key="kakao.provider",
    settings=(
        choice_setting("kakao.provider", "file", tuple((w.name, w.label_ko, w.label_en) for w in WAYS),
                       "카카오톡 보내는 방법", "How KakaoTalk messages go out"),
        *nhn.KAKAO_SETTINGS,
        SettingSpec("kakao.cost_won", 8, _int(0, 1000), "알림톡 단가(원)", "AlimTalk price (won)"),
    ),
    prices={"kakao": "kakao.cost_won"},
    max_chars=1000,  # an AlimTalk template holds at most 1,000 characters
    needs_optout_number=True, label=label_text_ad,
    reasons={**nhn.REASONS},
    subject_from="template_code",  # the approved template code travels in the outbox's subject
    node=MessageNode("카카오톡", "KakaoTalk", "kakao", "알림톡(정보) 또는 친구톡(광고)을 보냅니다.",
                     "Sends an AlimTalk (info) or FriendTalk (ad).", "카카오톡", "KakaoTalk", _node_params),
)
