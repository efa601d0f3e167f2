"""The ways text messages and AlimTalk go out through a provider's API: Solapi and Aligo.

Both channels on one provider share its account: the API key (and Solapi's secret) in `sms.api_key` /
`sms.api_secret`, Aligo's user id in `aligo.user_id`, the sender number in `sms.sender`; AlimTalk adds the
Kakao channel's sending profile key (`kakao.sender_key`: Solapi's pfId, Aligo's senderkey).
"""

from __future__ import annotations

from collections.abc import Callable

from engine.channels.spec import ChannelSetupError, CheckResult, Getter, Way, WayContext
from engine.delivery.adapters.base import Channel, SendError
from engine.settings_spec import SettingSpec, _text

# the reason codes the adapters report → (Korean, English), for the timeline and the messages page
REASONS: dict[str, tuple[str, str]] = {
    "provider_refused": ("발송 서비스가 거절함", "the provider refused it"),
    "provider_login": ("발송 서비스 로그인 실패: API 키 설정 확인", "the provider refused our API key; check the settings"),
    "provider_balance": ("발송 서비스 잔액 부족: 충전 후 다시 시도", "the provider account's balance is empty; trying again"),
    "provider_rate": ("발송 서비스가 요청이 많다고 함: 다시 시도", "the provider asked us to slow down; trying again"),
    "provider_busy": ("발송 서비스 오류: 다시 시도", "the provider is failing; trying again"),
    "provider_unreachable": ("발송 서비스에 연결할 수 없음: 다시 시도", "cannot reach the provider; trying again"),
    "provider_unconfirmed": ("보낸 뒤 발송 서비스의 확인을 받지 못함: 확인 필요", "no answer after sending; held for review"),
    "bad_phone": ("휴대폰 번호 형식이 잘못됨", "the phone number is not valid"),
    "no_template": ("알림톡 템플릿 코드가 없음", "no AlimTalk template code"),
}

# which settings each provider's account reads (engine.settings_spec.SettingSpec.used_when): the settings page
# shows a field only while some channel goes out by a provider that reads it
SOLAPI_OR_ALIGO = (("sms.provider", ("solapi", "aligo")), ("kakao.provider", ("solapi", "aligo")),
                   ("kakao_brand.provider", ("solapi",)))
SOLAPI_ONLY = (("sms.provider", ("solapi",)), ("kakao.provider", ("solapi",)), ("kakao_brand.provider", ("solapi",)))
ANY_TEXT_PROVIDER = (("sms.provider", ("solapi", "aligo", "nhn")), ("kakao.provider", ("solapi", "aligo", "nhn")),
                     ("kakao_brand.provider", ("solapi", "nhn")))

ALIGO_USER = SettingSpec("aligo.user_id", "", _text(100), "알리고 아이디", "Aligo user ID",
                         used_when=(("sms.provider", ("aligo",)), ("kakao.provider", ("aligo",))))
KAKAO_SENDER_KEY = SettingSpec("kakao.sender_key", "", _text(200), "카카오 발신 프로필 키 (솔라피 pfId, 알리고 senderkey)",
                               "Kakao sending profile key (Solapi pfId, Aligo senderkey)",
                               used_when=(("kakao.provider", ("solapi", "aligo")), ("kakao_brand.provider", ("solapi",))))


def _need(get: Getter, key: str, what_en: str, what_ko: str, provider: str) -> str:
    value = str(get(key) or "").strip()
    if not value:
        raise ChannelSetupError(f"{provider} needs {what_en}; set it with `config set {key} …`",
                                f"{provider}로 보내려면 {what_ko}이(가) 필요합니다. 설정에서 입력하세요")
    return value


def same_account(get: Getter, name: str, key: str = "kakao.provider") -> None:
    """AlimTalk and Brand Messages go through the account the text messages use (one key, one sender number)."""
    sms = str(get("sms.provider") or "")
    if sms in ("solapi", "aligo", "nhn") and sms != name:
        raise ChannelSetupError(f"{key} is {name} but sms.provider is {sms}: both use the one account in "
                                "sms.api_key, so choose the same provider for both",
                                "카카오톡과 문자는 같은 발송 서비스 계정(API 키)을 씁니다. 두 채널에 같은 서비스를 고르세요")


