"""The channels, one module each, and the one list every part of the app reads.

Adding a channel: write `engine/channels/<name>.py` with its `SPEC` (see spec.py and docs/architecture.md)
and add it to `CHANNELS` below.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.channels import email, kakao, kakao_brand, owner, sms, ways
from engine.channels.spec import ChannelSetupError, ChannelSpec, CheckResult, Getter, Way, WayContext
from engine.delivery.adapters.base import Channel, OutgoingMessage, SendError
from engine.messaging.adlaw import ShopInfo
from engine.settings_spec import SettingSpec

__all__ = ["BY_NAME", "CHANNELS", "CUSTOMER_CHANNELS", "ChannelSetupError", "ChannelSpec", "CheckResult",
           "build_senders", "check", "consent_of", "prices", "send_test", "spec_of"]

CHANNELS: tuple[ChannelSpec, ...] = (sms.SPEC, kakao.SPEC, kakao_brand.SPEC, email.SPEC, owner.SPEC)

BY_NAME: dict[str, ChannelSpec] = {spec.name: spec for spec in CHANNELS}
CUSTOMER_CHANNELS = tuple(spec for spec in CHANNELS if spec.consent is not None)
# the consent an ad on each customer channel needs (read per message by delivery: a dict, no query)
CONSENT: dict[str, str] = {spec.name: spec.consent for spec in CHANNELS if spec.consent is not None}
# the consents customers give, each once (two channels may share one: AlimTalk and Brand Messages ask `kakao`)
CONSENTS: tuple[str, ...] = tuple(dict.fromkeys(spec.consent for spec in CUSTOMER_CHANNELS if spec.consent))
# when a channel itself takes nothing (Kakao's Brand Messages: 20:50–08:00), read per message by delivery
CLOSED_HOURS = {spec.name: spec.closed_hours for spec in CHANNELS if spec.closed_hours is not None}
# settings of the ways several channels share (the webhook), then each channel's own
SETTINGS: tuple[SettingSpec, ...] = (*(item for spec in CHANNELS for item in spec.settings), *ways.SETTINGS)
JOINT_CHECKS = email.JOINT_CHECKS


def spec_of(name: str) -> ChannelSpec | None:
    return BY_NAME.get(name)


def consent_of(name: str) -> str | None:
    return CONSENT.get(name)


def prices(get: Callable[[str], Any]) -> dict[str, int]:
    """Won per message of each kind (sms, lms, kakao, email…), from the price settings."""
    result: dict[str, int] = {}
    for spec in CHANNELS:
        for kind, key in spec.prices.items():
            result[kind] = int(get(key)) if key else 0
    return result


DEFAULT_PRICES = prices({item.key: item.default for item in SETTINGS}.__getitem__)  # the settings' defaults


def price_keys() -> dict[str, str]:
    return {kind: key for spec in CHANNELS for kind, key in spec.price_keys().items()}


def reason_texts() -> dict[str, tuple[str, str]]:
    """Every channel's failure codes → (Korean, English)."""
    return {code: text for spec in CHANNELS for code, text in spec.reasons.items()}


def way_of(spec: ChannelSpec, get: Getter) -> Way:
    """The way `spec` goes out by, from its provider setting (or the channel it follows)."""
    source = BY_NAME[spec.follows] if spec.follows else spec
    assert source.provider_key is not None
    name = str(get(source.provider_key) or "")
    way = source.way(name)
    if way is None:
        raise ChannelSetupError(f"{source.provider_key} is '{name}', which this version cannot send by; choose one of "
                                f"{', '.join(w.name for w in source.ways)} with `config set {source.provider_key} …`",
                                f"{source.label_ko}: 이 버전에서 쓸 수 없는 보내는 방법입니다 ('{name}'). 설정에서 다시 고르세요")
    return way


