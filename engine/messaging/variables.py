"""The variables a message template sees, built from a customer's facts and the enrollment."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from engine.clock import shop_time
from engine.messaging.adlaw import ShopInfo
from engine.messaging.render import first_name
from engine.money import won

_CUSTOMER_VARS = "_message_customer"  # kept in a customer's facts for their next message
# the ad channels a consent re-confirmation names, as the customer reads them
CONSENT_CHANNEL_NAMES = {"sms": "문자", "email": "이메일", "kakao": "카카오톡"}
_NO_CONSENT = {"since": "", "channels": ""}  # shared: templates read variables, never change them


@lru_cache(maxsize=8)
def _shop(shop: ShopInfo) -> dict[str, Any]:
    return {"name": shop.name, "url": shop.url, "contact": shop.contact}


def korean_date(moment: Any, zone: ZoneInfo) -> str:
    """An instant (aware, or ISO text) as the shop's calendar day: "2026년 3월 16일"."""
    from datetime import datetime

    local = shop_time(datetime.fromisoformat(moment) if isinstance(moment, str) else moment, zone)
    return f"{local.year}년 {local.month}월 {local.day}일"


def _consent(data: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """A consent re-confirmation's facts (trigger.date, consent_renewal): since when, to which channels."""
    consent = data.get("consent")
    if not consent:
        return _NO_CONSENT
    since = consent.get("since")
    channels = [str(c) for c in consent.get("channels") or []]
    return {"since": korean_date(since, zone) if since else "",
            "channels": ", ".join(CONSENT_CHANNEL_NAMES.get(c, c) for c in channels)}


def message_variables(customer: dict[str, Any], shop: ShopInfo, data: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    last = customer.get("last_order_at")
    coupon = dict(data.get("coupon") or {})
    if coupon:
        amount = int(coupon.get("amount") or 0)
        coupon["discount"] = f"{amount}%" if coupon.get("discount_type") == "percent" else won(amount)
        expires = coupon.get("expires_at")
        if expires:
            coupon["expires_at"] = korean_date(expires, zone)
    order = dict(data.get("order") or {})
    cart = dict(data.get("cart") or {})
    for bag in (order, cart):
        items = bag.get("items") or []
        bag.setdefault("first_product", items[0].get("name", "") if items and isinstance(items[0], dict) else "")
        bag.setdefault("amount", 0)
        bag.setdefault("items", items)
    order.setdefault("id", "")
    who = customer.get(_CUSTOMER_VARS)  # the same for each message of this customer in a batch
    if who is None:
        who = customer[_CUSTOMER_VARS] = {
            "name": customer.get("name", ""),
            "first_name": first_name(customer.get("name", "")),
            "email": customer.get("email", ""),
            "phone": customer.get("phone", ""),
            "total_spent": customer.get("total_spent", 0),
            "order_count": customer.get("order_count", 0),
            "last_order_at": shop_time(last, zone).date().isoformat() if last else "",
        }
    return {
        "customer": who,  # shared: the renderer's sandbox lets a template read variables, never change them
        "shop": _shop(shop),
        "coupon": {"code": "", "discount": "", "expires_at": "", **coupon},
        "order": order,
        "cart": cart,
        # what others bought with what this customer bought (engine/customers/recommend.py), when a text asks
        "recommended": {"product": customer.get("recommended_product") or data.get("recommended_product", "")},
        "consent": _consent(data, zone),
    }
