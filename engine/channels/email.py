"""Email: to the customer's address, with a subject; ads get `(광고)` in the subject and a sender footer.

Its ways out: a folder, the owner's webhook, or an SMTP server (engine/delivery/adapters/smtp.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from engine.channels import ways
from engine.channels.spec import (
    ChannelSetupError,
    ChannelSpec,
    CheckResult,
    Getter,
    MessageNode,
    Way,
    WayContext,
)
from engine.delivery.adapters.base import Channel
from engine.messaging.adlaw import label_email_ad
from engine.settings_spec import SettingSpec, _email_or_empty, _int, _text, choice_setting

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
SMTP_USE = (("email.provider", ("smtp",)),)  # the SMTP account: read only while email goes out by SMTP
SMTP_SECURITY = (("starttls", "STARTTLS (보통 587 포트)", "STARTTLS (usually port 587)"),
                 ("ssl", "SSL/TLS (보통 465 포트)", "SSL/TLS (usually port 465)"),
                 ("none", "암호화 없음 (이 PC의 중계 서버만)", "none (a relay on this PC only)"))


def smtp_settings(get: Getter, ctx: WayContext) -> object:
    from engine.delivery.adapters.smtp import SmtpSettings

    host = str(get("smtp.host") or "").strip()
    if not host:
        raise ChannelSetupError("email.provider is smtp but smtp.host is empty; set it with `config set smtp.host HOST`",
                                "SMTP로 보내도록 했지만 SMTP 서버가 비어 있습니다. 설정에서 SMTP 서버를 입력하세요")
    sender = str(get("email.from") or "").strip() or ctx.shop.email
    if not sender:
        raise ChannelSetupError("email.provider is smtp but neither email.from nor shop.email is set; set one with "
                                "`config set email.from ADDRESS`",
                                "보내는 사람 이메일이 없습니다. 설정에서 보내는 사람 이메일을 입력하세요")
    return SmtpSettings(host=host, port=int(get("smtp.port")), security=str(get("smtp.security")),
                        user=str(get("smtp.user") or ""), password=str(get("smtp.password") or "") if get("smtp.user") else "",
                        sender=sender, sender_name=ctx.shop.name, reply_to=ctx.shop.email,
                        unsubscribe=ctx.shop.email or sender)


def _smtp(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.smtp import SmtpChannel, SmtpSettings

    made = ctx.made.get("smtp")
    if made is None:
        settings = smtp_settings(get, ctx)
        assert isinstance(settings, SmtpSettings)
        made = ctx.made["smtp"] = SmtpChannel(settings, now=ctx.now)
    return made


def _smtp_check(get: Getter, ctx: WayContext) -> CheckResult:
    from engine.delivery.adapters.base import SendError
    from engine.delivery.adapters.smtp import SmtpChannel

    channel = _smtp(get, ctx)
    assert isinstance(channel, SmtpChannel)
    try:
        channel.check()
    except SendError as exc:
        return CheckResult(False, str(exc), f"SMTP {channel.settings.where()}: {exc.code}")
    login_ko, login_en = (" 로그인했습니다", " and logged in") if channel.settings.user else ("", "")
    return CheckResult(True, f"SMTP 서버 {channel.settings.where()}에 연결{'해' if login_ko else '했습니다'}{login_ko}",
                       f"connected to SMTP {channel.settings.where()}{login_en}")


SMTP = Way("smtp", "SMTP (내 메일 계정, 발송 서비스)", "SMTP (my mail account, a sending service)", _smtp, _smtp_check)
WAYS = (ways.FILE, SMTP, ways.WEBHOOK)


def _security_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    host = str(values["smtp.host"] or "").strip().lower()
    if values["smtp.security"] != "none" or not host or host in LOCAL_HOSTS or host.startswith("127."):
        return None
    return ("smtp.security none sends the password and the emails unencrypted: use it only for a relay on this PC "
            "(localhost); choose starttls or ssl for " + host,
            "암호화 없음은 비밀번호와 메일을 그대로 보냅니다. 이 PC의 중계 서버(localhost)에만 쓰고, 그 밖의 서버에는 "
            "STARTTLS나 SSL/TLS를 고르세요")


JOINT_CHECKS: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], tuple[str, str] | None]], ...] = ((("smtp.security", "smtp.host"), _security_problem),)

SPEC = ChannelSpec(
    name="email", label_ko="이메일", label_en="Email", address="email", consent="email",
    ways=WAYS, provider_key="email.provider",
    settings=(
        choice_setting("email.provider", "file", tuple((w.name, w.label_ko, w.label_en) for w in WAYS),
                       "이메일 보내는 방법", "How emails go out"),
        SettingSpec("email.from", "", _email_or_empty, "보내는 사람 이메일 (비우면 쇼핑몰 이메일)",
                    "From address (empty: the shop's email)"),
        SettingSpec("smtp.host", "", _text(200), "SMTP 서버", "SMTP host", used_when=SMTP_USE),
        SettingSpec("smtp.port", 587, _int(1, 65535), "SMTP 포트", "SMTP port", used_when=SMTP_USE),
        replace(choice_setting("smtp.security", "starttls", SMTP_SECURITY, "SMTP 보안", "SMTP security"),
                used_when=SMTP_USE),
        SettingSpec("smtp.user", "", _text(254), "SMTP 사용자", "SMTP user", used_when=SMTP_USE),
        SettingSpec("smtp.password", "", _text(500), "SMTP 비밀번호", "SMTP password", secret=True, used_when=SMTP_USE),
    ),
    prices={"email": None}, subject=True,
    max_chars=100_000,  # an email body past 100,000 characters is a mistake
    label=label_email_ad,
    node=MessageNode("이메일", "Email", "mail", "이메일을 보냅니다.", "Sends an email.", "이메일", "email"),
    reasons={
        "smtp_refused": ("메일 서버가 거절함", "the mail server refused it"),
        "smtp_busy": ("메일 서버가 지금은 받지 않음: 다시 시도", "the mail server is busy; trying again"),
        "smtp_login": ("SMTP 로그인 실패: 설정 확인", "the SMTP login failed; check the settings"),
        "smtp_unreachable": ("SMTP 서버에 연결할 수 없음: 다시 시도", "cannot reach the SMTP server; trying again"),
        "smtp_dropped": ("메일 서버가 연결을 끊음: 다시 시도", "the mail server dropped the connection; trying again"),
        "smtp_unconfirmed": ("보낸 뒤 서버 확인을 받지 못함: 확인 필요", "no answer after sending; held for review"),
        "smtp_tls": ("SMTP 암호화 연결 실패", "the SMTP encryption failed"),
        "smtp_no_tls": ("SMTP 서버가 STARTTLS를 지원하지 않음", "the SMTP server does not offer STARTTLS"),
        "smtp_certificate": ("SMTP 서버 인증서를 확인할 수 없음", "the SMTP server's certificate is not valid"),
        "bad_address": ("이메일 주소 형식이 잘못됨", "the email address is not valid"),
        "timeout": ("서버가 제때 응답하지 않음: 다시 시도", "the server did not answer in time; trying again"),
    },
)