def shop_info(get: Getter) -> ShopInfo:
    return ShopInfo(name=str(get("shop.name")), contact=str(get("shop.contact")),
                    optout_number=str(get("shop.optout_number")), email=str(get("shop.email")),
                    url=str(get("shop.url")))


def _context(get: Getter, folder: Path, now: Callable[[], datetime]) -> WayContext:
    return WayContext(folder=folder, now=now, shop=shop_info(get))


def build_senders(get: Getter, folder: Path, now: Callable[[], datetime],
                  names: Iterable[str] | None = None) -> dict[str, Channel]:
    """An adapter for each channel, by its way (channels on one way share one adapter); ChannelSetupError
    says which setting is missing."""
    ctx = _context(get, folder, now)
    wanted = set(names) if names is not None else None
    return {spec.name: way_of(spec, get).build(get, ctx) for spec in CHANNELS
            if wanted is None or spec.name in wanted}


def check(name: str, get: Getter, folder: Path, now: Callable[[], datetime]) -> CheckResult:
    """Connect (and log in) by the channel's way, sending nothing."""
    spec = BY_NAME[name]
    way = way_of(spec, get)
    ctx = _context(get, folder, now)
    if way.check is None:
        return CheckResult(True, f"{spec.label_ko}: '{way.label_ko}' 방식은 미리 연결해 볼 것이 없습니다",
                           f"{spec.label_en}: nothing to connect to for '{way.label_en}'")
    return way.check(get, ctx)


TEST_TEXT = {
    "subject": "[단골여정] 테스트 메시지",
    "body": "단골여정에서 보낸 테스트 메시지입니다. 이 메시지가 보이면 발송 설정이 제대로 된 것입니다.",
}


def send_test(name: str, address: str, get: Getter, folder: Path, now: Callable[[], datetime]) -> CheckResult:
    """Send one test message to `address` (the owner's own) by the channel's way."""
    spec = BY_NAME[name]
    way = way_of(spec, get)
    if spec.header is not None and way.name not in ("file", "webhook"):  # AlimTalk: approved templates only
        return CheckResult(False, f"{spec.label_ko}: 알림톡은 카카오가 승인한 템플릿 문장만 보낼 수 있어 테스트 문장은 보낼 수 "
                                  "없습니다. '연결 테스트'로 키를 확인하고, 카카오톡 노드가 있는 여정으로 보내 보세요",
                           f"{spec.label_en}: AlimTalk sends approved templates only, so there is no test text to "
                           "send; use the connection test, then a journey with the KakaoTalk node")
    channel = build_senders(get, folder, now, [name])[name]
    subject, body = TEST_TEXT["subject"] if spec.subject else "", TEST_TEXT["body"]
    if spec.ad_only:  # a Brand Message is always an ad: the test goes labelled as one, to the owner's own phone
        shop = shop_info(get)
        if not spec.ad_ready(shop):
            return CheckResult(False, f"{spec.label_ko}: 광고라서 쇼핑몰 이름, 연락처, 무료수신거부 번호가 있어야 보낼 수 있습니다. "
                                      "설정의 쇼핑몰 항목을 채우세요",
                               f"{spec.label_en}: an ad needs the shop's name, contact and free opt-out number; fill "
                               "them in the shop settings")
        subject, body = spec.labelled(subject, body, True, shop)
    message = OutgoingMessage(f"test:{uuid.uuid4().hex}", name, spec.kind(body), address.strip(), subject, body,
                              spec.ad_only, 0)
    try:
        result = channel.send(message)
    except SendError as exc:
        return CheckResult(False, str(exc), f"{spec.label_en}: not sent ({exc.code})")
    finally:
        end = getattr(channel, "end_batch", None)
        if callable(end):
            end()
    return CheckResult(True, f"{spec.label_ko}: 테스트 메시지를 보냈습니다",
                       f"{spec.label_en}: test message sent ({result.provider_id})")


def labels(lang: str) -> Mapping[str, str]:
    return {spec.name: spec.text(lang) for spec in CHANNELS}
