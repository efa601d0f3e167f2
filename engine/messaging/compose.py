"""Compose one message: render subject and body, add the ad labels, count SMS/LMS bytes, price it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.messaging.adlaw import ShopInfo, label_message
from engine.messaging.render import Renderer, RenderError
from engine.messaging.sms import LMS_MAX, classify, euckr_length

DEFAULT_PRICES = {"sms": 20, "lms": 50, "kakao": 8, "email": 0}
# the longest text a channel takes, in characters (SMS/LMS are counted in EUC-KR bytes by sms.classify):
# an AlimTalk template holds at most 1,000 characters; an email body past 100,000 is a mistake
MAX_CHARS = {"kakao": 1000, "email": 100_000}


@dataclass(frozen=True)
class ComposedMessage:
    subject: str
    body: str
    kind: str  # sms | lms | kakao | email
    is_ad: bool
    byte_length: int
    cost_hint: int  # won, from the price settings


def compose(channel: str, params: Mapping[str, Any], variables: dict[str, Any], shop: ShopInfo,
            renderer: Renderer, prices: Mapping[str, int] | None = None) -> ComposedMessage:
    prices = prices or DEFAULT_PRICES
    is_ad = bool(params.get("is_ad"))
    if is_ad and not shop.ad_ready(channel):
        raise RenderError("ad_shop_info")
    subject = renderer.render(str(params.get("subject") or ""), variables) if channel == "email" else ""
    body = renderer.render(str(params.get("body") or ""), variables)
    if not body.strip():
        raise RenderError("empty_body")
    subject, body = label_message(channel, subject, body, is_ad, shop)
    length = euckr_length(body)
    if channel == "sms":
        kind = classify(body)
        if kind == "too_long":
            raise RenderError("too_long", bytes=length, limit=LMS_MAX)
    elif channel in MAX_CHARS:
        kind = channel
        if len(body) > MAX_CHARS[channel]:
            raise RenderError("too_long", chars=len(body), limit=MAX_CHARS[channel])
    else:
        raise RenderError("unknown_channel", channel=channel)
    return ComposedMessage(subject, body, kind, is_ad, length, int(prices.get(kind, 0)))
