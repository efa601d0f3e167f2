"""Compose one message: render subject and body, add the ad labels, count SMS/LMS bytes, price it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.channels import BY_NAME, DEFAULT_PRICES
from engine.messaging.adlaw import ShopInfo
from engine.messaging.render import Renderer, RenderError
from engine.messaging.sms import euckr_length


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
    """`channel`'s spec (engine/channels/) says whether there is a subject, how an ad is labelled, how the
    text is measured (its kind and limit) and what it costs."""
    spec = BY_NAME.get(channel)
    if spec is None:
        raise RenderError("unknown_channel", channel=channel)
    prices = prices or DEFAULT_PRICES
    is_ad = bool(params.get("is_ad")) or spec.ad_only  # a Brand Message is an ad whatever the node says
    if is_ad and not spec.ad_ready(shop):
        raise RenderError("ad_shop_info")
    subject = renderer.render(str(params.get("subject") or ""), variables) if spec.subject else ""
    body = renderer.render(str(params.get("body") or ""), variables)
    if not body.strip():
        raise RenderError("empty_body")
    subject, body = spec.labelled(subject, body, is_ad, shop)
    if spec.header is not None:
        subject = spec.header(params)
    length = euckr_length(body)
    kind = spec.measure(body, length)
    return ComposedMessage(subject, body, kind, is_ad, length, int(prices.get(kind, 0)))
