"""The ways out every channel can use: a folder (dry runs, pasting by hand) and the owner's webhook."""

from __future__ import annotations

import os

from engine.channels.spec import ChannelSetupError, CheckResult, Getter, Way, WayContext
from engine.delivery.adapters.base import Channel
from engine.settings_spec import SettingSpec, _web_address

# a secret: a webhook URL often carries a password (https://user:pw@…) or a token in its path or query
WEBHOOK_URL = SettingSpec("delivery.webhook_url", "",
                          _web_address("a webhook address", "웹훅 주소", "https://hooks.example.com/dangol",
                                       allow_userinfo=True),
                          "웹훅 주소", "Webhook URL", secret=True,
                          used_when=tuple((key, ("webhook",)) for key in ("sms.provider", "kakao.provider",
                                                                          "kakao_brand.provider", "email.provider")))
SETTINGS = (WEBHOOK_URL,)


def _file(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.file import FileChannel

    made = ctx.made.get("file")
    if made is None:
        made = ctx.made["file"] = FileChannel(ctx.folder)
    return made


def _file_check(get: Getter, ctx: WayContext) -> CheckResult:
    try:
        ctx.folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(ctx.folder, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        return CheckResult(False, f"메시지를 저장할 폴더에 쓸 수 없습니다: {ctx.folder}",
                           f"cannot write to the message folder {ctx.folder}")
    return CheckResult(True, f"메시지는 보내지 않고 이 폴더에 파일로 저장됩니다: {ctx.folder}",
                       f"messages are not sent but saved as files in {ctx.folder}")


def _webhook(get: Getter, ctx: WayContext) -> Channel:
    from engine.delivery.adapters.webhook import WebhookChannel

    made = ctx.made.get("webhook")
    if made is not None:
        return made
    url = str(get(WEBHOOK_URL.key) or "")  # in the keyring
    if not url:
        raise ChannelSetupError("a channel goes out by webhook but delivery.webhook_url is empty; "
                                "set it with `config set delivery.webhook_url URL`",
                                "웹훅으로 보내도록 했지만 웹훅 주소가 비어 있습니다. 설정에서 웹훅 주소를 입력하세요")
    try:
        made = ctx.made["webhook"] = WebhookChannel(url)
    except ValueError as exc:
        raise ChannelSetupError(str(exc), "웹훅 주소는 https:// 또는 http://로 시작해야 합니다") from None
    return made


FILE = Way("file", "파일로 저장 (보내지 않음)", "Save as files (send nothing)", _file, _file_check)
WEBHOOK = Way("webhook", "웹훅 (내 서버, Make, Zapier)", "Webhook (my server, Make, Zapier)", _webhook)