_same_provider = same_account


def _solapi(get: Getter, ctx: WayContext, kakao: bool) -> Channel:
    from engine.delivery.adapters.solapi import SolapiChannel, SolapiSettings

    tag = "solapi:kakao" if kakao else "solapi:sms"
    made = ctx.made.get(tag)
    if made is None:
        if kakao:
            _same_provider(get, "solapi")
        settings = SolapiSettings(
            api_key=_need(get, "sms.api_key", "an API key (sms.api_key)", "API 키", "솔라피"),
            api_secret=_need(get, "sms.api_secret", "an API secret (sms.api_secret)", "API 시크릿", "솔라피"),
            sender=_need(get, "sms.sender", "a registered sender number (sms.sender)", "발신 번호", "솔라피"),
            pf_id=_need(get, KAKAO_SENDER_KEY.key, "the Kakao channel's pfId (kakao.sender_key)", "카카오 발신 프로필 키(pfId)",
                        "솔라피") if kakao else "")
        made = ctx.made[tag] = SolapiChannel(settings, kakao=kakao)
    return made


def _aligo(get: Getter, ctx: WayContext, kakao: bool) -> Channel:
    from engine.delivery.adapters.aligo import AligoChannel, AligoKakaoChannel, AligoSettings

    tag = "aligo:kakao" if kakao else "aligo:sms"
    made = ctx.made.get(tag)
    if made is None:
        if kakao:
            _same_provider(get, "aligo")
        settings = AligoSettings(
            user_id=_need(get, ALIGO_USER.key, "the Aligo user ID (aligo.user_id)", "알리고 아이디", "알리고"),
            api_key=_need(get, "sms.api_key", "the Aligo API key (sms.api_key)", "API 키", "알리고"),
            sender=_need(get, "sms.sender", "a registered sender number (sms.sender)", "발신 번호", "알리고"),
            sender_key=_need(get, KAKAO_SENDER_KEY.key, "the Kakao sending profile key (kakao.sender_key)",
                             "카카오 발신 프로필 키(senderkey)", "알리고") if kakao else "")
        made = ctx.made[tag] = AligoKakaoChannel(settings) if kakao else AligoChannel(settings)
    return made


def checker(build: Callable[[Getter, WayContext], Channel], provider_ko: str,
             provider_en: str) -> Callable[[Getter, WayContext], CheckResult]:
    def check(get: Getter, ctx: WayContext) -> CheckResult:
        channel = build(get, ctx)
        try:
            detail = channel.check()  # type: ignore[attr-defined]
        except SendError as exc:
            return CheckResult(False, str(exc), f"{provider_en}: {exc.code}")
        return CheckResult(True, f"{provider_ko}에 연결했습니다 ({detail})", f"connected to {provider_en}")

    return check


def _solapi_sms(get: Getter, ctx: WayContext) -> Channel:
    return _solapi(get, ctx, kakao=False)


def _solapi_kakao(get: Getter, ctx: WayContext) -> Channel:
    return _solapi(get, ctx, kakao=True)


def _aligo_sms(get: Getter, ctx: WayContext) -> Channel:
    return _aligo(get, ctx, kakao=False)


def _aligo_kakao(get: Getter, ctx: WayContext) -> Channel:
    return _aligo(get, ctx, kakao=True)


SOLAPI_SMS = Way("solapi", "솔라피 (Solapi)", "Solapi", _solapi_sms, checker(_solapi_sms, "솔라피", "Solapi"))
ALIGO_SMS = Way("aligo", "알리고 (Aligo)", "Aligo", _aligo_sms, checker(_aligo_sms, "알리고", "Aligo"))
SOLAPI_KAKAO = Way("solapi", "솔라피 알림톡 (실패하면 문자)", "Solapi AlimTalk (SMS if it fails)", _solapi_kakao,
                   checker(_solapi_kakao, "솔라피", "Solapi"))
ALIGO_KAKAO = Way("aligo", "알리고 알림톡 (실패하면 문자)", "Aligo AlimTalk (SMS if it fails)", _aligo_kakao,
                  checker(_aligo_kakao, "알리고", "Aligo"))
