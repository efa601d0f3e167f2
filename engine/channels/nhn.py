"""NHN Cloud as a way out for text messages (`sms.provider nhn`) and KakaoTalk (`kakao.provider nhn`).

Its settings: each NHN service's app key (plain) and secret key (keyring), the Kakao channel's sender
key; the SMS sender number is the channel's own `sms.sender` (it must be registered with NHN Cloud).
The adapter is engine/delivery/adapters/nhn.py.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.channels.spec import ChannelSetupError, CheckResult, Getter, Way, WayContext
from engine.delivery.adapters.base import Channel
from engine.settings_spec import SettingSpec, _text

SMS_USE = (("sms.provider", ("nhn",)),)  # read only while some channel goes out by NHN Cloud (settings page)
KAKAO_USE = (("kakao.provider", ("nhn",)), ("kakao_brand.provider", ("nhn",)))
SMS_SETTINGS = (
    SettingSpec("sms.nhn_app_key", "", _text(100), "NHN Cloud 문자 앱 키", "NHN Cloud SMS app key", used_when=SMS_USE),
    SettingSpec("sms.nhn_secret_key", "", _text(200), "NHN Cloud 문자 시크릿 키", "NHN Cloud SMS secret key",
                secret=True, used_when=SMS_USE),
)
# failure codes the NHN adapter reports → (Korean, English)
REASONS: dict[str, tuple[str, str]] = {
    "nhn_login": ("NHN Cloud 로그인 실패: 앱 키·시크릿 키 확인", "NHN Cloud refused the app key or secret key"),
    "nhn_sender": ("NHN Cloud 발신 번호·발신 키 확인 필요", "the NHN Cloud sender number or sender key is not registered"),
    "nhn_quota": ("NHN Cloud 발송 한도 초과: 다시 시도", "the NHN Cloud send limit is reached; trying again"),
    "nhn_refused": ("NHN Cloud가 내용을 거절함", "NHN Cloud refused the text"),
    "nhn_optout": ("080 수신거부한 번호", "the number opted out by the 080 line"),
    "nhn_optout_setup": ("NHN Cloud 080 수신거부 설정 확인 필요", "the NHN Cloud 080 opt-out line is not set up"),
    "template": ("알림톡 템플릿 문제", "the AlimTalk template does not match"),
    "no_template": ("알림톡 템플릿 코드 없음", "no AlimTalk template code"),
    "ad_alimtalk": ("광고는 알림톡으로 보낼 수 없음", "an ad cannot go as AlimTalk"),
    "bad_number": ("전화번호가 올바르지 않음", "the phone number is not valid"),
    "rate_limited": ("발송 속도 제한: 다시 시도", "rate limited; trying again"),
    "provider_error": ("발송 업체 오류: 다시 시도", "the provider failed; trying again"),
    "network": ("발송 업체에 연결할 수 없음: 다시 시도", "cannot reach the provider; trying again"),
    "duplicate": ("같은 요청을 이미 받음: 확인 필요", "the provider already had this request; held for review"),
}

KAKAO_SETTINGS = (
    SettingSpec("kakao.nhn_app_key", "", _text(100), "NHN Cloud 알림톡 앱 키", "NHN Cloud AlimTalk app key",
                used_when=KAKAO_USE),
    SettingSpec("kakao.nhn_secret_key", "", _text(200), "NHN Cloud 알림톡 시크릿 키", "NHN Cloud AlimTalk secret key",
                secret=True, used_when=KAKAO_USE),
    SettingSpec("kakao.nhn_sender_key", "", _text(100), "카카오 발신 키 (NHN Cloud)", "Kakao sender key (NHN Cloud)",
                used_when=KAKAO_USE),
)


def _settings(get: Getter, ctx: WayContext, channel: str) -> object:
    from engine.delivery.adapters.nhn import NhnSettings

    app_key = str(get(f"{channel}.nhn_app_key") or "").strip()
    secret = str(get(f"{channel}.nhn_secret_key") or "").strip()
    what_ko = "문자" if channel == "sms" else "알림톡"
    if not app_key or not secret:
        raise ChannelSetupError(f"{channel}.provider is nhn but {channel}.nhn_app_key or {channel}.nhn_secret_key is empty; "
                                f"set them with `config set {channel}.nhn_app_key …`",
                                f"NHN Cloud로 {what_ko}를 보내도록 했지만 앱 키나 시크릿 키가 비어 있습니다. 설정에서 입력하세요")
    sender = str(get("sms.sender") or "").strip()
    sender_key = ""
    if channel == "sms" and not sender:
        raise ChannelSetupError("sms.provider is nhn but sms.sender is empty; set the number registered with NHN Cloud "
                                "with `config set sms.sender NUMBER`",
                                "발신 번호가 비어 있습니다. NHN Cloud에 등록한 발신 번호를 설정에서 입력하세요")
    if channel == "kakao":
        sender_key = str(get("kakao.nhn_sender_key") or "").strip()
        if not sender_key:
            raise ChannelSetupError("kakao.provider is nhn but kakao.nhn_sender_key is empty; set it with "
                                    "`config set kakao.nhn_sender_key KEY`",
                                    "카카오 발신 키가 비어 있습니다. NHN Cloud 콘솔의 발신 키를 설정에서 입력하세요")
    return NhnSettings(app_key=app_key, secret_key=secret, sender=sender, sender_key=sender_key,
                       title=ctx.shop.name)


def kakao_settings(get: Getter, ctx: WayContext, provider_key: str) -> object:
    """The Kakao Bizmessage settings (app key, secret key, sender key: one NHN service for AlimTalk and Brand
    Messages), for a channel whose provider setting is `provider_key`."""
    try:
        return _settings(get, ctx, "kakao")
    except ChannelSetupError as exc:
        raise ChannelSetupError(str(exc).replace("kakao.provider", provider_key), exc.ko) from None


def _sms(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.nhn import NhnSettings, NhnSms

    made = ctx.made.get("nhn_sms")
    if made is None:
        settings = _settings(get, ctx, "sms")
        assert isinstance(settings, NhnSettings)
        made = ctx.made["nhn_sms"] = NhnSms(settings)
    return made


def _kakao(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.nhn import NhnAlimTalk, NhnSettings

    made = ctx.made.get("nhn_kakao")
    if made is None:
        settings = _settings(get, ctx, "kakao")
        assert isinstance(settings, NhnSettings)
        made = ctx.made["nhn_kakao"] = NhnAlimTalk(settings)
    return made


def check_with(build: Callable[[Getter, WayContext], Channel], what_ko: str,
           what_en: str) -> Callable[[Getter, WayContext], CheckResult]:
    def check(get: Getter, ctx: WayContext) -> CheckResult:
        from engine.delivery.adapters.base import SendError

        channel = build(get, ctx)
        try:
            found = channel.check()  # type: ignore[attr-defined]
        except SendError as exc:
            return CheckResult(False, f"NHN Cloud {what_ko}: {exc}", f"NHN Cloud {what_en}: {exc.code}")
        return CheckResult(True, f"NHN Cloud {what_ko}에 로그인했습니다. {found}",
                           f"logged in to NHN Cloud {what_en}")

    return check


SMS = Way("nhn", "NHN Cloud", "NHN Cloud", _sms, check_with(_sms, "문자", "SMS"))
KAKAO = Way("nhn", "NHN Cloud", "NHN Cloud", _kakao, check_with(_kakao, "알림톡", "AlimTalk"))


