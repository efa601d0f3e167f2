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


@lru_cache(maxsize=8)
def _shop(shop: ShopInfo) -> dict[str, Any]:
    return {"name": shop.name, "url": shop.url, "contact": shop.contact}


def message_variables(customer: dict[str, Any], shop: ShopInfo, data: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    last = customer.get("last_order_at")
    coupon = dict(data.get("coupon") or {})
    if coupon:
        amount = int(coupon.get("amount") or 0)
        coupon["discount"] = f"{amount}%" if coupon.get("discount_type") == "percent" else won(amount)
        expires = coupon.get("expires_at")
        if expires:
            from datetime import datetime

            local = shop_time(datetime.fromisoformat(expires), zone)
            coupon["expires_at"] = f"{local.year}년 {local.month}월 {local.day}일"
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
        "recommended": {"product": data.get("recommended_product", "")},
    }
