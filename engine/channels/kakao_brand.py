"""Kakao Brand Message (브랜드 메시지, FriendTalk's successor since 2026): ads to the shop's Kakao channel friends.

Always an ad: every message is labelled like a text ad (`(광고)` and the shop's name first, its contact and the
free opt-out line `무료수신거부 080…` last; Kakao adds its own 채널 차단 button, which does not replace the
law's line) and goes only to customers with the Kakao ad consent (`kakao`, the one AlimTalk's consent boxes
already keep), under every ad rule: consent at send time, opt-outs at once, the night rule (21:00–08:00 without
night consent). Kakao itself takes no brand message from 20:50 to 08:00 (`closed_hours`), night consent or not:
delivery moves such a message to 08:00 (or skips it, by the node's lateness rule), as it does in quiet hours.

The free-form text type (자유형 TEXT, up to 1,300 characters) to channel friends (targeting `I`, the only one a
channel under 50,000 friends may use) through Solapi (`BMS_FREE`) or NHN Cloud (brand-message v1.0). The keys
are the KakaoTalk channel's: Solapi's account and pfId (`sms.api_key`, `sms.api_secret`, `kakao.sender_key`),
NHN Cloud's Bizmessage app key, secret key and sender key (`kakao.nhn_*`). Aligo publishes no Brand Message
API (its FriendTalk API ended with FriendTalk), so it is not offered, and choosing it says so in one line.
"""

from __future__ import annotations

from datetime import time

from engine.channels import nhn, providers, ways
from engine.channels.spec import ChannelSpec, CheckResult, Getter, MessageNode, Way, WayContext
from engine.delivery.adapters.base import Channel
from engine.messaging.adlaw import label_text_ad
from engine.settings_spec import ConfigError, SettingSpec, _choice, _int

CLOSED_HOURS = (time(20, 50), time(8, 0))  # Kakao delivers no brand message then (its own rule, not the law's)
MAX_CHARS = 1300  # the free-form text type's limit, labels included


def _solapi(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.solapi import SolapiChannel, SolapiSettings

    made = ctx.made.get("solapi:brand")
    if made is None:
        providers.same_account(get, "solapi", "kakao_brand.provider")
        need = providers._need
        settings = SolapiSettings(
            api_key=need(get, "sms.api_key", "an API key (sms.api_key)", "API 키", "솔라피"),
            api_secret=need(get, "sms.api_secret", "an API secret (sms.api_secret)", "API 시크릿", "솔라피"),
            sender=need(get, "sms.sender", "a registered sender number (sms.sender)", "발신 번호", "솔라피"),
            pf_id=need(get, providers.KAKAO_SENDER_KEY.key, "the Kakao channel's pfId (kakao.sender_key)",
                       "카카오 발신 프로필 키(pfId)", "솔라피"))
        made = ctx.made["solapi:brand"] = SolapiChannel(settings, brand=True)
    return made


def _nhn(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.nhn import NhnBrandMessage, NhnSettings

    made = ctx.made.get("nhn_brand")
    if made is None:
        settings = nhn.kakao_settings(get, ctx, "kakao_brand.provider")
        assert isinstance(settings, NhnSettings)
        made = ctx.made["nhn_brand"] = NhnBrandMessage(settings)
    return made


def _nhn_check(get: Getter, ctx: WayContext) -> CheckResult:
    return nhn.check_with(_nhn, "브랜드 메시지", "Brand Message")(get, ctx)


SOLAPI = Way("solapi", "솔라피 브랜드 메시지", "Solapi Brand Message", _solapi,
             providers.checker(_solapi, "솔라피", "Solapi"))
NHN = Way("nhn", "NHN Cloud", "NHN Cloud", _nhn, _nhn_check)

WAYS = (  # one way a line (Aligo has no Brand Message API: see _provider)
    ways.FILE,
    ways.WEBHOOK,
    SOLAPI,
    NHN,
)
CHOICES = tuple((w.name, w.label_ko, w.label_en) for w in WAYS)
_one_of = _choice(*(w.name for w in WAYS))


def _provider(text: str) -> str:
    if str(text).strip().lower() == "aligo":
        raise ConfigError("Aligo offers no Kakao Brand Message API (its FriendTalk API ended with FriendTalk); "
                          "choose solapi, nhn, webhook or file",
                          ko="알리고는 카카오 브랜드 메시지 API를 제공하지 않습니다(친구톡 API는 친구톡과 함께 끝남). "
                             "솔라피, NHN Cloud, 웹훅, 파일 중에서 고르세요")
    return _one_of(text)


SPEC = ChannelSpec(
    name="kakao_brand", label_ko="카카오 브랜드 메시지(광고)", label_en="Kakao Brand Message (ad)", address="phone",
    consent="kakao", ways=WAYS, provider_key="kakao_brand.provider",
    settings=(
        SettingSpec("kakao_brand.provider", "file", _provider, "브랜드 메시지 보내는 방법",
                    "How Brand Messages go out", choices=CHOICES),
        SettingSpec("kakao_brand.cost_won", 20, _int(0, 1000), "브랜드 메시지 단가(원)", "Brand Message price (won)"),
    ),
    prices={"kakao_brand": "kakao_brand.cost_won"},
    max_chars=MAX_CHARS, needs_optout_number=True, label=label_text_ad, ad_only=True, closed_hours=CLOSED_HOURS,
    reasons={
        **providers.REASONS, **nhn.REASONS,
        "brand_not_ad": ("브랜드 메시지는 광고로만 보낼 수 있음", "a Brand Message is always an ad"),
        "kakao_closed": ("카카오는 20:50~08:00에 브랜드 메시지를 보내지 않음", "Kakao sends no Brand Message 20:50–08:00"),
    },
    node=MessageNode("카카오 브랜드 메시지(광고)", "Kakao Brand Message (ad)", "kakao",
                     "카카오 채널 친구 중 광고 수신에 동의한 고객에게 브랜드 메시지(광고)를 보냅니다. (광고) 표시와 "
                     "무료수신거부가 붙고, 20:50~08:00에는 보내지 않습니다.",
                     "Sends a Brand Message (an ad) to the Kakao channel's friends who agreed to ads; it carries the "
                     "(광고) label and the opt-out line, and never goes out 20:50–08:00.",
                     "브랜드 메시지", "Brand Message"),
)
